import {
  bytesToUnscaled,
  type ConnectValue,
  DataException,
  LOGICAL,
  type Schema,
  Struct,
} from '../../connect/api/index.js';
import { decimalText, isDecimal } from '../postgres/decimal.js';

// Connect values as PostgreSQL's text input, which both statement parameters and COPY take: one
// encoding serves every write path, and numerics stay exact (no detour through JS floats).

/** How a column takes text, from its PostgreSQL type. */
export type ColumnKind = 'json' | 'bytea' | 'date' | 'time' | 'timestamp' | 'timestamptz' | 'array' | 'other';

/** A value's text, or null for SQL NULL. */
export type Encoder = (value: ConnectValue) => string | null;

const MS_PER_DAY = 86_400_000;

/** Formats instants for timestamp columns in the session's zone (db.timezone). */
export class TimestampFormat {
  readonly timeZone: string;
  /** UTC needs no zone arithmetic: Date's own ISO text is the value. */
  readonly utc: boolean;
  private readonly parts: Intl.DateTimeFormat | undefined;

  constructor(timeZone: string) {
    this.timeZone = timeZone;
    this.utc = timeZone.toUpperCase() === 'UTC';
    this.parts = this.utc
      ? undefined
      : new Intl.DateTimeFormat('en-US', {
          timeZone,
          hourCycle: 'h23',
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
          hour: '2-digit',
          minute: '2-digit',
          second: '2-digit',
          timeZoneName: 'longOffset',
        });
  }

  /**
   * In UTC, ISO-8601 with Z. Elsewhere the wall-clock time in the zone with its offset: a
   * timestamptz column reads the exact instant, a timestamp column keeps the wall-clock time (as
   * the JDBC sink's db.timezone does).
   */
  format(ms: number): string {
    const date = new Date(ms);
    if (Number.isNaN(date.getTime())) throw new DataException(`Timestamp ${ms} is out of range`);
    if (this.parts === undefined) return date.toISOString();
    const p: Record<string, string> = {};
    for (const part of this.parts.formatToParts(date)) p[part.type] = part.value;
    const offset = p.timeZoneName === 'GMT' ? '+00:00' : p.timeZoneName.replace('GMT', '');
    const millis = String(date.getUTCMilliseconds()).padStart(3, '0');
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}.${millis}${offset}`;
  }
}

function isoText(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new DataException('Timestamp is not a valid date');
  return date.toISOString();
}

function instantMs(value: ConnectValue, unitMs: number, what: string): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number' && Number.isInteger(value)) return value * unitMs;
  if (typeof value === 'bigint') return Number(value) * unitMs;
  throw new DataException(`Invalid value for ${what}: ${describe(value)}`);
}

function dateText(ms: number): string {
  return new Date(Math.floor(ms / MS_PER_DAY) * MS_PER_DAY).toISOString().slice(0, 10);
}

function timeText(ms: number): string {
  const within = ((ms % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
  return new Date(within).toISOString().slice(11, 23);
}

function numberText(n: number): string {
  if (Number.isFinite(n)) return String(n);
  return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
}

function byteaText(bytes: Uint8Array): string {
  return `\\x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;
}

function describe(value: ConnectValue): string {
  if (value instanceof Struct) return 'a Struct';
  if (value instanceof Uint8Array) return 'bytes';
  if (value instanceof Map) return 'a map';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/** JSON for a jsonb column: structs and maps as objects, 64-bit integers and decimals exact. */
export function jsonText(value: ConnectValue, timestamps: TimestampFormat): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
  }
  if (value instanceof Date) return JSON.stringify(timestamps.format(value.getTime()));
  if (value instanceof Uint8Array)
    return JSON.stringify(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'));
  if (isDecimal(value)) return decimalText(value.unscaled, value.scale);
  if (value instanceof Struct) {
    const fields = (value.schema.fields ?? []).map(
      (f) => `${JSON.stringify(f.name)}:${jsonText(value.get(f.name), timestamps)}`,
    );
    return `{${fields.join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map((v) => jsonText(v, timestamps)).join(',')}]`;
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  return `{${entries.map(([k, v]) => `${JSON.stringify(String(k))}:${jsonText(v as ConnectValue, timestamps)}`).join(',')}}`;
}

/** A PostgreSQL array literal, every element quoted. */
function arrayLiteral(values: readonly ConnectValue[], element: Encoder): string {
  const items = values.map((v) => {
    if (Array.isArray(v)) return arrayLiteral(v, element);
    const text = element(v);
    return text === null ? 'NULL' : `"${text.replace(/[\\"]/g, '\\$&')}"`;
  });
  return `{${items.join(',')}}`;
}

/**
 * The encoder for a field (its Connect schema, or null when schemaless) into a column of this
 * kind. Logical types read their underlying representation too (days, milliseconds, bytes).
 */
export function encoderFor(schema: Schema | null, kind: ColumnKind, timestamps: TimestampFormat): Encoder {
  if (kind === 'json')
    // Text goes in as it is (it is the JSON), anything else is serialized.
    return (v) =>
      v === null || v === undefined ? null : typeof v === 'string' ? v : jsonText(v, timestamps);
  // A Timestamp may land in a date or time column of an existing table.
  const timestampText = (ms: number) =>
    kind === 'date' ? dateText(ms) : kind === 'time' ? timeText(ms) : timestamps.format(ms);
  switch (schema?.name) {
    case LOGICAL.decimal: {
      const scale = Number(schema.parameters?.scale ?? 0);
      return (v) => {
        if (v === null || v === undefined) return null;
        if (isDecimal(v)) return decimalText(v.unscaled, v.scale);
        if (v instanceof Uint8Array) return decimalText(bytesToUnscaled(v), scale);
        if (typeof v === 'number') return numberText(v);
        return String(v);
      };
    }
    case LOGICAL.date:
      return (v) => (v === null || v === undefined ? null : dateText(instantMs(v, MS_PER_DAY, 'Date')));
    case LOGICAL.time:
      return (v) => (v === null || v === undefined ? null : timeText(instantMs(v, 1, 'Time')));
    case LOGICAL.timestamp:
      if (kind !== 'date' && kind !== 'time' && timestamps.utc)
        return (v) =>
          v === null || v === undefined
            ? null
            : v instanceof Date
              ? isoText(v)
              : timestamps.format(instantMs(v, 1, 'Timestamp'));
      return (v) => (v === null || v === undefined ? null : timestampText(instantMs(v, 1, 'Timestamp')));
  }
  const plain: Encoder = (v) => {
    if (v === null || v === undefined) return null;
    switch (typeof v) {
      case 'string':
        return v;
      case 'number':
        return numberText(v);
      case 'bigint':
        return v.toString();
      case 'boolean':
        return v ? 'true' : 'false';
    }
    if (v instanceof Date) return timestampText(v.getTime());
    if (v instanceof Uint8Array) return byteaText(v);
    if (isDecimal(v)) return decimalText(v.unscaled, v.scale);
    if (Array.isArray(v) && kind === 'array') return arrayLiteral(v, plain);
    return jsonText(v, timestamps);
  };
  return plain;
}

/**
 * True when the encoder's text never holds a character COPY escapes (numbers, booleans, dates and
 * times, decimals), so the COPY path skips the scan.
 */
export function escapeFree(schema: Schema | null, kind: ColumnKind): boolean {
  if (schema === null || kind === 'array' || kind === 'bytea') return false;
  if (schema.name === LOGICAL.decimal || schema.name === LOGICAL.date || schema.name === LOGICAL.time)
    return true;
  if (schema.name === LOGICAL.timestamp) return true;
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32':
    case 'INT64':
    case 'FLOAT32':
    case 'FLOAT64':
    case 'BOOLEAN':
      return true;
    default:
      return false;
  }
}

/** COPY's text format: backslash, newline, carriage return and tab escaped; NULL is \N. */
export function copyField(text: string | null): string {
  if (text === null) return '\\N';
  return /[\\\n\r\t]/.test(text) ? text.replace(/[\\\n\r\t]/g, copyEscape) : text;
}

function copyEscape(c: string): string {
  return c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t';
}
