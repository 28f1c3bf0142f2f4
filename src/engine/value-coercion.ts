import { decimalToNumber, fitDecimal } from '../serde/index.js';
import type { Decimal } from '../types/index.js';
import { formatType, type SqlType, type SqlValue } from '../types/index.js';
import { StatementError } from './errors.js';

const DAY_MS = 86_400_000;

/** A value as text for messages: structured values as JSON, not [object Object]. */
function shown(value: SqlValue): string {
  if (typeof value !== 'object' || value === null) return String(value);
  return JSON.stringify(value, (_k, v) =>
    typeof v === 'bigint' ? v.toString() : v instanceof Map ? Object.fromEntries(v) : v,
  );
}

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
      `Expected type ${formatType(to)} for field ${column} but got ${formatType(from)} (${shown(value)}).`,
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
    case 'ARRAY':
      if (from.kind !== 'ARRAY') throw mismatch();
      return (value as readonly SqlValue[]).map((v, i) =>
        coerceValue(v, from.element, to.element, `${column}[${i + 1}]`),
      );
    case 'MAP': {
      if (from.kind !== 'MAP') throw mismatch();
      const out = new Map<SqlValue, SqlValue>();
      for (const [k, v] of value as ReadonlyMap<SqlValue, SqlValue>) {
        out.set(
          coerceValue(k, from.key, to.key, column),
          coerceValue(v, from.value, to.value, `${column}[${String(k)}]`),
        );
      }
      return out;
    }
    case 'STRUCT': {
      if (from.kind !== 'STRUCT') throw mismatch();
      const record = value as Readonly<Record<string, SqlValue>>;
      const out: Record<string, SqlValue> = {};
      for (const f of to.fields) {
        const source = from.fields.find((x) => x.name === f.name);
        out[f.name] =
          source === undefined
            ? null
            : coerceValue(record[f.name] ?? null, source.type, f.type, `${column}->${f.name}`);
      }
      const unknown = from.fields.find((x) => !to.fields.some((f) => f.name === x.name));
      if (unknown !== undefined) {
        throw new StatementError(
          `Field ${unknown.name} does not exist in ${formatType(to)} of column ${column}.`,
        );
      }
      return out;
    }
    default:
      if (formatType(from) === formatType(to)) return value;
      throw mismatch();
  }
}
