import { decimalToNumber, fitDecimal } from '../serde/index.js';
import type { Decimal } from '../types/index.js';
import { formatType, type SqlType, type SqlValue } from '../types/index.js';
import { StatementError } from './errors.js';

const DAY_MS = 86_400_000;

function parseTime(text: string, to: 'TIMESTAMP' | 'DATE' | 'TIME', column: string): number {
  const fail = () =>
    new StatementError(
      `Cannot convert '${text}' to ${to} for column ${column}: expected ISO-8601 text such as ${to === 'DATE' ? "'2024-01-31'" : to === 'TIME' ? "'12:30:00'" : "'2024-01-31T12:30:00.000'"}.`,
    );
  if (to === 'TIME') {
    const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(text.trim());
    if (m === null) throw fail();
    return (
      ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3] ?? 0)) * 1000 +
      Number((m[4] ?? '0').padEnd(3, '0'))
    );
  }
  // Without a zone, ksqlDB reads timestamps as UTC.
  const iso = /[zZ]|[+-]\d{2}:?\d{2}$/.test(text.trim())
    ? text.trim()
    : `${text.trim()}${to === 'DATE' ? 'T00:00:00Z' : 'Z'}`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw fail();
  return to === 'DATE' ? Math.floor(ms / DAY_MS) : ms;
}

/**
 * Converts a value computed for INSERT VALUES to the column's type, with the implicit conversions
 * ksqlDB allows there (number widening, text for times); anything else is an error naming the column.
 */
export function coerceValue(value: SqlValue, from: SqlType, to: SqlType, column: string): SqlValue {
  if (value === null) return null;
  const mismatch = () =>
    new StatementError(
      `Expected type ${formatType(to)} for field ${column} but got ${formatType(from)} (${String(value)}).`,
    );
  switch (to.kind) {
    case 'BIGINT':
      if (from.kind === 'BIGINT') return value;
      if (from.kind === 'INTEGER') return BigInt(value as number);
      throw mismatch();
    case 'DOUBLE':
      if (from.kind === 'DOUBLE' || from.kind === 'INTEGER') return value;
      if (from.kind === 'BIGINT') return Number(value as bigint);
      if (from.kind === 'DECIMAL') return decimalToNumber(value as Decimal);
      throw mismatch();
    case 'DECIMAL': {
      let d: Decimal;
      if (from.kind === 'DECIMAL') d = value as Decimal;
      else if (from.kind === 'INTEGER') d = { unscaled: BigInt(value as number), scale: 0 };
      else if (from.kind === 'BIGINT') d = { unscaled: value as bigint, scale: 0 };
      else throw mismatch();
      try {
        return fitDecimal(d, to.precision, to.scale);
      } catch (err) {
        throw new StatementError(
          `Value for column ${column} does not fit ${formatType(to)}: ${(err as Error).message}`,
        );
      }
    }
    case 'TIMESTAMP':
    case 'DATE':
    case 'TIME':
      if (from.kind === to.kind) return value;
      if (from.kind === 'STRING') return parseTime(value as string, to.kind, column);
      if (to.kind === 'TIMESTAMP' && from.kind === 'BIGINT') return Number(value as bigint);
      throw mismatch();
    default:
      if (formatType(from) === formatType(to)) return value;
      throw mismatch();
  }
}
