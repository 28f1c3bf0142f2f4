import type { Decimal, SqlValue } from '../types/index.js';
import { compareDecimals, decimalToString, isDecimal } from './decimal.js';

/** Natural order of two non-null values of the same primitive type (strings by UTF-16 unit, as Java). */
export function compareValues(a: SqlValue, b: SqlValue): number {
  if (typeof a === 'number' || typeof a === 'bigint' || typeof a === 'string') {
    return a < (b as typeof a) ? -1 : a > (b as typeof a) ? 1 : 0;
  }
  if (typeof a === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (isDecimal(a)) return compareDecimals(a, b as Decimal);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b);
  throw new TypeError('only primitive values have a natural order');
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Deep equality of two values of the same type; NULL equals NULL here (used for DISTINCT-like work). */
export function valuesEqual(a: SqlValue, b: SqlValue): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (isDecimal(a)) return isDecimal(b) && compareDecimals(a, b) === 0;
  if (a instanceof Uint8Array) return b instanceof Uint8Array && compareBytes(a, b) === 0;
  if (Array.isArray(a)) {
    const bs = b as readonly SqlValue[];
    return Array.isArray(bs) && a.length === bs.length && a.every((x, i) => valuesEqual(x, bs[i]));
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !valuesEqual(v, b.get(k) ?? null)) return false;
    return true;
  }
  const ak = Object.keys(a);
  const bo = b as Readonly<Record<string, SqlValue>>;
  return (
    ak.length === Object.keys(bo).length &&
    ak.every((k) => valuesEqual((a as Readonly<Record<string, SqlValue>>)[k], bo[k]))
  );
}

/** A key under which equal values collide, so distinct-like functions run in linear time. */
export function hashKey(value: SqlValue): SqlValue | undefined {
  if (value === null || typeof value !== 'object') return value;
  if (isDecimal(value)) {
    const text = decimalToString(value);
    return `d:${text.includes('.') ? text.replace(/\.?0+$/, '') : text}`;
  }
  if (value instanceof Uint8Array) return `b:${Buffer.from(value).toString('hex')}`;
  return undefined; // containers: callers fall back to valuesEqual
}

export { formatDoubleLikeJava as javaDoubleToString } from '../types/index.js';
