import { type Schema, Schemas, Struct, structSchema } from '../../connect/api/index.js';
import type { TableDescription } from './catalog.js';
import type { ValueModes } from './config.js';
import type { CaptureFilter, TableId } from './filters.js';
import {
  debeziumConverter,
  debeziumSchema,
  fallbackValue,
  type PgType,
  type TextConverter,
  unavailableValue,
} from './value-converters.js';

// One captured table as Debezium shapes it: the topic, the Key struct (primary key columns), the
// Value struct (row columns) and the Envelope around before/after/source.

export const SOURCE_SCHEMA: Schema = structSchema(
  [
    { name: 'version', schema: Schemas.STRING },
    { name: 'connector', schema: Schemas.STRING },
    { name: 'name', schema: Schemas.STRING },
    { name: 'ts_ms', schema: Schemas.INT64 },
    {
      name: 'snapshot',
      schema: {
        type: 'STRING',
        optional: true,
        name: 'io.debezium.data.Enum',
        version: 1,
        parameters: {
          allowed: 'true,first,first_in_data_collection,last_in_data_collection,last,false,incremental',
        },
        defaultValue: 'false',
      },
    },
    { name: 'db', schema: Schemas.STRING },
    { name: 'sequence', schema: Schemas.OPTIONAL_STRING },
    { name: 'ts_us', schema: Schemas.OPTIONAL_INT64 },
    { name: 'ts_ns', schema: Schemas.OPTIONAL_INT64 },
    { name: 'schema', schema: Schemas.STRING },
    { name: 'table', schema: Schemas.STRING },
    { name: 'txId', schema: Schemas.OPTIONAL_INT64 },
    { name: 'lsn', schema: Schemas.OPTIONAL_INT64 },
    { name: 'xmin', schema: Schemas.OPTIONAL_INT64 },
    // Debezium 3's logical-replication origin of the change; pgoutput proto_version 1 sends none.
    { name: 'origin', schema: Schemas.OPTIONAL_STRING },
    { name: 'origin_lsn', schema: Schemas.OPTIONAL_INT64 },
  ],
  { name: 'io.debezium.connector.postgresql.Source', version: 1 },
);

const TRANSACTION_SCHEMA: Schema = structSchema(
  [
    { name: 'id', schema: Schemas.STRING },
    { name: 'total_order', schema: Schemas.INT64 },
    { name: 'data_collection_order', schema: Schemas.INT64 },
  ],
  { name: 'event.block', optional: true, version: 1 },
);

/** A column's values in a tuple: text, null (SQL NULL) or undefined (not sent). */
export type TupleValues = Readonly<Record<string, string | null | undefined>>;

interface CapturedColumn {
  readonly name: string;
  readonly schema: Schema;
  readonly convert: TextConverter;
}

/** A relation as pgoutput or the catalog describes it, with the types already resolved. */
export interface RelationColumns {
  readonly columns: readonly { readonly name: string; readonly type: PgType; readonly notNull: boolean }[];
  readonly primaryKey: readonly string[];
}

export class TableSchema {
  readonly id: TableId;
  readonly topic: string;
  readonly keySchema: Schema | null;
  readonly valueSchema: Schema;
  readonly envelopeSchema: Schema;
  private readonly columns: readonly CapturedColumn[];
  private readonly keyColumns: readonly CapturedColumn[];

  constructor(
    id: TableId,
    relation: RelationColumns,
    options: { prefix: string; filter: CaptureFilter; modes: ValueModes },
  ) {
    this.id = id;
    const base = `${options.prefix}.${id.schema}.${id.table}`;
    this.topic = base;
    const pk = new Set(relation.primaryKey);
    const captured = relation.columns.map((c) => {
      // Key columns are never null; the others follow the column's NOT NULL.
      const schema = debeziumSchema(c.type, !c.notNull && !pk.has(c.name), options.modes);
      return { name: c.name, schema, convert: debeziumConverter(c.type, schema, options.modes) };
    });
    this.keyColumns = relation.primaryKey
      .map((k) => captured.find((c) => c.name === k))
      .filter((c): c is CapturedColumn => c !== undefined);
    this.columns = captured.filter((c) => options.filter.column(id, c.name));
    this.keySchema =
      this.keyColumns.length === 0
        ? null
        : structSchema(
            this.keyColumns.map((c) => ({ name: c.name, schema: c.schema })),
            { name: `${base}.Key` },
          );
    this.valueSchema = structSchema(
      this.columns.map((c) => ({ name: c.name, schema: c.schema })),
      { name: `${base}.Value`, optional: true },
    );
    this.envelopeSchema = structSchema(
      [
        { name: 'before', schema: this.valueSchema },
        { name: 'after', schema: this.valueSchema },
        { name: 'source', schema: SOURCE_SCHEMA },
        { name: 'transaction', schema: TRANSACTION_SCHEMA },
        { name: 'op', schema: Schemas.STRING },
        { name: 'ts_ms', schema: Schemas.OPTIONAL_INT64 },
        { name: 'ts_us', schema: Schemas.OPTIONAL_INT64 },
        { name: 'ts_ns', schema: Schemas.OPTIONAL_INT64 },
      ],
      // Debezium 3's envelope schema is version 2 (the field order above is its order).
      { name: `${base}.Envelope`, version: 2 },
    );
  }

  /**
   * The Value struct of a tuple. A column PostgreSQL did not send is an unchanged TOASTed value
   * (`missing: 'unavailable'`, Debezium's placeholder) or, in the old row of a default replica
   * identity, a column outside the key (`'fallback'`: null, or Debezium's zero value when NOT NULL).
   */
  row(values: TupleValues, missing: 'unavailable' | 'fallback'): Struct {
    const s = new Struct(this.valueSchema);
    for (const c of this.columns) {
      const text = values[c.name];
      s.put(
        c.name,
        text === undefined
          ? missing === 'unavailable'
            ? unavailableValue(c.schema)
            : fallbackValue(c.schema)
          : text === null
            ? null
            : c.convert(text),
      );
    }
    return s;
  }

  /** The Key struct of a tuple, or null when the table has no primary key. */
  key(values: TupleValues): Struct | null {
    if (this.keySchema === null) return null;
    const s = new Struct(this.keySchema);
    for (const c of this.keyColumns) {
      const text = values[c.name];
      s.put(c.name, text === undefined || text === null ? null : c.convert(text));
    }
    return s;
  }

  /** True when two tuples have different primary keys (an UPDATE that moved the row's key). */
  keyChanged(before: TupleValues, after: TupleValues): boolean {
    return this.keyColumns.some(
      (c) => before[c.name] !== undefined && after[c.name] !== undefined && before[c.name] !== after[c.name],
    );
  }
}

/** Builds a table's schema from a catalog description. */
export function tableSchemaOf(
  description: TableDescription,
  options: { prefix: string; filter: CaptureFilter; modes: ValueModes },
): TableSchema {
  return new TableSchema(description.id, description, options);
}
