import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type {
  ConnectHeader,
  SourceOffset,
  SourcePartition,
  SourceRecord,
  SourceTask,
  SourceTaskContext,
} from '../../connect/api/index.js';
import { clientConfig } from '../postgres/connection.js';
import { databaseMessage, isTransientError } from '../postgres/errors.js';
import { Catalog } from './catalog.js';
import { ChangeBuffer } from './change-buffer.js';
import { CONNECTOR_VERSION, changeRecord, contextHeaders, eventTime, sequenceOf } from './change-events.js';
import { CommitTracker } from './commit-tracker.js';
import { type CdcConfig, readCdcConfig } from './config.js';
import { CaptureFilter, type TableId } from './filters.js';
import { formatLsn, lsnFromOffset } from './lsn.js';
import {
  checkServer,
  createSlot,
  createSlotWithSnapshot,
  dropSlot,
  type ExportedSlot,
  ensurePublication,
  inactiveSlot,
} from './replication-setup.js';
import { SnapshotReader } from './snapshot-reader.js';
import { type ResumePoint, StreamDecoder } from './stream-decoder.js';
import { tableSchemaOf } from './table-schema.js';
import { SlotGoneError, StreamEndedError, WalStream } from './wal-stream.js';

const APPLICATION_NAME = 'sluice-debezium-postgres';
/** How long to wait for a slot still held by a previous run's walsender. */
const SLOT_WAIT_MS = 10_000;
/** How long closing a connection of a lost session may take (a dead peer may never answer). */
const CLOSE_TIMEOUT_MS = 5_000;

/** Errors a reconnect can cure: the server away, restarting or overloaded, a connection lost. */
function retriable(error: unknown): boolean {
  return error instanceof StreamEndedError || isTransientError(error);
}

/** Waits for `promise`, at most `ms`; never rejects. */
async function settled(promise: Promise<unknown> | undefined, ms: number): Promise<void> {
  if (promise === undefined) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.catch(() => {}),
    new Promise((r) => {
      timer = setTimeout(r, ms);
    }),
  ]);
  clearTimeout(timer);
}

interface SnapshotRun {
  readonly reader: SnapshotReader;
  /** The slot position the snapshot matches (0 when it was not exported from the slot). */
  readonly lsn: bigint;
}

interface Keepalive {
  readonly lsn: bigint;
  readonly messages: number;
  readonly begins: number;
}

/** True when the offset shows a snapshot that started and never wrote its last record. */
function snapshotInterrupted(offset: SourceOffset | null): boolean {
  return offset !== null && offset.snapshot === true && offset.last_snapshot_record !== true;
}

/**
 * The single task of the PostgreSQL connector: sets up the publication and slot, snapshots the
 * tables if the snapshot mode asks, then streams changes. PostgreSQL is told a position is
 * confirmed only once the runtime has written every record before it and committed their offsets.
 *
 * The connections, the buffer and the commit tracking form a session. When a retriable error ends
 * one (the server restarted, the connection was lost), the session is closed, records not yet
 * handed to the runtime are dropped, and after `retriable.restart.connector.wait.ms` a new session
 * starts as a task restart would: from the slot and the offsets the runtime committed. Records
 * handed over but not committed may come again (at-least-once); none is lost.
 */
export class PostgresCdcTask implements SourceTask {
  private context!: SourceTaskContext;
  private config!: CdcConfig;
  private pgConfig!: pg.ClientConfig;
  private partition!: SourcePartition;
  private filter!: CaptureFilter;
  private meta: pg.Client | undefined;
  private catalog!: Catalog;
  private tracker = new CommitTracker();
  private buffer = new ChangeBuffer(1);
  private exported: ExportedSlot | undefined;
  private snapshot: SnapshotRun | undefined;
  private stream: WalStream | undefined;
  /** How streaming starts once the snapshot is done; null when it never does (initial_only). */
  private streamPlan: { from: bigint; confirmed: bigint; resume: ResumePoint | null } | null = null;
  private failure: Error | undefined;
  private stopped = false;
  private wakeIdle: (() => void) | undefined;
  private handled = 0;
  private seqBase = 0;
  private keepalive: Keepalive | undefined;
  /** Numbers the sessions: callbacks of a closed session's connections are ignored. */
  private session = 0;
  /** True once this run's snapshot (if any) has been handed over in full: a reconnect only streams. */
  private snapshotFinished = false;
  /** The reconnect loop, while one runs. */
  private recovery: Promise<void> | undefined;
  private wakeRetry: (() => void) | undefined;
  /** Debezium's context headers for this run of the task. */
  private headers: readonly ConnectHeader[] = [];

  version(): string {
    return CONNECTOR_VERSION;
  }

  /** The slot's lag: WAL written since the position PostgreSQL was last told is confirmed. */
  async lagBytes(): Promise<number | null> {
    const meta = this.meta;
    if (meta === undefined) return null;
    const { rows } = await meta.query<{ lag: string | null }>(
      'select pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::text as lag from pg_replication_slots where slot_name = $1',
      [this.config.slotName],
    );
    const lag = rows[0]?.lag;
    return lag === undefined || lag === null ? null : Math.max(0, Number(lag));
  }

  initialize(context: SourceTaskContext): void {
    this.context = context;
  }

  async start(props: Readonly<Record<string, string>>): Promise<void> {
    const config = readCdcConfig(props);
    this.config = config;
    this.pgConfig = clientConfig(config.connection, APPLICATION_NAME);
    this.partition = { server: config.topicPrefix };
    this.headers = contextHeaders(config.topicPrefix, randomUUID());
    this.filter = new CaptureFilter(config);
    this.buffer = new ChangeBuffer(config.maxQueueSize);
    await this.open(false);
    if (this.stopped) await this.cleanup();
  }

  /**
   * Starts a session from the committed offsets and the slot. A reconnect after this run's
   * snapshot was handed over only streams, and needs the slot to be still there.
   */
  private async open(reconnect: boolean): Promise<void> {
    const session = this.session;
    const meta = new pg.Client(this.pgConfig);
    // A lost connection must end the session (through poll), not crash the worker.
    meta.on('error', (err) => this.fail(err, session));
    this.meta = meta;
    await meta.connect();
    this.catalog = new Catalog(meta);
    await checkServer(meta);

    const offset = await this.context.offsetStorageReader.offset(this.partition);
    const interrupted = snapshotInterrupted(offset);
    const mode = this.config.snapshotMode;
    const snapshotDone = (offset !== null && !interrupted) || (reconnect && this.snapshotFinished);
    const wantSnapshot =
      (mode === 'always' && !(reconnect && this.snapshotFinished)) ||
      ((mode === 'initial' || mode === 'initial_only') && !snapshotDone);
    const wantStream = mode !== 'initial_only';
    const tables = await this.catalog.tables((id) => this.filter.table(id));
    const streamOnly = reconnect && !wantSnapshot;
    if (wantStream) await this.prepareSlot(meta, tables, offset, wantSnapshot, interrupted, streamOnly);
    if (wantSnapshot) await this.openSnapshot(tables);
    else {
      this.snapshotFinished = true;
      if (this.streamPlan !== null) await this.startStreaming();
    }
  }

  /** Ensures the publication and the slot, and plans where streaming starts. */
  private async prepareSlot(
    meta: pg.Client,
    tables: readonly { id: TableId }[],
    offset: SourceOffset | null,
    wantSnapshot: boolean,
    interrupted: boolean,
    streamOnly: boolean,
  ): Promise<void> {
    const { config } = this;
    const log = this.context.logger;
    await ensurePublication(
      meta,
      config.publicationName,
      config.publicationMode,
      tables.map((t) => t.id),
    );
    let slot = await inactiveSlot(meta, config.slotName, SLOT_WAIT_MS);
    if (slot !== null && wantSnapshot && interrupted) {
      // Nothing was streamed from this slot yet: recreating it lets the new snapshot be exported
      // from it, so snapshot and stream meet exactly again.
      log.info(`The previous snapshot was interrupted: recreating slot ${config.slotName} for a new one`);
      await dropSlot(meta, config.slotName);
      slot = null;
    }
    if (slot === null && streamOnly) throw new SlotGoneError(config.slotName);
    let confirmed: bigint;
    if (slot === null) {
      if (wantSnapshot) {
        this.exported = await createSlotWithSnapshot(this.pgConfig, config.slotName);
        confirmed = this.exported.consistentPoint;
      } else {
        confirmed = await createSlot(meta, config.slotName);
        if (offset !== null)
          log.warn(
            `Replication slot ${config.slotName} was missing and has been created: changes made since the last run may be lost`,
          );
      }
      log.info(`Created replication slot ${config.slotName} at ${formatLsn(confirmed)}`);
    } else {
      confirmed = slot.confirmedFlush;
      if (wantSnapshot)
        log.info(
          `Taking a snapshot while slot ${config.slotName} already exists: changes since its position are streamed after the snapshot (some may repeat)`,
        );
    }
    // Resume where the committed offsets say, which may be past what PostgreSQL was last told
    // (also after a snapshot of `always`: changes already delivered as events are not repeated).
    const commitLsn = lsnFromOffset(offset?.lsn_commit);
    const resume =
      this.exported === undefined && commitLsn > 0n
        ? { commitLsn, events: typeof offset?.event_serial_no === 'number' ? offset.event_serial_no : 0 }
        : null;
    this.streamPlan = {
      from: resume !== null && resume.commitLsn > confirmed ? resume.commitLsn : 0n,
      confirmed,
      resume,
    };
  }

  /** Starts reading the tables, in the slot's exported snapshot when there is one. */
  private async openSnapshot(tables: readonly { id: TableId; oid: number }[]): Promise<void> {
    const schemas = [];
    // In table.include.list's order, then by name (the catalog's order; sort is stable).
    const ordered = [...tables].sort(
      (a, b) => this.filter.snapshotRank(a.id) - this.filter.snapshotRank(b.id),
    );
    for (const t of ordered) {
      const description = await this.catalog.describe(t.oid);
      if (description !== null)
        schemas.push(
          tableSchemaOf(description, {
            prefix: this.config.topicPrefix,
            filter: this.filter,
            modes: this.config.modes,
          }),
        );
    }
    const reader = await SnapshotReader.open(this.pgConfig, this.exported?.snapshotName ?? null, schemas);
    // The snapshot is imported: the replication connection that exported it may go.
    await this.closeExported();
    this.snapshot = { reader, lsn: this.exported?.consistentPoint ?? this.streamPlan?.confirmed ?? 0n };
    this.tracker.begin();
    this.context.logger.info(`Snapshot of ${schemas.length} table(s) started`);
  }

  async poll(): Promise<SourceRecord[] | null> {
    if (this.failure !== undefined) throw this.failure;
    if (this.stopped) return null;
    if (this.recovery !== undefined) return this.idle();
    if (this.snapshot !== undefined) return this.pollSnapshot(this.snapshot);
    if (this.stream === undefined) return this.idle();
    const buffer = this.buffer;
    const records = await buffer.take(this.config.maxBatchSize, this.config.pollIntervalMs);
    if (this.failure !== undefined) throw this.failure;
    // Records of a session closed meanwhile are not handed over: the next session repeats them.
    if (buffer !== this.buffer) return null;
    return records.length > 0 ? records : null;
  }

  private async pollSnapshot(run: SnapshotRun): Promise<SourceRecord[] | null> {
    const session = this.session;
    let batch: Awaited<ReturnType<SnapshotReader['next']>>;
    try {
      batch = await run.reader.next(this.config.maxBatchSize);
    } catch (err) {
      // stop() (or the end of the session) closes the snapshot connection under a running fetch.
      if (this.stopped || session !== this.session) return null;
      this.fail(err as Error, session);
      if (this.failure !== undefined) throw this.failure;
      return null;
    }
    if (this.stopped || session !== this.session) return null;
    const { rows, done } = batch;
    const time = eventTime(BigInt(Date.now()) * 1000n);
    const records = rows.map((row, i) => {
      const last = done && i === rows.length - 1;
      const record = changeRecord(
        row.table,
        'r',
        row.table.key(row.values),
        null,
        row.table.row(row.values, 'unavailable'),
        {
          partition: this.partition,
          offset: {
            lsn: Number(run.lsn),
            txId: run.reader.txId,
            ts_usec: time.us,
            snapshot: true,
            last_snapshot_record: last,
          },
          source: {
            serverName: this.config.topicPrefix,
            db: this.config.connection.database,
            time,
            snapshot: row.marker,
            sequence: sequenceOf(null, run.lsn),
            txId: run.reader.txId,
            lsn: run.lsn,
          },
        },
        this.headers,
      );
      this.tracker.add(record);
      return record;
    });
    if (done) {
      this.tracker.complete(run.lsn);
      this.snapshot = undefined;
      this.snapshotFinished = true;
      await run.reader.close();
      this.context.logger.info('Snapshot completed');
      if (this.streamPlan !== null && !this.stopped && session === this.session) {
        try {
          await this.startStreaming();
        } catch (err) {
          // The snapshot's records are handed over all the same; a reconnect then only streams.
          this.fail(err as Error, session);
        }
      }
    }
    return records.length > 0 ? records : null;
  }

  private async startStreaming(): Promise<void> {
    const plan = this.streamPlan;
    if (plan === null) return;
    const session = this.session;
    const buffer = this.buffer;
    const decoder = new StreamDecoder(
      {
        serverName: this.config.topicPrefix,
        db: this.config.connection.database,
        partition: this.partition,
        filter: this.filter,
        modes: this.config.modes,
        tombstonesOnDelete: this.config.tombstonesOnDelete,
        headers: this.headers,
      },
      this.catalog,
      this.tracker,
      plan.resume,
    );
    this.seqBase = this.tracker.lastSeq;
    const stream = new WalStream(
      this.pgConfig,
      this.config.slotName,
      this.config.publicationName,
      plan.confirmed,
      this.config.statusUpdateIntervalMs,
      {
        message: async (lsn, message) => {
          if (session !== this.session) return;
          const records = await decoder.decode(lsn, message);
          if (records.length > 0) await buffer.put(records);
          if (session !== this.session) return;
          this.handled++;
          if (message.tag === 'commit') this.confirmReady();
          else this.confirmKeepalive();
        },
        keepalive: (lsn, messages, begins) => {
          if (session !== this.session) return;
          this.keepalive = { lsn, messages, begins };
          this.confirmKeepalive();
        },
        failed: (error) => this.fail(error, session),
      },
    );
    this.stream = stream;
    await stream.start(plan.from);
    if (session !== this.session) return;
    this.context.logger.info(`Streaming changes from slot ${this.config.slotName}`);
  }

  /**
   * An error of session `session`: a retriable one closes the session and reconnects (unless
   * errors.max.retries=0), any other fails the task through poll.
   */
  private fail(error: Error, session: number): void {
    if (this.stopped || session !== this.session || this.failure !== undefined) return;
    // While reconnecting, the reconnect loop decides on the errors of the session it opens.
    if (this.recovery !== undefined) return;
    if (this.config.maxRetries === 0 || !retriable(error)) {
      this.failure = error;
    } else {
      this.recovery = this.reconnect(error);
    }
    this.buffer.wakeReader();
    this.wakeIdle?.();
  }

  /** Closes the lost session and opens new ones, waiting between attempts, until one starts. */
  private async reconnect(first: Error): Promise<void> {
    const log = this.context.logger;
    const max = this.config.maxRetries;
    const wait = this.config.retryWaitMs;
    let error: unknown = first;
    try {
      for (let attempt = 1; ; attempt++) {
        const what =
          attempt === 1 ? 'Lost the connection to PostgreSQL' : 'Could not reconnect to PostgreSQL';
        log.warn(
          `${what}: ${databaseMessage(error)}; reconnecting in ${wait} ms (attempt ${attempt}${max < 0 ? '' : ` of ${max}`})`,
        );
        this.context.retrying?.(`${what}: ${databaseMessage(error)}`);
        await this.closeSession();
        await this.pause(wait);
        if (this.stopped) return;
        try {
          await this.open(true);
          if (!this.stopped) log.info(`Reconnected to PostgreSQL after ${attempt} attempt(s)`);
          this.context.retrying?.(null);
          return;
        } catch (err) {
          if (this.stopped) return;
          if (!retriable(err)) {
            this.failure = err as Error;
            return;
          }
          if (max >= 0 && attempt >= max) {
            this.failure = new Error(
              `Could not reconnect to PostgreSQL after ${attempt} attempt(s) (errors.max.retries=${max}): ${databaseMessage(err)}`,
              { cause: err },
            );
            return;
          }
          error = err;
        }
      }
    } catch (err) {
      // Closing a session does not throw; anything else is a bug to report, not to hide.
      this.failure ??= err as Error;
    } finally {
      this.recovery = undefined;
      this.buffer.wakeReader();
      this.wakeIdle?.();
    }
  }

  /** Waits `ms`, or until stop. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeRetry = done;
    });
  }

  /**
   * Ends the current session: its connections are closed, its undelivered records dropped, and
   * its commit tracking forgotten. Records it handed over may still be written and committed by
   * the runtime; the next session starts from the committed offsets, so it repeats what they miss.
   */
  private async closeSession(): Promise<void> {
    this.session++;
    this.buffer.close();
    this.buffer = new ChangeBuffer(this.config.maxQueueSize);
    this.tracker = new CommitTracker();
    this.keepalive = undefined;
    this.handled = 0;
    this.seqBase = 0;
    this.streamPlan = null;
    const stream = this.stream;
    this.stream = undefined;
    const snapshot = this.snapshot;
    this.snapshot = undefined;
    const meta = this.meta;
    this.meta = undefined;
    await settled(stream?.stop(), CLOSE_TIMEOUT_MS);
    await settled(snapshot?.reader.close(), CLOSE_TIMEOUT_MS);
    await settled(this.closeExported(), CLOSE_TIMEOUT_MS);
    this.exported = undefined;
    await settled(meta?.end(), CLOSE_TIMEOUT_MS);
  }

  /** Confirms the transactions the runtime has durably written. */
  private confirmReady(): void {
    const lsn = this.tracker.takeConfirmable();
    if (lsn !== null && lsn > 0n) this.stream?.confirm(lsn);
    this.confirmKeepalive();
  }

  /**
   * An idle server's keepalive position may be confirmed once every message before it is handled
   * and its transactions confirmed: it lets PostgreSQL recycle WAL of tables nobody captures.
   */
  private confirmKeepalive(): void {
    const k = this.keepalive;
    if (k === undefined || this.handled < k.messages) return;
    if (!this.tracker.confirmedThrough(this.seqBase + k.begins)) return;
    this.keepalive = undefined;
    this.stream?.confirm(k.lsn);
  }

  /** Change records decoded and waiting for poll (bounded by max.queue.size). */
  get buffered(): number {
    return this.buffer.size;
  }

  commitRecord(record: SourceRecord): void {
    this.tracker.written(record);
  }

  commit(): void {
    this.tracker.offsetsCommitted();
    this.confirmReady();
  }

  private idle(): Promise<null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), this.config.pollIntervalMs);
      this.wakeIdle = () => {
        clearTimeout(timer);
        resolve(null);
      };
    });
  }

  private async closeExported(): Promise<void> {
    const exported = this.exported;
    if (exported === undefined) return;
    await exported.replication.end().catch(() => {});
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeIdle?.();
    this.wakeRetry?.();
    await this.recovery;
    await this.cleanup();
  }

  private async cleanup(): Promise<void> {
    this.buffer.close();
    const stream = this.stream;
    this.stream = undefined;
    await stream?.stop();
    const snapshot = this.snapshot;
    this.snapshot = undefined;
    await snapshot?.reader.close();
    await this.closeExported();
    const meta = this.meta;
    this.meta = undefined;
    if (meta === undefined) return;
    try {
      if (this.config.slotDropOnStop && this.streamPlan !== null) {
        await inactiveSlot(meta, this.config.slotName, SLOT_WAIT_MS);
        await dropSlot(meta, this.config.slotName);
      }
    } catch (err) {
      this.context.logger.warn(`Could not drop slot ${this.config.slotName}: ${(err as Error).message}`);
    } finally {
      await meta.end().catch(() => {});
    }
  }
}
