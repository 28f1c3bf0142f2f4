import type pg from 'pg';
import { LogicalReplicationService, type Pgoutput, PgoutputPlugin } from 'pg-logical-replication';
import { formatLsn, parseLsn } from './lsn.js';

// The pgoutput stream of a slot (protocol version 1), through pg-logical-replication. Messages are
// handed over one at a time and the next waits for the previous handler (its flow control pauses
// the socket meanwhile). Nothing is confirmed automatically: PostgreSQL only learns the position
// the connector passes to `confirm`, re-sent every status interval as the keepalive it expects.

export type WalMessage = Pgoutput.Message;

export interface WalHandlers {
  /** One decoded message; the next is not handed over until the returned promise settles. */
  message(lsn: bigint, message: WalMessage): Promise<void>;
  /**
   * A server keepalive at `lsn`, sent after `messages` messages (of which `begins` BEGINs) were
   * received: once those are handled and their transactions confirmed, `lsn` may be confirmed too.
   */
  keepalive(lsn: bigint, messages: number, begins: number): void;
  /** The stream failed or ended without `stop`. */
  failed(error: Error): void;
}

/** PostgreSQL ended the stream without an error (a walsender shutting down with its server). */
export class StreamEndedError extends Error {
  constructor() {
    super('The replication stream ended unexpectedly (the server closed it).');
    this.name = 'StreamEndedError';
  }
}

/**
 * The slot is gone: found missing when the task (re)connects, or dropped in the moment between
 * that check and START_REPLICATION. Not retriable: what it held since last read is lost.
 */
export class SlotGoneError extends Error {
  constructor(slot: string, options?: ErrorOptions) {
    super(
      `Replication slot ${slot} no longer exists (was it dropped?): changes made since it was last read cannot be streamed. Restart the task to create the slot anew (changes made meanwhile are lost), or take a new snapshot.`,
      options,
    );
    this.name = 'SlotGoneError';
  }
}

/** SQLSTATE undefined_object: START_REPLICATION's answer for a slot that does not exist. */
const UNDEFINED_OBJECT = '42704';

const identity = (text: unknown) => text;

/** pgoutput, with values kept as PostgreSQL's text and every received message counted. */
class TextPgoutputPlugin extends PgoutputPlugin {
  received = 0;
  begins = 0;

  override parse(buffer: Buffer): WalMessage {
    const message = super.parse(buffer);
    this.received++;
    if (message.tag === 'begin') this.begins++;
    // The parser caches relations and decodes later tuples with these column parsers.
    if (message.tag === 'relation') for (const c of message.columns) c.parser = identity;
    return message;
  }
}

export class WalStream {
  private readonly service: LogicalReplicationService;
  private readonly plugin: TextPgoutputPlugin;
  private confirmed: bigint;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private ended: Promise<void> = Promise.resolve();
  private readonly slot: string;
  private readonly statusIntervalMs: number;
  private readonly handlers: WalHandlers;

  /** `confirmed` is the slot's confirmed position: never report less. */
  constructor(
    config: pg.ClientConfig,
    slot: string,
    publication: string,
    confirmed: bigint,
    statusIntervalMs: number,
    handlers: WalHandlers,
  ) {
    this.slot = slot;
    this.statusIntervalMs = statusIntervalMs;
    this.handlers = handlers;
    this.confirmed = confirmed;
    this.plugin = new TextPgoutputPlugin({ protoVersion: 1, publicationNames: [publication] });
    this.service = new LogicalReplicationService(config, {
      acknowledge: { auto: false, timeoutSeconds: 0 },
      flowControl: { enabled: true },
    });
    this.service.on('data', (lsn: string, message: WalMessage) =>
      this.handlers.message(parseLsn(lsn), message),
    );
    this.service.on('heartbeat', (lsn: string, _timestamp: number, shouldRespond: boolean) => {
      this.handlers.keepalive(parseLsn(lsn), this.plugin.received, this.plugin.begins);
      if (shouldRespond) this.sendStatus();
    });
    this.service.on('error', (err: Error) => {
      if (!this.stopping) this.handlers.failed(err);
    });
  }

  /** Starts streaming at `from` (PostgreSQL starts at the slot's confirmed position if that is later). */
  async start(from: bigint): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      let started = false;
      this.service.once('start', () => {
        started = true;
        resolve();
      });
      this.ended = this.service.subscribe(this.plugin, this.slot, formatLsn(from)).then(
        () => {
          if (!this.stopping) this.handlers.failed(new StreamEndedError());
        },
        (err: Error) => {
          if (!started)
            reject(
              (err as { code?: unknown }).code === UNDEFINED_OBJECT
                ? new SlotGoneError(this.slot, { cause: err })
                : err,
            );
          else if (!this.stopping) this.handlers.failed(err);
        },
      );
    });
    this.timer = setInterval(() => this.sendStatus(), this.statusIntervalMs);
    this.timer.unref();
  }

  /** Lets PostgreSQL recycle WAL before `lsn`: every change before it is durably delivered. */
  confirm(lsn: bigint): void {
    if (lsn <= this.confirmed) return;
    this.confirmed = lsn;
    this.sendStatus();
  }

  private sendStatus(): void {
    if (this.stopping || this.confirmed <= 0n) return;
    // acknowledge() reports the position after the one given.
    void this.service.acknowledge(formatLsn(this.confirmed - 1n)).catch(() => {});
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.service.stop().catch(() => {});
    await this.ended.catch(() => {});
    this.service.removeAllListeners();
  }
}
