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
import { decodeBase64 } from './converter-support.js';
import { isDecimalValue } from './decimal-value.js';
import { type JsonNode, JsonNumber, jsonNodeType, parseJsonTree } from './json-tree.js';

/**
 * Confluent's JsonSchemaData: Connect schemas as JSON schemas and back (`connect.type` for the
 * integer and float widths, bytes and maps; `title` for names; `connect.index` for field order;
 * `oneOf: [{"type":"null"}, X]` for optional schemas; decimals as base64 strings, as
 * decimal.format=BASE64 writes them), and values as JSON text written and read with 64-bit
 * integers kept exact.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// ---------------------------------------------------------------- Connect schema → JSON schema

export function connectToJsonSchema(schema: Schema): Json {
  const base = baseSchema(schema);
  return schema.optional ? { oneOf: [{ type: 'null' }, base] } : base;
}

function baseSchema(schema: Schema): { [key: string]: Json } {
  let out: { [key: string]: Json };
  switch (schema.name) {
    case LOGICAL.decimal:
      out = { type: 'string', 'connect.type': 'bytes' };
      break;
    case LOGICAL.date:
    case LOGICAL.time:
      out = { type: 'integer', 'connect.type': 'int32' };
      break;
    case LOGICAL.timestamp:
      out = { type: 'integer', 'connect.type': 'int64' };
      break;
    default:
      out = structuralSchema(schema);
  }
  if (schema.name !== undefined) out.title = schema.name;
  if (schema.version !== undefined) out['connect.version'] = schema.version;
  if (schema.doc !== undefined) out.description = schema.doc;
  if (schema.parameters !== undefined && Object.keys(schema.parameters).length > 0)
    out['connect.parameters'] = { ...schema.parameters };
  return out;
}

function structuralSchema(schema: Schema): { [key: string]: Json } {
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32':
    case 'INT64':
      return { type: 'integer', 'connect.type': schema.type.toLowerCase() };
    case 'FLOAT32':
    case 'FLOAT64':
      return { type: 'number', 'connect.type': schema.type.toLowerCase() };
    case 'BOOLEAN':
      return { type: 'boolean' };
    case 'STRING':
      return { type: 'string' };
    case 'BYTES':
      return { type: 'string', 'connect.type': 'bytes' };
    case 'ARRAY':
      return { type: 'array', items: connectToJsonSchema(need(schema.valueSchema, 'ARRAY')) };
    case 'MAP': {
      const key = need(schema.keySchema, 'MAP key');
      const value = need(schema.valueSchema, 'MAP value');
      if (key.type === 'STRING' && !key.optional)
        return { type: 'object', additionalProperties: connectToJsonSchema(value), 'connect.type': 'map' };
      return {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            key: { ...(connectToJsonSchema(key) as object), 'connect.index': 0 },
            value: { ...(connectToJsonSchema(value) as object), 'connect.index': 1 },
          },
        },
        'connect.type': 'map',
      };
    }
    case 'STRUCT': {
      const properties: { [key: string]: Json } = {};
      (schema.fields ?? []).forEach((f, i) => {
        properties[f.name] = { ...(connectToJsonSchema(f.schema) as object), 'connect.index': i };
      });
      return { type: 'object', properties };
    }
  }
}

function need(schema: Schema | undefined, what: string): Schema {
  if (schema === undefined) throw new DataException(`Invalid ${what} schema: it has no element schema.`);
  return schema;
}

// ---------------------------------------------------------------- JSON schema → Connect schema

export function jsonSchemaToConnect(node: Json, optional = false): Schema {
  if (node === null || typeof node !== 'object' || Array.isArray(node))
    throw new DataException(`Unsupported JSON schema for Connect: ${JSON.stringify(node)}`);
  const oneOf = node.oneOf ?? node.anyOf;
  if (Array.isArray(oneOf)) {
    const others = oneOf.filter(
      (b) => !(typeof b === 'object' && b !== null && !Array.isArray(b) && b.type === 'null'),
    );
    if (others.length === 1 && oneOf.length === 2) return jsonSchemaToConnect(others[0], true);
    throw new DataException(
      'JSON schemas with oneOf/anyOf other than [{"type":"null"}, X] are not supported by Sluice\'s JsonSchemaConverter yet',
    );
  }
  const props: Partial<{ -readonly [K in keyof Schema]: Schema[K] }> = {};
  if (typeof node.title === 'string') props.name = node.title;
  if (typeof node['connect.version'] === 'number') props.version = node['connect.version'];
  if (typeof node.description === 'string') props.doc = node.description;
  const params = node['connect.parameters'];
  if (params !== null && typeof params === 'object' && !Array.isArray(params))
    props.parameters = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
  const connectType = node['connect.type'];
  const type = Array.isArray(node.type) ? node.type.find((t) => t !== 'null') : node.type;
  const nullable = Array.isArray(node.type) && node.type.includes('null');
  const opt = optional || nullable;
  switch (props.name) {
    case LOGICAL.decimal:
      return { type: 'BYTES', optional: opt, ...props, version: props.version ?? 1 };
    case LOGICAL.date:
    case LOGICAL.time:
      return { type: 'INT32', optional: opt, ...props, version: props.version ?? 1 };
    case LOGICAL.timestamp:
      return { type: 'INT64', optional: opt, ...props, version: props.version ?? 1 };
  }
  switch (type) {
    case 'integer': {
      const width = { int8: 'INT8', int16: 'INT16', int32: 'INT32' }[String(connectType)] as
        | Schema['type']
        | undefined;
      return { type: width ?? 'INT64', optional: opt, ...props };
    }
    case 'number':
      return { type: connectType === 'float32' ? 'FLOAT32' : 'FLOAT64', optional: opt, ...props };
    case 'boolean':
      return { type: 'BOOLEAN', optional: opt, ...props };
    case 'string':
      return { type: connectType === 'bytes' ? 'BYTES' : 'STRING', optional: opt, ...props };
    case 'array': {
      const items = node.items as Json;
      if (connectType === 'map' && items !== null && typeof items === 'object' && !Array.isArray(items)) {
        const entry = (items.properties ?? {}) as { [key: string]: Json };
        return {
          type: 'MAP',
          optional: opt,
          keySchema: jsonSchemaToConnect(entry.key),
          valueSchema: jsonSchemaToConnect(entry.value),
          ...props,
        };
      }
      return { type: 'ARRAY', optional: opt, valueSchema: jsonSchemaToConnect(items), ...props };
    }
    case 'object': {
      if (connectType === 'map')
        return {
          type: 'MAP',
          optional: opt,
          keySchema: { type: 'STRING', optional: false },
          valueSchema: jsonSchemaToConnect(node.additionalProperties as Json),
          ...props,
        };
      const properties = Object.entries((node.properties ?? {}) as { [key: string]: Json });
      const indexOf = (p: Json) =>
        typeof p === 'object' && p !== null && !Array.isArray(p) && typeof p['connect.index'] === 'number'
          ? p['connect.index']
          : Number.MAX_SAFE_INTEGER;
      const ordered = properties
        .map(([name, sub], i) => ({ name, sub, i, index: indexOf(sub) }))
        .sort((a, b) => a.index - b.index || a.i - b.i);
      return {
        type: 'STRUCT',
        optional: opt,
        ...props,
        fields: ordered.map((p, index) => ({ name: p.name, index, schema: jsonSchemaToConnect(p.sub) })),
      };
    }
    default:
      throw new DataException(
        `JSON schema without a supported "type" (${JSON.stringify(node.type ?? null)}) has no Connect schema in Sluice's JsonSchemaConverter yet`,
      );
  }
}

// ---------------------------------------------------------------- values

type Writer = (value: ConnectValue, out: string[]) => void;
type Reader = (node: JsonNode | undefined) => ConnectValue;

const writers = new WeakMap<Schema, Writer>();
const readers = new WeakMap<Schema, Reader>();

/** Connect value → JSON text, compiled once per schema. */
export function jsonTextWriter(schema: Schema): (value: ConnectValue) => string {
  let write = writers.get(schema);
  if (write === undefined) {
    write = compileWriter(schema, '');
    writers.set(schema, write);
  }
  const w = write;
  return (value) => {
    const out: string[] = [];
    w(value, out);
    return out.join('');
  };
}

/** JSON text → Connect value, compiled once per schema. */
export function jsonTextReader(schema: Schema): (text: string) => ConnectValue {
  let read = readers.get(schema);
  if (read === undefined) {
    read = compileReader(schema);
    readers.set(schema, read);
  }
  const r = read;
  return (text) => r(parseJsonTree(text));
}

function compileWriter(schema: Schema, path: string): Writer {
  const at = path === '' ? '' : ` (field ${path})`;
  const bad = (v: ConnectValue, expected: string): never => {
    throw new DataException(
      `Invalid value for schema type ${schema.type}${at}: expected ${expected}, got ${typeName(v)}`,
    );
  };
  const inner = compileInner(schema, path, bad);
  return (value, out) => {
    if (value === null || value === undefined) {
      if (schema.optional) {
        out.push('null');
        return;
      }
      if (schema.defaultValue !== undefined && schema.defaultValue !== null)
        return inner(schema.defaultValue, out);
      throw new DataException(`Found null value for non-optional schema${at}`);
    }
    inner(value, out);
  };
}

function compileInner(schema: Schema, path: string, bad: (v: ConnectValue, e: string) => never): Writer {
  switch (schema.name) {
    case LOGICAL.decimal: {
      const scale = Number(schema.parameters?.scale ?? 0);
      return (v, out) => {
        if (!isDecimalValue(v)) return bad(v, 'a decimal');
        if (v.scale !== scale)
          throw new DataException('BigDecimal has mismatching scale value for given Decimal schema');
        out.push(JSON.stringify(Buffer.from(unscaledToBytes(v.unscaled)).toString('base64')));
      };
    }
    case LOGICAL.date:
      return (v, out) => {
        out.push(String(Math.floor(epochMs(v, 'Date') / 86_400_000)));
      };
    case LOGICAL.time:
      return (v, out) => {
        out.push(String(((epochMs(v, 'Time') % 86_400_000) + 86_400_000) % 86_400_000));
      };
    case LOGICAL.timestamp:
      return (v, out) => {
        out.push(String(epochMs(v, 'Timestamp')));
      };
  }
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32':
    case 'INT64':
      return (v, out) => {
        if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) out.push(String(v));
        else bad(v, 'an integer');
      };
    case 'FLOAT32':
    case 'FLOAT64':
      return (v, out) => {
        if (typeof v !== 'number') return bad(v, 'a number');
        if (!Number.isFinite(v))
          throw new DataException(`JSON has no ${v}: it cannot be written as JSON Schema data`);
        out.push(String(v));
      };
    case 'BOOLEAN':
      return (v, out) => {
        if (typeof v !== 'boolean') return bad(v, 'a boolean');
        out.push(v ? 'true' : 'false');
      };
    case 'STRING':
      return (v, out) => {
        if (typeof v !== 'string') return bad(v, 'a string');
        out.push(JSON.stringify(v));
      };
    case 'BYTES':
      return (v, out) => {
        if (!(v instanceof Uint8Array)) return bad(v, 'bytes');
        out.push(JSON.stringify(Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')));
      };
    case 'ARRAY': {
      const item = compileWriter(need(schema.valueSchema, 'ARRAY'), `${path}[]`);
      return (v, out) => {
        if (!Array.isArray(v)) return bad(v, 'an array');
        out.push('[');
        v.forEach((x, i) => {
          if (i > 0) out.push(',');
          item(x, out);
        });
        out.push(']');
      };
    }
    case 'MAP': {
      const keySchema = need(schema.keySchema, 'MAP key');
      const value = compileWriter(need(schema.valueSchema, 'MAP value'), `${path}{}`);
      const stringKeys = keySchema.type === 'STRING' && !keySchema.optional;
      const key = compileWriter(keySchema, `${path}{key}`);
      return (v, out) => {
        if (!isSchemalessMap(v)) return bad(v, 'a map');
        out.push(stringKeys ? '{' : '[');
        mapEntries(v).forEach(([k, x], i) => {
          if (i > 0) out.push(',');
          if (stringKeys) {
            out.push(JSON.stringify(String(k)), ':');
            value(x, out);
          } else {
            out.push('{"key":');
            key(k, out);
            out.push(',"value":');
            value(x, out);
            out.push('}');
          }
        });
        out.push(stringKeys ? '}' : ']');
      };
    }
    case 'STRUCT': {
      const fields = (schema.fields ?? []).map(
        (f) =>
          [
            f.name,
            JSON.stringify(f.name),
            compileWriter(f.schema, path === '' ? f.name : `${path}.${f.name}`),
          ] as const,
      );
      return (v, out) => {
        if (!(v instanceof Struct)) return bad(v, 'a Struct');
        out.push('{');
        fields.forEach(([name, quoted, write], i) => {
          if (i > 0) out.push(',');
          out.push(quoted, ':');
          write(v.get(name), out);
        });
        out.push('}');
      };
    }
  }
}

function epochMs(value: ConnectValue, logicalName: string): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw new DataException(`Invalid type for ${logicalName}, expected Date but was ${typeName(value)}`);
}

function compileReader(schema: Schema): Reader {
  const nullable =
    (inner: (node: JsonNode) => ConnectValue): Reader =>
    (node) =>
      node === null || node === undefined ? null : inner(node);
  const expect = (node: JsonNode, what: string): never => {
    throw new DataException(`Expected ${what} for schema type ${schema.type}, got ${jsonNodeType(node)}`);
  };
  const integer = (node: JsonNode): bigint =>
    node instanceof JsonNumber && node.integral ? BigInt(node.text) : expect(node, 'an integer');
  switch (schema.name) {
    case LOGICAL.decimal: {
      const scale = Number(schema.parameters?.scale ?? 0);
      return nullable((node) => {
        const bytes = typeof node === 'string' ? decodeBase64(node) : undefined;
        if (bytes === undefined) return expect(node, 'base64 text');
        return { unscaled: bytesToUnscaled(bytes), scale } as ConnectValue;
      });
    }
    case LOGICAL.date:
      return nullable((node) => new Date(Number(integer(node)) * 86_400_000));
    case LOGICAL.time:
    case LOGICAL.timestamp:
      return nullable((node) => new Date(Number(integer(node))));
  }
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32':
      return nullable((node) => Number(integer(node)));
    case 'INT64':
      return nullable((node) => int64Value(integer(node)));
    case 'FLOAT32':
    case 'FLOAT64':
      return nullable((node) => (node instanceof JsonNumber ? Number(node.text) : expect(node, 'a number')));
    case 'BOOLEAN':
      return nullable((node) => (typeof node === 'boolean' ? node : expect(node, 'a boolean')));
    case 'STRING':
      return nullable((node) => (typeof node === 'string' ? node : expect(node, 'a string')));
    case 'BYTES':
      return nullable((node) => {
        const bytes = typeof node === 'string' ? decodeBase64(node) : undefined;
        return bytes ?? expect(node, 'base64 text');
      });
    case 'ARRAY': {
      const item = compileReader(need(schema.valueSchema, 'ARRAY'));
      return nullable((node) => (Array.isArray(node) ? node.map(item) : expect(node, 'an array')));
    }
    case 'MAP': {
      const keySchema = need(schema.keySchema, 'MAP key');
      const value = compileReader(need(schema.valueSchema, 'MAP value'));
      if (keySchema.type === 'STRING' && !keySchema.optional)
        return nullable((node) => {
          if (!(node instanceof Map)) return expect(node, 'an object');
          return new Map([...node].map(([k, x]) => [k, value(x)] as [ConnectValue, ConnectValue]));
        });
      const key = compileReader(keySchema);
      return nullable((node) => {
        if (!Array.isArray(node)) return expect(node, 'an array of {key, value}');
        return new Map(
          node.map((e) => {
            const entry = e instanceof Map ? e : new Map<string, JsonNode>();
            return [key(entry.get('key')), value(entry.get('value'))] as [ConnectValue, ConnectValue];
          }),
        );
      });
    }
    case 'STRUCT': {
      const fields = (schema.fields ?? []).map((f) => [f.name, compileReader(f.schema)] as const);
      return nullable((node) => {
        if (!(node instanceof Map)) return expect(node, 'an object');
        const struct = new Struct(schema);
        for (const [name, read] of fields) struct.put(name, read(node.get(name)));
        return struct;
      });
    }
  }
}
