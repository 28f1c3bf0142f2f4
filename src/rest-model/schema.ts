/** ksqlDB's SchemaInfo: a column type as DESCRIBE, EXPLAIN and SHOW TYPES return it. */
export interface SchemaInfo {
  readonly type: string;
  readonly fields: readonly FieldSchema[] | null;
  readonly memberSchema: SchemaInfo | null;
  /** DECIMAL's precision and scale. */
  readonly parameters?: Readonly<Record<string, number>>;
}

/** A STRUCT's field inside a SchemaInfo. */
export interface FieldSchema {
  readonly name: string;
  readonly schema: SchemaInfo;
}

/** A column of a source or a query's output; `type` marks key and header columns. */
export interface FieldInfo {
  readonly name: string;
  readonly schema: SchemaInfo;
  readonly type?: 'KEY' | 'HEADER';
  /** The header a HEADER column reads (absent: all headers). */
  readonly headerKey?: string;
}
