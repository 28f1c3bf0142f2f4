// A join key's bytes in the join's state stores. Both sides' join expressions have the same SQL
// type (the planner checks it), so one canonical encoding of the value makes equal keys meet,
// whatever key format each source's topic is written in.
import type { SqlValue } from '../../types/index.js';
import { decodeAccumulator, encodeAccumulator } from '../aggregate/state-codec.js';
import type { ValueCodec } from '../state/index.js';

/** The key's bytes, or null for a NULL key (which joins nothing). */
export function joinKeyBytes(value: SqlValue): Buffer | null {
  if (value === null) return null;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  return encodeAccumulator(value);
}

/** A source row as a store value. */
export const storedRowCodec: ValueCodec<SqlValue[]> = {
  encode: (row) => encodeAccumulator(row),
  decode: (bytes) => decodeAccumulator(bytes) as SqlValue[],
};
