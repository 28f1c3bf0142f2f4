import type { SchemaRegistryClient } from '../serde/index.js';
import type { SqlType } from '../types/index.js';

export type SourceKind = 'STREAM' | 'TABLE';
export type ColumnNamespace = 'KEY' | 'VALUE' | 'HEADERS';

export interface Column {
  readonly name: string;
  readonly type: SqlType;
  readonly namespace: ColumnNamespace;
  /** For `HEADER('k')` columns: the one header they hold. */
  readonly headerKey?: string;
}

export interface SerdeOptions {
  readonly wrapSingleValue?: boolean;
  readonly valueDelimiter?: string;
  readonly keyDelimiter?: string;
  /** AVRO: the registered schemas records are written with, and their text when not generated from the columns. */
  readonly keySchemaId?: number;
  readonly valueSchemaId?: number;
  readonly keySchema?: string;
  readonly valueSchema?: string;
  /** PROTOBUF: the texts of the schemas a pinned (or existing) schema imports, by import name. */
  readonly keySchemaReferences?: readonly { readonly name: string; readonly schema: string }[];
  readonly valueSchemaReferences?: readonly { readonly name: string; readonly schema: string }[];
  /** AVRO: the generated records' full names (KEY_/VALUE_SCHEMA_FULL_NAME, else ksqlDB's defaults). */
  readonly keySchemaFullName?: string;
  readonly valueSchemaFullName?: string;
  /** PROTOBUF(_NOSR): *_PROTOBUF_NULLABLE_REPRESENTATION, when set. */
  readonly keyProtobufNullable?: 'OPTIONAL' | 'WRAPPER';
  readonly valueProtobufNullable?: 'OPTIONAL' | 'WRAPPER';
  /** Only on the copy handed to the runtime (withSchemaRegistry): where AVRO records find their schemas. */
  readonly schemaRegistry?: SchemaRegistryClient;
}

/**
 * A windowed source's key format (ksqlDB's WindowInfo): its keys carry a window, a time window's
 * start (its end is start + size) or a session's end and start.
 */
export interface SourceWindow {
  readonly type: 'TUMBLING' | 'HOPPING' | 'SESSION';
  /** TUMBLING and HOPPING: the window's size. */
  readonly sizeMs?: number;
}

/** A stream or table: a schema over a topic, as the metastore holds it. */
export interface DataSource {
  readonly kind: SourceKind;
  readonly name: string;
  readonly columns: readonly Column[];
  readonly topic: string;
  readonly keyFormat: string;
  readonly valueFormat: string;
  readonly serde: SerdeOptions;
  /** The column whose value is the record time instead of ROWTIME. */
  readonly timestampColumn?: string;
  readonly timestampFormat?: string;
  /** WINDOW_TYPE (a windowed aggregate's table, or a source declared windowed). */
  readonly windowInfo?: SourceWindow;
  /** Created with CREATE SOURCE STREAM|TABLE: no INSERT, no persistent query may write it. */
  readonly readOnly: boolean;
  /** The statement that created it, as shown by DESCRIBE EXTENDED. */
  readonly statement: string;
  /** The query that writes it, for CREATE … AS SELECT sources. */
  readonly createdByQuery?: string;
  /**
   * For CREATE … AS SELECT sources, the sources its query reads: ksqlDB's drop constraints, which
   * refuse to drop those while this one exists, even once its query is terminated.
   */
  readonly references?: readonly string[];
}

export function keyColumns(source: DataSource): Column[] {
  return source.columns.filter((c) => c.namespace === 'KEY');
}

export function valueColumns(source: DataSource): Column[] {
  return source.columns.filter((c) => c.namespace === 'VALUE');
}
