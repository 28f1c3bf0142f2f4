import { parseDecimalExact } from '../../serde/index.js';
import {
  ConfigDef,
  type ConnectValue,
  type Converter,
  DataException,
  LOGICAL,
  type Schema,
  type SchemaAndValue,
  type SchemaType,
  Struct,
  Validators,
} from '../api/index.js';
import {
  fitsSignedBits,
  int64Value,
  isSchemalessMap,
  mapEntries,
  schemasEqual,
  typeName,
} from './connect-values.js';
import { converterTypeKey, decodeBase64, encodeBase64, SchemaCache } from './converter-support.js';
import { bytesToDecimal, decimalAsConnectValue, decimalToBytes, toDecimalValue } from './decimal-value.js';
import { formatDecimalLikeJava, formatDoubleLikeJava, formatFloatLikeJava } from './java-text.js';
import { schemaFromJson, schemaToJson } from './json-schema.js';
import {
  type JsonNode,
  JsonNumber,
  type JsonObject,
  jsonNodeType,
  parseJsonTree,
  writeJsonTree,
} from './json-tree.js';

/**
 * org.apache.kafka.connect.json.JsonConverter: Connect data as JSON, by default wrapped in a
 * {"schema": ..., "payload": ...} envelope so a reader gets the schema back.
 */
export class JsonConverter implements Converter {
  static readonly CONFIG_DEF = new ConfigDef()
    .define({
      name: 'schemas.enable',
      type: 'BOOLEAN',
      defaultValue: true,
      importance: 'HIGH',
      documentation: 'Include schemas within each of the serialized values and keys.',
    })
    .define({
      name: 'schemas.cache.size',
      type: 'INT',
      defaultValue: 1000,
      importance: 'HIGH',
      documentation: 'The maximum number of schemas that can be cached in this converter instance.',
      validator: Validators.atLeast(0),
    })
    .define({
      name: 'decimal.format',
      type: 'STRING',
      defaultValue: 'BASE64',
      importance: 'LOW',
      documentation:
        'Controls which format this converter will serialize decimals in: BASE64 (bytes, base64 encoded) or NUMERIC (a JSON number).',
      validator: Validators.oneOfIgnoringCase('BASE64', 'NUMERIC'),
      recommendedValues: ['BASE64', 'NUMERIC'],
    })
    .define({
      name: 'replace.null.with.default',
      type: 'BOOLEAN',
      defaultValue: true,
      importance: 'LOW',
      documentation:
        'Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.',
    })
    .define(converterTypeKey());

  private schemasEnabled = true;
  private decimalNumeric = false;
  private replaceNullWithDefault = true;
  private schemaJsonCache = new WeakMap<Schema, JsonObject>();
  private schemaCache = new SchemaCache(1000);

  configure(configs: Readonly<Record<string, string>>, _isKey: boolean): void {
    const parsed = JsonConverter.CONFIG_DEF.parse(configs);
    this.schemasEnabled = parsed['schemas.enable'];
    this.decimalNumeric = parsed['decimal.format'].toUpperCase() === 'NUMERIC';
    this.replaceNullWithDefault = parsed['replace.null.with.default'];
    this.schemaJsonCache = new WeakMap();
    this.schemaCache = new SchemaCache(parsed['schemas.cache.size']);
  }

  config(): ConfigDef {
    return JsonConverter.CONFIG_DEF;
  }

  fromConnectData(_topic: string, schema: Schema | null, value: ConnectValue): Uint8Array | null {
    if (schema === null && value === null) return null;
    if (!this.schemasEnabled) {
      const flat = schema === null ? flatObjectJson(value) : flatStructJson(schema, value);
      if (flat !== undefined) return Buffer.from(flat, 'utf8');
    }
    const payload = this.toJson(schema, value);
    const json = this.schemasEnabled
      ? new Map<string, JsonNode>([
          ['schema', schema === null ? null : this.schemaJson(schema)],
          ['payload', payload],
        ])
      : payload;
    return Buffer.from(writeJsonTree(json), 'utf8');
  }

  toConnectData(_topic: string, bytes: Uint8Array | null): SchemaAndValue {
    if (bytes === null) return { schema: null, value: null };
    let json: JsonNode | undefined;
    try {
      json = parseJsonTree(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
    } catch (err) {
      throw new DataException(
        `Converting byte[] to Kafka Connect data failed due to serialization error: ${(err as Error).message}`,
        { cause: err },
      );
    }
    if (!this.schemasEnabled) return { schema: null, value: this.toConnect(null, json) };
    if (!(json instanceof Map) || json.size !== 2 || !json.has('schema') || !json.has('payload')) {
      throw new DataException(
        'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields.' +
          ' If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.',
      );
    }
    const schemaNode = json.get('schema') ?? null;
    const schema = schemaNode === null ? null : this.schemaFromJson(schemaNode);
    return { schema, value: this.toConnect(schema, json.get('payload')) };
  }

  /** The JSON form of a schema, as written in the envelope. */
  schemaJson(schema: Schema): JsonObject {
    let json = this.schemaJsonCache.get(schema);
    if (json === undefined) {
      json = schemaToJson(schema, (s, v) => this.toJson(s, v));
      this.schemaJsonCache.set(schema, json);
    }
    return json;
  }

  private schemaFromJson(node: JsonNode): Schema | null {
    // Cached by text, so records with the same schema share one Schema object (transforms cache by it).
    const key = writeJsonTree(node);
    const cached = this.schemaCache.get(key);
    if (cached !== undefined) return cached;
    const schema = schemaFromJson(node, (s, v) => this.toConnect(s, v));
    if (schema !== null) this.schemaCache.set(key, schema);
    return schema;
  }

  private toJson(schema: Schema | null, value: ConnectValue): JsonNode {
    if (value === null || value === undefined) {
      if (schema === null) return null;
      if (schema.defaultValue !== undefined && schema.defaultValue !== null && this.replaceNullWithDefault)
        return this.toJson(schema, schema.defaultValue);
      if (schema.optional) return null;
      throw new DataException(
        'Conversion error: null value for field that is required and has no default value',
      );
    }
    if (schema?.name !== undefined) {
      const logical = this.logicalToJson(schema, value);
      if (logical !== undefined) return logical;
    }
    const type = schema === null ? inferType(value) : schema.type;
    const invalid = () =>
      new DataException(`Invalid type for ${schema === null ? 'unknown schema' : type}: ${typeName(value)}`);
    switch (type) {
      case 'INT8':
      case 'INT16':
      case 'INT32':
      case 'INT64': {
        if ((typeof value !== 'number' && typeof value !== 'bigint') || !fitsSignedBits(value, BITS[type]))
          throw invalid();
        return new JsonNumber(typeof value === 'bigint' ? value.toString() : String(value));
      }
      case 'FLOAT32':
      case 'FLOAT64': {
        if (typeof value !== 'number') throw invalid();
        // Jackson quotes NaN and the infinities (QUOTE_NON_NUMERIC_NUMBERS).
        const text = type === 'FLOAT32' ? formatFloatLikeJava(value) : formatDoubleLikeJava(value);
        return Number.isFinite(value) ? new JsonNumber(text) : text;
      }
      case 'BOOLEAN':
        if (typeof value !== 'boolean') throw invalid();
        return value;
      case 'STRING':
        if (typeof value !== 'string') throw invalid();
        return value;
      case 'BYTES':
        if (!(value instanceof Uint8Array)) throw invalid();
        return encodeBase64(value);
      case 'ARRAY':
        if (!Array.isArray(value)) throw invalid();
        return value.map((v: ConnectValue) => this.toJson(schema?.valueSchema ?? null, v));
      case 'MAP': {
        if (!isSchemalessMap(value)) throw invalid();
        const entries = mapEntries(value);
        // String keys make a JSON object; other keys a JSON array of [key, value] pairs.
        const objectMode =
          schema === null
            ? entries.every(([k]) => typeof k === 'string')
            : schema.keySchema?.type === 'STRING';
        const keySchema = schema?.keySchema ?? null;
        const valueSchema = schema?.valueSchema ?? null;
        if (objectMode) {
          const out: JsonObject = new Map();
          for (const [k, v] of entries)
            out.set(jsonText(this.toJson(keySchema, k)), this.toJson(valueSchema, v));
          return out;
        }
        return entries.map(([k, v]) => [this.toJson(keySchema, k), this.toJson(valueSchema, v)]);
      }
      case 'STRUCT': {
        if (!(value instanceof Struct)) throw invalid();
        if (schema === null || !schemasEqual(value.schema, schema))
          throw new DataException('Mismatching schema.');
        const out: JsonObject = new Map();
        for (const f of schema.fields ?? []) out.set(f.name, this.toJson(f.schema, value.get(f.name)));
        return out;
      }
    }
  }

  private logicalToJson(schema: Schema, value: ConnectValue): JsonNode | undefined {
    switch (schema.name) {
      case LOGICAL.decimal: {
        const decimal = toDecimalValue(schema, value);
        return this.decimalNumeric
          ? new JsonNumber(formatDecimalLikeJava(decimal))
          : encodeBase64(decimalToBytes(schema, decimal));
      }
      case LOGICAL.date: {
        const ms = epochMillis(value, 'Date', MS_PER_DAY);
        if (ms % MS_PER_DAY !== 0)
          throw new DataException(
            'Kafka Connect Date type should not have any time fields set to non-zero values.',
          );
        return new JsonNumber(String(ms / MS_PER_DAY));
      }
      case LOGICAL.time: {
        const ms = epochMillis(value, 'Time', 1);
        if (ms < 0 || ms >= MS_PER_DAY)
          throw new DataException(
            'Kafka Connect Time type should not have any date fields set to non-zero values.',
          );
        return new JsonNumber(String(ms));
      }
      case LOGICAL.timestamp:
        return new JsonNumber(String(epochMillis(value, 'Timestamp', 1)));
      default:
        return undefined;
    }
  }

  private toConnect(schema: Schema | null, json: JsonNode | undefined): ConnectValue {
    if (schema !== null) {
      if (json === undefined || json === null) {
        if (schema.defaultValue !== undefined && schema.defaultValue !== null && this.replaceNullWithDefault)
          return schema.defaultValue;
        if (schema.optional) return null;
        throw new DataException(`Invalid null value for required ${schema.type} field`);
      }
      if (schema.name !== undefined) {
        const logical = logicalToConnect(schema, json);
        if (logical !== undefined) return logical;
      }
    }
    if (json === undefined || json === null) return null;
    const type = schema === null ? inferJsonType(json) : schema.type;
    const mismatch = () =>
      new DataException(
        `Invalid value for ${type} field: expected JSON ${JSON_FOR[type]} but found ${jsonNodeType(json)}`,
      );
    switch (type) {
      case 'INT8':
      case 'INT16':
      case 'INT32':
      case 'INT64': {
        if (!(json instanceof JsonNumber)) throw mismatch();
        const n = jacksonInteger(json, BITS[type]);
        return type === 'INT64' ? int64Value(n) : Number(n);
      }
      case 'FLOAT32':
        if (!(json instanceof JsonNumber)) throw mismatch();
        return Math.fround(Number(json.text));
      case 'FLOAT64':
        if (!(json instanceof JsonNumber)) throw mismatch();
        return Number(json.text);
      case 'BOOLEAN':
        if (typeof json !== 'boolean') throw mismatch();
        return json;
      case 'STRING':
        if (typeof json !== 'string') throw mismatch();
        return json;
      case 'BYTES': {
        const bytes = typeof json === 'string' ? decodeBase64(json) : undefined;
        if (bytes === undefined) throw new DataException('Invalid bytes field');
        return bytes;
      }
      case 'ARRAY':
        if (!Array.isArray(json)) throw mismatch();
        return json.map((e) => this.toConnect(schema?.valueSchema ?? null, e));
      case 'MAP': {
        const keySchema = schema?.keySchema ?? null;
        const valueSchema = schema?.valueSchema ?? null;
        const out = new Map<ConnectValue, ConnectValue>();
        if (schema === null || keySchema?.type === 'STRING') {
          if (!(json instanceof Map))
            throw new DataException(
              `Maps with string fields should be encoded as JSON objects, but found ${jsonNodeType(json)}`,
            );
          for (const [k, v] of json) out.set(k, this.toConnect(valueSchema, v));
          return out;
        }
        if (!Array.isArray(json))
          throw new DataException(
            `Maps with non-string fields should be encoded as JSON array of tuples, but found ${jsonNodeType(json)}`,
          );
        for (const entry of json) {
          if (!Array.isArray(entry))
            throw new DataException(`Found invalid map entry instead of array tuple: ${jsonNodeType(entry)}`);
          if (entry.length !== 2)
            throw new DataException(`Found invalid map entry, expected length 2 but found :${entry.length}`);
          out.set(this.toConnect(keySchema, entry[0]), this.toConnect(valueSchema, entry[1]));
        }
        return out;
      }
      case 'STRUCT': {
        if (!(json instanceof Map) || schema === null)
          throw new DataException(
            `Structs should be encoded as JSON objects, but found ${jsonNodeType(json)}`,
          );
        const struct = new Struct(schema);
        for (const f of schema.fields ?? []) struct.put(f.name, this.toConnect(f.schema, json.get(f.name)));
        return struct;
      }
    }
  }
}

const BITS: Record<string, number> = { INT8: 8, INT16: 16, INT32: 32, INT64: 64 };
const MS_PER_DAY = 86_400_000;
const JSON_FOR: Record<SchemaType, string> = {
  INT8: 'number',
  INT16: 'number',
  INT32: 'number',
  INT64: 'number',
  FLOAT32: 'number',
  FLOAT64: 'number',
  BOOLEAN: 'boolean',
  STRING: 'string',
  BYTES: 'base64 string',
  ARRAY: 'array',
  MAP: 'object',
  STRUCT: 'object',
};

function inferType(value: ConnectValue): SchemaType {
  if (typeof value === 'string') return 'STRING';
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (typeof value === 'bigint') return 'INT64';
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'INT64' : 'FLOAT64';
  if (value instanceof Uint8Array) return 'BYTES';
  if (value instanceof Struct) return 'STRUCT';
  if (Array.isArray(value)) return 'ARRAY';
  if (isSchemalessMap(value)) return 'MAP';
  throw new DataException(`Java class ${typeName(value)} does not have corresponding schema type.`);
}

function inferJsonType(json: JsonNode): SchemaType {
  if (typeof json === 'boolean') return 'BOOLEAN';
  if (typeof json === 'string') return 'STRING';
  if (json instanceof JsonNumber) return json.integral ? 'INT64' : 'FLOAT64';
  if (Array.isArray(json)) return 'ARRAY';
  return 'MAP';
}

/** Jackson's intValue()/longValue(): integers wrap to the width, fractions truncate toward zero. */
function jacksonInteger(json: JsonNumber, bits: number): bigint {
  if (json.integral) return BigInt.asIntN(bits === 64 ? 64 : 32, BigInt(json.text));
  const d = Number(json.text);
  if (Number.isNaN(d)) return 0n;
  const limit = bits === 64 ? 2 ** 63 : 2 ** 31;
  const truncated = BigInt(Math.trunc(Math.max(-limit, Math.min(limit - 1, d))));
  return bits < 32 ? BigInt.asIntN(bits, truncated) : truncated;
}

function jsonText(node: JsonNode): string {
  if (typeof node === 'string') return node;
  if (node instanceof JsonNumber) return node.text;
  if (node === null) return 'null';
  if (typeof node === 'boolean') return String(node);
  return '';
}

function epochMillis(value: ConnectValue, logicalName: string, unitMs: number): number {
  if (value instanceof Date) return value.getTime();
  // The underlying representation (days, or milliseconds) is accepted too.
  if (typeof value === 'number' && Number.isInteger(value)) return value * unitMs;
  if (typeof value === 'bigint') return Number(value) * unitMs;
  throw new DataException(`Invalid type for ${logicalName}, expected Date but was ${typeName(value)}`);
}

function logicalToConnect(schema: Schema, json: JsonNode): ConnectValue | undefined {
  switch (schema.name) {
    case LOGICAL.decimal: {
      if (json instanceof JsonNumber) return decimalAsConnectValue(parseDecimalExact(json.text));
      if (typeof json === 'string') {
        const bytes = decodeBase64(json);
        if (bytes === undefined || bytes.length === 0)
          throw new DataException('Invalid bytes for Decimal field');
        return decimalAsConnectValue(bytesToDecimal(schema, bytes));
      }
      throw new DataException(
        `Invalid type for Decimal, underlying representation should be numeric or bytes but was ${jsonNodeType(json)}`,
      );
    }
    case LOGICAL.date:
      if (!isJsonInt(json))
        throw new DataException(
          `Invalid type for Date, underlying representation should be integer but was ${jsonNodeType(json)}`,
        );
      return new Date(Number((json as JsonNumber).text) * MS_PER_DAY);
    case LOGICAL.time: {
      if (!isJsonInt(json))
        throw new DataException(
          `Invalid type for Time, underlying representation should be integer but was ${jsonNodeType(json)}`,
        );
      const ms = Number((json as JsonNumber).text);
      if (ms < 0 || ms > MS_PER_DAY)
        throw new DataException(
          'Time values must use number of milliseconds greater than 0 and less than 86400000',
        );
      return new Date(ms);
    }
    case LOGICAL.timestamp:
      if (!(json instanceof JsonNumber) || !json.integral)
        throw new DataException(
          `Invalid type for Timestamp, underlying representation should be integral but was ${jsonNodeType(json)}`,
        );
      return new Date(Number(json.text));
    default:
      return undefined;
  }
}

/** Jackson's isInt(): an integral number within 32 bits. */
function isJsonInt(json: JsonNode): boolean {
  return json instanceof JsonNumber && json.integral && fitsSignedBits(BigInt(json.text), 32);
}

/**
 * JSON text of a schemaless object whose values are all text, booleans or nulls (what generators
 * and most schemaless sources produce), written by JSON.stringify: for such values it writes what
 * the general path writes, without building a tree per record. Undefined for anything else.
 */
// Text with control characters or surrogates goes the general way: Jackson writes \u001F with
// capitals, and lone surrogate halves as the encoder replaces them, where JSON.stringify differs.
const NOT_FOR_STRINGIFY = /[\u0000-\u001f\ud800-\udfff]/;

function flatObjectJson(value: ConnectValue): string | undefined {
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype)
    return undefined;
  for (const key in value) {
    const v = (value as Record<string, ConnectValue>)[key];
    if (v !== null && typeof v !== 'boolean' && (typeof v !== 'string' || NOT_FOR_STRINGIFY.test(v)))
      return undefined;
    if (NOT_FOR_STRINGIFY.test(key)) return undefined;
  }
  return JSON.stringify(value);
}

/** Per struct schema: its field names as JSON keys when every field is a plain string, else null. */
const stringStructKeys = new WeakMap<Schema, readonly string[] | null>();

function stringFieldKeys(schema: Schema): readonly string[] | null {
  let keys = stringStructKeys.get(schema);
  if (keys === undefined) {
    const fields = schema.fields ?? [];
    const plain = fields.every(
      (f) =>
        f.schema.type === 'STRING' &&
        f.schema.name === undefined &&
        f.schema.defaultValue === undefined &&
        !NOT_FOR_STRINGIFY.test(f.name),
    );
    keys = schema.type === 'STRUCT' && plain ? fields.map((f) => `${JSON.stringify(f.name)}:`) : null;
    stringStructKeys.set(schema, keys);
  }
  return keys;
}

/**
 * JSON text of a struct whose fields are all plain strings (what Voluble and many sources
 * produce), without building a tree; undefined when anything needs the general path (a required
 * field that is null, text that JSON.stringify would write differently).
 */
function flatStructJson(schema: Schema, value: ConnectValue): string | undefined {
  if (!(value instanceof Struct) || value.schema !== schema) return undefined;
  const keys = stringFieldKeys(schema);
  if (keys === null) return undefined;
  const fields = schema.fields ?? [];
  let out = '{';
  for (let i = 0; i < fields.length; i++) {
    const v = value.get(fields[i].name);
    if (v === null) {
      if (!fields[i].schema.optional) return undefined;
      out += `${i === 0 ? '' : ','}${keys[i]}null`;
    } else if (typeof v === 'string' && !NOT_FOR_STRINGIFY.test(v)) {
      out += `${i === 0 ? '' : ','}${keys[i]}${JSON.stringify(v)}`;
    } else return undefined;
  }
  return `${out}}`;
}
