import {
  type SourceOffset,
  type SourcePartition,
  type SourceRecord,
  Struct,
  sourceRecord,
} from '../../connect/api/index.js';
import { SOURCE_SCHEMA, type TableSchema } from './table-schema.js';

// Debezium change event records: key = the row's primary key, value = the envelope
// {before, after, source, op, ts_ms, ...}; a delete may be followed by a tombstone.

export const CONNECTOR_VERSION = '1.0.0';

export type Operation = 'r' | 'c' | 'u' | 'd';

/** A point in time in the envelope's three units (computed once, shared by many events). */
export interface EventTime {
  readonly ms: number;
  readonly us: number;
  readonly ns: bigint;
}

export function eventTime(micros: bigint): EventTime {
  return { ms: Number(micros / 1000n), us: Number(micros), ns: micros * 1000n };
}

let processing: EventTime = eventTime(0n);

/** Now, as the envelope's ts_ms/ts_us/ts_ns (when the connector processed the event). */
function processingTime(): EventTime {
  const ms = Date.now();
  if (processing.ms !== ms) processing = { ms, us: ms * 1000, ns: BigInt(ms) * 1_000_000n };
  return processing;
}

/** Debezium's `sequence`: the last commit LSN before the event and the event's LSN, as a JSON array of strings. */
export function sequenceOf(lastCommitLsn: bigint | null, lsn: bigint): string {
  return `[${lastCommitLsn === null ? 'null' : `"${lastCommitLsn}"`},"${lsn}"]`;
}

/** Where an event comes from: the `source` block of the envelope. */
export interface SourceInfo {
  readonly serverName: string;
  readonly db: string;
  /** Commit time (streaming) or read time (snapshot). */
  readonly time: EventTime;
  readonly snapshot: 'true' | 'last' | 'false';
  readonly sequence: string | null;
  readonly txId: number | null;
  readonly lsn: bigint | null;
}

function sourceStruct(table: TableSchema, info: SourceInfo): Struct {
  return new Struct(SOURCE_SCHEMA)
    .put('version', CONNECTOR_VERSION)
    .put('connector', 'postgresql')
    .put('name', info.serverName)
    .put('ts_ms', info.time.ms)
    .put('snapshot', info.snapshot)
    .put('db', info.db)
    .put('sequence', info.sequence)
    .put('ts_us', info.time.us)
    .put('ts_ns', info.time.ns)
    .put('schema', table.id.schema)
    .put('table', table.id.table)
    .put('txId', info.txId)
    .put('lsn', info.lsn === null ? null : Number(info.lsn))
    .put('xmin', null);
}

export interface EventPosition {
  readonly partition: SourcePartition;
  readonly offset: SourceOffset;
  readonly source: SourceInfo;
}

/** A change event record for one row. */
export function changeRecord(
  table: TableSchema,
  op: Operation,
  key: Struct | null,
  before: Struct | null,
  after: Struct | null,
  at: EventPosition,
): SourceRecord {
  const now = processingTime();
  const value = new Struct(table.envelopeSchema)
    .put('before', before)
    .put('after', after)
    .put('source', sourceStruct(table, at.source))
    .put('op', op)
    .put('ts_ms', now.ms)
    .put('ts_us', now.us)
    .put('ts_ns', now.ns)
    .put('transaction', null);
  return sourceRecord({
    topic: table.topic,
    sourcePartition: at.partition,
    sourceOffset: at.offset,
    keySchema: table.keySchema,
    key,
    valueSchema: table.envelopeSchema,
    value,
  });
}

/** The tombstone after a delete: same key, null value, so log compaction can drop the key. */
export function tombstoneRecord(table: TableSchema, key: Struct | null, at: EventPosition): SourceRecord {
  return sourceRecord({
    topic: table.topic,
    sourcePartition: at.partition,
    sourceOffset: at.offset,
    keySchema: table.keySchema,
    key,
  });
}
