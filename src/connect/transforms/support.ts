import {
  type ConfigKey,
  type ConnectRecord,
  type ConnectValue,
  DataException,
  type Field,
  type Schema,
  type SinkRecord,
  Struct,
} from '../api/index.js';
import { isSchemalessMap, type SchemalessMap, typeName } from '../converters/index.js';

// What the $Key and $Value variants of Kafka's transformations share: which half of the record
// they work on, Kafka's requirement checks (same messages), and building changed struct schemas.

/** The half of a record a $Key or $Value transformation changes. */
export type RecordSide = 'key' | 'value';

export function operatingSchema(record: ConnectRecord, side: RecordSide): Schema | null {
  return side === 'key' ? record.keySchema : record.valueSchema;
}

export function operatingValue(record: ConnectRecord, side: RecordSide): ConnectValue {
  return side === 'key' ? record.key : record.value;
}

/** The same record (sink or source fields kept) with a new key or value. */
export function withOperating<R extends ConnectRecord>(
  record: R,
  side: RecordSide,
  schema: Schema | null,
  value: ConnectValue,
): R {
  return side === 'key'
    ? { ...record, keySchema: schema, key: value }
    : { ...record, valueSchema: schema, value };
}

export function requireMap(value: ConnectValue, purpose: string): SchemalessMap {
  if (!isSchemalessMap(value))
    throw new DataException(
      `Only Map objects supported in absence of schema for [${purpose}], found: ${typeName(value)}`,
    );
  return value;
}

export function requireMapOrNull(value: ConnectValue, purpose: string): SchemalessMap | null {
  return value === null ? null : requireMap(value, purpose);
}

export function requireStruct(value: ConnectValue, purpose: string): Struct {
  if (!(value instanceof Struct))
    throw new DataException(`Only Struct objects supported for [${purpose}], found: ${typeName(value)}`);
  return value;
}

export function requireStructOrNull(value: ConnectValue, purpose: string): Struct | null {
  return value === null ? null : requireStruct(value, purpose);
}

export function requireSchema(schema: Schema | null, purpose: string): Schema {
  if (schema === null) throw new DataException(`Schema required for [${purpose}]`);
  return schema;
}

export function requireSinkRecord(record: ConnectRecord, purpose: string): SinkRecord {
  if (typeof (record as Partial<SinkRecord>).kafkaOffset !== 'number') {
    const kind = 'sourcePartition' in record ? 'SourceRecord' : 'ConnectRecord';
    throw new DataException(`Only SinkRecord supported for [${purpose}], found: ${kind}`);
  }
  return record as SinkRecord;
}

/** A field of a struct schema, or undefined. */
export function findField(schema: Schema, name: string): Field | undefined {
  return schema.fields?.find((f) => f.name === name);
}

/**
 * A struct schema with `fields` and the name, version, doc and parameters of `basics`
 * (SchemaUtil.copySchemaBasics); duplicate field names are refused as SchemaBuilder refuses them.
 */
export function structLike(
  basics: Schema,
  fields: readonly { readonly name: string; readonly schema: Schema }[],
  extra: { optional?: boolean; defaultValue?: ConnectValue } = {},
): Schema {
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f.name))
      throw new DataException(`Cannot create field because of field name duplication ${f.name}`);
    seen.add(f.name);
  }
  return {
    type: 'STRUCT',
    optional: extra.optional ?? false,
    fields: fields.map((f, index) => ({ name: f.name, index, schema: f.schema })),
    ...(basics.name === undefined ? {} : { name: basics.name }),
    ...(basics.version === undefined ? {} : { version: basics.version }),
    ...(basics.doc === undefined ? {} : { doc: basics.doc }),
    ...(basics.parameters === undefined ? {} : { parameters: basics.parameters }),
    ...(extra.defaultValue === undefined || extra.defaultValue === null
      ? {}
      : { defaultValue: extra.defaultValue }),
  };
}

/** A schema with another optional flag. */
export function withOptional(schema: Schema, optional: boolean): Schema {
  return schema.optional === optional ? schema : { ...schema, optional };
}

/** Caches derived schemas by the schema they were derived from. */
export class SchemaUpdateCache {
  private cache = new WeakMap<Schema, Schema>();

  get(schema: Schema, build: (schema: Schema) => Schema): Schema {
    let updated = this.cache.get(schema);
    if (updated === undefined) {
      updated = build(schema);
      this.cache.set(schema, updated);
    }
    return updated;
  }

  clear(): void {
    this.cache = new WeakMap();
  }
}

/**
 * Accepted for compatibility. Sluice's Struct keeps an explicit null apart from a missing value
 * (only the latter reads as the default), so copying a field never turns a null into a default.
 */
export const REPLACE_NULL_WITH_DEFAULT: ConfigKey = {
  name: 'replace.null.with.default',
  type: 'BOOLEAN',
  defaultValue: true,
  importance: 'MEDIUM',
  documentation:
    'Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.',
};

/** Kafka's NonEmptyListValidator. */
export function nonEmptyList(_name: string, value: unknown): void {
  if (!Array.isArray(value) || value.length === 0) throw new Error('Empty list');
}
