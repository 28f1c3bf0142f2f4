import type pg from 'pg';
import type { ConnectLogger } from '../../connect/api/index.js';
import { describeServer, type PostgresConnection } from '../postgres/connection.js';
import { databaseMessage } from '../postgres/errors.js';
import { openClient } from '../postgres/open-client.js';
import type { TimeZone } from './instants.js';

// One connection for a task or the connector, with Confluent's connection.attempts and
// connection.backoff.ms: failed attempts are counted across calls (the caller waits until
// `retryAt` between them, in steps short enough for poll), and the last one throws.

export interface SessionOptions {
  readonly attempts: number;
  readonly backoffMs: number;
  readonly timeZone: TimeZone;
  readonly applicationName: string;
  readonly logger: ConnectLogger;
  /** Told when the connection is lost or an attempt fails (the reason), and when one opens (null). */
  readonly retrying?: (reason: string | null) => void;
}

export class DatabaseSession {
  /** When the next connection attempt is due (epoch ms). */
  retryAt = 0;
  private client: pg.Client | null = null;
  private failures = 0;
  /** Whether the worker was told of a failure not yet followed by a connection. */
  private retryingReported = false;
  private closed = false;
  private readonly connection: PostgresConnection;
  private readonly options: SessionOptions;

  constructor(connection: PostgresConnection, options: SessionOptions) {
    this.connection = connection;
    this.options = options;
  }

  get connected(): boolean {
    return this.client !== null;
  }

  /**
   * The open connection, or one new attempt at it. Null when the attempt failed (or the next is not
   * due yet); throws once `connection.attempts` attempts in a row have failed.
   */
  async connect(): Promise<pg.Client | null> {
    if (this.client !== null) return this.client;
    if (this.closed || Date.now() < this.retryAt) return null;
    let c: pg.Client;
    try {
      c = await openClient(this.connection, {
        applicationName: this.options.applicationName,
        sessionTimeZone: this.options.timeZone.isUtc ? undefined : this.options.timeZone.name,
        // A server that goes away while the connection idles: the next query fails and reconnects.
        onError: (err) => this.options.logger.debug(`PostgreSQL connection error: ${err.message}`),
      });
    } catch (err) {
      this.failures++;
      const message = databaseMessage(err);
      if (this.failures >= this.options.attempts) {
        throw new Error(
          `Could not connect to PostgreSQL at ${describeServer(this.connection)} after ${this.failures} attempt(s): ${message}`,
          { cause: err },
        );
      }
      this.retryAt = Date.now() + this.options.backoffMs;
      this.retryingReported = true;
      this.options.retrying?.(
        `Could not connect to PostgreSQL at ${describeServer(this.connection)}: ${message}`,
      );
      this.options.logger.warn(
        `Connection attempt ${this.failures} of ${this.options.attempts} to ${describeServer(this.connection)} failed (${message}); retrying in ${this.options.backoffMs} ms`,
      );
      return null;
    }
    if (this.closed) {
      await c.end().catch(() => {});
      return null;
    }
    if (this.retryingReported) this.options.retrying?.(null);
    this.retryingReported = false;
    this.failures = 0;
    this.client = c;
    return c;
  }

  /** Forgets a connection that failed; the next `connect` opens a new one. */
  lost(err: unknown): void {
    this.options.logger.warn(
      `Lost the connection to PostgreSQL at ${describeServer(this.connection)} (${(err as Error).message}); reconnecting`,
    );
    this.retryingReported = true;
    this.options.retrying?.(
      `Lost the connection to PostgreSQL at ${describeServer(this.connection)}: ${(err as Error).message}`,
    );
    const c = this.client;
    this.client = null;
    this.retryAt = 0;
    c?.end().catch(() => {});
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => {});
  }
}

/** Connects with every attempt and backoff (for the connector's start), or throws the last failure. */
export async function connectWithRetries(
  session: DatabaseSession,
  sleep: (ms: number) => Promise<boolean>,
): Promise<pg.Client> {
  for (;;) {
    const client = await session.connect();
    if (client !== null) return client;
    if (!(await sleep(Math.max(0, session.retryAt - Date.now()))))
      throw new Error('Stopped while connecting to PostgreSQL.');
  }
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(done, ms, true);
    function done(completed: boolean) {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(completed);
    }
    function onAbort() {
      done(false);
    }
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
