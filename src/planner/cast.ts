// CAST(x AS T) for the pairs ksqlDB's CastEvaluator supports, with Java's conversions.
import {
  DecimalError,
  decimalToNumber,
  fitDecimal,
  parseDecimal,
  rescaleDecimal,
  truncateDecimal,
} from '../serde/index.js';
import type { Decimal, SqlValue, StructValue } from '../types/index.js';
import { formatType, type SqlType, typesEqual } from '../types/index.js';
import { EvaluationError, ExpressionError } from './compiled-expression.js';
import { integralToDecimal, type ValueConverter } from './implicit-cast.js';
import { castText, javaDoubleText } from './java-text.js';
import { MS_PER_DAY, parseDate, parseTime, parseTimestamp } from './temporal-text.js';

/**
 * The conversion CAST applies to a non-null value of `from` to make it a `to`, or undefined when the
 * value stays as it is. Throws ExpressionError for a pair ksqlDB cannot cast.
 */
export function castConverter(from: SqlType, to: SqlType): ValueConverter | undefined {
  if (typesEqual(from, to)) return undefined;
  const convert = converterFor(from, to);
  if (convert === null) {
    throw new ExpressionError(`Cast of ${formatType(from)} to ${formatType(to)} is not supported`);
  }
  return convert;
}

function converterFor(from: SqlType, to: SqlType): ValueConverter | undefined | null {
  if (to.kind === 'STRING') return from.kind === 'BYTES' ? null : (v) => castText(v, from);
  if (from.kind === 'STRING') return fromString(to);
  switch (from.kind) {
    case 'INTEGER':
      return fromInteger(to);
    case 'BIGINT':
      return fromBigint(to);
    case 'DECIMAL':
      return fromDecimal(to);
    case 'DOUBLE':
      return fromDouble(to);
    case 'DATE':
      return to.kind === 'TIMESTAMP' ? (v) => (v as number) * MS_PER_DAY : null;
    case 'TIMESTAMP':
      if (to.kind === 'DATE') return (v) => Math.floor((v as number) / MS_PER_DAY);
      if (to.kind === 'TIME') return (v) => floorMod(v as number, MS_PER_DAY);
      return null;
    case 'ARRAY':
      return to.kind === 'ARRAY' ? arrayCast(from.element, to.element) : null;
    case 'MAP':
      return to.kind === 'MAP' ? mapCast(from, to) : null;
    case 'STRUCT':
      return to.kind === 'STRUCT' ? structCast(from.fields, to.fields) : null;
    default:
      return null;
  }
}

function fromInteger(to: SqlType): ValueConverter | undefined | null {
  switch (to.kind) {
    case 'BIGINT':
      return (v) => BigInt(v as number);
    case 'DOUBLE':
      return undefined;
    case 'DECIMAL':
      return (v) => fitToDecimal(integralToDecimal(v as number, 0), to.precision, to.scale);
    default:
      return null;
  }
}

function fromBigint(to: SqlType): ValueConverter | undefined | null {
  switch (to.kind) {
    case 'INTEGER':
      return (v) => Number(BigInt.asIntN(32, v as bigint));
    case 'DOUBLE':
      return (v) => Number(v as bigint);
    case 'DECIMAL':
      return (v) => fitToDecimal(integralToDecimal(v as bigint, 0), to.precision, to.scale);
    default:
      return null;
  }
}

function fromDecimal(to: SqlType): ValueConverter | undefined | null {
  switch (to.kind) {
    case 'INTEGER':
      return (v) => Number(BigInt.asIntN(32, truncateDecimal(v as Decimal)));
    case 'BIGINT':
      return (v) => BigInt.asIntN(64, truncateDecimal(v as Decimal));
    case 'DOUBLE':
      return (v) => decimalToNumber(v as Decimal);
    case 'DECIMAL':
      return (v) => fitToDecimal(v as Decimal, to.precision, to.scale);
    default:
      return null;
  }
}

function fromDouble(to: SqlType): ValueConverter | undefined | null {
  switch (to.kind) {
    case 'INTEGER':
      return (v) => javaDoubleToInt(v as number);
    case 'BIGINT':
      return (v) => javaDoubleToLong(v as number);
    case 'DECIMAL':
      return (v) => {
        const d = v as number;
        if (!Number.isFinite(d))
          throw new EvaluationError(`Cannot cast ${javaDoubleText(d)} to ${formatType(to)}.`);
        // BigDecimal.valueOf(double): the shortest digits that read back as the same double.
        return fitToDecimal(parseDecimal(String(d)), to.precision, to.scale);
      };
    default:
      return null;
  }
}

function fromString(to: SqlType): ValueConverter | null {
  switch (to.kind) {
    case 'BOOLEAN':
      return (v) => parseJavaBoolean(javaTrim(v as string));
    case 'INTEGER':
      return (v) => {
        const n = parseWholeNumber(v as string, to);
        if (n < -2147483648n || n > 2147483647n) throw notA(v as string, to);
        return Number(n);
      };
    case 'BIGINT':
      return (v) => {
        const n = parseWholeNumber(v as string, to);
        if (n !== BigInt.asIntN(64, n)) throw notA(v as string, to);
        return n;
      };
    case 'DOUBLE':
      return (v) => {
        const m = JAVA_DOUBLE.exec(javaTrim(v as string));
        if (!m) throw notA(v as string, to);
        return Number(m[1]);
      };
    case 'DECIMAL':
      return (v) => {
        let d: Decimal;
        try {
          d = parseDecimal(javaTrim(v as string));
        } catch {
          throw notA(v as string, to);
        }
        return fitToDecimal(d, to.precision, to.scale);
      };
    case 'TIMESTAMP':
      return (v) => parseTimestamp(v as string);
    case 'DATE':
      return (v) => parseDate(v as string);
    case 'TIME':
      return (v) => parseTime(v as string);
    default:
      return null;
  }
}

function arrayCast(from: SqlType, to: SqlType): ValueConverter | undefined | null {
  const element = nested(from, to);
  if (element === null) return null;
  if (element === undefined) return undefined;
  return (v) => (v as readonly SqlValue[]).map((e) => (e === null ? null : element(e)));
}

function mapCast(
  from: { key: SqlType; value: SqlType },
  to: { key: SqlType; value: SqlType },
): ValueConverter | undefined | null {
  const key = nested(from.key, to.key);
  const value = nested(from.value, to.value);
  if (key === null || value === null) return null;
  if (key === undefined && value === undefined) return undefined;
  return (v) => {
    const out = new Map<SqlValue, SqlValue>();
    for (const [k, x] of v as ReadonlyMap<SqlValue, SqlValue>) {
      out.set(k === null || !key ? k : key(k), x === null || !value ? x : value(x));
    }
    return out;
  };
}

/** Fields of the target that the source lacks are NULL; fields only the source has are dropped. */
function structCast(
  from: readonly { name: string; type: SqlType }[],
  to: readonly { name: string; type: SqlType }[],
): ValueConverter | null {
  const parts: { name: string; present: boolean; convert: ValueConverter | undefined }[] = [];
  for (const field of to) {
    const source = from.find((f) => f.name === field.name);
    const convert = source && nested(source.type, field.type);
    if (convert === null) return null;
    parts.push({ name: field.name, present: source !== undefined, convert });
  }
  return (v) => {
    const input = v as StructValue;
    const out: Record<string, SqlValue> = {};
    for (const p of parts) {
      const x = p.present ? (input[p.name] ?? null) : null;
      out[p.name] = x === null || !p.convert ? x : p.convert(x);
    }
    return out;
  };
}

function nested(from: SqlType, to: SqlType): ValueConverter | undefined | null {
  return typesEqual(from, to) ? undefined : converterFor(from, to);
}

/** HALF_UP to the target scale, then an overflow check, as ksqlDB's DecimalUtil.cast. */
export function fitToDecimal(d: Decimal, precision: number, scale: number): Decimal {
  try {
    return fitDecimal(rescaleDecimal(d, scale, 'HALF_UP'), precision, scale);
  } catch (error) {
    if (error instanceof DecimalError) throw new EvaluationError(error.message);
    throw error;
  }
}

/** Java's (int) of a double: toward zero, NaN is 0, out of range saturates. */
export function javaDoubleToInt(d: number): number {
  if (Number.isNaN(d)) return 0;
  if (d >= 2147483647) return 2147483647;
  if (d <= -2147483648) return -2147483648;
  return Math.trunc(d);
}

const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);

/** Java's (long) of a double. */
export function javaDoubleToLong(d: number): bigint {
  if (Number.isNaN(d)) return 0n;
  if (d >= 2 ** 63) return LONG_MAX;
  if (d <= -(2 ** 63)) return LONG_MIN;
  return BigInt(Math.trunc(d));
}

function floorMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** String.trim: strips every code unit up to U+0020 at both ends. */
function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** ksqlDB's SqlBooleans.parseBoolean: true, yes, t and y in any case are true; anything else false. */
function parseJavaBoolean(s: string): boolean {
  const lower = s.toLowerCase();
  return lower === 'true' || lower === 'yes' || lower === 't' || lower === 'y';
}

const WHOLE_NUMBER = /^[+-]?\d+$/;

/** Integer.parseInt / Long.parseLong text (after trimming) as a bigint; the caller checks the range. */
function parseWholeNumber(text: string, to: SqlType): bigint {
  const trimmed = javaTrim(text);
  if (!WHOLE_NUMBER.test(trimmed)) throw notA(text, to);
  return BigInt(trimmed);
}

// Double.parseDouble: sign, NaN/Infinity, digits with an optional point and exponent, optional
// f/F/d/D suffix. Hexadecimal floats are not accepted.
const JAVA_DOUBLE = /^([+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?))[fFdD]?$/;

function notA(text: string, to: SqlType): EvaluationError {
  const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  return new EvaluationError(
    `Cannot cast '${shown}' to ${formatType(to)}: it is not a valid ${formatType(to)} value.`,
  );
}
