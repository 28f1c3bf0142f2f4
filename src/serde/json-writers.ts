// Schema-compiled JSON writers, producing what ksqlDB's JSON serializer (Kafka's JsonConverter,
// decimal.format=NUMERIC) produces: DOUBLE as Java prints it ("100.0"), BIGINT with every digit,
// DECIMAL as BigDecimal.toString (its scale kept, "1.5E-7" below 10^-6), TIMESTAMP/TIME as
// milliseconds, DATE as days, BYTES as base64, MAP as an object, STRUCT fields by name in order.
import type { Decimal, SqlType, SqlValue, StructValue } from '../types/index.js';
import { formatDecimalScientific } from './decimal.js';
import { encodeBase64, formatDoubleLikeJava } from './java-text.js';

/** Writes a value (null included) as JSON text. */
export type JsonValueWriter = (value: SqlValue) => string;

function writeScalar(v: SqlValue): string {
  return v === null ? 'null' : String(v);
}

function writeDouble(v: SqlValue): string {
  if (v === null) return 'null';
  const d = v as number;
  // Jackson quotes the non-finite values, and ksqlDB reads them back from those strings.
  return Number.isFinite(d) ? formatDoubleLikeJava(d) : `"${formatDoubleLikeJava(d)}"`;
}

// A \u00XX escape JSON.stringify wrote (not an escaped backslash followed by "u00").
const LOWER_HEX_ESCAPE = /(?<!\\)((?:\\\\)*)\\u00([0-9a-f]{2})/g;

// What JSON.stringify escapes: quotes, backslashes, control characters and (lone) surrogates.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A string as Jackson quotes it: JSON.stringify's escapes, with Jackson's upper-case hex digits. */
export function jsonString(v: string): string {
  // Most strings need no escape: quoting them by hand is several times faster than JSON.stringify.
  if (!NEEDS_ESCAPE.test(v)) return `"${v}"`;
  const quoted = JSON.stringify(v);
  // Only control characters other than \b \t \n \f \r get a \u escape; most strings have none.
  return quoted.includes('\\u00')
    ? quoted.replace(
        LOWER_HEX_ESCAPE,
        (_, slashes: string, hex: string) => `${slashes}\\u00${hex.toUpperCase()}`,
      )
    : quoted;
}

function writeString(v: SqlValue): string {
  return v === null ? 'null' : jsonString(v as string);
}

function writeDecimal(v: SqlValue): string {
  return v === null ? 'null' : formatDecimalScientific(v as Decimal);
}

function writeBytes(v: SqlValue): string {
  return v === null ? 'null' : `"${encodeBase64(v as Uint8Array)}"`;
}

/** `{"A":…,"B":…}` for the given names and writers, reading values through `get`. */
export function objectPrefixes(names: readonly string[]): string[] {
  return names.map((name, i) => `${i === 0 ? '{' : ','}${jsonString(name)}:`);
}

export function compileJsonWriter(type: SqlType): JsonValueWriter {
  switch (type.kind) {
    case 'BOOLEAN':
    case 'INTEGER':
    case 'BIGINT':
    case 'TIMESTAMP':
    case 'DATE':
    case 'TIME':
      return writeScalar;
    case 'DOUBLE':
      return writeDouble;
    case 'STRING':
      return writeString;
    case 'DECIMAL':
      return writeDecimal;
    case 'BYTES':
      return writeBytes;
    case 'ARRAY': {
      const element = compileJsonWriter(type.element);
      return (v) => {
        if (v === null) return 'null';
        const items = v as readonly SqlValue[];
        let out = '[';
        for (let i = 0; i < items.length; i++) out += (i === 0 ? '' : ',') + element(items[i]);
        return `${out}]`;
      };
    }
    case 'MAP': {
      const value = compileJsonWriter(type.value);
      return (v) => {
        if (v === null) return 'null';
        let out = '{';
        let first = true;
        for (const [key, item] of v as ReadonlyMap<SqlValue, SqlValue>) {
          out += `${first ? '' : ','}${jsonString(String(key))}:${value(item)}`;
          first = false;
        }
        return `${out}}`;
      };
    }
    case 'STRUCT': {
      const names = type.fields.map((f) => f.name);
      const prefixes = objectPrefixes(names);
      const writers = type.fields.map((f) => compileJsonWriter(f.type));
      const n = names.length;
      if (n === 0) return (v) => (v === null ? 'null' : '{}');
      return (v) => {
        if (v === null) return 'null';
        const record = v as StructValue;
        let out = '';
        for (let i = 0; i < n; i++) out += prefixes[i] + writers[i](record[names[i]] ?? null);
        return `${out}}`;
      };
    }
  }
}
