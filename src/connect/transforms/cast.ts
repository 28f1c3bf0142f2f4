import {
  ConfigDef,
  type ConnectRecord,
  type ConnectValue,
  DataException,
  LOGICAL,
  type Schema,
  Schemas,
  type SchemaType,
  Struct,
  type Transformation,
} from '../api/index.js';
import {
  encodeBase64,
  formatDateLikeConnect,
  formatDecimalLikeJava,
  formatNumberLikeJava,
  int64Value,
  isDecimalValue,
  isSchemalessMap,
  mapEntries,
  mapGet,
  mapLike,
} from '../converters/index.js';
import {
  operatingSchema,
  operatingValue,
  REPLACE_NULL_WITH_DEFAULT,
  type RecordSide,
  requireMap,
  requireStruct,
  SchemaUpdateCache,
  structLike,
  withOperating,
} from './support.js';

const PURPOSE = 'cast types';
const INPUT_TYPES: readonly SchemaType[] = [
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FLOAT32',
  'FLOAT64',
  'BOOLEAN',
  'STRING',
  'BYTES',
];
const OUTPUT_TYPES: readonly SchemaType[] = [
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FLOAT32',
  'FLOAT64',
  'BOOLEAN',
  'STRING',
];
const ALL_TYPES: readonly string[] = [...INPUT_TYPES, 'ARRAY', 'MAP', 'STRUCT'];
const MS_PER_DAY = 86_400_000;

/** The spec: one target type for the whole value (key ''), or a target type per field. */
function parseSpec(mappings: readonly string[]): Map<string, SchemaType> {
  if (mappings.length === 0) throw new Error('Must specify at least one field to cast.');
  const casts = new Map<string, SchemaType>();
  let wholeValue = false;
  for (const mapping of mappings) {
    const parts = mapping.split(':');
    if (parts.length > 2) throw new Error(`Invalid rename mapping: ${mapping}`);
    const typeText = parts[parts.length - 1].trim();
    const type = typeText.toUpperCase();
    if (!ALL_TYPES.includes(type)) throw new Error(`Invalid type found in casting spec: ${typeText}`);
    if (!OUTPUT_TYPES.includes(type as SchemaType))
      throw new Error(
        `Cast transformation does not support casting to ${type}; supported types are [${OUTPUT_TYPES.join(', ')}]`,
      );
    if (parts.length === 1) wholeValue = true;
    casts.set(parts.length === 1 ? '' : parts[0].trim(), type as SchemaType);
  }
  if (wholeValue && mappings.length > 1)
    throw new Error(
      'Cast transformations that specify a type to cast the entire value to may ony specify a single cast in their spec',
    );
  return casts;
}

const TARGET_SCHEMAS: Partial<Record<SchemaType, Schema>> = {
  INT8: Schemas.INT8,
  INT16: Schemas.INT16,
  INT32: Schemas.INT32,
  INT64: Schemas.INT64,
  FLOAT32: Schemas.FLOAT32,
  FLOAT64: Schemas.FLOAT64,
  BOOLEAN: Schemas.BOOLEAN,
  STRING: Schemas.STRING,
};

/** org.apache.kafka.connect.transforms.Cast$Key/$Value: casts fields, or the whole value, to primitive types. */
export class Cast implements Transformation {
  static readonly CONFIG_DEF = new ConfigDef()
    .define({
      name: 'spec',
      type: 'LIST',
      importance: 'HIGH',
      documentation:
        'List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of Maps or Structs. A single type to cast the entire value. Valid types are int8, int16, int32, int64, float32, float64, boolean, and string. Note that binary fields can only be cast to string.',
      validator: (_name, value) => {
        parseSpec(Array.isArray(value) ? value : []);
      },
    })
    .define(REPLACE_NULL_WITH_DEFAULT);

  private readonly side: RecordSide;
  private casts = new Map<string, SchemaType>();
  private wholeValueType: SchemaType | undefined;
  private readonly schemaCache = new SchemaUpdateCache();

  constructor(side: RecordSide) {
    this.side = side;
  }

  configure(configs: Readonly<Record<string, string>>): void {
    this.casts = parseSpec(Cast.CONFIG_DEF.parse(configs).spec);
    this.wholeValueType = this.casts.get('');
    this.schemaCache.clear();
  }

  apply<R extends ConnectRecord>(record: R): R {
    const value = operatingValue(record, this.side);
    if (value === null) return record;
    const schema = operatingSchema(record, this.side);
    if (schema === null) {
      if (this.wholeValueType !== undefined)
        return withOperating(record, this.side, null, castValue(null, value, this.wholeValueType));
      const map = requireMap(value, PURPOSE);
      const entries = new Map(mapEntries(map).map(([k, v]) => [String(k), v] as [string, ConnectValue]));
      // As in Kafka, a field named in the spec is set (to null) even when the map lacks it.
      for (const [field, type] of this.casts) entries.set(field, castValue(null, mapGet(map, field), type));
      return withOperating(record, this.side, null, mapLike(map, entries));
    }
    const updatedSchema = this.schemaCache.get(schema, (s) => this.updatedSchema(s));
    if (this.wholeValueType !== undefined)
      return withOperating(record, this.side, updatedSchema, castValue(schema, value, this.wholeValueType));
    const struct = requireStruct(value, PURPOSE);
    const updated = new Struct(updatedSchema);
    for (const f of schema.fields ?? []) {
      const type = this.casts.get(f.name);
      const v = struct.get(f.name);
      updated.put(f.name, type === undefined ? v : castValue(f.schema, v, type));
    }
    return withOperating(record, this.side, updatedSchema, updated);
  }

  private updatedSchema(schema: Schema): Schema {
    const target = (s: Schema, type: SchemaType): Schema => {
      const base = TARGET_SCHEMAS[type] as Schema;
      const defaultValue =
        s.defaultValue === undefined || s.defaultValue === null
          ? undefined
          : castValue(s, s.defaultValue, type);
      return { ...base, optional: s.optional, ...(defaultValue === undefined ? {} : { defaultValue }) };
    };
    if (this.wholeValueType !== undefined) {
      const t = target(schema, this.wholeValueType);
      return { ...t, ...basics(schema) };
    }
    const fields = (schema.fields ?? []).map((f) => {
      const type = this.casts.get(f.name);
      return { name: f.name, schema: type === undefined ? f.schema : target(f.schema, type) };
    });
    return structLike(schema, fields, { optional: schema.optional });
  }

  config(): ConfigDef {
    return Cast.CONFIG_DEF;
  }

  close(): void {
    this.schemaCache.clear();
  }
}

function basics(schema: Schema): Partial<Schema> {
  return {
    ...(schema.name === undefined ? {} : { name: schema.name }),
    ...(schema.version === undefined ? {} : { version: schema.version }),
    ...(schema.doc === undefined ? {} : { doc: schema.doc }),
    ...(schema.parameters === undefined ? {} : { parameters: schema.parameters }),
  };
}

function inferType(value: ConnectValue): SchemaType | undefined {
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (typeof value === 'string') return 'STRING';
  if (typeof value === 'bigint') return 'INT64';
  if (typeof value === 'number') return Number.isInteger(value) ? 'INT64' : 'FLOAT64';
  if (value instanceof Uint8Array) return 'BYTES';
  if (value instanceof Struct) return 'STRUCT';
  if (Array.isArray(value)) return 'ARRAY';
  if (isSchemalessMap(value)) return 'MAP';
  return undefined;
}

/** Cast.castValueToType: Java's numeric conversions (wrapping, truncation) and parsing rules. */
export function castValue(schema: Schema | null, value: ConnectValue, target: SchemaType): ConnectValue {
  if (value === null) return null;
  const isDate = value instanceof Date;
  const inferred = schema === null ? (isDate ? 'INT64' : inferType(value)) : schema.type;
  if (inferred === undefined)
    throw new DataException(
      `Cast transformation was passed a value of type ${typeof value} which is not supported by Connect's data API`,
    );
  if (!INPUT_TYPES.includes(inferred))
    throw new DataException(
      `Cast transformation does not support casting from ${inferred}; supported types are [${INPUT_TYPES.join(', ')}]`,
    );
  if (target === 'STRING') return castToString(schema, value);
  let v: ConnectValue = value;
  if (value instanceof Date) {
    // Logical dates cast as their underlying number: days, milliseconds of the day, or epoch milliseconds.
    v = schema?.name === LOGICAL.date ? Math.floor(value.getTime() / MS_PER_DAY) : value.getTime();
  }
  if (isDecimalValue(v)) v = Number(formatDecimalLikeJava(v));
  const outOfRange = () =>
    new DataException(`Value (${String(value)}) was out of range for requested data type`);
  if (typeof v === 'string') return parseText(v, target, outOfRange);
  if (typeof v === 'boolean') {
    return target === 'BOOLEAN' ? v : v ? 1 : 0;
  }
  if (typeof v === 'number' || typeof v === 'bigint') return castNumber(v, target);
  throw new DataException(`Unexpected type in Cast transformation: ${typeof value}`);
}

function castToString(schema: Schema | null, value: ConnectValue): string {
  if (value instanceof Date) return formatDateLikeConnect(value);
  if (value instanceof Uint8Array) return encodeBase64(value);
  if (isDecimalValue(value)) return formatDecimalLikeJava(value);
  if (typeof value === 'number' || typeof value === 'bigint') return formatNumberLikeJava(value, schema);
  return String(value);
}

const BITS: Partial<Record<SchemaType, number>> = { INT8: 8, INT16: 16, INT32: 32, INT64: 64 };

function castNumber(v: number | bigint, target: SchemaType): ConnectValue {
  if (target === 'BOOLEAN') return typeof v === 'bigint' ? v !== 0n : Math.trunc(v) !== 0;
  if (target === 'FLOAT32') return Math.fround(Number(v));
  if (target === 'FLOAT64') return Number(v);
  const bits = BITS[target] as number;
  let n: bigint;
  if (typeof v === 'bigint') n = v;
  else if (Number.isNaN(v)) n = 0n;
  else {
    // (int) or (long) of a double saturates; narrower types then wrap from the int.
    const limit = bits === 64 ? 2 ** 63 : 2 ** 31;
    n = BigInt(Math.trunc(Math.min(Math.max(v, -limit), limit - 1)));
  }
  const wrapped = BigInt.asIntN(bits, n);
  return bits === 64 ? int64Value(wrapped) : Number(wrapped);
}

function parseText(text: string, target: SchemaType, outOfRange: () => DataException): ConnectValue {
  if (target === 'BOOLEAN') return text.toLowerCase() === 'true';
  if (target === 'FLOAT32' || target === 'FLOAT64') {
    const m =
      /^[\0-\x20]*([+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?))[fFdD]?[\0-\x20]*$/.exec(text);
    if (m === null) throw outOfRange();
    return target === 'FLOAT32' ? Math.fround(Number(m[1])) : Number(m[1]);
  }
  if (!/^[+-]?\d+$/.test(text)) throw outOfRange();
  const n = BigInt(text);
  const bits = BITS[target] as number;
  if (BigInt.asIntN(bits, n) !== n) throw outOfRange();
  return bits === 64 ? int64Value(n) : Number(n);
}
