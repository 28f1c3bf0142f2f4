import type { SqlType, SqlValue } from '../types/index.js';
import type { SchemaRegistryClient } from './schema-registry-client.js';

/** A column as a format sees it: a name and a resolved SQL type. */
export interface SerdeColumn {
  readonly name: string;
  readonly type: SqlType;
}

export interface FormatOptions {
  /**
   * WRAP_SINGLE_VALUE. Only meaningful for a single-column value schema: true (ksqlDB's default,
   * `ksql.persistence.wrap.single.values`) writes `{"COL": v}`, false writes the anonymous `v`.
   * Keys ignore it: a single key column is always unwrapped, several are always wrapped.
   */
  readonly wrapSingleValue?: boolean;
  /** VALUE_DELIMITER / KEY_DELIMITER for DELIMITED: one character, or the names TAB and SPACE. */
  readonly delimiter?: string;
  /** Whether the row is a record's key or its value; decides wrapping and names errors. */
  readonly target?: 'key' | 'value';
  /** AVRO: where the writer schemas of records (by the id each carries) come from. */
  readonly schemaRegistry?: SchemaRegistryClient;
  /** AVRO: the registered schema records are written with; the serializer refuses to write without it. */
  readonly schemaId?: number;
  /** AVRO: that schema's text, when it is not the one generated from the columns (KEY/VALUE_SCHEMA_ID). */
  readonly schema?: string;
  /** AVRO, PROTOBUF: the texts a given schema references (its named types, its imports), each one's own first. */
  readonly schemaReferences?: readonly { readonly name: string; readonly schema: string }[];
  /** AVRO: the full name of the generated record (VALUE_SCHEMA_FULL_NAME / KEY_SCHEMA_FULL_NAME). */
  readonly schemaFullName?: string;
  /** PROTOBUF(_NOSR): how nullable primitive columns are declared (*_PROTOBUF_NULLABLE_REPRESENTATION). */
  readonly protobufNullable?: 'OPTIONAL' | 'WRAPPER';
  /** The topic, so errors name its subject (`<topic>-key` / `<topic>-value`). */
  readonly topic?: string;
}

/** Writes one row (values in column order) to bytes; a null row, a tombstone, gives null. */
export type RowSerializer = (row: readonly SqlValue[] | null) => Buffer | null;

/**
 * Reads bytes to one row (values in column order); null bytes give a null row. Throws a
 * `SerdeError` naming the column, its type and an excerpt of the bytes when the data does not fit.
 */
export interface RowDeserializer {
  (bytes: Uint8Array | null): SqlValue[] | null;
  /**
   * Formats whose records name their writer schema (AVRO) fetch the schemas a batch needs before
   * it is read, so reading stays synchronous: a promise when something had to be fetched. A schema
   * the registry does not have fails only the records that name it; a registry that cannot be
   * reached rejects, and the query retries.
   */
  readonly prepare?: (batch: readonly (Uint8Array | null)[]) => Promise<void> | undefined;
}

/**
 * A serialization format (KEY_FORMAT / VALUE_FORMAT). Serializers and deserializers are compiled
 * once per schema, then called per record; schema problems are reported when compiling.
 */
export interface Format {
  readonly name: string;
  readonly supportsKey: boolean;
  readonly supportsValue: boolean;
  createSerializer(columns: readonly SerdeColumn[], options?: FormatOptions): RowSerializer;
  createDeserializer(columns: readonly SerdeColumn[], options?: FormatOptions): RowDeserializer;
}
