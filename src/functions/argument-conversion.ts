import type { SqlType, SqlValue } from '../types/index.js';
import { decimalToNumber, isDecimal } from './decimal.js';

/** Converts a value of numeric type `from` to the wider numeric type `to` (ksqlDB's implicit widening). */
export type ValueConverter = (value: SqlValue) => SqlValue;

const toBigint: ValueConverter = (v) => (typeof v === 'number' ? BigInt(v) : v);
const toDecimal: ValueConverter = (v) =>
  typeof v === 'number' || typeof v === 'bigint' ? { unscaled: BigInt(v), scale: 0 } : v;
const toDouble: ValueConverter = (v) =>
  typeof v === 'bigint' ? Number(v) : isDecimal(v) ? decimalToNumber(v) : v;

/** The converter from one argument type to a declared parameter type, or undefined when none is needed. */
export function converterFor(from: SqlType | null, to: SqlType): ValueConverter | undefined {
  if (from === null || from.kind === to.kind) return undefined;
  switch (to.kind) {
    case 'BIGINT':
      return from.kind === 'INTEGER' ? toBigint : undefined;
    case 'DECIMAL':
      return from.kind === 'INTEGER' || from.kind === 'BIGINT' ? toDecimal : undefined;
    case 'DOUBLE':
      return from.kind === 'INTEGER' ? undefined : toDouble;
    default:
      return undefined;
  }
}
