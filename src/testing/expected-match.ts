// Compares an expected JSON value with an actual SQL value the way ksqlDB's test runner does
// (ExpectedRecordComparator): numbers by value whatever their JSON spelling (1 matches 1.0), except
// that a DECIMAL matches a number with a fraction only at the same scale (10.01 matches 10.01, not
// 10.010), and an object matches a struct or map with the same number of fields, each found by
// its exact or upper-cased name.
import { compareDecimals, DecimalError, formatDecimal, parseDecimalExact } from '../serde/index.js';
import type { Decimal, SqlType, SqlValue, StructValue } from '../types/index.js';
import { isIntegralText, type JsonNode, printJson } from './json-document.js';
import type { TypedValue } from './topic-codec.js';

function decimalOf(text: string): Decimal | undefined {
  try {
    return parseDecimalExact(text);
  } catch (err) {
    if (err instanceof DecimalError) return undefined;
    throw err;
  }
}

function sameNumber(text: string, value: SqlValue, type: SqlType): boolean {
  switch (type.kind) {
    case 'DOUBLE':
      return Number(text) === value;
    case 'INTEGER':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
    case 'BIGINT': {
      const expected = decimalOf(text);
      const actual = BigInt(value as number | bigint);
      return expected !== undefined && compareDecimals(expected, { unscaled: actual, scale: 0 }) === 0;
    }
    case 'DECIMAL': {
      const expected = decimalOf(text);
      const actual = value as Decimal;
      if (expected === undefined) return false;
      if (isIntegralText(text)) return actual.scale <= 0 && compareDecimals(expected, actual) === 0;
      return expected.scale === actual.scale && expected.unscaled === actual.unscaled;
    }
    default:
      return false;
  }
}

/** Equal in value whatever the scale: 2.00 and 2.0. */
function sameDecimalValue(text: string, actual: Decimal): boolean {
  const expected = decimalOf(text);
  return expected !== undefined && compareDecimals(expected, actual) === 0;
}

/** Java's text of a DOUBLE that is not finite: NaN, Infinity, -Infinity. */
function nonFiniteText(n: number): string {
  return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
}

function sameText(text: string, value: SqlValue, type: SqlType): boolean {
  switch (type.kind) {
    case 'STRING':
      return value === text;
    case 'DECIMAL': {
      const expected = decimalOf(text);
      const actual = value as Decimal;
      return (
        expected !== undefined && expected.scale === actual.scale && expected.unscaled === actual.unscaled
      );
    }
    case 'BYTES':
      // ksqlDB's test files give bytes as base64 text.
      return Buffer.from(value as Uint8Array).toString('base64') === text;
    case 'DOUBLE':
      // JSON writes NaN and the infinities as these strings, and the test files do too.
      return !Number.isFinite(value) && nonFiniteText(value as number) === text;
    default:
      return false;
  }
}

/** Looks a field up by its exact name, then upper-cased (ksqlDB upper-cases unquoted names). */
function lookUp<T>(name: string, get: (n: string) => T | undefined): T | undefined {
  return get(name) ?? get(name.toUpperCase());
}

function at(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

function matchObject(
  expected: Extract<JsonNode, { kind: 'object' }>,
  actual: TypedValue,
  path: string,
): string | undefined {
  const { type, value } = actual;
  let count: number;
  let get: (name: string) => TypedValue | undefined;
  if (type.kind === 'STRUCT') {
    const struct = value as StructValue;
    count = type.fields.length;
    get = (name) => {
      const field = type.fields.find((f) => f.name === name);
      return field === undefined ? undefined : { type: field.type, value: struct[field.name] ?? null };
    };
  } else if (type.kind === 'MAP') {
    const map = value as ReadonlyMap<SqlValue, SqlValue>;
    count = map.size;
    get = (name) => (map.has(name) ? { type: type.value, value: map.get(name) ?? null } : undefined);
  } else {
    return `${path || 'the value'} is ${renderValue(actual)}, not an object`;
  }
  if (count !== expected.fields.length) {
    return `${path || 'the value'} has ${count} field(s) where ${expected.fields.length} were expected`;
  }
  for (const field of expected.fields) {
    const found = lookUp(field.name, get);
    const where = at(path, field.name);
    if (found === undefined) return `${where} is missing`;
    const problem = matchExpected(field.value, found, where);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * Why `actual` does not match `expected` (naming the field path), or undefined when it does.
 * `path` names the value in messages, e.g. `NAME` or `ITEMS[2]`.
 */
export function matchExpected(expected: JsonNode, actual: TypedValue, path = ''): string | undefined {
  const { type, value } = actual;
  const differ = () =>
    `${path || 'the value'}: expected ${printJson(expected)} but was ${renderValue(actual)}`;
  if (expected.kind === 'null') return value === null ? undefined : differ();
  if (value === null) return differ();
  switch (expected.kind) {
    case 'boolean':
      return type.kind === 'BOOLEAN' && value === expected.value ? undefined : differ();
    case 'number':
    case 'string': {
      const text = expected.kind === 'number' ? expected.text : expected.value;
      const same = expected.kind === 'number' ? sameNumber(text, value, type) : sameText(text, value, type);
      if (same) return undefined;
      return type.kind === 'DECIMAL' && sameDecimalValue(text, value as Decimal)
        ? `${differ()} (a DECIMAL matches only at its scale: write ${formatDecimal(value as Decimal)})`
        : differ();
    }
    case 'array': {
      if (type.kind !== 'ARRAY') return differ();
      const items = value as readonly SqlValue[];
      if (items.length !== expected.items.length) {
        return `${path || 'the value'} has ${items.length} element(s) where ${expected.items.length} were expected`;
      }
      for (let i = 0; i < items.length; i++) {
        const problem = matchExpected(
          expected.items[i],
          { type: type.element, value: items[i] },
          `${path}[${i}]`,
        );
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    case 'object':
      return matchObject(expected, actual, path);
    default: {
      const never: never = expected;
      return never;
    }
  }
}

/** An actual value as JSON-like text for messages: DECIMALs keep their scale, DOUBLEs show a point. */
export function renderValue(actual: TypedValue): string {
  const { type, value } = actual;
  if (value === null) return 'null';
  switch (type.kind) {
    case 'BOOLEAN':
    case 'INTEGER':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
    case 'BIGINT':
      return String(value);
    case 'DOUBLE': {
      const n = value as number;
      if (!Number.isFinite(n)) return JSON.stringify(nonFiniteText(n));
      return Number.isInteger(n) && Math.abs(n) < 1e21 ? `${n}.0` : String(n);
    }
    case 'DECIMAL':
      return formatDecimal(value as Decimal);
    case 'STRING':
      return JSON.stringify(value);
    case 'BYTES':
      return JSON.stringify(Buffer.from(value as Uint8Array).toString('base64'));
    case 'ARRAY':
      return `[${(value as readonly SqlValue[]).map((v) => renderValue({ type: type.element, value: v })).join(',')}]`;
    case 'MAP': {
      const entries = [...(value as ReadonlyMap<SqlValue, SqlValue>)].map(
        ([k, v]) => `${JSON.stringify(String(k))}:${renderValue({ type: type.value, value: v })}`,
      );
      return `{${entries.join(',')}}`;
    }
    case 'STRUCT': {
      const struct = value as StructValue;
      const entries = type.fields.map(
        (f) => `${JSON.stringify(f.name)}:${renderValue({ type: f.type, value: struct[f.name] ?? null })}`,
      );
      return `{${entries.join(',')}}`;
    }
    default: {
      const never: never = type;
      return never;
    }
  }
}
