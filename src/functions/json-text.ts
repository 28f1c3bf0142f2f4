import type { Decimal, SqlType, SqlValue } from '../types/index.js';
import { civilFromDays, floorDiv, MS_PER_DAY } from './civil-time.js';
import { decimalToString } from './decimal.js';
import { javaDoubleToString } from './values.js';

/** Parses JSON text; undefined when it is not valid JSON (JSON.parse's SyntaxError is the only signal). */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Compact JSON text of a parsed value, as Jackson's JsonNode.toString writes it. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value);
}

const pad2 = (n: number) => (n < 10 ? '0' : '') + n;
const pad3 = (n: number) => (n < 10 ? '00' : n < 100 ? '0' : '') + n;
const scratchDate = { year: 0, month: 0, day: 0 };

function isoDate(days: number): string {
  const d = civilFromDays(days, scratchDate);
  const year =
    d.year >= 0 && d.year < 10000 ? String(d.year).padStart(4, '0') : (d.year > 0 ? '+' : '') + d.year;
  return `${year}-${pad2(d.month)}-${pad2(d.day)}`;
}

/** java.time's LocalTime.toString: seconds and fraction only when non-zero. */
function isoTime(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  const frac = ms % 1000;
  let out = `${pad2(h)}:${pad2(m)}`;
  if (s !== 0 || frac !== 0) out += `:${pad2(s)}`;
  if (frac !== 0) out += `.${pad3(frac)}`;
  return out;
}

/** ISO text of a TIMESTAMP as LocalDateTime prints it (in UTC). */
export function isoTimestamp(ms: number): string {
  const days = floorDiv(ms, MS_PER_DAY);
  return `${isoDate(days)}T${isoTime(ms - days * MS_PER_DAY)}`;
}

/** A writer that turns a value of `type` into JSON text, built once per call site. */
export type JsonWriter = (value: SqlValue) => string;

export function jsonWriterFor(type: SqlType): JsonWriter {
  switch (type.kind) {
    case 'BOOLEAN':
    case 'INTEGER':
    case 'BIGINT':
      return (v) => (v === null ? 'null' : String(v));
    case 'DOUBLE':
      return (v) => (v === null ? 'null' : Number.isFinite(v) ? javaDoubleToString(v as number) : `"${v}"`);
    case 'DECIMAL':
      return (v) => (v === null ? 'null' : decimalToString(v as Decimal));
    case 'STRING':
      return (v) => (v === null ? 'null' : JSON.stringify(v));
    case 'BYTES':
      return (v) => (v === null ? 'null' : `"${Buffer.from(v as Uint8Array).toString('base64')}"`);
    case 'DATE':
      return (v) => (v === null ? 'null' : `"${isoDate(v as number)}"`);
    case 'TIME':
      return (v) => (v === null ? 'null' : `"${isoTime(v as number)}"`);
    case 'TIMESTAMP':
      return (v) => (v === null ? 'null' : `"${isoTimestamp(v as number)}"`);
    case 'ARRAY': {
      const element = jsonWriterFor(type.element);
      return (v) => (v === null ? 'null' : `[${(v as readonly SqlValue[]).map(element).join(',')}]`);
    }
    case 'MAP': {
      const key = jsonWriterFor(type.key);
      const value = jsonWriterFor(type.value);
      return (v) => {
        if (v === null) return 'null';
        const parts: string[] = [];
        for (const [k, x] of v as ReadonlyMap<SqlValue, SqlValue>) {
          const keyText = typeof k === 'string' ? JSON.stringify(k) : JSON.stringify(key(k));
          parts.push(`${keyText}:${value(x)}`);
        }
        return `{${parts.join(',')}}`;
      };
    }
    case 'STRUCT': {
      const fields = type.fields.map((f) => [f.name, JSON.stringify(f.name), jsonWriterFor(f.type)] as const);
      return (v) => {
        if (v === null) return 'null';
        const record = v as Readonly<Record<string, SqlValue>>;
        return `{${fields.map(([name, quoted, write]) => `${quoted}:${write(record[name] ?? null)}`).join(',')}}`;
      };
    }
  }
}
