import type { SqlValue, StructValue } from '../../types/index.js';
import { hashKey } from '../values.js';

/**
 * A string equal for equal values of one type and different otherwise, containers included, so
 * COLLECT_SET, COUNT_DISTINCT and ATTR can keep their distinct values in plain Sets and Maps.
 */
export function valueIdentity(value: SqlValue): string {
  if (value === null) return 'n';
  switch (typeof value) {
    case 'boolean':
      return value ? 't' : 'f';
    case 'number':
      return `x${value}`;
    case 'bigint':
      return `i${value}`;
    case 'string':
      return `s${value}`;
  }
  const key = hashKey(value);
  if (typeof key === 'string') return key; // DECIMAL (normalized) and BYTES
  if (Array.isArray(value)) return `a${JSON.stringify(value.map(valueIdentity))}`;
  if (value instanceof Map) {
    const entries = [...value].map(([k, v]) => `${valueIdentity(k)}=${valueIdentity(v)}`).sort();
    return `m${JSON.stringify(entries)}`;
  }
  const struct = value as StructValue;
  return `o${JSON.stringify(Object.keys(struct).map((k) => [k, valueIdentity(struct[k])]))}`;
}
