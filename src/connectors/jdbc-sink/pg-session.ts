import type pg from 'pg';
import type { ConnectLogger } from '../../connect/api/index.js';
import type { PostgresConnection } from '../postgres/connection.js';
import { isTransientError } from '../postgres/errors.js';
import { openClient } from '../postgres/open-client.js';

// The sink's one PostgreSQL session: opened when first needed, dropped after any failure so the
// next write starts clean, reopened connection.attempts times connection.backoff.ms apart.

export interface SessionOptions {
  readonly connection: PostgresConnection;
  readonly attempts: number;
  readonly backoffMs: number;
  /** The session's TimeZone (db.timezone); the connection itself starts in UTC. */
  readonly timeZone: string;
  /** Aborted when the task stops: no more attempts, and no waiting for the next. */
  readonly stopping?: AbortSignal;
}

export class PgSession {
  private client: pg.Client | undefined;
  private broken = false;
  private readonly options: SessionOptions;
  private readonly logger: ConnectLogger;

  constructor(options: SessionOptions, logger: ConnectLogger) {
    this.options = options;
    this.logger = logger;
  }

  /** The open session, connecting when there is none (or the server ended it). */
  async get(): Promise<pg.Client> {
    if (this.client !== undefined && !this.broken) return this.client;
    await this.close();
    const { attempts, backoffMs, timeZone } = this.options;
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const client = await openClient(this.options.connection, {
          applicationName: 'sluice-jdbc-sink',
          sessionTimeZone: timeZone.toUpperCase() === 'UTC' ? undefined : timeZone,
          // The server ended the idle session: the next write opens a new one.
          onError: (err, client) => {
            if (this.client === client) this.broken = true;
            this.logger.debug(`PostgreSQL session ended: ${err.message}`);
          },
        });
        this.client = client;
        this.broken = false;
        return client;
      } catch (err) {
        lastError = err;
        if (!isTransientError(err) || this.options.stopping?.aborted) throw err;
        if (attempt < attempts) await pause(backoffMs, this.options.stopping);
        if (this.options.stopping?.aborted) throw err;
      }
    }
    throw lastError;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.broken = false;
    if (client !== undefined) await client.end().catch(() => {});
  }
}

/** Waits `ms`, or less when the task stops. */
function pause(ms: number, stopping: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stopping?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    stopping?.addEventListener('abort', done, { once: true });
  });
}
