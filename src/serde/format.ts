import type { SqlType, SqlValue } from '../types/index.js';

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
}

/** Writes one row (values in column order) to bytes; a null row, a tombstone, gives null. */
export type RowSerializer = (row: readonly SqlValue[] | null) => Buffer | null;

/**
 * Reads bytes to one row (values in column order); null bytes give a null row. Throws a
 * `SerdeError` naming the column, its type and an excerpt of the bytes when the data does not fit.
 */
export type RowDeserializer = (bytes: Uint8Array | null) => SqlValue[] | null;

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
