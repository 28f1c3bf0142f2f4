import { formatDecimal } from '../serde/index.js';
import type { Decimal, SqlType, SqlValue } from '../types/index.js';

const DAY_MS = 86_400_000;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** ksqlDB's query results show times as ISO text without a zone (UTC). */
function timestampText(ms: number): string {
  return new Date(ms).toISOString().slice(0, -1);
}

function timeText(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

/**
 * One value as JSON text, by its SQL type: BIGINT and DECIMAL keep every digit (JSON.stringify
 * cannot write a bigint, and a double would round them), times as ISO text, bytes as base64.
 */
export function valueJson(value: SqlValue, type: SqlType): string {
  if (value === null) return 'null';
  switch (type.kind) {
    case 'BIGINT':
      return (value as bigint).toString();
    case 'DECIMAL':
      return formatDecimal(value as Decimal);
    case 'DOUBLE':
      return Number.isFinite(value as number) ? JSON.stringify(value) : JSON.stringify(String(value));
    case 'TIMESTAMP':
      return JSON.stringify(timestampText(value as number));
    case 'DATE':
      return JSON.stringify(new Date((value as number) * DAY_MS).toISOString().slice(0, 10));
    case 'TIME':
      return JSON.stringify(timeText(value as number));
    case 'BYTES':
      return JSON.stringify(Buffer.from(value as Uint8Array).toString('base64'));
    case 'ARRAY':
      return `[${(value as readonly SqlValue[]).map((v) => valueJson(v, type.element)).join(',')}]`;
    case 'MAP': {
      const parts: string[] = [];
      for (const [k, v] of value as ReadonlyMap<SqlValue, SqlValue>) {
        parts.push(`${JSON.stringify(String(k))}:${valueJson(v, type.value)}`);
      }
      return `{${parts.join(',')}}`;
    }
    case 'STRUCT': {
      const record = value as Readonly<Record<string, SqlValue>>;
      return `{${type.fields.map((f) => `${JSON.stringify(f.name)}:${valueJson(record[f.name] ?? null, f.type)}`).join(',')}}`;
    }
    default:
      return JSON.stringify(value);
  }
}

export function rowJson(row: readonly SqlValue[], types: readonly SqlType[]): string {
  let out = '[';
  for (let i = 0; i < row.length; i++) out += (i === 0 ? '' : ',') + valueJson(row[i], types[i]);
  return `${out}]`;
}
