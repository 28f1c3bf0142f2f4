// A Confluent-framed Protobuf record as ksqlDB's PRINT shows it: protobuf-java's
// TextFormat.printer().shortDebugString of the message its schema id and indexes name. PRINT is not
// a hot path, so the message is decoded with protobufjs.
import protobuf from 'protobufjs';
import { formatDoubleLikeJava } from '../types/index.js';
import type { CompiledProtobufSchema } from './protobuf-schema.js';
import { PbReader, readMessageIndexes } from './protobuf-wire.js';

/** The body after the 5-byte header, shown as TextFormat's short debug string; throws when it is not one. */
export function protobufDatumText(compiled: CompiledProtobufSchema, bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reader = new PbReader();
  reader.reset(buf, 5, buf.length);
  const indexes = readMessageIndexes(reader);
  const type = compiled.byIndexes(indexes);
  if (type === undefined) throw new Error(`Invalid message indexes: [${indexes.join(', ')}]`);
  const message = type.decode(buf.subarray(reader.pos));
  return messageText(type, message as unknown as Record<string, unknown>);
}

function messageText(type: protobuf.Type, message: Record<string, unknown>): string {
  const parts: string[] = [];
  const fields = [...type.fieldsArray].sort((a, b) => a.id - b.id);
  for (const field of fields) {
    field.resolve();
    if (!Object.hasOwn(message, field.name)) continue;
    const value = message[field.name];
    if (field.map) {
      const keyType = (field as unknown as protobuf.MapField).keyType;
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const key = keyType === 'string' ? quoted(Buffer.from(k, 'utf8')) : k;
        parts.push(`${field.name} { key: ${key} ${entry(field, v).replace(field.name, 'value')} }`);
      }
      continue;
    }
    if (field.repeated) {
      for (const v of value as unknown[]) parts.push(entry(field, v));
      continue;
    }
    // proto3 fields without presence are shown only when not their default.
    const hasPresence =
      field.resolvedType instanceof protobuf.Type || field.partOf !== null || field.options?.proto3_optional;
    if (!hasPresence && isDefault(value)) continue;
    parts.push(entry(field, value));
  }
  return parts.join(' ');
}

function entry(field: protobuf.Field, value: unknown): string {
  return field.resolvedType instanceof protobuf.Type
    ? `${field.name} ${single(field, value)}`
    : `${field.name}: ${single(field, value)}`;
}

function single(field: protobuf.Field, value: unknown): string {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) {
    const inner = messageText(resolved, value as Record<string, unknown>);
    return inner === '' ? '{ }' : `{ ${inner} }`;
  }
  if (resolved instanceof protobuf.Enum) return resolved.valuesById[value as number] ?? String(value);
  switch (field.type) {
    case 'string':
      return quoted(Buffer.from(value as string, 'utf8'));
    case 'bytes':
      return quoted(value as Uint8Array);
    case 'double':
      return formatDoubleLikeJava(value as number);
    case 'float':
      return formatDoubleLikeJava(Number((value as number).toPrecision(7)));
    case 'uint64':
    case 'fixed64':
      return longText(value, true);
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return longText(value, false);
    default:
      return String(value);
  }
}

function longText(value: unknown, unsigned: boolean): string {
  if (typeof value === 'object' && value !== null && 'low' in value && 'high' in value) {
    const { low, high } = value as { low: number; high: number };
    const n = (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
    return String(unsigned ? n : BigInt.asIntN(64, n));
  }
  return String(value);
}

function isDefault(value: unknown): boolean {
  if (value === 0 || value === false || value === '') return true;
  if (value instanceof Uint8Array) return value.length === 0;
  if (typeof value === 'object' && value !== null && 'low' in value && 'high' in value)
    return (value as { low: number; high: number }).low === 0 && (value as { high: number }).high === 0;
  return false;
}

const ESCAPES: Readonly<Record<number, string>> = {
  7: '\\a',
  8: '\\b',
  12: '\\f',
  10: '\\n',
  13: '\\r',
  9: '\\t',
  11: '\\v',
  92: '\\\\',
  39: "\\'",
  34: '\\"',
};

/** TextFormat's escapeBytes: printable ASCII as is, the C escapes, other bytes (UTF-8 too) as \ooo. */
function quoted(bytes: Uint8Array): string {
  let out = '"';
  for (const b of bytes) {
    const escaped = ESCAPES[b];
    if (escaped !== undefined) out += escaped;
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\${b.toString(8).padStart(3, '0')}`;
  }
  return `${out}"`;
}
