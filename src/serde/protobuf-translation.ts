// Between SQL columns and Protobuf messages, as ksqlDB translates through Confluent's ProtobufData:
// the `.proto` ksqlDB registers for a stream's columns (message ConnectDefault1, nested messages
// ConnectDefault2…, tags in column order), and the columns a registered message gives.
import protobuf from 'protobufjs';
import {
  array,
  BIGINT,
  BOOLEAN,
  BYTES,
  DATE,
  DOUBLE,
  decimal,
  INTEGER,
  map,
  type SqlType,
  STRING,
  struct,
  TIME,
  TIMESTAMP,
} from '../types/index.js';
import type { InferredColumns } from './avro-translation.js';
import type { SerdeColumn } from './format.js';
import { protobufFullName } from './protobuf-schema.js';
import { FormatSchemaError } from './serde-error.js';

/** KEY_/VALUE_PROTOBUF_NULLABLE_REPRESENTATION: how a nullable primitive column is declared. */
export type ProtobufNullableRepresentation = 'NONE' | 'OPTIONAL' | 'WRAPPER';

export const TIMESTAMP_MESSAGE = 'google.protobuf.Timestamp';
export const DATE_MESSAGE = 'google.type.Date';
export const TIME_MESSAGE = 'google.type.TimeOfDay';
export const DECIMAL_MESSAGE = 'confluent.type.Decimal';

/** google.protobuf wrapper messages and the SQL type of their `value`. */
export const WRAPPER_TYPES: ReadonlyMap<string, SqlType> = new Map([
  ['google.protobuf.DoubleValue', DOUBLE],
  ['google.protobuf.FloatValue', DOUBLE],
  ['google.protobuf.Int64Value', BIGINT],
  ['google.protobuf.UInt64Value', BIGINT],
  ['google.protobuf.Int32Value', INTEGER],
  ['google.protobuf.UInt32Value', BIGINT],
  ['google.protobuf.BoolValue', BOOLEAN],
  ['google.protobuf.StringValue', STRING],
  ['google.protobuf.BytesValue', BYTES],
]);

/** Protobuf scalars as Connect reads them (unsigned 32-bit and every 64-bit kind → INT64). */
export const SCALAR_TYPES: Readonly<Record<string, SqlType>> = {
  int32: INTEGER,
  sint32: INTEGER,
  sfixed32: INTEGER,
  uint32: BIGINT,
  fixed32: BIGINT,
  int64: BIGINT,
  sint64: BIGINT,
  sfixed64: BIGINT,
  uint64: BIGINT,
  fixed64: BIGINT,
  float: DOUBLE,
  double: DOUBLE,
  bool: BOOLEAN,
  string: STRING,
  bytes: BYTES,
};

/** ksqlDB's name of the generated message when no *_SCHEMA_FULL_NAME is given. */
export const DEFAULT_PROTOBUF_MESSAGE = 'ConnectDefault1';

// ---------------------------------------------------------------- columns → .proto

export interface GeneratedProtobufSchema {
  readonly text: string;
  /** The generated message's full name. */
  readonly messageName: string;
}

/**
 * The `.proto` ksqlDB registers for these columns: a proto3 message of every column (a single
 * column as its own one-field message too: PROTOBUF always wraps), tags in column order, nested
 * STRUCTs as nested messages numbered depth first, logical types as the well-known messages.
 */
export function protobufSchemaForColumns(
  columns: readonly SerdeColumn[],
  options: { fullName?: string; nullable?: ProtobufNullableRepresentation } = {},
): GeneratedProtobufSchema {
  const full = options.fullName ?? DEFAULT_PROTOBUF_MESSAGE;
  const dot = full.lastIndexOf('.');
  const pkg = dot < 0 ? '' : full.slice(0, dot);
  const imports = new Set<string>();
  const counter = { n: full === DEFAULT_PROTOBUF_MESSAGE ? 1 : 0 };
  const body = messageLines(
    dot < 0 ? full : full.slice(dot + 1),
    columns,
    '',
    counter,
    imports,
    options.nullable ?? 'NONE',
  );
  const text = [
    'syntax = "proto3";',
    ...(pkg === '' ? [] : [`package ${pkg};`]),
    ...(imports.size === 0 ? [] : ['', ...[...imports].sort().map((i) => `import "${i}";`)]),
    '',
    ...body,
    '',
  ].join('\n');
  return { text, messageName: full };
}

function messageLines(
  name: string,
  fields: readonly { name: string; type: SqlType }[],
  indent: string,
  counter: { n: number },
  imports: Set<string>,
  nullable: ProtobufNullableRepresentation,
): string[] {
  const inner = `${indent}  `;
  const lines = [`${indent}message ${name} {`];
  const nested: string[] = [];
  fields.forEach((f, i) => {
    const fieldName = f.name.replace(/[^A-Za-z0-9_]/g, '_');
    const label = (t: SqlType) => {
      if (t.kind === 'ARRAY') return 'repeated ';
      if (nullable === 'OPTIONAL' && isPrimitive(t)) return 'optional ';
      return '';
    };
    const typeName = (t: SqlType, top: boolean): string => {
      switch (t.kind) {
        case 'ARRAY':
          if (t.element.kind === 'ARRAY' || t.element.kind === 'MAP')
            throw new FormatSchemaError(
              `PROTOBUF cannot hold ${t.element.kind} elements in an ARRAY (column ${f.name})`,
            );
          return typeName(t.element, false);
        case 'MAP':
          if (t.key.kind !== 'STRING')
            throw new FormatSchemaError(
              'PROTOBUF format only supports MAP types with STRING keys. See https://github.com/confluentinc/ksql/issues/6177.',
            );
          if (t.value.kind === 'ARRAY' || t.value.kind === 'MAP')
            throw new FormatSchemaError(
              `PROTOBUF cannot hold ${t.value.kind} values in a MAP (column ${f.name})`,
            );
          return `map<string, ${typeName(t.value, false)}>`;
        case 'STRUCT': {
          const nestedName = `ConnectDefault${++counter.n}`;
          nested.push('', ...messageLines(nestedName, t.fields, inner, counter, imports, nullable));
          return nestedName;
        }
        case 'DECIMAL':
          imports.add('confluent/type/decimal.proto');
          imports.add('confluent/meta.proto');
          return DECIMAL_MESSAGE;
        case 'DATE':
          imports.add('google/type/date.proto');
          return DATE_MESSAGE;
        case 'TIME':
          imports.add('google/type/timeofday.proto');
          return TIME_MESSAGE;
        case 'TIMESTAMP':
          imports.add('google/protobuf/timestamp.proto');
          return TIMESTAMP_MESSAGE;
        default:
          if (top && nullable === 'WRAPPER') {
            imports.add('google/protobuf/wrappers.proto');
            return `google.protobuf.${WRAPPER_NAMES[t.kind]}`;
          }
          return PROTO_SCALARS[t.kind] as string;
      }
    };
    const type = typeName(f.type, true);
    const decimalMeta =
      f.type.kind === 'DECIMAL'
        ? ` [(confluent.field_meta) = { params: [ { key: "precision", value: "${f.type.precision}" }, { key: "scale", value: "${f.type.scale}" } ] }]`
        : '';
    lines.push(`${inner}${label(f.type)}${type} ${fieldName} = ${i + 1}${decimalMeta};`);
  });
  lines.push(...nested, `${indent}}`);
  return lines;
}

function isPrimitive(t: SqlType): boolean {
  return PROTO_SCALARS[t.kind] !== undefined;
}

const PROTO_SCALARS: Partial<Record<SqlType['kind'], string>> = {
  BOOLEAN: 'bool',
  INTEGER: 'int32',
  BIGINT: 'int64',
  DOUBLE: 'double',
  STRING: 'string',
  BYTES: 'bytes',
} as const;

const WRAPPER_NAMES: Partial<Record<SqlType['kind'], string>> = {
  BOOLEAN: 'BoolValue',
  INTEGER: 'Int32Value',
  BIGINT: 'Int64Value',
  DOUBLE: 'DoubleValue',
  STRING: 'StringValue',
  BYTES: 'BytesValue',
};

// ---------------------------------------------------------------- message → columns

/** The members of a real oneof (not proto3 `optional`'s synthetic one), else undefined. */
export function realOneof(field: protobuf.Field): protobuf.OneOf | undefined {
  const oneof = field.partOf;
  if (oneof === null || oneof === undefined || field.options?.proto3_optional === true) return undefined;
  return oneof;
}

/** The precision and scale a confluent.type.Decimal field declares in `(confluent.field_meta)` params. */
export function decimalParams(field: protobuf.Field): { precision: number; scale: number } {
  const params = fieldMetaParams(field);
  const precision = Number(params.get('precision') ?? Number.NaN);
  const scale = Number(params.get('scale') ?? 0);
  if (!Number.isInteger(precision))
    throw new FormatSchemaError(
      `Field ${field.name} is a confluent.type.Decimal without a precision in its (confluent.field_meta) params`,
    );
  return { precision, scale };
}

/** A field's `(confluent.field_meta)` params, by key (Confluent keeps a decimal's precision and scale there). */
export function fieldMetaParams(field: protobuf.Field): Map<string, string> {
  const params = new Map<string, string>();
  const collect = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(collect);
    else if (typeof v === 'object' && v !== null) {
      const o = v as Record<string, unknown>;
      if (typeof o.key === 'string' && o.value !== undefined) params.set(o.key, String(o.value));
      else for (const x of Object.values(o)) collect(x);
    }
  };
  for (const option of field.parsedOptions ?? []) {
    const meta = (option as Record<string, unknown>)['(confluent.field_meta)'];
    if (meta !== undefined) collect((meta as { params?: unknown }).params);
  }
  // Flattened options (a `.proto` printed without the aggregate syntax).
  for (const [k, v] of Object.entries(field.options ?? {}))
    if (k.startsWith('(confluent.field_meta).params.') && typeof v === 'string') params.set(k, v);
  return params;
}

/** The SQL type a message (not a field of it) reads as. */
function messageType(
  type: protobuf.Type,
  name: (n: string) => string,
  seen: readonly protobuf.Type[],
): SqlType | undefined {
  const full = protobufFullName(type);
  const wrapper = WRAPPER_TYPES.get(full);
  if (wrapper !== undefined) return wrapper;
  if (full === TIMESTAMP_MESSAGE) return TIMESTAMP;
  if (full === DATE_MESSAGE) return DATE;
  if (full === TIME_MESSAGE) return TIME;
  if (seen.includes(type))
    throw new FormatSchemaError(`The Protobuf message ${full} is recursive, which SQL types cannot hold`);
  const fields = fieldsOf(type, name, [...seen, type]);
  return fields.length === 0 ? undefined : struct(fields);
}

/** A field's SQL type; undefined for one SQL has no type for (left out, as ksqlDB drops it). */
export function fieldSqlType(
  field: protobuf.Field,
  name: (n: string) => string,
  seen: readonly protobuf.Type[] = [],
): SqlType | undefined {
  field.resolve();
  const element = (): SqlType | undefined => {
    const resolved = field.resolvedType;
    if (resolved instanceof protobuf.Enum) return STRING;
    if (resolved instanceof protobuf.Type) {
      if (protobufFullName(resolved) === DECIMAL_MESSAGE) {
        const { precision, scale } = decimalParams(field);
        return decimal(precision, scale);
      }
      return messageType(resolved, name, seen);
    }
    return SCALAR_TYPES[field.type];
  };
  if (field.map) {
    const keyType = (field as unknown as protobuf.MapField).keyType;
    if (
      SCALAR_TYPES[keyType] === undefined ||
      keyType === 'bytes' ||
      keyType === 'float' ||
      keyType === 'double'
    )
      return undefined;
    const value = element();
    return value === undefined ? undefined : map(STRING, value);
  }
  const one = element();
  if (one === undefined) return undefined;
  return field.repeated ? array(one) : one;
}

/** A message's fields as SQL struct fields: oneofs become one STRUCT of their members. */
function fieldsOf(
  type: protobuf.Type,
  name: (n: string) => string,
  seen: readonly protobuf.Type[],
): { name: string; type: SqlType }[] {
  const out: { name: string; type: SqlType }[] = [];
  const done = new Set<protobuf.OneOf>();
  for (const field of type.fieldsArray) {
    const oneof = realOneof(field);
    if (oneof !== undefined) {
      if (done.has(oneof)) continue;
      done.add(oneof);
      const members: { name: string; type: SqlType }[] = [];
      for (const m of oneof.fieldsArray) {
        const t = fieldSqlType(m, name, seen);
        if (t !== undefined) members.push({ name: name(m.name), type: t });
      }
      if (members.length > 0) out.push({ name: name(oneof.name), type: struct(members) });
      continue;
    }
    const t = fieldSqlType(field, name, seen);
    if (t !== undefined) out.push({ name: name(field.name), type: t });
  }
  return out;
}

/**
 * The columns a registered message gives, as ksqlDB infers them: its fields (PROTOBUF is always
 * wrapped), names upper-cased when `upperCase` (inference from a subject) and kept as written for a
 * schema given by id; fields SQL has no type for are left out.
 */
export function columnsFromProtobuf(type: protobuf.Type, options: { upperCase: boolean }): InferredColumns {
  const name = (n: string) => (options.upperCase ? n.toUpperCase() : n);
  const columns = fieldsOf(type, name, [type]);
  const kept = new Set(columns.map((c) => c.name));
  const dropped = type.fieldsArray
    .map((f) => f.name)
    .filter((n) => !kept.has(name(n)) && realOneof(type.fields[n]) === undefined);
  if (columns.length === 0)
    throw new FormatSchemaError('Schema does not include any columns with types that ksqlDB supports.');
  return { columns, dropped };
}
