import type { Log, ProduceRecord } from '../log/index.js';
import type { SqlValue } from '../types/index.js';
import type { ProcessingLog } from './processing-log.js';
import { processRow, type RowExpressions } from './row-processor.js';
import type { RuntimeSource } from './runtime-source.js';
import type { SinkEncoder } from './sink-encoder.js';
import { DecodeError, SourceDecoder } from './source-decoder.js';
import { startPositions, TopicFollower } from './topic-follower.js';

export type QueryState = 'RUNNING' | 'ERROR' | 'TERMINATED';

export interface PersistentQuerySpec {
  readonly id: string;
  readonly source: RuntimeSource;
  readonly sinkTopic: string;
  readonly encoder: SinkEncoder;
  readonly expressions: RowExpressions;
  /** Indexes of the projections that make the output key, for table tombstones. */
  readonly keyProjections: readonly number[];
  /** False when no expression reads ROWTIME, ROWPARTITION or ROWOFFSET. */
  readonly usesPseudoColumns: boolean;
  /** Consumer group holding this query's committed offsets. */
  readonly group: string;
  /** auto.offset.reset: where to start when the group has no committed offset. */
  readonly fromEarliest: boolean;
  readonly commitIntervalMs: number;
}

const BATCH_RECORDS = 5000;

/**
 * A running CREATE … AS SELECT or INSERT INTO … SELECT: reads the source topic from the group's
 * committed offsets, filters and projects, appends to the sink topic, then commits (at least once).
 * Records it cannot read or compute go to the processing log; the query goes on.
 */
export class PersistentQuery {
  readonly spec: PersistentQuerySpec;
  state: QueryState = 'RUNNING';
  errorMessage: string | undefined;
  processed = 0;
  failed = 0;
  private readonly log: Log;
  private readonly processingLog: ProcessingLog;
  private readonly decoder: SourceDecoder;
  private readonly stopper = new AbortController();
  private loop: Promise<void> | undefined;
  /** The projected row, reused: it is encoded before the next row is computed. */
  private readonly scratch: SqlValue[];
  private follower: TopicFollower | undefined;
  /** True while a batch is between read and commit. */
  private busy = true;

  constructor(log: Log, processingLog: ProcessingLog, spec: PersistentQuerySpec) {
    this.log = log;
    this.processingLog = processingLog;
    this.spec = spec;
    this.decoder = new SourceDecoder(spec.source, spec.usesPseudoColumns);
    this.scratch = new Array<SqlValue>(spec.expressions.projections.length).fill(null);
  }

  start(): void {
    this.loop = this.run().catch((err: unknown) => {
      this.state = 'ERROR';
      this.errorMessage = (err as Error).message;
      process.stderr.write(`Query ${this.spec.id} failed: ${this.errorMessage}\n`);
    });
  }

  /** True when the query has processed everything in its source so far (or has stopped). */
  isIdle(): boolean {
    if (this.state !== 'RUNNING') return true;
    return !this.busy && this.follower !== undefined && this.follower.caughtUp();
  }

  /** Stops after the batch in hand, with its offsets committed. */
  async stop(): Promise<void> {
    this.stopper.abort();
    await this.loop;
    if (this.state === 'RUNNING') this.state = 'TERMINATED';
  }

  private async run(): Promise<void> {
    const { id, source, group } = this.spec;
    const { partitions, positions } = await startPositions(
      this.log,
      source.topic,
      group,
      this.spec.fromEarliest,
    );
    const follower = new TopicFollower(this.log, source.topic, partitions, positions);
    this.follower = follower;
    let lastCommit = Date.now();
    let uncommitted = false;
    const commit = async () => {
      await this.log.commitOffsets(
        group,
        partitions.map((partition, i) => ({ topic: source.topic, partition, offset: follower.positions[i] })),
      );
      lastCommit = Date.now();
      uncommitted = false;
    };
    const signal = this.stopper.signal;
    try {
      for (;;) {
        this.busy = false;
        const batch = await follower.read(signal, BATCH_RECORDS);
        this.busy = true;
        if (batch === undefined) break;
        const out: ProduceRecord[] = [];
        for (const record of batch.records) {
          let row: SqlValue[] | null;
          try {
            row = this.decoder.decode(record, batch.partition);
          } catch (err) {
            this.failed++;
            if (err instanceof DecodeError) {
              this.processingLog.deserializationError(id, source.topic, err.target, record, err);
              continue;
            }
            throw err;
          }
          if (row === null) {
            if (source.kind === 'TABLE') this.tableTombstone(record, out);
            continue;
          }
          let result: SqlValue[] | undefined;
          try {
            result = processRow(row, this.spec.expressions, this.scratch);
          } catch (err) {
            this.failed++;
            this.processingLog.processingError(id, row, err as Error);
            continue;
          }
          const timestamp = this.decoder.lastTimestamp;
          if (result === undefined) {
            // A table row that no longer passes the filter is deleted downstream.
            if (source.kind === 'TABLE') out.push(this.spec.encoder.tombstone(this.keyOnly(row), timestamp));
            continue;
          }
          try {
            out.push(this.spec.encoder.encode(result, timestamp));
          } catch (err) {
            this.failed++;
            this.processingLog.serializationError(id, this.spec.sinkTopic, err as Error);
          }
        }
        this.processed += batch.records.length;
        if (out.length > 0) await this.log.append(this.spec.sinkTopic, out);
        await this.processingLog.flush();
        uncommitted = true;
        if (Date.now() - lastCommit >= this.spec.commitIntervalMs) await commit();
      }
    } finally {
      if (uncommitted && this.state === 'RUNNING') await commit();
    }
  }

  /** The output key row of a source row: only the key projections are evaluated. */
  private keyOnly(row: readonly SqlValue[]): SqlValue[] {
    const keyRow = new Array<SqlValue>(this.spec.expressions.projections.length).fill(null);
    for (const i of this.spec.keyProjections) keyRow[i] = this.spec.expressions.projections[i](row);
    return keyRow;
  }

  private tableTombstone(record: import('../log/index.js').LogRecord, out: ProduceRecord[]): void {
    const keys = this.decoder.decodeKey(record) ?? [];
    const row = new Array<SqlValue>(this.spec.source.columns.length + 3).fill(null);
    let k = 0;
    this.spec.source.columns.forEach((c, i) => {
      if (c.namespace === 'KEY') row[i] = keys[k++] ?? null;
    });
    out.push(this.spec.encoder.tombstone(this.keyOnly(row), record.timestamp));
  }
}
