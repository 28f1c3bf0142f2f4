/**
 * Kafka Connect's data model: schemas and the values they describe. Values are plain JavaScript:
 * INT8/16/32 and FLOAT32/64 numbers, INT64 a bigint (or a number that fits), BOOLEAN boolean,
 * STRING string, BYTES Uint8Array, ARRAY arrays, MAP Map (or a plain object for string keys),
 * STRUCT a Struct. Logical types are named schemas over a primitive, as in Kafka Connect.
 */
export type SchemaType =
  | 'INT8'
  | 'INT16'
  | 'INT32'
  | 'INT64'
  | 'FLOAT32'
  | 'FLOAT64'
  | 'BOOLEAN'
  | 'STRING'
  | 'BYTES'
  | 'ARRAY'
  | 'MAP'
  | 'STRUCT';

export interface Field {
  readonly name: string;
  readonly index: number;
  readonly schema: Schema;
}

export interface Schema {
  readonly type: SchemaType;
  readonly optional: boolean;
  readonly defaultValue?: ConnectValue;
  readonly name?: string;
  readonly version?: number;
  readonly doc?: string;
  readonly parameters?: Readonly<Record<string, string>>;
  /** MAP keys. */
  readonly keySchema?: Schema;
  /** ARRAY elements and MAP values. */
  readonly valueSchema?: Schema;
  /** STRUCT fields, in order. */
  readonly fields?: readonly Field[];
}

/** Per struct schema: each field by name, with its position (shared by every Struct of it). */
const fieldPositions = new WeakMap<Schema, ReadonlyMap<string, readonly [number, Field]>>();

function positionsOf(schema: Schema): ReadonlyMap<string, readonly [number, Field]> {
  let positions = fieldPositions.get(schema);
  if (positions === undefined) {
    positions = new Map((schema.fields ?? []).map((f, i) => [f.name, [i, f] as const]));
    fieldPositions.set(schema, positions);
  }
  return positions;
}

/**
 * A struct value: its schema and a value per field. Values sit in an array by field position (the
 * name lookup is shared per schema): sources and converters build one Struct per record, and a
 * Map each would be most of what they allocate.
 */
export class Struct {
  readonly schema: Schema;
  private readonly positions: ReadonlyMap<string, readonly [number, Field]>;
  private readonly values: (ConnectValue | undefined)[];

  constructor(schema: Schema) {
    if (schema.type !== 'STRUCT')
      throw new DataException(`A Struct needs a STRUCT schema, got ${schema.type}.`);
    this.schema = schema;
    this.positions = positionsOf(schema);
    this.values = new Array((schema.fields ?? []).length);
  }

  private lookup(name: string): readonly [number, Field] {
    const found = this.positions.get(name);
    if (found === undefined)
      throw new DataException(`${name} is not a valid field name of ${this.schema.name ?? 'the struct'}.`);
    return found;
  }

  field(name: string): Field {
    return this.lookup(name)[1];
  }

  put(name: string, value: ConnectValue): this {
    this.values[this.lookup(name)[0]] = value;
    return this;
  }

  get(name: string): ConnectValue {
    const [i, f] = this.lookup(name);
    const v = this.values[i];
    return v === undefined ? (f.schema.defaultValue ?? null) : v;
  }

  /** Checks that every required field has a value. */
  validate(): void {
    for (const f of this.schema.fields ?? []) {
      if (!f.schema.optional && this.get(f.name) === null) {
        throw new DataException(
          `Invalid value: null used for required field: "${f.name}", schema type: ${f.schema.type}`,
        );
      }
    }
  }
}

export type ConnectValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | Date
  | Struct
  | readonly ConnectValue[]
  | ReadonlyMap<ConnectValue, ConnectValue>
  | { readonly [key: string]: ConnectValue };

/** A value that does not fit its schema, or bytes a converter cannot read. */
export class DataException extends Error {
  override readonly name: string = 'DataException';
}

/** An error worth retrying (a sink's database is down, say): the runtime redelivers. */
export class RetriableException extends Error {
  override readonly name: string = 'RetriableException';
}

/** Kafka Connect's logical type names. */
export const LOGICAL = {
  decimal: 'org.apache.kafka.connect.data.Decimal',
  date: 'org.apache.kafka.connect.data.Date',
  time: 'org.apache.kafka.connect.data.Time',
  timestamp: 'org.apache.kafka.connect.data.Timestamp',
} as const;

function primitive(type: SchemaType, optional: boolean): Schema {
  return Object.freeze({ type, optional });
}

/** The shared primitive schemas, required and optional, as Kafka Connect's Schema constants. */
export const Schemas = {
  INT8: primitive('INT8', false),
  INT16: primitive('INT16', false),
  INT32: primitive('INT32', false),
  INT64: primitive('INT64', false),
  FLOAT32: primitive('FLOAT32', false),
  FLOAT64: primitive('FLOAT64', false),
  BOOLEAN: primitive('BOOLEAN', false),
  STRING: primitive('STRING', false),
  BYTES: primitive('BYTES', false),
  OPTIONAL_INT8: primitive('INT8', true),
  OPTIONAL_INT16: primitive('INT16', true),
  OPTIONAL_INT32: primitive('INT32', true),
  OPTIONAL_INT64: primitive('INT64', true),
  OPTIONAL_FLOAT32: primitive('FLOAT32', true),
  OPTIONAL_FLOAT64: primitive('FLOAT64', true),
  OPTIONAL_BOOLEAN: primitive('BOOLEAN', true),
  OPTIONAL_STRING: primitive('STRING', true),
  OPTIONAL_BYTES: primitive('BYTES', true),
} as const;

/** Builds struct schemas field by field, like Kafka Connect's SchemaBuilder.struct(). */
export function structSchema(
  fields: readonly { readonly name: string; readonly schema: Schema }[],
  options: { name?: string; optional?: boolean; doc?: string; version?: number } = {},
): Schema {
  return {
    type: 'STRUCT',
    optional: options.optional ?? false,
    fields: fields.map((f, index) => ({ name: f.name, index, schema: f.schema })),
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.doc === undefined ? {} : { doc: options.doc }),
    ...(options.version === undefined ? {} : { version: options.version }),
  };
}

export function arraySchema(valueSchema: Schema, optional = false): Schema {
  return { type: 'ARRAY', optional, valueSchema };
}

export function mapSchema(keySchema: Schema, valueSchema: Schema, optional = false): Schema {
  return { type: 'MAP', optional, keySchema, valueSchema };
}

/**
 * A Decimal's unscaled value as its bytes, as Connect's Decimal logical type carries it
 * (BigInteger.toByteArray: the shortest big-endian two's complement).
 */
export function unscaledToBytes(n: bigint): Uint8Array {
  let bytes = 1;
  while (n < -(1n << BigInt(bytes * 8 - 1)) || n >= 1n << BigInt(bytes * 8 - 1)) bytes++;
  const out = new Uint8Array(bytes);
  let v = BigInt.asUintN(bytes * 8, n);
  for (let i = bytes - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** new BigInteger(bytes): big-endian two's complement. */
export function bytesToUnscaled(bytes: Uint8Array): bigint {
  if (bytes.length === 0) throw new DataException('Invalid bytes for Decimal field: empty');
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return BigInt.asIntN(bytes.length * 8, v);
}

export function decimalSchema(scale: number, optional = false): Schema {
  return { type: 'BYTES', optional, name: LOGICAL.decimal, version: 1, parameters: { scale: String(scale) } };
}

export function dateSchema(optional = false): Schema {
  return { type: 'INT32', optional, name: LOGICAL.date, version: 1 };
}

export function timeSchema(optional = false): Schema {
  return { type: 'INT32', optional, name: LOGICAL.time, version: 1 };
}

export function timestampSchema(optional = false): Schema {
  return { type: 'INT64', optional, name: LOGICAL.timestamp, version: 1 };
}
