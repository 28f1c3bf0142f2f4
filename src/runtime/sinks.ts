// The two ends a topology can have: a topic (persistent queries) or a client (push queries).
import type { LogRecord, ProduceRecord } from '../log/index.js';
import type { SqlValue } from '../types/index.js';
import type { OperatorContext, RowBatch } from './operators.js';
import type { SinkEncoder } from './sink-encoder.js';
import { serializeSessionWindowedKey, serializeTimeWindowedKey } from './windows/index.js';

export interface TopicSinkSpec {
  readonly topic: string;
  readonly encoder: SinkEncoder;
  /**
   * True when the output key is the source's key (no PARTITION BY): a record without key then goes
   * out without key, as ksqlDB passes the null key on, rather than as key columns that are all NULL.
   */
  readonly keepsSourceKey: boolean;
  /**
   * A windowed aggregate's output: the key is written windowed (Kafka Streams' time- or
   * session-windowed key), from the window bounds each row carries at `boundsIndex` (start, end)
   * after its columns.
   */
  readonly windowed?: { readonly kind: 'TIME' | 'SESSION'; readonly boundsIndex: number };
}

/** Records for the sink topic, each with the input offset it came from (what a commit may claim). */
export interface TopicOutput {
  readonly records: ProduceRecord[];
  readonly from: number[];
}

/** Encodes rows as records of the sink topic; a deleted key becomes a tombstone. */
export class TopicSink {
  readonly name: string;
  private readonly spec: TopicSinkSpec;
  private readonly context: OperatorContext;

  constructor(name: string, spec: TopicSinkSpec, context: OperatorContext) {
    this.name = name;
    this.spec = spec;
    this.context = context;
  }

  write(batch: RowBatch): TopicOutput {
    const records: ProduceRecord[] = [];
    const from: number[] = [];
    const { encoder, keepsSourceKey, topic } = this.spec;
    for (let i = 0; i < batch.rows.length; i++) {
      // A row an aggregate's record cache forwards at a commit has no source record (origin -1).
      const source: LogRecord | undefined = batch.records[batch.origins[i]];
      let produced: ProduceRecord;
      try {
        produced = batch.deletes[i]
          ? encoder.tombstone(batch.rows[i], batch.timestamps[i])
          : encoder.encode(batch.rows[i], batch.timestamps[i]);
      } catch (err) {
        this.context.countFailure();
        this.context.processingLog.serializationError(this.context.queryId, topic, err as Error);
        continue;
      }
      // Built, not spread: a windowed aggregate writes one record per window of every input record.
      const windowed = this.spec.windowed;
      let key = produced.key;
      if (windowed !== undefined && key !== null && key !== undefined) {
        const row = batch.rows[i];
        const start = Number(row[windowed.boundsIndex]);
        key =
          windowed.kind === 'TIME'
            ? serializeTimeWindowedKey(key, start)
            : serializeSessionWindowedKey(key, { start, end: Number(row[windowed.boundsIndex + 1]) });
      }
      if (keepsSourceKey && source !== undefined && source.key === null) key = null;
      records.push(
        key === produced.key ? produced : { key, value: produced.value, timestamp: produced.timestamp },
      );
      from.push(source === undefined ? -1 : source.offset);
    }
    return { records, from };
  }
}

/**
 * Result rows in the order they happened. Over a table, `tombstones[i]` marks row i as a deleted
 * key (`undefined` over a stream, which has none).
 */
export interface PushBatch {
  readonly rows: SqlValue[][];
  readonly tombstones: boolean[] | undefined;
}

/**
 * Hands rows to a push query's client, up to its LIMIT. Over a stream, deletes are not rows. Over a
 * table it gives changes as ksqlDB does: a deleted key comes out as a tombstone row, once, and only
 * if the key is in the result (no spurious tombstones for keys never shown), so it keeps the keys it
 * has shown.
 */
export class ClientSink {
  readonly name = 'Client';
  private readonly overTable: boolean;
  private readonly shown = new Set<string>();
  private remaining: number;

  constructor(overTable: boolean, limit: number | undefined) {
    this.overTable = overTable;
    this.remaining = limit ?? Number.POSITIVE_INFINITY;
  }

  /** True once LIMIT rows went out. */
  done(): boolean {
    return this.remaining <= 0;
  }

  write(batch: RowBatch): PushBatch {
    const rows: SqlValue[][] = [];
    const tombstones: boolean[] | undefined = this.overTable ? [] : undefined;
    for (let i = 0; i < batch.rows.length && this.remaining > 0; i++) {
      const deleted = batch.deletes[i];
      if (tombstones === undefined) {
        if (deleted) continue;
        rows.push(batch.rows[i]);
      } else {
        const key = keyIdentity(batch.records[batch.origins[i]]);
        if (!deleted) this.shown.add(key);
        else if (!this.shown.delete(key)) continue;
        rows.push(batch.rows[i]);
        tombstones.push(deleted);
      }
      this.remaining--;
    }
    return { rows, tombstones };
  }
}

/** A table row's identity: its key bytes. */
function keyIdentity(record: LogRecord): string {
  return record.key === null ? '' : Buffer.from(record.key).toString('latin1');
}
