import { formatDecimalScientific } from '../../serde/index.js';
import { type Decimal, formatDoubleLikeJava } from '../../types/index.js';
import { type ConnectValue, type Schema, Struct } from '../api/index.js';
import { isSchemalessMap, mapEntries } from './connect-values.js';
import { isDecimalValue } from './decimal-value.js';

// Text for Connect values the way Kafka Connect's Java code prints them (String.valueOf / toString),
// so StringConverter output and Cast-to-string results match a Java worker's.

export { formatDoubleLikeJava };

/** Float.toString: the shortest digits that read back as the same 32-bit float. */
export function formatFloatLikeJava(value: number): string {
  const f = Math.fround(value);
  if (f === 0 || !Number.isFinite(f)) return formatDoubleLikeJava(f);
  for (let digits = 1; digits <= 9; digits++) {
    const text = f.toPrecision(digits);
    const back = Number(text);
    if (Math.fround(back) === f) return formatDoubleLikeJava(back);
  }
  return formatDoubleLikeJava(f);
}

/** A number as Java prints it when the schema says which Java type it is. */
export function formatNumberLikeJava(value: number | bigint, schema: Schema | null): string {
  if (typeof value === 'bigint') return value.toString();
  if (schema?.type === 'FLOAT32') return formatFloatLikeJava(value);
  if (schema?.type === 'FLOAT64') return formatDoubleLikeJava(value);
  return Number.isInteger(value) && schema !== null ? String(value) : javaNumberText(value);
}

function javaNumberText(value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 2 ** 63 ? String(value) : formatDoubleLikeJava(value);
}

export function formatDecimalLikeJava(value: Decimal): string {
  return formatDecimalScientific(value);
}

const MS_PER_DAY = 86_400_000;

/** Values.dateFormatFor: a Time ("HH:mm:ss.SSS'Z'"), a Date ("yyyy-MM-dd") or a Timestamp, in UTC. */
export function formatDateLikeConnect(value: Date): string {
  const ms = value.getTime();
  const iso = value.toISOString();
  if (ms >= 0 && ms < MS_PER_DAY) return iso.slice(11);
  if (ms % MS_PER_DAY === 0) return iso.slice(0, 10);
  return iso;
}

/** String.valueOf(value) for a Connect value, as StringConverter writes it. */
export function javaToString(value: ConnectValue, schema: Schema | null = null): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number' || typeof value === 'bigint') return formatNumberLikeJava(value, schema);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `[${[...value].map((b) => (b << 24) >> 24).join(', ')}]`;
  if (value instanceof Struct) {
    // Struct.toString leaves out null fields.
    const fields = (value.schema.fields ?? [])
      .filter((f) => value.get(f.name) !== null)
      .map((f) => `${f.name}=${javaToString(value.get(f.name), f.schema)}`);
    return `Struct{${fields.join(',')}}`;
  }
  if (Array.isArray(value))
    return `[${value.map((v) => javaToString(v, schema?.valueSchema ?? null)).join(', ')}]`;
  if (isDecimalValue(value) && schema !== null) return formatDecimalLikeJava(value);
  if (isSchemalessMap(value)) {
    const entries = mapEntries(value).map(
      ([k, v]) =>
        `${javaToString(k, schema?.keySchema ?? null)}=${javaToString(v, schema?.valueSchema ?? null)}`,
    );
    return `{${entries.join(', ')}}`;
  }
  return String(value);
}
