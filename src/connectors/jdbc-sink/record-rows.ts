import { type ConnectValue, type Schema, Schemas, type SinkRecord, Struct } from '../../connect/api/index.js';
import { decimalText, isDecimal } from '../postgres/decimal.js';
import type { JdbcSinkConfig } from './jdbc-sink-config.js';
import type { TableNames, TableRef } from './table-ref.js';

// A sink record as a row operation: which table, write or delete, which columns (key columns
// first) and their values. Records with a STRUCT value (and key) take their columns from the
// schema; schemaless maps (plain JSON) from their entries.

export interface RowColumn {
  readonly name: string;
  /** The field's Connect schema; null when schemaless (the column type is then inferred). */
  readonly schema: Schema | null;
}

/** The columns a row writes. Rows with the same shape go into one statement. */
export interface RowShape {
  /** Equal for equal column lists with the same schemas. */
  readonly signature: string;
  readonly keyColumns: readonly RowColumn[];
  readonly valueColumns: readonly RowColumn[];
}

export interface RowOp {
  readonly record: SinkRecord;
  readonly table: TableRef;
  readonly kind: 'write' | 'delete';
  readonly shape: RowShape;
  /** Key column values, then value column values (deletes have only the key). */
  readonly values: readonly ConnectValue[];
  /** The key's identity within a batch (undefined without a primary key). */
  readonly keyId: string | undefined;
}

/** This record cannot become a row (its shape does not fit the configuration). */
export class RecordShapeException extends Error {
  override readonly name = 'RecordShapeException';
}

type Fields = { names: string[]; schemas: (Schema | null)[]; values: ConnectValue[] };

/**
 * How to read rows of one struct schema (and key schema) without working the columns out again:
 * most topics have one schema, and this is the sink's per-record hot path.
 */
interface StructPlan {
  readonly shape: RowShape;
  readonly key: 'none' | 'kafka' | 'value' | 'key-struct' | 'key-primitive';
  readonly keyNames: readonly string[];
  readonly valueNames: readonly string[];
}

const NO_KEY_SCHEMA = Symbol('no key schema');

const KAFKA_SCHEMAS = [Schemas.STRING, Schemas.INT32, Schemas.INT64];

function isMapValue(
  value: ConnectValue,
): value is ReadonlyMap<ConnectValue, ConnectValue> | { readonly [k: string]: ConnectValue } {
  if (value instanceof Map) return true;
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && !isDecimal(value);
}

function describe(value: ConnectValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'bytes';
  return typeof value;
}

/** The fields of a struct or a schemaless map, in order. */
function fieldsOf(value: ConnectValue, what: string): Fields {
  if (value instanceof Struct) {
    const fields = value.schema.fields ?? [];
    return {
      names: fields.map((f) => f.name),
      schemas: fields.map((f) => f.schema),
      values: fields.map((f) => value.get(f.name)),
    };
  }
  if (isMapValue(value)) {
    const out: Fields = { names: [], schemas: [], values: [] };
    const entries = value instanceof Map ? value.entries() : Object.entries(value);
    for (const [k, v] of entries) {
      if (typeof k !== 'string')
        throw new RecordShapeException(`The ${what} has a map key that is not a string.`);
      out.names.push(k);
      out.schemas.push(null);
      out.values.push(v as ConnectValue);
    }
    return out;
  }
  throw new RecordShapeException(`The ${what} must be a struct or a map of fields, not ${describe(value)}.`);
}

/** A key value's identity: equal text means the same row. */
function keyText(value: ConnectValue): string {
  if (value === null || value === undefined) return '\u0001';
  if (typeof value !== 'object') return String(value);
  if (value instanceof Date) return String(value.getTime());
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (isDecimal(value)) return decimalText(value.unscaled, value.scale);
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}

export class RowExtractor {
  private readonly shapes = new Map<string, RowShape>();
  private readonly plans = new WeakMap<Schema, Map<Schema | symbol, StructPlan>>();
  private readonly schemaIds = new WeakMap<Schema, number>();
  private nextSchemaId = 1;
  private readonly whitelist: ReadonlySet<string> | undefined;
  private readonly config: JdbcSinkConfig;
  private readonly tables: TableNames;

  constructor(config: JdbcSinkConfig, tables: TableNames) {
    this.config = config;
    this.tables = tables;
    this.whitelist = config.fieldsWhitelist.length > 0 ? new Set(config.fieldsWhitelist) : undefined;
  }

  /** The row operation for a record; throws RecordShapeException when there is none. */
  extract(record: SinkRecord): RowOp {
    const table = this.tables.forTopic(record.topic);
    if (record.value instanceof Struct) {
      const plan = this.plan(record, record.value);
      if (plan !== undefined) return this.planned(plan, record, record.value, table);
    }
    return this.extractGeneral(record, table);
  }

  private extractGeneral(record: SinkRecord, table: TableRef): RowOp {
    const { pkMode } = this.config;
    if (record.value === null || record.value === undefined) {
      if (!this.config.deleteEnabled)
        throw new RecordShapeException(
          `A tombstone (null value) cannot be written with delete.enabled=false; records need a struct or map value.`,
        );
      const key = this.keyFields(record);
      return this.op(record, table, 'delete', key, { names: [], schemas: [], values: [] });
    }
    const value = fieldsOf(record.value, 'record value');
    let key: Fields;
    if (pkMode === 'none') key = { names: [], schemas: [], values: [] };
    else if (pkMode === 'kafka')
      key = {
        names: [...this.config.pkFields],
        schemas: KAFKA_SCHEMAS,
        values: [record.topic, record.kafkaPartition, record.kafkaOffset],
      };
    else if (pkMode === 'record_key') key = this.keyFields(record);
    else key = this.pick(value, 'record value');
    const keyNames = new Set(key.names);
    const rest: Fields = { names: [], schemas: [], values: [] };
    for (let i = 0; i < value.names.length; i++) {
      const name = value.names[i];
      if (keyNames.has(name) || (this.whitelist !== undefined && !this.whitelist.has(name))) continue;
      rest.names.push(name);
      rest.schemas.push(value.schemas[i]);
      rest.values.push(value.values[i]);
    }
    return this.op(record, table, 'write', key, rest);
  }

  /** The cached plan for this record's schemas, made from the first record that has them. */
  private plan(record: SinkRecord, value: Struct): StructPlan | undefined {
    const { pkMode } = this.config;
    const key = record.key;
    let keySlot: Schema | symbol = NO_KEY_SCHEMA;
    let source: StructPlan['key'];
    if (pkMode === 'record_key') {
      if (key instanceof Struct) {
        keySlot = key.schema;
        source = 'key-struct';
      } else if (key !== null && key !== undefined && typeof key !== 'object' && record.keySchema !== null) {
        keySlot = record.keySchema;
        source = 'key-primitive';
      } else return undefined;
    } else source = pkMode === 'none' ? 'none' : pkMode === 'kafka' ? 'kafka' : 'value';
    let byKey = this.plans.get(value.schema);
    if (byKey === undefined) {
      byKey = new Map();
      this.plans.set(value.schema, byKey);
    }
    let plan = byKey.get(keySlot);
    if (plan === undefined) {
      // The general path works the columns out (and throws for a record that has none).
      const op = this.extractGeneral(record, this.tables.forTopic(record.topic));
      plan = {
        shape: op.shape,
        key: source,
        keyNames: op.shape.keyColumns.map((c) => c.name),
        valueNames: op.shape.valueColumns.map((c) => c.name),
      };
      byKey.set(keySlot, plan);
    }
    return plan;
  }

  private planned(plan: StructPlan, record: SinkRecord, value: Struct, table: TableRef): RowOp {
    const { keyNames, valueNames } = plan;
    const keyCount = keyNames.length;
    const values: ConnectValue[] = new Array(keyCount + valueNames.length);
    switch (plan.key) {
      case 'kafka':
        values[0] = record.topic;
        values[1] = record.kafkaPartition;
        values[2] = record.kafkaOffset;
        break;
      case 'value':
        for (let i = 0; i < keyCount; i++) values[i] = value.get(keyNames[i]);
        break;
      case 'key-struct':
        for (let i = 0; i < keyCount; i++) values[i] = (record.key as Struct).get(keyNames[i]);
        break;
      case 'key-primitive':
        values[0] = record.key;
        break;
    }
    for (let i = 0; i < valueNames.length; i++) values[keyCount + i] = value.get(valueNames[i]);
    let keyId: string | undefined;
    if (keyCount > 0) {
      keyId = keyText(values[0]);
      if (values[0] === null || values[0] === undefined)
        throw new RecordShapeException(`Primary key column ${keyNames[0]} is null.`);
      for (let i = 1; i < keyCount; i++) {
        if (values[i] === null || values[i] === undefined)
          throw new RecordShapeException(`Primary key column ${keyNames[i]} is null.`);
        keyId += `\u0000${keyText(values[i])}`;
      }
    }
    return { record, table, kind: 'write', shape: plan.shape, values, keyId };
  }

  private keyFields(record: SinkRecord): Fields {
    const key = record.key;
    if (key === null || key === undefined)
      throw new RecordShapeException('pk.mode=record_key but the record has no key.');
    if (key instanceof Struct || isMapValue(key)) return this.pick(fieldsOf(key, 'record key'), 'record key');
    if (Array.isArray(key) || (typeof key === 'object' && !(key instanceof Date) && !isDecimal(key)))
      throw new RecordShapeException(
        `The record key must be a primitive, a struct or a map, not ${describe(key)}.`,
      );
    if (this.config.pkFields.length !== 1)
      throw new RecordShapeException(
        `The record key is a primitive, so pk.fields must name its one column (it names ${this.config.pkFields.length}).`,
      );
    return { names: [this.config.pkFields[0]], schemas: [record.keySchema], values: [key] };
  }

  /** The pk.fields of a struct or map, or all of them when pk.fields is empty. */
  private pick(fields: Fields, what: string): Fields {
    const wanted = this.config.pkFields;
    if (wanted.length === 0) {
      if (fields.names.length === 0)
        throw new RecordShapeException(`The ${what} has no fields for a primary key.`);
      return fields;
    }
    const out: Fields = { names: [], schemas: [], values: [] };
    for (const name of wanted) {
      const i = fields.names.indexOf(name);
      if (i < 0) throw new RecordShapeException(`pk.fields names ${name}, which the ${what} does not have.`);
      out.names.push(name);
      out.schemas.push(fields.schemas[i]);
      out.values.push(fields.values[i]);
    }
    return out;
  }

  private op(
    record: SinkRecord,
    table: TableRef,
    kind: 'write' | 'delete',
    key: Fields,
    rest: Fields,
  ): RowOp {
    for (let i = 0; i < key.values.length; i++)
      if (key.values[i] === null || key.values[i] === undefined)
        throw new RecordShapeException(`Primary key column ${key.names[i]} is null.`);
    return {
      record,
      table,
      kind,
      shape: this.shape(kind, key, rest),
      values: key.values.length === 0 ? rest.values : [...key.values, ...rest.values],
      keyId: this.config.pkMode === 'none' ? undefined : key.values.map(keyText).join('\u0000'),
    };
  }

  private schemaId(schema: Schema | null): number {
    if (schema === null) return 0;
    let id = this.schemaIds.get(schema);
    if (id === undefined) {
      id = this.nextSchemaId++;
      this.schemaIds.set(schema, id);
    }
    return id;
  }

  /** One shape object per distinct column list: grouping compares shapes by identity. */
  private shape(kind: string, key: Fields, rest: Fields): RowShape {
    let signature = kind;
    for (let i = 0; i < key.names.length; i++)
      signature += `\u0000k${key.names[i]}\u0001${this.schemaId(key.schemas[i])}`;
    for (let i = 0; i < rest.names.length; i++)
      signature += `\u0000v${rest.names[i]}\u0001${this.schemaId(rest.schemas[i])}`;
    let shape = this.shapes.get(signature);
    if (shape === undefined) {
      // Schemaless records may bring endless key sets; the cache only saves allocations.
      if (this.shapes.size > 10_000) this.shapes.clear();
      const columns = (f: Fields) => f.names.map((name, i) => ({ name, schema: f.schemas[i] }));
      shape = { signature, keyColumns: columns(key), valueColumns: columns(rest) };
      this.shapes.set(signature, shape);
    }
    return shape;
  }
}
