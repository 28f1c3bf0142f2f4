// Schema-compiled JSON readers: one function per SQL type, built once per schema, each reading a
// value at the cursor and applying ksqlDB's coercions (KsqlJsonDeserializer / JsonSerdeUtils):
// numbers from strings for INTEGER/BIGINT/DOUBLE/DECIMAL/TIMESTAMP/DATE/TIME, DECIMAL from
// numbers or strings exactly, anything to STRING, BYTES from base64, struct fields matched exactly
// first and then by the upper-cased JSON name.
import { formatType, type SqlType, type SqlValue, type StructField } from '../types/index.js';
import {
  DecimalError,
  fitDecimal,
  formatDecimalScientific,
  parseDecimalExact,
  truncateDecimal,
} from './decimal.js';
import { decodeBase64, parseDoubleLikeJava, parseIntLikeJava, parseLongLikeJava } from './java-text.js';
import { type JsonCursor, JsonReadFailure } from './json-cursor.js';
import { FormatSchemaError } from './serde-error.js';

export type JsonValueReader = (c: JsonCursor) => SqlValue;

const QUOTE = 34;
const N_NULL = 110;
const MS_PER_DAY = 86_400_000;

function isNumberStart(ch: number): boolean {
  return ch === 45 || (ch >= 48 && ch <= 57);
}

function mismatch(c: JsonCursor, type: SqlType): never {
  const at = c.pos;
  throw new JsonReadFailure(
    `cannot convert ${c.describeValue()} to ${formatType(type)}`,
    at,
    formatType(type),
  );
}

function badText(at: number, text: string, type: SqlType, why = ''): JsonReadFailure {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return new JsonReadFailure(
    `cannot coerce the string "${shown}" to ${formatType(type)}${why}`,
    at,
    formatType(type),
  );
}

/** The whole part of the scanned number, as Jackson's asLong/intValue see it before narrowing. */
function scannedInteger(c: JsonCursor): bigint {
  const text = c.numberText();
  if (c.numIntegral) return BigInt(text);
  const d = parseDecimalExact(text);
  // A multiple of 10^64 is a multiple of 2^64: its low 32 and 64 bits are zero.
  return d.scale <= -64 ? 0n : truncateDecimal(d);
}

/** A JSON number's text as Jackson's asText gives it ("1.50" stays, "1e3" becomes "1E+3"). */
function scannedNumberAsText(c: JsonCursor): string {
  const text = c.numberText();
  if (c.numIntegral) return text === '-0' ? '0' : text;
  return formatDecimalScientific(parseDecimalExact(text));
}

const INTEGER_TYPE: SqlType = { kind: 'INTEGER' };
const BIGINT_TYPE: SqlType = { kind: 'BIGINT' };
const DOUBLE_TYPE: SqlType = { kind: 'DOUBLE' };
const BOOLEAN_TYPE: SqlType = { kind: 'BOOLEAN' };
const BYTES_TYPE: SqlType = { kind: 'BYTES' };
const TIME_TYPE: SqlType = { kind: 'TIME' };

function readBoolean(c: JsonCursor): SqlValue {
  const ch = c.peek();
  if (ch === 116 || ch === 102 || ch === N_NULL) return c.readLiteral();
  return mismatch(c, BOOLEAN_TYPE);
}

function readInteger(c: JsonCursor): SqlValue {
  const ch = c.peek();
  if (isNumberStart(ch)) {
    c.scanNumber();
    return c.numSmall ? c.numValue | 0 : Number(BigInt.asIntN(32, scannedInteger(c)));
  }
  if (ch === QUOTE) {
    const at = c.pos;
    const s = c.readString();
    const v = parseIntLikeJava(s);
    if (v === undefined) throw badText(at, s, INTEGER_TYPE);
    return v;
  }
  if (ch === N_NULL) return c.readLiteral();
  return mismatch(c, INTEGER_TYPE);
}

/** A 64-bit integer (BIGINT, or the long behind TIMESTAMP/DATE/TIME) as a bigint. */
function readLong(c: JsonCursor, type: SqlType): bigint | null {
  const ch = c.peek();
  if (isNumberStart(ch)) {
    c.scanNumber();
    return c.numSmall ? BigInt(c.numValue) : BigInt.asIntN(64, scannedInteger(c));
  }
  if (ch === QUOTE) {
    const at = c.pos;
    const s = c.readString();
    const v = parseLongLikeJava(s);
    if (v === undefined) throw badText(at, s, type);
    return v;
  }
  if (ch === N_NULL) return c.readLiteral() as null;
  return mismatch(c, type);
}

function readBigint(c: JsonCursor): SqlValue {
  return readLong(c, BIGINT_TYPE);
}

/** TIMESTAMP (ms) and DATE (days): a long, held as a number. */
function longAsNumberReader(type: SqlType): JsonValueReader {
  return (c) => {
    const ch = c.peek();
    if (isNumberStart(ch)) {
      c.scanNumber();
      // `|| 0` turns -0 into 0.
      if (c.numSmall) return c.numValue || 0;
      return Number(BigInt.asIntN(64, scannedInteger(c)));
    }
    const v = readLong(c, type);
    return v === null ? null : Number(v);
  };
}

function readTime(c: JsonCursor): SqlValue {
  c.peek();
  const at = c.pos;
  const v = readLong(c, TIME_TYPE);
  if (v === null) return null;
  if (v < 0n || v > BigInt(MS_PER_DAY)) {
    throw new JsonReadFailure(
      `Time values must use number of milliseconds greater than 0 and less than ${MS_PER_DAY}, got ${v}`,
      at,
      'TIME',
    );
  }
  return Number(v);
}

function readDouble(c: JsonCursor): SqlValue {
  const ch = c.peek();
  if (isNumberStart(ch)) {
    c.scanNumber();
    return c.numberAsDouble();
  }
  if (ch === QUOTE) {
    const at = c.pos;
    const s = c.readString();
    const v = parseDoubleLikeJava(s);
    if (v === undefined) throw badText(at, s, DOUBLE_TYPE);
    return v;
  }
  if (ch === N_NULL) return c.readLiteral();
  return mismatch(c, DOUBLE_TYPE);
}

function decimalReader(type: SqlType & { kind: 'DECIMAL' }): JsonValueReader {
  const { precision, scale } = type;
  return (c) => {
    const ch = c.peek();
    const at = c.pos;
    let text: string;
    if (isNumberStart(ch)) {
      c.scanNumber();
      text = c.numberText();
    } else if (ch === QUOTE) {
      text = c.readString();
    } else if (ch === N_NULL) {
      return c.readLiteral();
    } else {
      return mismatch(c, type);
    }
    try {
      return fitDecimal(parseDecimalExact(text), precision, scale);
    } catch (e) {
      if (e instanceof DecimalError) {
        throw ch === QUOTE
          ? badText(at, text, type, `: ${e.message}`)
          : new JsonReadFailure(e.message, at, formatType(type));
      }
      throw e;
    }
  };
}

function readBytes(c: JsonCursor): SqlValue {
  const ch = c.peek();
  if (ch === QUOTE) {
    const at = c.pos;
    const s = c.readString();
    const v = decodeBase64(s);
    if (v === undefined) throw badText(at, s, BYTES_TYPE, ': not valid base64');
    return v;
  }
  if (ch === N_NULL) return c.readLiteral();
  return mismatch(c, BYTES_TYPE);
}

/**
 * STRING takes anything, as ksqlDB's processString: strings as they are, numbers and booleans as
 * their text, objects as compact JSON, arrays as "[a, b]" of their elements read as strings.
 */
function readString(c: JsonCursor): SqlValue {
  const ch = c.peek();
  if (ch === QUOTE) return c.readString();
  if (isNumberStart(ch)) {
    c.scanNumber();
    return scannedNumberAsText(c);
  }
  if (ch === 123) return compactJson(c);
  if (ch === 91) {
    c.enter();
    const items = readElements(c, readString);
    c.leave();
    return `[${items.map((v) => (v === null ? 'null' : v)).join(', ')}]`;
  }
  const literal = c.readLiteral();
  return literal === null ? null : String(literal);
}

/** Any value re-written as compact JSON (numbers as Jackson writes its decimal nodes). */
function compactJson(c: JsonCursor): string {
  const ch = c.peek();
  if (ch === QUOTE) return JSON.stringify(c.readString());
  if (isNumberStart(ch)) {
    c.scanNumber();
    return scannedNumberAsText(c);
  }
  if (ch === 91) {
    c.enter();
    const items = readElements(c, compactJson);
    c.leave();
    return `[${items.join(',')}]`;
  }
  if (ch === 123) {
    c.enter();
    c.pos++;
    const parts: string[] = [];
    if (c.peek() === 125) {
      c.pos++;
      c.leave();
      return '{}';
    }
    for (;;) {
      if (c.peek() !== QUOTE) throw c.syntax('expected a field name');
      const key = c.readString();
      if (c.peek() !== 58) throw c.syntax("expected ':'");
      c.pos++;
      parts.push(`${JSON.stringify(key)}:${compactJson(c)}`);
      const next = c.peek();
      c.pos++;
      if (next === 125) {
        c.leave();
        return `{${parts.join(',')}}`;
      }
      if (next !== 44) throw c.syntax("expected ',' or '}'", c.pos - 1);
    }
  }
  return String(c.readLiteral());
}

/** Reads the elements of the array at the cursor; failures get their `[i]` on the path. */
function readElements<T>(c: JsonCursor, read: (c: JsonCursor) => T): T[] {
  c.pos++;
  const out: T[] = [];
  if (c.peek() === 93) {
    c.pos++;
    return out;
  }
  for (;;) {
    try {
      out.push(read(c));
    } catch (e) {
      if (e instanceof JsonReadFailure) e.path.unshift(`[${out.length}]`);
      throw e;
    }
    const next = c.peek();
    c.pos++;
    if (next === 93) return out;
    if (next !== 44) throw c.syntax("expected ',' or ']'", c.pos - 1);
  }
}

function arrayReader(type: SqlType & { kind: 'ARRAY' }): JsonValueReader {
  const element = compileJsonReader(type.element);
  return (c) => {
    const ch = c.peek();
    if (ch === 91) return readElements(c, element);
    if (ch === N_NULL) return c.readLiteral();
    return mismatch(c, type);
  };
}

function mapReader(type: SqlType & { kind: 'MAP' }): JsonValueReader {
  const value = compileJsonReader(type.value);
  return (c) => {
    const ch = c.peek();
    if (ch === N_NULL) return c.readLiteral();
    if (ch !== 123) return mismatch(c, type);
    c.pos++;
    const out = new Map<SqlValue, SqlValue>();
    if (c.peek() === 125) {
      c.pos++;
      return out;
    }
    for (;;) {
      if (c.peek() !== QUOTE) throw c.syntax('expected a field name');
      const key = c.readString();
      if (c.peek() !== 58) throw c.syntax("expected ':'");
      c.pos++;
      try {
        out.set(key, value(c));
      } catch (e) {
        if (e instanceof JsonReadFailure) e.path.unshift(key);
        throw e;
      }
      const next = c.peek();
      c.pos++;
      if (next === 125) return out;
      if (next !== 44) throw c.syntax("expected ',' or '}'", c.pos - 1);
    }
  };
}

/**
 * How a JSON object's fields are matched to a struct's fields (or a row's columns), compiled once.
 * ksqlDB looks each field up by its exact name, then by the upper-cased JSON names, so unquoted
 * (upper-case) columns match any case and quoted mixed-case ones only exactly.
 */
export interface FieldPlan {
  readonly names: readonly string[];
  readonly readers: readonly JsonValueReader[];
  readonly index: ReadonlyMap<string, number>;
  /** The key text may be compared with names[i] directly (no other name shares its upper case). */
  readonly fastExact: readonly boolean[];
  /** The key text may be case-folded (ASCII) and compared with the upper-case names[i]. */
  readonly fastFold: readonly boolean[];
  /** Per-object scratch: 0 unmatched, 1 matched by upper case, 2 matched exactly. */
  readonly matched: Uint8Array;
}

export function compileFieldPlan(fields: readonly StructField[]): FieldPlan {
  const names = fields.map((f) => f.name);
  const index = new Map<string, number>();
  names.forEach((name, i) => {
    if (!index.has(name)) index.set(name, i);
  });
  // Names that are safe to compare with raw key text: no quote, backslash or control character.
  const raw = names.map((name) => !/["\\\u0000-\u001f]/.test(name));
  const fastExact = names.map((name, i) => {
    const upper = index.get(name.toUpperCase());
    return raw[i] && index.get(name) === i && (upper === undefined || upper === i);
  });
  const fastFold = names.map(
    (name, i) =>
      raw[i] &&
      index.get(name) === i &&
      /^[\x20-\x7e]*$/.test(name) &&
      name === name.toUpperCase() &&
      !names.some((other, j) => j !== i && other.toUpperCase() === name),
  );
  return {
    names,
    readers: fields.map((f) => compileJsonReader(f.type)),
    index,
    fastExact,
    fastFold,
    matched: new Uint8Array(names.length),
  };
}

/** Whether the key text at `at` upper-cases (ASCII) to `name` and ends there. */
function foldsTo(text: string, at: number, name: string): boolean {
  const len = name.length;
  if (text.charCodeAt(at + len) !== QUOTE) return false;
  for (let k = 0; k < len; k++) {
    const c = text.charCodeAt(at + k);
    const n = name.charCodeAt(k);
    if (c !== n && !(c >= 97 && c <= 122 && c - 32 === n)) return false;
  }
  return true;
}

function readField(c: JsonCursor, plan: FieldPlan, i: number, values: SqlValue[]): void {
  try {
    values[i] = plan.readers[i](c);
  } catch (e) {
    if (e instanceof JsonReadFailure) e.path.unshift(plan.names[i]);
    throw e;
  }
}

/**
 * Reads the object at the cursor into `values` (pre-filled with nulls; missing fields stay null).
 * Fields usually arrive in schema order, so the next field's name is tried against the key text
 * before any string is built.
 */
export function readObjectFields(c: JsonCursor, plan: FieldPlan, values: SqlValue[]): void {
  const { names, index, fastExact, fastFold, matched } = plan;
  const text = c.text;
  const n = names.length;
  matched.fill(0);
  c.pos++;
  let ch = c.peek();
  if (ch === 125) {
    c.pos++;
    return;
  }
  let guess = 0;
  for (;;) {
    if (ch !== QUOTE) throw c.syntax('expected a field name');
    let target = -1;
    let kind = 0;
    let alsoUpper = -1;
    if (guess < n) {
      const name = names[guess];
      const keyStart = c.pos + 1;
      const keyEnd = keyStart + name.length;
      if (fastExact[guess] && text.charCodeAt(keyEnd) === QUOTE && text.startsWith(name, keyStart)) {
        target = guess;
        kind = 2;
        c.pos = keyEnd + 1;
      } else if (fastFold[guess] && foldsTo(text, keyStart, name)) {
        target = guess;
        kind = 1;
        c.pos = keyEnd + 1;
      }
    }
    if (target < 0) {
      const key = c.readString();
      const exact = index.get(key);
      const upper = index.get(key.toUpperCase());
      if (exact !== undefined) {
        target = exact;
        kind = 2;
        if (upper !== undefined && upper !== exact) alsoUpper = upper;
      } else if (upper !== undefined) {
        target = upper;
        kind = 1;
      }
    }
    if (c.peek() !== 58) throw c.syntax("expected ':'");
    c.pos++;
    if (alsoUpper >= 0 && matched[alsoUpper] !== 2) {
      // One JSON field feeding two columns ("id" and "ID"): read it once for each.
      const start = c.pos;
      readField(c, plan, alsoUpper, values);
      matched[alsoUpper] = 1;
      c.pos = start;
    }
    if (target < 0 || (kind === 1 && matched[target] === 2)) {
      c.skipValue();
    } else {
      readField(c, plan, target, values);
      matched[target] = kind;
      guess = target + 1;
    }
    ch = c.peek();
    if (ch === 44) {
      c.pos++;
      ch = c.peek();
    } else if (ch === 125) {
      c.pos++;
      return;
    } else {
      throw c.syntax("expected ',' or '}'");
    }
  }
}

function structReader(type: SqlType & { kind: 'STRUCT' }): JsonValueReader {
  const plan = compileFieldPlan(type.fields);
  const names = plan.names;
  const n = names.length;
  return (c) => {
    const ch = c.peek();
    if (ch === N_NULL) return c.readLiteral();
    if (ch !== 123) return mismatch(c, type);
    const values: SqlValue[] = new Array(n).fill(null);
    readObjectFields(c, plan, values);
    const record: Record<string, SqlValue> = {};
    for (let i = 0; i < n; i++) {
      if (names[i] === '__proto__') {
        Object.defineProperty(record, names[i], { value: values[i], enumerable: true, writable: true });
      } else {
        record[names[i]] = values[i];
      }
    }
    return record;
  };
}

/** JSON can only hold maps keyed by strings; ksqlDB rejects other keys when the schema is made. */
export function checkJsonType(type: SqlType, column: string): void {
  switch (type.kind) {
    case 'MAP':
      if (type.key.kind !== 'STRING') {
        throw new FormatSchemaError(
          `The 'JSON' format only supports MAP types with STRING keys; column ${column} is ${formatType(type)}`,
        );
      }
      checkJsonType(type.value, column);
      return;
    case 'ARRAY':
      checkJsonType(type.element, column);
      return;
    case 'STRUCT':
      for (const f of type.fields) checkJsonType(f.type, column);
      return;
    default:
      return;
  }
}

export function compileJsonReader(type: SqlType): JsonValueReader {
  switch (type.kind) {
    case 'BOOLEAN':
      return readBoolean;
    case 'INTEGER':
      return readInteger;
    case 'BIGINT':
      return readBigint;
    case 'DOUBLE':
      return readDouble;
    case 'STRING':
      return readString;
    case 'BYTES':
      return readBytes;
    case 'DECIMAL':
      return decimalReader(type);
    case 'TIMESTAMP':
    case 'DATE':
      return longAsNumberReader(type);
    case 'TIME':
      return readTime;
    case 'ARRAY':
      return arrayReader(type);
    case 'MAP':
      return mapReader(type);
    case 'STRUCT':
      return structReader(type);
  }
}
