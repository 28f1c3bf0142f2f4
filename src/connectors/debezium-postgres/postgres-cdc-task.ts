import pg from 'pg';
import type {
  SourceOffset,
  SourcePartition,
  SourceRecord,
  SourceTask,
  SourceTaskContext,
} from '../../connect/api/index.js';
import { clientConfig } from '../postgres/connection.js';
import { Catalog } from './catalog.js';
import { ChangeBuffer } from './change-buffer.js';
import { CONNECTOR_VERSION, changeRecord, eventTime, sequenceOf } from './change-events.js';
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
import { WalStream } from './wal-stream.js';

const APPLICATION_NAME = 'sluice-debezium-postgres';
/** How long to wait for a slot still held by a previous run's walsender. */
const SLOT_WAIT_MS = 10_000;

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
 */
export class PostgresCdcTask implements SourceTask {
  private context!: SourceTaskContext;
  private config!: CdcConfig;
  private pgConfig!: pg.ClientConfig;
  private partition!: SourcePartition;
  private filter!: CaptureFilter;
  private meta: pg.Client | undefined;
  private catalog!: Catalog;
  private readonly tracker = new CommitTracker();
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

  version(): string {
    return CONNECTOR_VERSION;
  }

  initialize(context: SourceTaskContext): void {
    this.context = context;
  }

  async start(props: Readonly<Record<string, string>>): Promise<void> {
    const config = readCdcConfig(props);
    this.config = config;
    this.pgConfig = clientConfig(config.connection, APPLICATION_NAME);
    this.partition = { server: config.topicPrefix };
    this.filter = new CaptureFilter(config);
    this.buffer = new ChangeBuffer(config.maxQueueSize);
    const meta = new pg.Client(this.pgConfig);
    // A lost connection must fail the task (through poll), not crash the worker.
    meta.on('error', (err) => this.fail(err));
    this.meta = meta;
    await meta.connect();
    this.catalog = new Catalog(meta);
    await checkServer(meta);

    const offset = await this.context.offsetStorageReader.offset(this.partition);
    const interrupted = snapshotInterrupted(offset);
    const mode = config.snapshotMode;
    const snapshotDone = offset !== null && !interrupted;
    const wantSnapshot =
      mode === 'always' || ((mode === 'initial' || mode === 'initial_only') && !snapshotDone);
    const wantStream = mode !== 'initial_only';
    const tables = await this.catalog.tables((id) => this.filter.table(id));
    if (wantStream) await this.prepareSlot(meta, tables, offset, wantSnapshot, interrupted);
    if (wantSnapshot) await this.openSnapshot(tables);
    else if (this.streamPlan !== null) await this.startStreaming();
    if (this.stopped) await this.cleanup();
  }

  /** Ensures the publication and the slot, and plans where streaming starts. */
  private async prepareSlot(
    meta: pg.Client,
    tables: readonly { id: TableId }[],
    offset: SourceOffset | null,
    wantSnapshot: boolean,
    interrupted: boolean,
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
  private async openSnapshot(tables: readonly { oid: number }[]): Promise<void> {
    const schemas = [];
    for (const t of tables) {
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
    if (this.snapshot !== undefined) return this.pollSnapshot(this.snapshot);
    if (this.stream === undefined) return this.idle();
    const records = await this.buffer.take(this.config.maxBatchSize, this.config.pollIntervalMs);
    if (this.failure !== undefined) throw this.failure;
    return records.length > 0 ? records : null;
  }

  private async pollSnapshot(run: SnapshotRun): Promise<SourceRecord[] | null> {
    let batch: Awaited<ReturnType<SnapshotReader['next']>>;
    try {
      batch = await run.reader.next(this.config.maxBatchSize);
    } catch (err) {
      // stop() closes the snapshot connection under a running fetch: that is not a failure.
      if (this.stopped) return null;
      throw err;
    }
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
            snapshot: last ? 'last' : 'true',
            sequence: sequenceOf(null, run.lsn),
            txId: run.reader.txId,
            lsn: run.lsn,
          },
        },
      );
      this.tracker.add(record);
      return record;
    });
    if (done) {
      this.tracker.complete(run.lsn);
      this.snapshot = undefined;
      await run.reader.close();
      this.context.logger.info('Snapshot completed');
      if (this.streamPlan !== null && !this.stopped) await this.startStreaming();
    }
    return records.length > 0 ? records : null;
  }

  private async startStreaming(): Promise<void> {
    const plan = this.streamPlan;
    if (plan === null) return;
    const decoder = new StreamDecoder(
      {
        serverName: this.config.topicPrefix,
        db: this.config.connection.database,
        partition: this.partition,
        filter: this.filter,
        modes: this.config.modes,
        tombstonesOnDelete: this.config.tombstonesOnDelete,
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
          const records = await decoder.decode(lsn, message);
          if (records.length > 0) await this.buffer.put(records);
          this.handled++;
          if (message.tag === 'commit') this.confirmReady();
          else this.confirmKeepalive();
        },
        keepalive: (lsn, messages, begins) => {
          this.keepalive = { lsn, messages, begins };
          this.confirmKeepalive();
        },
        failed: (error) => this.fail(error),
      },
    );
    this.stream = stream;
    await stream.start(plan.from);
    this.context.logger.info(`Streaming changes from slot ${this.config.slotName}`);
  }

  private fail(error: Error): void {
    if (this.stopped) return;
    this.failure ??= error;
    this.buffer.wakeReader();
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
