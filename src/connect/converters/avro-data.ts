import avro from 'avsc';
import { rescaleDecimal } from '../../serde/index.js';
import {
  bytesToUnscaled,
  type ConnectValue,
  DataException,
  LOGICAL,
  type Schema,
  Struct,
  unscaledToBytes,
} from '../api/index.js';
import { int64Value, isSchemalessMap, mapEntries, typeName } from './connect-values.js';
import { isDecimalValue } from './decimal-value.js';

/**
 * Confluent's AvroData: Connect schemas as Avro schemas and back, with the `connect.*` properties
 * that make the round trip exact (connect.name, connect.version, connect.doc, connect.parameters,
 * connect.default, connect.type for INT8/INT16), optional schemas as unions with null, the logical
 * types Decimal/Date/Time/Timestamp as Avro's decimal/date/time-millis/timestamp-millis, unnamed
 * structs as io.confluent.connect.avro.ConnectDefault and maps with non-string keys as arrays of
 * io.confluent.connect.avro.MapEntry records. Values go through compiled codecs (one per schema):
 * Connect value → avsc value → bytes, and back.
 */

const NAMESPACE = 'io.confluent.connect.avro';
const DEFAULT_RECORD = 'ConnectDefault';
const MAP_ENTRY = 'MapEntry';
const DECIMAL_PRECISION_PARAM = 'connect.decimal.precision';
const ENUM_PARAM = 'io.confluent.connect.avro.Enum';
const MS_PER_DAY = 86_400_000;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// ---------------------------------------------------------------- Connect schema → Avro schema

/** The Avro schema (as JSON) Confluent's AvroConverter registers for a Connect schema. */
export function connectToAvroSchema(schema: Schema): Json {
  return new SchemaWriter().write(schema, true);
}

class SchemaWriter {
  private readonly defined = new Set<string>();
  private defaults = 0;
  private entries = 0;

  write(schema: Schema, top: boolean): Json {
    const base = this.base(schema);
    if (!schema.optional) return base;
    // Optional: a union with null, null first unless a non-null default must come first.
    if (schema.defaultValue !== undefined && schema.defaultValue !== null && !top) return [base, 'null'];
    return ['null', base];
  }

  private base(schema: Schema): Json {
    switch (schema.type) {
      case 'STRUCT':
        return this.record(schema);
      case 'ARRAY':
        return this.withProps(
          { type: 'array', items: this.write(need(schema.valueSchema, 'ARRAY'), false) },
          schema,
        );
      case 'MAP': {
        const keySchema = need(schema.keySchema, 'MAP key');
        const valueSchema = need(schema.valueSchema, 'MAP value');
        if (keySchema.type === 'STRING' && !keySchema.optional)
          return this.withProps({ type: 'map', values: this.write(valueSchema, false) }, schema);
        this.entries++;
        const entryName = this.entries === 1 ? MAP_ENTRY : `${MAP_ENTRY}${this.entries}`;
        const entry: Json = {
          type: 'record',
          name: entryName,
          namespace: NAMESPACE,
          fields: [
            { name: 'key', type: this.write(keySchema, false) },
            { name: 'value', type: this.write(valueSchema, false) },
          ],
        };
        return this.withProps({ type: 'array', items: entry }, schema);
      }
      default:
        return this.primitive(schema);
    }
  }

  private primitive(schema: Schema): Json {
    const out: { [key: string]: Json } = { type: PRIMITIVE_AVRO[schema.type] };
    if (schema.type === 'INT8') out['connect.type'] = 'int8';
    if (schema.type === 'INT16') out['connect.type'] = 'int16';
    if (schema.name === LOGICAL.decimal) {
      out.scale = Number(schema.parameters?.scale ?? 0);
      out.precision = Number(schema.parameters?.[DECIMAL_PRECISION_PARAM] ?? 64);
    }
    this.connectProps(out, schema);
    const logical = LOGICAL_AVRO[schema.name ?? ''];
    if (logical !== undefined && logical.type === out.type) out.logicalType = logical.logicalType;
    return Object.keys(out).length === 1 ? out.type : out;
  }

  private record(schema: Schema): Json {
    let fullName = schema.name;
    if (fullName === undefined) {
      this.defaults++;
      fullName = `${NAMESPACE}.${this.defaults === 1 ? DEFAULT_RECORD : `${DEFAULT_RECORD}${this.defaults}`}`;
    } else if (this.defined.has(fullName)) {
      // Avro defines a name once; later uses refer to it.
      return fullName;
    }
    this.defined.add(fullName);
    const dot = fullName.lastIndexOf('.');
    const out: { [key: string]: Json } = {
      type: 'record',
      name: dot < 0 ? fullName : fullName.slice(dot + 1),
      ...(dot < 0 ? {} : { namespace: fullName.slice(0, dot) }),
    };
    if (schema.doc !== undefined) out.doc = schema.doc;
    out.fields = (schema.fields ?? []).map((f) => {
      const field: { [key: string]: Json } = { name: f.name, type: this.write(f.schema, false) };
      if (f.schema.doc !== undefined) field.doc = f.schema.doc;
      if (f.schema.defaultValue !== undefined && f.schema.defaultValue !== null)
        field.default = defaultJson(f.schema, f.schema.defaultValue);
      else if (f.schema.optional) field.default = null;
      return field;
    });
    if (schema.version !== undefined) out['connect.version'] = schema.version;
    if (schema.parameters !== undefined) out['connect.parameters'] = { ...schema.parameters };
    if (schema.name !== undefined) out['connect.name'] = schema.name;
    return out;
  }

  private withProps(out: { [key: string]: Json }, schema: Schema): Json {
    this.connectProps(out, schema);
    return out;
  }

  private connectProps(out: { [key: string]: Json }, schema: Schema): void {
    if (schema.doc !== undefined) out['connect.doc'] = schema.doc;
    if (schema.version !== undefined) out['connect.version'] = schema.version;
    if (schema.parameters !== undefined && Object.keys(schema.parameters).length > 0)
      out['connect.parameters'] = { ...schema.parameters };
    if (schema.name !== undefined) out['connect.name'] = schema.name;
  }
}

const PRIMITIVE_AVRO: Record<string, string> = {
  INT8: 'int',
  INT16: 'int',
  INT32: 'int',
  INT64: 'long',
  FLOAT32: 'float',
  FLOAT64: 'double',
  BOOLEAN: 'boolean',
  STRING: 'string',
  BYTES: 'bytes',
};

const LOGICAL_AVRO: Record<string, { type: string; logicalType: string }> = {
  [LOGICAL.decimal]: { type: 'bytes', logicalType: 'decimal' },
  [LOGICAL.date]: { type: 'int', logicalType: 'date' },
  [LOGICAL.time]: { type: 'int', logicalType: 'time-millis' },
  [LOGICAL.timestamp]: { type: 'long', logicalType: 'timestamp-millis' },
};

function need(schema: Schema | undefined, what: string): Schema {
  if (schema === undefined) throw new DataException(`Invalid ${what} schema: it has no element schema.`);
  return schema;
}

/** A field default as Avro JSON: the Avro value with bytes as ISO-8859-1 text, as Avro writes them. */
function defaultJson(schema: Schema, value: ConnectValue): Json {
  const v = encoderFor(schema)(value);
  return toJsonDefault(v);
}

function toJsonDefault(v: unknown): Json {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number(v);
  if (Buffer.isBuffer(v)) return v.toString('latin1');
  if (Array.isArray(v)) return v.map(toJsonDefault);
  const out: { [key: string]: Json } = {};
  for (const [k, x] of Object.entries(v as object)) out[k] = toJsonDefault(x);
  return out;
}

// ---------------------------------------------------------------- Avro schema → Connect schema

/** The Connect schema Confluent's AvroConverter reads an Avro schema (JSON) as. */
export function avroToConnectSchema(avroSchema: Json, references: readonly Json[] = []): Schema {
  const reader = new SchemaReader();
  // Referenced schemas define the named types the schema uses by name.
  for (const ref of references) reader.read(ref, false);
  return reader.read(avroSchema, false);
}

class SchemaReader {
  private readonly named = new Map<string, Schema>();

  read(node: Json, optional: boolean, namespace = ''): Schema {
    if (Array.isArray(node)) return this.union(node, optional, namespace);
    if (typeof node === 'string') {
      if (PRIMITIVE_CONNECT[node] !== undefined) return { type: PRIMITIVE_CONNECT[node], optional };
      const full = node.includes('.') || namespace === '' ? node : `${namespace}.${node}`;
      const known = this.named.get(full) ?? this.named.get(node);
      if (known === undefined) throw new DataException(`Avro schema names an undefined type: ${node}`);
      return { ...known, optional };
    }
    if (node === null || typeof node !== 'object')
      throw new DataException(`Invalid Avro schema: ${JSON.stringify(node)}`);
    const type = node.type;
    // {"type": {...}} or {"type": [...]}: the type is nested.
    if (typeof type !== 'string') return this.read(type as Json, optional, namespace);
    const props = connectProps(node);
    switch (type) {
      case 'record':
      case 'error':
        return this.recordSchema(node, optional, namespace, props);
      case 'array': {
        const items = node.items as Json;
        const entry = mapEntryFields(items, namespace);
        if (entry !== undefined)
          return {
            type: 'MAP',
            optional,
            keySchema: this.read(entry.key, false, NAMESPACE),
            valueSchema: this.read(entry.value, false, NAMESPACE),
            ...props,
          };
        return { type: 'ARRAY', optional, valueSchema: this.read(items, false, namespace), ...props };
      }
      case 'map':
        return {
          type: 'MAP',
          optional,
          keySchema: { type: 'STRING', optional: false },
          valueSchema: this.read(node.values as Json, false, namespace),
          ...props,
        };
      case 'enum': {
        const name = fullNameOf(node, namespace);
        const schema: Schema = {
          type: 'STRING',
          optional,
          name: props.name ?? name,
          parameters: { [ENUM_PARAM]: name, ...(props.parameters ?? {}) },
        };
        this.named.set(name, schema);
        return schema;
      }
      case 'fixed': {
        const name = fullNameOf(node, namespace);
        const schema = this.primitiveOf('bytes', node, optional, props);
        this.named.set(name, schema);
        return schema;
      }
      case 'null':
        throw new DataException('An Avro null schema has no Connect schema: only unions with null are read.');
      default:
        if (PRIMITIVE_CONNECT[type] === undefined) throw new DataException(`Unknown Avro type: ${type}`);
        return this.primitiveOf(type, node, optional, props);
    }
  }

  private primitiveOf(
    type: string,
    node: { [key: string]: Json },
    optional: boolean,
    props: ConnectProps,
  ): Schema {
    const logical = node.logicalType;
    let connectType = PRIMITIVE_CONNECT[type];
    if (type === 'int' && node['connect.type'] === 'int8') connectType = 'INT8';
    if (type === 'int' && node['connect.type'] === 'int16') connectType = 'INT16';
    if (logical === 'decimal' && (type === 'bytes' || type === 'fixed')) {
      const scale = String(node.scale ?? 0);
      const parameters: Record<string, string> = { ...(props.parameters ?? {}), scale };
      if (node.precision !== undefined && parameters[DECIMAL_PRECISION_PARAM] === undefined)
        parameters[DECIMAL_PRECISION_PARAM] = String(node.precision);
      return { type: 'BYTES', optional, name: LOGICAL.decimal, version: 1, parameters, ...docOf(props) };
    }
    if (logical === 'date' && type === 'int')
      return { type: 'INT32', optional, name: LOGICAL.date, version: 1, ...docOf(props) };
    if (logical === 'time-millis' && type === 'int')
      return { type: 'INT32', optional, name: LOGICAL.time, version: 1, ...docOf(props) };
    if (logical === 'timestamp-millis' && type === 'long')
      return { type: 'INT64', optional, name: LOGICAL.timestamp, version: 1, ...docOf(props) };
    return { type: connectType, optional, ...props };
  }

  private recordSchema(
    node: { [key: string]: Json },
    optional: boolean,
    namespace: string,
    props: ConnectProps,
  ): Schema {
    const fullName = fullNameOf(node, namespace);
    const ownNamespace = fullName.includes('.') ? fullName.slice(0, fullName.lastIndexOf('.')) : '';
    const fields: { name: string; index: number; schema: Schema }[] = [];
    const schema: Schema = {
      type: 'STRUCT',
      optional,
      ...props,
      // Confluent's unnamed-struct names read back as no name.
      ...(fullName.startsWith(`${NAMESPACE}.${DEFAULT_RECORD}`) ? {} : { name: props.name ?? fullName }),
      ...(typeof node.doc === 'string' ? { doc: node.doc } : {}),
      fields,
    };
    this.named.set(fullName, schema);
    for (const f of (node.fields ?? []) as { [key: string]: Json }[]) {
      let fieldSchema = this.read(f.type as Json, false, ownNamespace);
      if (typeof f.doc === 'string') fieldSchema = { ...fieldSchema, doc: f.doc };
      if (f.default !== undefined && f.default !== null)
        fieldSchema = { ...fieldSchema, defaultValue: this.defaultValue(fieldSchema, f.default) };
      fields.push({ name: String(f.name), index: fields.length, schema: fieldSchema });
    }
    return schema;
  }

  private defaultValue(schema: Schema, json: Json): ConnectValue {
    try {
      const avsc = compileAvroType(
        connectToAvroSchema({ ...schema, optional: false, defaultValue: undefined }),
      );
      return decoderFor({ ...schema, optional: false })(avsc.clone(json, { coerceBuffers: true }));
    } catch {
      return null;
    }
  }

  private union(branches: Json[], optional: boolean, namespace: string): Schema {
    const nonNull = branches.filter((b) => b !== 'null');
    if (nonNull.length === 1 && branches.length <= 2)
      return this.read(nonNull[0], optional || branches.length === 2, namespace);
    // Confluent's io.confluent.connect.avro.Union: one optional field per branch, named after it.
    const keys: string[] = [];
    const fields = nonNull.map((branch, index) => {
      const schema = this.read(branch, true, namespace);
      const { key, name } = branchNames(branch, namespace);
      keys.push(key);
      return { name, index, schema };
    });
    const union: Schema = {
      type: 'STRUCT',
      optional: optional || nonNull.length < branches.length,
      name: UNION,
      fields,
    };
    unionBranches.set(union, keys);
    return union;
  }
}

const UNION = 'io.confluent.connect.avro.Union';

/** Per Union struct read from a schema: each field's avsc branch key (primitive name, full name, array, map). */
const unionBranches = new WeakMap<Schema, readonly string[]>();

/** A union branch's avsc key, and the Connect field name Confluent gives it (named types: the simple name). */
function branchNames(branch: Json, namespace: string): { key: string; name: string } {
  if (typeof branch === 'string') {
    const full =
      PRIMITIVE_CONNECT[branch] !== undefined || branch.includes('.') || namespace === ''
        ? branch
        : `${namespace}.${branch}`;
    return { key: full, name: full.slice(full.lastIndexOf('.') + 1) };
  }
  if (branch !== null && typeof branch === 'object' && !Array.isArray(branch)) {
    const type = String(branch.type);
    if (['record', 'error', 'enum', 'fixed'].includes(type)) {
      const full = fullNameOf(branch, namespace);
      return { key: full, name: full.slice(full.lastIndexOf('.') + 1) };
    }
    return { key: type, name: type };
  }
  throw new DataException(`Invalid union branch ${JSON.stringify(branch)}`);
}

interface ConnectProps {
  name?: string;
  version?: number;
  doc?: string;
  parameters?: Record<string, string>;
}

function connectProps(node: { [key: string]: Json }): ConnectProps {
  const out: ConnectProps = {};
  if (typeof node['connect.name'] === 'string') out.name = node['connect.name'];
  if (typeof node['connect.version'] === 'number') out.version = node['connect.version'];
  if (typeof node['connect.doc'] === 'string') out.doc = node['connect.doc'];
  const params = node['connect.parameters'];
  if (params !== null && typeof params === 'object' && !Array.isArray(params))
    out.parameters = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
  return out;
}

function docOf(props: ConnectProps): { doc?: string } {
  return props.doc === undefined ? {} : { doc: props.doc };
}

function fullNameOf(node: { [key: string]: Json }, namespace: string): string {
  const name = String(node.name);
  if (name.includes('.')) return name;
  const ns = typeof node.namespace === 'string' ? node.namespace : namespace;
  return ns === '' ? name : `${ns}.${name}`;
}

function mapEntryFields(items: Json, namespace: string): { key: Json; value: Json } | undefined {
  if (items === null || typeof items !== 'object' || Array.isArray(items) || items.type !== 'record')
    return undefined;
  const name = fullNameOf(items, namespace);
  if (!name.startsWith(`${NAMESPACE}.${MAP_ENTRY}`)) return undefined;
  const fields = items.fields as { [key: string]: Json }[];
  const key = fields.find((f) => f.name === 'key');
  const value = fields.find((f) => f.name === 'value');
  if (key === undefined || value === undefined) return undefined;
  return { key: key.type as Json, value: value.type as Json };
}

const PRIMITIVE_CONNECT: Record<string, Schema['type']> = {
  boolean: 'BOOLEAN',
  int: 'INT32',
  long: 'INT64',
  float: 'FLOAT32',
  double: 'FLOAT64',
  bytes: 'BYTES',
  fixed: 'BYTES',
  string: 'STRING',
};

// ---------------------------------------------------------------- values

type Encode = (value: ConnectValue) => unknown;
type Decode = (value: unknown) => ConnectValue;

const encoders = new WeakMap<Schema, Encode>();
const decoders = new WeakMap<Schema, Decode>();

/** Compiled once per schema object: Connect value → the value avsc encodes. */
export function encoderFor(schema: Schema): Encode {
  let encode = encoders.get(schema);
  if (encode === undefined) {
    encode = compileEncoder(schema, '');
    encoders.set(schema, encode);
  }
  return encode;
}

/** Compiled once per schema object: avsc's decoded value → Connect value. */
export function decoderFor(schema: Schema): Decode {
  let decode = decoders.get(schema);
  if (decode === undefined) {
    decode = compileDecoder(schema, false);
    decoders.set(schema, decode);
  }
  return decode;
}

const wrappedDecoders = new WeakMap<Schema, Decode>();

/**
 * The same for values avsc decoded with wrapped unions ({"branch": value}), as reading does: every
 * optional schema read from a schema is a union, and a Union struct takes the branch it names.
 */
export function wrappedDecoderFor(schema: Schema): Decode {
  let decode = wrappedDecoders.get(schema);
  if (decode === undefined) {
    decode = compileDecoder(schema, true);
    wrappedDecoders.set(schema, decode);
  }
  return decode;
}

function unwrap(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  for (const key in value) return (value as Record<string, unknown>)[key];
  return null;
}

function compileEncoder(schema: Schema, path: string): Encode {
  const required =
    (inner: Encode): Encode =>
    (value) => {
      if (value === null || value === undefined) {
        if (schema.optional) return null;
        if (schema.defaultValue !== undefined && schema.defaultValue !== null)
          return inner(schema.defaultValue);
        throw new DataException(
          `Found null value for non-optional schema${path === '' ? '' : ` (field ${path})`}`,
        );
      }
      return inner(value);
    };
  const bad = (value: ConnectValue, expected: string): never => {
    throw new DataException(
      `Invalid Java object for schema type ${schema.type}${path === '' ? '' : ` (field ${path})`}: expected ${expected}, got ${typeName(value)}`,
    );
  };
  switch (schema.name) {
    case LOGICAL.decimal: {
      const scale = Number(schema.parameters?.scale ?? 0);
      return required((v) => {
        if (!isDecimalValue(v)) return bad(v, 'a decimal');
        const d = v.scale === scale ? v : rescaleExact(v, scale);
        return Buffer.from(unscaledToBytes(d.unscaled));
      });
    }
    case LOGICAL.date:
      return required((v) => Math.floor(epochMs(v, 'Date', MS_PER_DAY) / MS_PER_DAY));
    case LOGICAL.time:
      return required((v) => {
        const ms = epochMs(v, 'Time', 1);
        return ((ms % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
      });
    case LOGICAL.timestamp:
      return required((v) => BigInt(epochMs(v, 'Timestamp', 1)));
  }
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32':
      return required((v) =>
        typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : bad(v, 'a number'),
      );
    case 'INT64':
      return required((v) => (typeof v === 'bigint' || typeof v === 'number' ? v : bad(v, 'an integer')));
    case 'FLOAT32':
    case 'FLOAT64':
      return required((v) => (typeof v === 'number' ? v : bad(v, 'a number')));
    case 'BOOLEAN':
      return required((v) => (typeof v === 'boolean' ? v : bad(v, 'a boolean')));
    case 'STRING':
      return required((v) => (typeof v === 'string' ? v : bad(v, 'a string')));
    case 'BYTES':
      return required((v) =>
        v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : bad(v, 'bytes'),
      );
    case 'ARRAY': {
      const item = compileEncoder(need(schema.valueSchema, 'ARRAY'), `${path}[]`);
      return required((v) => (Array.isArray(v) ? v.map(item) : bad(v, 'an array')));
    }
    case 'MAP': {
      const keySchema = need(schema.keySchema, 'MAP key');
      const value = compileEncoder(need(schema.valueSchema, 'MAP value'), `${path}{}`);
      if (keySchema.type === 'STRING' && !keySchema.optional)
        return required((v) => {
          if (!isSchemalessMap(v)) return bad(v, 'a map');
          const out: Record<string, unknown> = {};
          for (const [k, x] of mapEntries(v)) out[String(k)] = value(x);
          return out;
        });
      const key = compileEncoder(keySchema, `${path}{key}`);
      return required((v) =>
        isSchemalessMap(v)
          ? mapEntries(v).map(([k, x]) => ({ key: key(k), value: value(x) }))
          : bad(v, 'a map'),
      );
    }
    case 'STRUCT': {
      const fields = (schema.fields ?? []).map(
        (f) => [f.name, compileEncoder(f.schema, path === '' ? f.name : `${path}.${f.name}`)] as const,
      );
      return required((v) => {
        if (!(v instanceof Struct)) return bad(v, 'a Struct');
        const out: Record<string, unknown> = {};
        if (v.schema === schema) for (const [name, encode] of fields) out[name] = encode(v.get(name));
        // Another schema's struct (use.latest.version): a field it lacks is absent, so its default.
        else for (const [name, encode] of fields) out[name] = encode(hasField(v, name) ? v.get(name) : null);
        return out;
      });
    }
  }
}

function hasField(struct: Struct, name: string): boolean {
  return (struct.schema.fields ?? []).some((f) => f.name === name);
}

function rescaleExact(
  d: { unscaled: bigint; scale: number },
  scale: number,
): { unscaled: bigint; scale: number } {
  const r = rescaleDecimal(d, scale);
  if (d.scale > scale && rescaleDecimal(r, d.scale).unscaled !== d.unscaled)
    throw new DataException('BigDecimal has mismatching scale value for given Decimal schema');
  return r;
}

function epochMs(value: ConnectValue, logicalName: string, unitMs: number): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number' && Number.isInteger(value)) return value * unitMs;
  if (typeof value === 'bigint') return Number(value) * unitMs;
  throw new DataException(`Invalid type for ${logicalName}, expected Date but was ${typeName(value)}`);
}

function compileDecoder(schema: Schema, wrapped: boolean): Decode {
  const unwrapping = wrapped && schema.optional;
  const nullable =
    (inner: Decode): Decode =>
    (value) =>
      value === null || value === undefined ? null : inner(unwrapping ? unwrap(value) : value);
  const keys = wrapped ? unionBranches.get(schema) : undefined;
  if (keys !== undefined) {
    const members = (schema.fields ?? []).map((f) => compileDecoder({ ...f.schema, optional: false }, true));
    return (value) => {
      if (value === null || value === undefined) return null;
      const union = new Struct(schema);
      for (const key in value as object) {
        const i = keys.indexOf(key);
        if (i >= 0)
          union.put(schema.fields?.[i]?.name ?? key, members[i]((value as Record<string, unknown>)[key]));
      }
      return union;
    };
  }
  switch (schema.name) {
    case LOGICAL.decimal: {
      const scale = Number(schema.parameters?.scale ?? 0);
      return nullable((v) => ({ unscaled: bytesToUnscaled(v as Buffer), scale }) as ConnectValue);
    }
    case LOGICAL.date:
      return nullable((v) => new Date((v as number) * MS_PER_DAY));
    case LOGICAL.time:
      return nullable((v) => new Date(v as number));
    case LOGICAL.timestamp:
      return nullable((v) => new Date(Number(v as bigint)));
  }
  switch (schema.type) {
    case 'INT64':
      return nullable((v) => (typeof v === 'bigint' ? int64Value(v) : (v as number)));
    case 'BYTES':
      return nullable((v) => new Uint8Array(v as Buffer));
    case 'ARRAY': {
      const item = compileDecoder(need(schema.valueSchema, 'ARRAY'), wrapped);
      return nullable((v) => (v as unknown[]).map(item));
    }
    case 'MAP': {
      const keySchema = need(schema.keySchema, 'MAP key');
      const value = compileDecoder(need(schema.valueSchema, 'MAP value'), wrapped);
      if (keySchema.type === 'STRING' && !keySchema.optional)
        return nullable((v) => {
          const out = new Map<ConnectValue, ConnectValue>();
          for (const [k, x] of Object.entries(v as object)) out.set(k, value(x));
          return out;
        });
      const key = compileDecoder(keySchema, wrapped);
      return nullable(
        (v) => new Map((v as { key: unknown; value: unknown }[]).map((e) => [key(e.key), value(e.value)])),
      );
    }
    case 'STRUCT': {
      const fields = (schema.fields ?? []).map((f) => [f.name, compileDecoder(f.schema, wrapped)] as const);
      return nullable((v) => {
        const struct = new Struct(schema);
        const record = v as Record<string, unknown>;
        for (const [name, decode] of fields) struct.put(name, decode(record[name]));
        return struct;
      });
    }
    default:
      return (v) => (v === undefined || v === null ? null : ((unwrapping ? unwrap(v) : v) as ConnectValue));
  }
}

// ---------------------------------------------------------------- avsc types

/** Avro longs as bigint, so 64-bit values keep every digit (avsc's own long stops at 2^53). */
const BIGINT_LONG = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint | number) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: (json: number | string) => BigInt(json),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint' || (typeof n === 'number' && Number.isInteger(n)),
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

/** An avsc type for an Avro schema (JSON), longs as bigint, unions unwrapped (only [null, T] occur). */
export function compileAvroType(
  schema: Json,
  references: readonly Json[] = [],
  wrapUnions = false,
): avro.Type {
  const registry: Record<string, avro.Type> = { long: BIGINT_LONG };
  for (const ref of references) avro.Type.forSchema(bareLongs(ref) as avro.Schema, { registry, wrapUnions });
  return avro.Type.forSchema(bareLongs(schema) as avro.Schema, { registry, wrapUnions });
}

/**
 * avsc consults its registry for a bare `long` only, not for {"type": "long", …}: such nodes
 * become bare names (their properties matter to the mapping, not to the encoding).
 */
function bareLongs(node: Json): Json {
  if (Array.isArray(node)) return node.map(bareLongs);
  if (node === null || typeof node !== 'object') return node;
  if (node.type === 'long') return 'long';
  const out: { [key: string]: Json } = {};
  for (const [k, v] of Object.entries(node))
    out[k] =
      k === 'type' || k === 'items' || k === 'values'
        ? bareLongs(v)
        : k === 'fields'
          ? (v as Json[]).map((f) => ({ ...(f as object), type: bareLongs((f as { type: Json }).type) }))
          : v;
  return out;
}
