import {
  type ConnectHeader,
  Schemas,
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

/** source.snapshot: where a record stands in the snapshot, or 'false' for a streamed change. */
export type SnapshotMarker =
  | 'first'
  | 'first_in_data_collection'
  | 'true'
  | 'last_in_data_collection'
  | 'last'
  | 'false';

/**
 * Debezium's marker for a snapshot row: the last of the whole snapshot, else the first, else the
 * last of its table, else the first of its table, else 'true'.
 */
export function snapshotMarker(at: {
  firstInSnapshot: boolean;
  lastInSnapshot: boolean;
  firstInTable: boolean;
  lastInTable: boolean;
}): SnapshotMarker {
  if (at.lastInSnapshot) return 'last';
  if (at.firstInSnapshot) return 'first';
  if (at.lastInTable) return 'last_in_data_collection';
  if (at.firstInTable) return 'first_in_data_collection';
  return 'true';
}

/** Where an event comes from: the `source` block of the envelope. */
export interface SourceInfo {
  readonly serverName: string;
  readonly db: string;
  /** Commit time (streaming) or read time (snapshot). */
  readonly time: EventTime;
  readonly snapshot: SnapshotMarker;
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
    .put('xmin', null)
    .put('origin', null)
    .put('origin_lsn', null);
}

export interface EventPosition {
  readonly partition: SourcePartition;
  readonly offset: SourceOffset;
  readonly source: SourceInfo;
}

/**
 * The headers Debezium 3 puts on every record it writes, tombstones included: which connector, task
 * and run wrote it. `runId` is new on each start of the task.
 */
export function contextHeaders(serverName: string, runId: string): readonly ConnectHeader[] {
  const header = (key: string, value: string): ConnectHeader => ({ key, schema: Schemas.STRING, value });
  return [
    header('__debezium.context.connectorLogicalName', serverName),
    header('__debezium.context.taskId', '0'),
    header('__debezium.context.connectorName', 'postgresql'),
    header('__debezium.context.runId', runId),
  ];
}

/**
 * When an update changes the key, Debezium marks the delete (and its tombstone) with the new key,
 * `__debezium.newkey`, and the create with the old one, `__debezium.oldkey`: the key's fields as
 * JSON, as Kafka's SimpleHeaderConverter writes a struct.
 */
export function keyChangeHeader(name: 'newkey' | 'oldkey', key: Struct | null): ConnectHeader {
  const fields: Record<string, unknown> = {};
  for (const f of key?.schema.fields ?? []) fields[f.name] = key?.get(f.name);
  return { key: `__debezium.${name}`, schema: Schemas.STRING, value: JSON.stringify(fields) };
}

/** A change event record for one row. */
export function changeRecord(
  table: TableSchema,
  op: Operation,
  key: Struct | null,
  before: Struct | null,
  after: Struct | null,
  at: EventPosition,
  headers: readonly ConnectHeader[] = [],
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
    headers,
  });
}

/** The tombstone after a delete: same key, null value, so log compaction can drop the key. */
export function tombstoneRecord(
  table: TableSchema,
  key: Struct | null,
  at: EventPosition,
  headers: readonly ConnectHeader[] = [],
): SourceRecord {
  return sourceRecord({
    topic: table.topic,
    sourcePartition: at.partition,
    sourceOffset: at.offset,
    keySchema: table.keySchema,
    key,
    headers,
  });
}
