import type { SourceOffset, SourcePartition } from '../../connect/api/index.js';
import { type EpochNanos, instantFromOffsetFields, instantToOffsetFields } from './instants.js';
import { type TableId, tableFqn } from './table-filter.js';

// Confluent's source partitions and offsets, so offsets read back (and REST offset edits) look
// the same as with Confluent's connector: a table's partition is {protocol: "1", table:
// "db.schema.table"} (its older form {table: "table"} is still read), a custom query's is
// {query: "query"}; offsets are {incrementing: n} and {timestamp: ms, timestamp_nanos: ns}.

/** Where a table's offsets are stored (Confluent's offset protocol 1). */
export function tablePartition(t: TableId): SourcePartition {
  return { protocol: '1', table: tableFqn(t) };
}

/** Confluent's original partition of a table, by its unqualified name: read when no newer one exists. */
export function legacyTablePartition(t: TableId): SourcePartition {
  return { table: t.table };
}

export const QUERY_PARTITION: SourcePartition = Object.freeze({ query: 'query' });

export interface IncrementalPosition {
  /** The last row's timestamp (COALESCE of the timestamp columns), when the mode has one. */
  readonly timestamp: EpochNanos | null;
  /** The last row's incrementing column, when the mode has one. */
  readonly incrementing: bigint | null;
}

function integerIn(offset: SourceOffset, key: string): bigint | null {
  const v = offset[key];
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.trunc(v));
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  return null;
}

export function positionFromOffset(offset: SourceOffset | null): IncrementalPosition {
  if (offset === null) return { timestamp: null, incrementing: null };
  const millis = integerIn(offset, 'timestamp');
  const nanos = integerIn(offset, 'timestamp_nanos');
  return {
    timestamp:
      millis === null ? null : instantFromOffsetFields(Number(millis), nanos === null ? null : Number(nanos)),
    incrementing: integerIn(offset, 'incrementing'),
  };
}

/** Incrementing values beyond 2^53 are kept exact as strings (Confluent's are Java longs). */
export function offsetFromPosition(p: IncrementalPosition): SourceOffset {
  const out: Record<string, number | string> = {};
  if (p.timestamp !== null) Object.assign(out, instantToOffsetFields(p.timestamp));
  if (p.incrementing !== null) {
    const n = Number(p.incrementing);
    out.incrementing = Number.isSafeInteger(n) ? n : p.incrementing.toString();
  }
  return out;
}
