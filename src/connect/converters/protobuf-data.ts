import protobuf from 'protobufjs';
import { builtinProtobufImport, fieldMetaParams, rescaleDecimal } from '../../serde/index.js';
import {
  bytesToUnscaled,
  type ConnectValue,
  DataException,
  LOGICAL,
  type Schema,
  type SchemaAndValue,
  Struct,
  unscaledToBytes,
} from '../api/index.js';
import { int64Value, isSchemalessMap, mapEntries, typeName } from './connect-values.js';
import { decimalAsConnectValue, toDecimalValue } from './decimal-value.js';

/**
 * Confluent's ProtobufData, the common part: a Connect STRUCT is a proto3 message (named after the
 * Connect name, package and all; `ConnectDefault1`, `ConnectDefault2`… when unnamed), field tags are
 * positions + 1, INT8/16/32 → int32, INT64 → int64, FLOAT32 → float, FLOAT64 → double, BOOLEAN → bool,
 * ARRAY → repeated, MAP → map<>, Timestamp → google.protobuf.Timestamp; a top-level primitive is its
 * google.protobuf wrapper message (wrapper.for.raw.primitives=true). Proto3 scalars have no null: an
 * optional field that is null is left out and reads back as the type's zero, as with Confluent's
 * defaults. Reading maps messages back to STRUCTs (every field optional), uint32/fixed32 and 64-bit
 * kinds to INT64, enums to STRING, a oneof to a STRUCT named io.confluent.connect.protobuf.Union.
 */

const WRAPPERS: Partial<Record<Schema['type'], { message: string; scalar: string }>> = {
  INT8: { message: 'Int32Value', scalar: 'int32' },
  INT16: { message: 'Int32Value', scalar: 'int32' },
  INT32: { message: 'Int32Value', scalar: 'int32' },
  INT64: { message: 'Int64Value', scalar: 'int64' },
  FLOAT32: { message: 'FloatValue', scalar: 'float' },
  FLOAT64: { message: 'DoubleValue', scalar: 'double' },
  BOOLEAN: { message: 'BoolValue', scalar: 'bool' },
  STRING: { message: 'StringValue', scalar: 'string' },
  BYTES: { message: 'BytesValue', scalar: 'bytes' },
};
const UNION = 'io.confluent.connect.protobuf.Union';
const TIMESTAMP = 'google.protobuf.Timestamp';
/** Confluent's decimal message; its precision and scale are the field's `(confluent.field_meta)` params. */
const DECIMAL = 'confluent.type.Decimal';
/** Connect's precision parameter of a Decimal schema (Confluent's converters set it). */
const CONNECT_PRECISION = 'connect.decimal.precision';

/**
 * How an optional primitive field is written (Confluent's ProtobufConverter settings):
 * `wrapper.for.nullables` as a google.protobuf wrapper, `optional.for.nullables` as a proto3
 * `optional` field, else a plain field, whose null reads back as the type's zero.
 */
export type ProtoNullables = 'WRAPPER' | 'OPTIONAL' | 'NONE';

/** The google.type schemas Date and Time map to, registered as references (as Confluent does). */
const GOOGLE_TYPES: Readonly<Record<string, { name: string; message: string; schema: string }>> = {
  [LOGICAL.date]: {
    name: 'google/type/date.proto',
    message: 'google.type.Date',
    schema:
      'syntax = "proto3";\npackage google.type;\n\nmessage Date {\n  int32 year = 1;\n  int32 month = 2;\n  int32 day = 3;\n}\n',
  },
  [LOGICAL.time]: {
    name: 'google/type/timeofday.proto',
    message: 'google.type.TimeOfDay',
    schema:
      'syntax = "proto3";\npackage google.type;\n\nmessage TimeOfDay {\n  int32 hours = 1;\n  int32 minutes = 2;\n  int32 seconds = 3;\n  int32 nanos = 4;\n}\n',
  },
};
const MS_PER_DAY = 86_400_000;

export interface ProtoWriter {
  readonly text: string;
  /** The referenced schemas (google/type/*.proto) the text imports, by import name. */
  readonly references: readonly { readonly name: string; readonly schema: string }[];
  /** The message's full name (RecordNameStrategy names subjects after it). */
  readonly messageName: string;
  /** `header` free bytes, the message-index array [0], then the message. */
  encode(value: ConnectValue, header: number): Buffer;
}

// ---------------------------------------------------------------- Connect → .proto

export function connectToProto(schema: Schema, nullables: ProtoNullables = 'NONE'): ProtoWriter {
  const imports = new Set<string>();
  let text: string;
  let messageName: string;
  if (schema.type !== 'STRUCT') {
    const wrapper = WRAPPERS[schema.type];
    if (wrapper === undefined || schema.name !== undefined)
      throw new DataException(
        `ProtobufConverter writes a STRUCT or a primitive; a top-level ${schema.name ?? schema.type} is not supported by Sluice's ProtobufConverter yet`,
      );
    messageName = `google.protobuf.${wrapper.message}`;
    text = `syntax = "proto3";\npackage google.protobuf;\n\nmessage ${wrapper.message} {\n  ${wrapper.scalar} value = 1;\n}\n`;
  } else {
    const counter = { n: 0, nullables };
    const full = schema.name ?? `ConnectDefault${++counter.n}`;
    const dot = full.lastIndexOf('.');
    const pkg = dot < 0 ? '' : full.slice(0, dot);
    const lines = messageLines(schema, dot < 0 ? full : full.slice(dot + 1), '', counter, imports);
    messageName = full;
    text = [
      'syntax = "proto3";',
      ...(pkg === '' ? [] : [`package ${pkg};`]),
      ...(imports.size === 0 ? [] : ['', ...[...imports].sort().map((i) => `import "${i}";`)]),
      '',
      ...lines,
      '',
    ].join('\n');
  }
  const references = Object.values(GOOGLE_TYPES)
    .filter((t) => imports.has(t.name))
    .map((t) => ({ name: t.name, schema: t.schema }));
  const type = compileProto(text, references).lookupType(messageName);
  const toObject = objectEncoder(schema, '', nullables);
  return {
    text,
    references,
    messageName,
    encode: (value, header) => {
      const message = type.fromObject(toObject(value) as Record<string, unknown>);
      const body = type.encode(message).finish();
      const out = Buffer.allocUnsafe(header + 1 + body.length);
      out[header] = 0; // message indexes [0]: the first message
      out.set(body, header + 1);
      return out;
    },
  };
}

/** Names handed out to unnamed messages, and the nullables setting every field follows. */
interface Counter {
  n: number;
  readonly nullables: ProtoNullables;
}

function messageLines(
  schema: Schema,
  name: string,
  indent: string,
  counter: Counter,
  imports: Set<string>,
): string[] {
  const nested: string[] = [];
  const scope: Scope = { taken: new Set((schema.fields ?? []).map((f) => f.name)), defined: new Map() };
  const fields = (schema.fields ?? []).map((f, i) => {
    const type = fieldType(f.schema, f.name, indent, counter, imports, nested, scope);
    return `${indent}  ${nullableLabel(f.schema, counter.nullables)}${type} ${f.name} = ${i + 1}${decimalMeta(f.schema)};`;
  });
  return [`${indent}message ${name} {`, ...fields, ...nested, `${indent}}`];
}

/** A primitive the nullables setting writes as a wrapper: a plain optional scalar, not a logical type. */
function wrapsAsNullable(schema: Schema, nullables: ProtoNullables): boolean {
  return (
    nullables === 'WRAPPER' &&
    schema.optional &&
    schema.name === undefined &&
    WRAPPERS[schema.type] !== undefined
  );
}

function nullableLabel(schema: Schema, nullables: ProtoNullables): string {
  return nullables === 'OPTIONAL' &&
    schema.optional &&
    schema.name === undefined &&
    WRAPPERS[schema.type] !== undefined
    ? 'optional '
    : '';
}

/** Confluent's field options for a decimal (or repeated decimal) field: its precision and scale. */
function decimalMeta(schema: Schema): string {
  const d = schema.type === 'ARRAY' ? schema.valueSchema : schema;
  if (d?.name !== LOGICAL.decimal) return '';
  const precision = d.parameters?.[CONNECT_PRECISION];
  const params = [
    ...(precision === undefined ? [] : [`{ key: "precision", value: "${precision}" }`]),
    `{ key: "scale", value: "${d.parameters?.scale ?? '0'}" }`,
  ];
  return ` [(confluent.field_meta) = { params: [ ${params.join(', ')} ] }]`;
}

/** A message's names: its fields', and the nested messages defined in it (by Connect schema). */
interface Scope {
  readonly taken: Set<string>;
  readonly defined: Map<Schema, string>;
}

function fieldType(
  schema: Schema,
  field: string,
  indent: string,
  counter: Counter,
  imports: Set<string>,
  nested: string[],
  scope: Scope,
): string {
  if (schema.type === 'ARRAY') {
    const item = schema.valueSchema;
    if (item === undefined || item.type === 'ARRAY' || item.type === 'MAP')
      throw new DataException(
        `Field ${field}: Protobuf has no arrays of arrays or maps (not supported by Sluice's ProtobufConverter yet)`,
      );
    return `repeated ${elementType(item, indent, counter, imports, nested, scope)}`;
  }
  if (schema.type === 'MAP') {
    const key = schema.keySchema;
    const value = schema.valueSchema;
    if (
      key === undefined ||
      !['STRING', 'INT8', 'INT16', 'INT32', 'INT64', 'BOOLEAN'].includes(key.type) ||
      key.name !== undefined
    )
      throw new DataException(
        `Field ${field}: Protobuf map keys are integers, booleans or strings, not ${key?.type}`,
      );
    if (value === undefined || value.type === 'ARRAY' || value.type === 'MAP')
      throw new DataException(`Field ${field}: Protobuf map values cannot be arrays or maps`);
    if (value.name === LOGICAL.decimal)
      throw new DataException(
        `Field ${field}: a map of decimals has no field of its own to carry the decimal's precision and scale (not supported by Sluice's ProtobufConverter yet)`,
      );
    return `map<${scalarType(key)}, ${elementType(value, indent, counter, imports, nested, scope)}>`;
  }
  return elementType(schema, indent, counter, imports, nested, scope);
}

function elementType(
  schema: Schema,
  indent: string,
  counter: Counter,
  imports: Set<string>,
  nested: string[],
  scope: Scope,
): string {
  if (schema.name === LOGICAL.timestamp) {
    imports.add('google/protobuf/timestamp.proto');
    return TIMESTAMP;
  }
  const googleType = GOOGLE_TYPES[schema.name ?? ''];
  if (googleType !== undefined) {
    imports.add(googleType.name);
    return googleType.message;
  }
  if (schema.name === LOGICAL.decimal) {
    imports.add('confluent/type/decimal.proto');
    imports.add('confluent/meta.proto');
    return DECIMAL;
  }
  if (wrapsAsNullable(schema, counter.nullables)) {
    imports.add('google/protobuf/wrappers.proto');
    return `google.protobuf.${WRAPPERS[schema.type]?.message}`;
  }
  if (schema.type === 'STRUCT') {
    const known = scope.defined.get(schema);
    if (known !== undefined) return known;
    let simple = schema.name === undefined ? undefined : schema.name.slice(schema.name.lastIndexOf('.') + 1);
    // A nested message may not share a name with a field or another message of its scope.
    if (simple === undefined || scope.taken.has(simple)) simple = `ConnectDefault${++counter.n}`;
    scope.taken.add(simple);
    scope.defined.set(schema, simple);
    nested.push(...messageLines(schema, simple, `${indent}  `, counter, imports));
    return simple;
  }
  return scalarType(schema);
}

function scalarType(schema: Schema): string {
  const wrapper = WRAPPERS[schema.type];
  if (wrapper === undefined) throw new DataException(`No Protobuf scalar for ${schema.type}`);
  return wrapper.scalar;
}

function compileProto(text: string, references: readonly { name: string; schema: string }[]): protobuf.Root {
  const root = new protobuf.Root();
  const loaded = new Set<string>();
  const load = (source: string): void => {
    const parsed = protobuf.parse(source, root, { keepCase: true });
    for (const name of parsed.imports ?? []) {
      if (loaded.has(name)) continue;
      loaded.add(name);
      const ref = references.find((r) => r.name === name);
      if (ref !== undefined) {
        load(ref.schema);
        continue;
      }
      // google/protobuf/*, google/type/* and confluent/*: what Confluent's registry knows unreferenced.
      const builtin = builtinProtobufImport(name);
      if (builtin === undefined)
        throw new DataException(
          `The schema imports ${name}, which is neither well-known nor one of its references`,
        );
      if (typeof builtin === 'string') load(builtin);
      else root.addJSON(builtin ?? {});
    }
  };
  load(text);
  root.resolveAll();
  return root;
}

type ToObject = (value: ConnectValue) => unknown;

/** Connect value → the plain object protobufjs' fromObject takes. */
function objectEncoder(schema: Schema, path: string, nullables: ProtoNullables): ToObject {
  const bad = (v: ConnectValue, expected: string): never => {
    throw new DataException(
      `Invalid value for schema type ${schema.type}${path === '' ? '' : ` (field ${path})`}: expected ${expected}, got ${typeName(v)}`,
    );
  };
  if (schema.type !== 'STRUCT' && path === '') {
    const inner = valueEncoder(schema, 'value', bad, nullables);
    return (v) => ({ value: inner(v) });
  }
  return valueEncoder(schema, path, bad, nullables);
}

function valueEncoder(
  schema: Schema,
  path: string,
  bad: (v: ConnectValue, e: string) => never,
  nullables: ProtoNullables,
): ToObject {
  if (schema.name === LOGICAL.decimal)
    return (v) => {
      // Confluent's DecimalUtils.fromBigDecimal: the unscaled value's bytes, its digits and scale.
      const d = toDecimalValue(schema, v);
      const digits = (d.unscaled < 0n ? -d.unscaled : d.unscaled).toString().length;
      return { value: Buffer.from(unscaledToBytes(d.unscaled)), precision: digits, scale: d.scale };
    };
  if (path !== '' && wrapsAsNullable(schema, nullables)) {
    const inner = valueEncoder({ ...schema, optional: false }, path, bad, 'NONE');
    return (v) => ({ value: inner(v) });
  }
  if (schema.name === LOGICAL.date)
    return (v) => {
      const d = new Date(
        v instanceof Date ? v.getTime() : typeof v === 'number' ? v * MS_PER_DAY : bad(v, 'a Date'),
      );
      return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
    };
  if (schema.name === LOGICAL.time)
    return (v) => {
      const ms =
        (((v instanceof Date ? v.getTime() : typeof v === 'number' ? v : bad(v, 'a Date')) % MS_PER_DAY) +
          MS_PER_DAY) %
        MS_PER_DAY;
      return {
        hours: Math.floor(ms / 3_600_000),
        minutes: Math.floor(ms / 60_000) % 60,
        seconds: Math.floor(ms / 1000) % 60,
        nanos: (ms % 1000) * 1_000_000,
      };
    };
  if (schema.name === LOGICAL.timestamp)
    return (v) => {
      const ms = v instanceof Date ? v.getTime() : typeof v === 'number' ? v : bad(v, 'a Date');
      return { seconds: String(Math.floor(ms / 1000)), nanos: (((ms % 1000) + 1000) % 1000) * 1_000_000 };
    };
  switch (schema.type) {
    case 'INT64':
      return (v) => (typeof v === 'bigint' || typeof v === 'number' ? String(v) : bad(v, 'an integer'));
    case 'BYTES':
      return (v) =>
        v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : bad(v, 'bytes');
    case 'ARRAY': {
      const item = valueEncoder(schema.valueSchema as Schema, `${path}[]`, bad, nullables);
      return (v) => (Array.isArray(v) ? v.map(item) : bad(v, 'an array'));
    }
    case 'MAP': {
      const value = valueEncoder(schema.valueSchema as Schema, `${path}{}`, bad, nullables);
      return (v) => {
        if (!isSchemalessMap(v)) return bad(v, 'a map');
        const out: Record<string, unknown> = {};
        for (const [k, x] of mapEntries(v)) out[String(k)] = value(x);
        return out;
      };
    }
    case 'STRUCT': {
      const fields = (schema.fields ?? []).map(
        (f) =>
          [
            f.name,
            valueEncoder(f.schema, path === '' ? f.name : `${path}.${f.name}`, bad, nullables),
            f.schema,
          ] as const,
      );
      return (v) => {
        if (!(v instanceof Struct)) return bad(v, 'a Struct');
        const out: Record<string, unknown> = {};
        for (const [name, encode, fieldSchema] of fields) {
          const x = v.get(name);
          if (x === null) {
            if (!fieldSchema.optional)
              throw new DataException(
                `Found null value for non-optional schema (field ${path === '' ? name : `${path}.${name}`})`,
              );
            continue;
          }
          out[name] = encode(x);
        }
        return out;
      };
    }
    default:
      return (v) => v;
  }
}

// ---------------------------------------------------------------- .proto → Connect

export interface ProtoReader {
  /** The first message's Connect schema (use.latest.version writes with it). */
  readonly schema: Schema;
  read(payload: Uint8Array): SchemaAndValue;
}

export function protoReader(
  text: string,
  references: readonly { name: string; schema: string }[] = [],
): ProtoReader {
  const parsed = protobuf.parse(text, new protobuf.Root(), { keepCase: true });
  const root = compileProto(text, references);
  const pkg = parsed.package === undefined || parsed.package === '' ? root : root.lookup(parsed.package);
  const topLevel = ((pkg as protobuf.Namespace | null)?.nestedArray ?? []).filter(
    (n): n is protobuf.Type => n instanceof protobuf.Type,
  );
  if (topLevel.length === 0) throw new DataException('The Protobuf schema defines no message');
  const compiled = new Map<
    protobuf.Type,
    { schema: Schema; decode: (payload: Uint8Array) => ConnectValue }
  >();
  const compile = (type: protobuf.Type) => {
    let found = compiled.get(type);
    if (found === undefined) {
      const schema = messageSchema(type, true, []);
      const toConnect = messageDecoder(type, schema);
      found = {
        schema,
        decode: (payload) =>
          toConnect(
            type.toObject(type.decode(payload), {
              longs: String,
              enums: String,
              defaults: true,
              arrays: true,
            }),
          ),
      };
      compiled.set(type, found);
    }
    return found;
  };
  return {
    schema: compile(topLevel[0]).schema,
    read(payload) {
      const { indexes, offset } = readIndexes(payload);
      let type = topLevel[indexes[0]];
      for (const i of indexes.slice(1))
        type = type?.nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type)[i];
      if (type === undefined) throw new DataException(`Invalid message indexes: [${indexes.join(', ')}]`);
      const { schema, decode } = compile(type);
      return { schema, value: decode(payload.subarray(offset)) };
    },
  };
}

/** The message-index array: a zig-zag varint count, then that many zig-zag varints; 0 means [0]. */
function readIndexes(bytes: Uint8Array): { indexes: number[]; offset: number } {
  let offset = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (offset >= bytes.length)
        throw new DataException('Invalid message indexes: the payload ends inside them');
      const b = bytes[offset++];
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
      if (shift > 28) throw new DataException('Invalid message indexes: a varint is too long');
    }
    return (result >>> 1) ^ -(result & 1);
  };
  const count = varint();
  if (count === 0) return { indexes: [0], offset };
  if (count < 0 || count > 64) throw new DataException(`Invalid message indexes: count ${count}`);
  const indexes: number[] = [];
  for (let i = 0; i < count; i++) indexes.push(varint());
  return { indexes, offset };
}

const SCALARS: Record<string, Schema['type']> = {
  int32: 'INT32',
  sint32: 'INT32',
  sfixed32: 'INT32',
  uint32: 'INT64',
  fixed32: 'INT64',
  int64: 'INT64',
  uint64: 'INT64',
  sint64: 'INT64',
  fixed64: 'INT64',
  sfixed64: 'INT64',
  float: 'FLOAT32',
  double: 'FLOAT64',
  bool: 'BOOLEAN',
  string: 'STRING',
  bytes: 'BYTES',
};

function isWrapper(type: protobuf.Type): boolean {
  return /^\.?google\.protobuf\.[A-Za-z0-9]+Value$/.test(type.fullName) && type.fields.value !== undefined;
}

function messageSchema(type: protobuf.Type, top: boolean, seen: readonly protobuf.Type[]): Schema {
  if (isWrapper(type)) return { type: SCALARS[type.fields.value.type], optional: true };
  const fullName = type.fullName.replace(/^\./, '');
  if (fullName === TIMESTAMP) return { type: 'INT64', optional: true, name: LOGICAL.timestamp, version: 1 };
  if (fullName === 'google.type.Date')
    return { type: 'INT32', optional: true, name: LOGICAL.date, version: 1 };
  if (fullName === 'google.type.TimeOfDay')
    return { type: 'INT32', optional: true, name: LOGICAL.time, version: 1 };
  if (seen.includes(type))
    throw new DataException(`Recursive Protobuf message ${type.fullName} has no Connect schema`);
  const fields: { name: string; index: number; schema: Schema }[] = [];
  const unions = new Set<string>();
  for (const f of type.fieldsArray) {
    const oneof =
      f.partOf !== null && f.partOf !== undefined && f.options?.proto3_optional !== true
        ? f.partOf
        : undefined;
    if (oneof !== undefined) {
      if (unions.has(oneof.name)) continue;
      unions.add(oneof.name);
      const members = oneof.fieldsArray.map((m, i) => ({
        name: m.name,
        index: i,
        schema: fieldSchema(m, [...seen, type]),
      }));
      fields.push({
        name: oneof.name,
        index: fields.length,
        schema: { type: 'STRUCT', optional: true, name: UNION, fields: members },
      });
      continue;
    }
    fields.push({ name: f.name, index: fields.length, schema: fieldSchema(f, [...seen, type]) });
  }
  return { type: 'STRUCT', optional: !top, name: type.fullName.replace(/^\./, ''), fields };
}

/** Schemas read from a google.protobuf wrapper field: their values arrive as `{ value }`. */
const WRAPPED = new WeakSet<Schema>();

function fieldSchema(field: protobuf.Field, seen: readonly protobuf.Type[]): Schema {
  field.resolve();
  const element = (): Schema => {
    const resolved = field.resolvedType;
    if (resolved instanceof protobuf.Type && resolved.fullName.replace(/^\./, '') === DECIMAL) {
      const params = fieldMetaParams(field);
      const precision = params.get('precision');
      return {
        type: 'BYTES',
        optional: true,
        name: LOGICAL.decimal,
        version: 1,
        parameters: {
          scale: params.get('scale') ?? '0',
          ...(precision === undefined ? {} : { [CONNECT_PRECISION]: precision }),
        },
      };
    }
    if (resolved instanceof protobuf.Type) {
      const schema = messageSchema(resolved, false, seen);
      if (isWrapper(resolved)) WRAPPED.add(schema);
      return schema;
    }
    if (resolved instanceof protobuf.Enum) return { type: 'STRING', optional: true };
    const scalar = SCALARS[field.type];
    if (scalar === undefined) throw new DataException(`Unknown Protobuf type ${field.type}`);
    return { type: scalar, optional: true };
  };
  if (field.map) {
    const keyType = SCALARS[(field as unknown as protobuf.MapField).keyType];
    return {
      type: 'MAP',
      optional: true,
      keySchema: { type: keyType, optional: false },
      valueSchema: element(),
    };
  }
  if (field.repeated) {
    const item = element();
    const required = { ...item, optional: false };
    if (WRAPPED.has(item)) WRAPPED.add(required);
    return { type: 'ARRAY', optional: true, valueSchema: required };
  }
  return element();
}

/** toObject's plain object → Connect value, following the schema messageSchema built. */
function messageDecoder(
  type: protobuf.Type,
  schema: Schema,
): (object: Record<string, unknown>) => ConnectValue {
  if (isWrapper(type)) {
    const scalar = scalarDecoder(schema);
    return (o) => scalar(o.value);
  }
  const decode = valueDecoder(schema);
  return (o) => decode(o);
}

function scalarDecoder(schema: Schema): (v: unknown) => ConnectValue {
  switch (schema.type) {
    case 'INT64':
      return (v) => (v === null || v === undefined ? null : int64Value(BigInt(String(v))));
    case 'BYTES':
      return (v) => (v === null || v === undefined ? null : new Uint8Array(v as Uint8Array));
    default:
      return (v) => (v === undefined ? null : (v as ConnectValue));
  }
}

function valueDecoder(schema: Schema): (v: unknown) => ConnectValue {
  if (WRAPPED.has(schema)) {
    const scalar = scalarDecoder(schema);
    return (v) => (v === null || v === undefined ? null : scalar((v as { value?: unknown }).value));
  }
  if (schema.name === LOGICAL.decimal) {
    const scale = Number(schema.parameters?.scale ?? 0);
    return (v) => {
      if (v === null || v === undefined) return null;
      const d = v as { value?: Uint8Array; scale?: number };
      const read = { unscaled: bytesToUnscaled(d.value ?? new Uint8Array(0)), scale: d.scale ?? 0 };
      // Connect's Decimal holds the schema's scale; a message written at another scale is rescaled.
      const { unscaled } = rescaleDecimal(read, scale);
      return decimalAsConnectValue({ unscaled, scale });
    };
  }
  if (schema.name === LOGICAL.date)
    return (v) => {
      if (v === null || v === undefined) return null;
      const d = v as { year?: number; month?: number; day?: number };
      return new Date(Date.UTC(d.year ?? 0, (d.month ?? 1) - 1, d.day ?? 1));
    };
  if (schema.name === LOGICAL.time)
    return (v) => {
      if (v === null || v === undefined) return null;
      const t = v as { hours?: number; minutes?: number; seconds?: number; nanos?: number };
      return new Date(
        ((t.hours ?? 0) * 3600 + (t.minutes ?? 0) * 60 + (t.seconds ?? 0)) * 1000 +
          Math.floor((t.nanos ?? 0) / 1_000_000),
      );
    };
  if (schema.name === LOGICAL.timestamp)
    return (v) => {
      if (v === null || v === undefined) return null;
      const t = v as { seconds?: string | number; nanos?: number };
      return new Date(Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1_000_000));
    };
  switch (schema.type) {
    case 'ARRAY': {
      const item = valueDecoder(schema.valueSchema as Schema);
      return (v) => (Array.isArray(v) ? v.map(item) : []);
    }
    case 'MAP': {
      const key = scalarDecoder(schema.keySchema as Schema);
      const keyType = (schema.keySchema as Schema).type;
      const value = valueDecoder(schema.valueSchema as Schema);
      return (v) =>
        new Map(
          Object.entries((v ?? {}) as Record<string, unknown>).map(([k, x]) => [
            keyType === 'STRING'
              ? k
              : keyType === 'BOOLEAN'
                ? k === 'true'
                : key(keyType === 'INT64' ? k : Number(k)),
            value(x),
          ]),
        );
    }
    case 'STRUCT': {
      const fields = (schema.fields ?? []).map((f) => {
        const decode = valueDecoder(f.schema);
        if (f.schema.name === UNION) {
          const members = (f.schema.fields ?? []).map((m) => [m.name, valueDecoder(m.schema)] as const);
          return [
            f.name,
            (o: Record<string, unknown>) => {
              const union = new Struct(f.schema);
              let any = false;
              for (const [name, d] of members)
                if (o[name] !== undefined && o[name] !== null) {
                  union.put(name, d(o[name]));
                  any = true;
                }
              return any ? union : null;
            },
          ] as const;
        }
        return [f.name, (o: Record<string, unknown>) => decode(o[f.name])] as const;
      });
      return (v) => {
        if (v === null || v === undefined) return null;
        const struct = new Struct(schema);
        for (const [name, read] of fields) struct.put(name, read(v as Record<string, unknown>));
        return struct;
      };
    }
    default:
      return scalarDecoder(schema);
  }
}
