// Values as Java's toString writes them, which is what ksqlDB's CAST(… AS STRING) returns.
import { formatDecimal, formatDecimalScientific } from '../serde/index.js';
import {
  type Decimal,
  formatDoubleLikeJava as javaDoubleText,
  type SqlType,
  type SqlValue,
  type StructValue,
} from '../types/index.js';

export { javaDoubleText };

import { formatDate, formatTime, formatTimestamp, MS_PER_DAY } from './temporal-text.js';

/** java.sql.Timestamp.toString in UTC: 'yyyy-MM-dd HH:mm:ss.f', trailing fraction zeros dropped. */
function javaTimestampText(ms: number): string {
  const days = Math.floor(ms / MS_PER_DAY);
  const inDay = ms - days * MS_PER_DAY;
  const fraction =
    String(inDay % 1000)
      .padStart(3, '0')
      .replace(/0+$/, '') || '0';
  return `${formatDate(days)} ${formatTime(inDay - (inDay % 1000))}.${fraction}`;
}

/**
 * A value nested in a collection, as Java's List/Map/Struct toString shows it: lists "[1, 2]",
 * maps "{a=1, b=2}", structs "Struct{A=1,B=x}" (Kafka Connect leaves NULL fields out).
 */
export function javaText(value: SqlValue, type: SqlType): string {
  if (value === null) return 'null';
  switch (type.kind) {
    case 'DOUBLE':
      return javaDoubleText(value as number);
    case 'DECIMAL':
      return formatDecimalScientific(value as Decimal);
    case 'DATE':
      return formatDate(value as number);
    case 'TIME':
      return formatTime(value as number);
    case 'TIMESTAMP':
      return javaTimestampText(value as number);
    case 'BYTES': {
      const length = (value as Uint8Array).length;
      return `java.nio.HeapByteBuffer[pos=0 lim=${length} cap=${length}]`;
    }
    case 'ARRAY': {
      const element = type.element;
      return `[${(value as readonly SqlValue[]).map((e) => javaText(e, element)).join(', ')}]`;
    }
    case 'MAP': {
      const parts: string[] = [];
      for (const [k, v] of value as ReadonlyMap<SqlValue, SqlValue>) {
        parts.push(`${javaText(k, type.key)}=${javaText(v, type.value)}`);
      }
      return `{${parts.join(', ')}}`;
    }
    case 'STRUCT': {
      const struct = value as StructValue;
      const parts: string[] = [];
      for (const f of type.fields) {
        const v = struct[f.name] ?? null;
        if (v !== null) parts.push(`${f.name}=${javaText(v, f.type)}`);
      }
      return `Struct{${parts.join(',')}}`;
    }
    default:
      return String(value);
  }
}

/** CAST(value AS STRING) for a top-level value: like javaText, but decimals are plain digits. */
export function castText(value: SqlValue, type: SqlType): string {
  if (type.kind === 'DECIMAL') return formatDecimal(value as Decimal);
  if (type.kind === 'TIMESTAMP') return formatTimestamp(value as number);
  return javaText(value, type);
}
