import type avro from 'avsc';
import { type ConnectValue, DataException } from '../api/index.js';
import { compileAvroType } from './avro-data.js';
import { int64Value, isSchemalessMap, mapEntries, typeName } from './connect-values.js';
import { isDecimalValue } from './decimal-value.js';

// Confluent's AvroData writes a record without a Connect schema (schemaless maps from a connector
// or an SMT, say) with its "Anything" schema: a record with one optional field per kind of value,
// arrays of Anything and maps as arrays of MapEntry {key, value} of Anything, since an Avro union
// can be neither named nor recursive. A record read with that schema comes back schemaless.

export const ANYTHING_FULL_NAME = 'io.confluent.connect.avro.Anything';

/** The Anything schema, as Confluent's AvroData builds it (field order matters to the encoding). */
export const ANYTHING_SCHEMA = {
  type: 'record',
  name: 'Anything',
  namespace: 'io.confluent.connect.avro',
  fields: [
    { name: 'boolean', type: ['null', 'boolean'], default: null },
    { name: 'bytes', type: ['null', 'bytes'], default: null },
    { name: 'double', type: ['null', 'double'], default: null },
    { name: 'float', type: ['null', 'float'], default: null },
    { name: 'int', type: ['null', 'int'], default: null },
    { name: 'long', type: ['null', 'long'], default: null },
    { name: 'string', type: ['null', 'string'], default: null },
    { name: 'array', type: ['null', { type: 'array', items: 'Anything' }], default: null },
    {
      name: 'map',
      type: [
        'null',
        {
          type: 'array',
          items: {
            type: 'record',
            name: 'MapEntry',
            fields: [
              { name: 'key', type: 'Anything' },
              { name: 'value', type: 'Anything' },
            ],
          },
        },
      ],
      default: null,
    },
  ],
};

export const ANYTHING_SCHEMA_TEXT = JSON.stringify(ANYTHING_SCHEMA);

let compiled: avro.Type | undefined;

/** The Anything schema compiled once (longs as bigint, [null, T] unions unwrapped). */
export function anythingType(): avro.Type {
  compiled ??= compileAvroType(ANYTHING_SCHEMA);
  return compiled;
}

/** Whether a registered Avro schema (parsed JSON) is the Anything schema. */
export function isAnythingSchema(schema: unknown): boolean {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return false;
  const node = schema as { type?: unknown; name?: unknown; namespace?: unknown };
  if (node.type !== 'record' || typeof node.name !== 'string') return false;
  const fullName =
    node.name.includes('.') || typeof node.namespace !== 'string'
      ? node.name
      : `${node.namespace}.${node.name}`;
  return fullName === ANYTHING_FULL_NAME;
}

type AnythingRecord = Record<string, unknown>;

function empty(): AnythingRecord {
  return {
    boolean: null,
    bytes: null,
    double: null,
    float: null,
    int: null,
    long: null,
    string: null,
    array: null,
    map: null,
  };
}

/**
 * A schemaless Connect value as an Anything record. As AvroData: an integral number is a long
 * (JavaScript has one number type; the JSON converters read integers as INT64 too), any other
 * number a double; nulls inside arrays and maps are empty records. Bytes, dates, decimals and
 * structs have no schemaless form in AvroData ("Unknown Java type for schemaless data").
 */
export function toAnything(value: ConnectValue): AnythingRecord {
  const out = empty();
  if (value === null) return out;
  if (typeof value === 'boolean') out.boolean = value;
  else if (typeof value === 'string') out.string = value;
  else if (typeof value === 'bigint') out.long = value;
  else if (typeof value === 'number') {
    if (Number.isInteger(value)) out.long = BigInt(value);
    else out.double = value;
  } else if (Array.isArray(value)) out.array = value.map(toAnything);
  else if (!isDecimalValue(value) && isSchemalessMap(value))
    out.map = mapEntries(value).map(([k, v]) => ({ key: toAnything(k), value: toAnything(v) }));
  else
    throw new DataException(
      `Unknown Java type for schemaless data: ${isDecimalValue(value) ? 'decimal' : typeName(value)} (without a schema, AvroConverter writes booleans, numbers, strings, arrays and maps only)`,
    );
  return out;
}

/** An Anything record back as a schemaless value: its first set field, in AvroData's order. */
export function fromAnything(record: unknown): ConnectValue {
  if (record === null || record === undefined) return null;
  const r = record as AnythingRecord;
  if (r.boolean !== null && r.boolean !== undefined) return r.boolean as boolean;
  if (r.bytes !== null && r.bytes !== undefined) return new Uint8Array(r.bytes as Buffer);
  if (r.double !== null && r.double !== undefined) return r.double as number;
  if (r.float !== null && r.float !== undefined) return r.float as number;
  if (r.int !== null && r.int !== undefined) return r.int as number;
  if (r.long !== null && r.long !== undefined) return int64Value(r.long as bigint);
  if (r.string !== null && r.string !== undefined) return r.string as string;
  if (r.array !== null && r.array !== undefined) return (r.array as unknown[]).map(fromAnything);
  if (r.map !== null && r.map !== undefined) {
    const out = new Map<ConnectValue, ConnectValue>();
    for (const e of r.map as { key: unknown; value: unknown }[])
      out.set(fromAnything(e.key), fromAnything(e.value));
    return out;
  }
  return null;
}
