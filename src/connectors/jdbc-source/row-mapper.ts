import type pg from 'pg';
import {
  type ConnectValue,
  DataException,
  type Schema,
  Schemas,
  Struct,
  structSchema,
} from '../../connect/api/index.js';
import {
  type ColumnType,
  columnSchema,
  columnValue,
  numericPrecisionScale,
  OID,
} from '../postgres/column-types.js';
import type { TimeZone } from './instants.js';
import type { NumericMapping } from './jdbc-source-config.js';

// A query's result columns → the record's STRUCT schema and a converter per column, compiled once
// per column set. Nullability comes from the catalog for columns that are table columns (a
// computed column is optional), as the JDBC driver reports it to Confluent's connector.

export type ResultField = Pick<
  pg.FieldDef,
  'name' | 'tableID' | 'columnID' | 'dataTypeID' | 'dataTypeModifier'
>;

type Convert = (text: string | null) => ConnectValue;

export interface RowMapper {
  readonly schema: Schema;
  readonly names: readonly string[];
  toStruct(row: readonly (string | null)[]): Struct;
}

/** Identifies a column set: a new one needs a new mapper. */
export function fieldsSignature(fields: readonly ResultField[]): string {
  return fields
    .map(
      (f) => `${f.name}\u0000${f.dataTypeID}\u0000${f.dataTypeModifier}\u0000${f.tableID}\u0000${f.columnID}`,
    )
    .join('\u0001');
}

/** Confluent's integer type for NUMERIC(precision, 0) up to 18 digits. */
function integerSchema(precision: number, optional: boolean): Schema {
  if (precision > 9) return optional ? Schemas.OPTIONAL_INT64 : Schemas.INT64;
  if (precision > 4) return optional ? Schemas.OPTIONAL_INT32 : Schemas.INT32;
  if (precision > 2) return optional ? Schemas.OPTIONAL_INT16 : Schemas.INT16;
  return optional ? Schemas.OPTIONAL_INT8 : Schemas.INT8;
}

/** numeric.mapping for one NUMERIC column; unconstrained NUMERIC keeps its exact text in every mapping. */
function numericSchema(type: ColumnType, optional: boolean, mapping: NumericMapping): Schema {
  const ps = numericPrecisionScale(type.typmod);
  if (ps !== undefined) {
    const { precision, scale } = ps;
    const fitsInteger = precision <= 18;
    if (mapping === 'precision_only' && scale === 0 && fitsInteger) return integerSchema(precision, optional);
    if (mapping === 'best_fit' && fitsInteger) {
      if (scale === 0) return integerSchema(precision, optional);
      return optional ? Schemas.OPTIONAL_FLOAT64 : Schemas.FLOAT64;
    }
    if (mapping === 'best_fit_eager_double') {
      if (scale === 0 && fitsInteger) return integerSchema(precision, optional);
      if (scale > 0) return optional ? Schemas.OPTIONAL_FLOAT64 : Schemas.FLOAT64;
    }
  }
  return columnSchema(type, optional, 'precise');
}

function integerFromText(text: string, bits: 'INT8' | 'INT16' | 'INT32' | 'INT64'): ConnectValue {
  if (!/^-?\d+$/.test(text)) throw new DataException(`NUMERIC value ${text} is not an integer (${bits}).`);
  return bits === 'INT64' ? BigInt(text) : Number(text);
}

function columnMapping(
  field: ResultField,
  optional: boolean,
  mapping: NumericMapping,
  zone: TimeZone,
): { schema: Schema; convert: Convert } {
  const type: ColumnType = { oid: field.dataTypeID, typmod: field.dataTypeModifier };
  if (type.oid === OID.numeric) {
    const schema = numericSchema(type, optional, mapping);
    if (schema.name === undefined && schema.type.startsWith('INT')) {
      const bits = schema.type as 'INT8' | 'INT16' | 'INT32' | 'INT64';
      return { schema, convert: (t) => (t === null ? null : integerFromText(t, bits)) };
    }
    return { schema, convert: (t) => columnValue(t, type, schema) };
  }
  const schema = columnSchema(type, optional, 'precise');
  if (type.oid === OID.timestamp && !zone.isUtc) {
    // Wall-clock values are in db.timezone; the shared parser reads them as UTC.
    return {
      schema,
      convert: (t) => {
        const v = columnValue(t, type, schema);
        return v instanceof Date ? new Date(zone.wallClockToUtc(v.getTime())) : v;
      },
    };
  }
  return { schema, convert: (t) => columnValue(t, type, schema) };
}

export function compileRowMapper(
  fields: readonly ResultField[],
  options: {
    /** Whether a table column is NOT NULL, by table OID and column number. */
    readonly notNull: (tableID: number, columnID: number) => boolean;
    readonly numericMapping: NumericMapping;
    readonly timeZone: TimeZone;
    /** The struct's name: the table's name; none for a custom query, as Confluent's. */
    readonly schemaName: string | undefined;
  },
): RowMapper {
  const names = fields.map((f) => f.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined)
    throw new DataException(`The query returns two columns named "${duplicate}": give them distinct names.`);
  const columns = fields.map((f) =>
    columnMapping(
      f,
      !(f.tableID !== 0 && options.notNull(f.tableID, f.columnID)),
      options.numericMapping,
      options.timeZone,
    ),
  );
  const schema = structSchema(
    columns.map((c, i) => ({ name: names[i], schema: c.schema })),
    options.schemaName === undefined ? {} : { name: options.schemaName },
  );
  const converters = columns.map((c) => c.convert);
  return {
    schema,
    names,
    toStruct(row) {
      const struct = new Struct(schema);
      for (let i = 0; i < converters.length; i++) {
        try {
          struct.put(names[i], converters[i](row[i]));
        } catch (err) {
          throw new DataException(`Column "${names[i]}": ${(err as Error).message}`, { cause: err });
        }
      }
      return struct;
    },
  };
}

/** The NOT NULL columns of some tables, as `oid:attnum` keys. */
export async function notNullColumns(client: pg.Client, tableOids: readonly number[]): Promise<Set<string>> {
  if (tableOids.length === 0) return new Set();
  const r = await client.query<{ attrelid: string; attnum: string }>(
    'SELECT attrelid, attnum FROM pg_catalog.pg_attribute WHERE attrelid = ANY($1::oid[]) AND attnum > 0 AND attnotnull AND NOT attisdropped',
    [tableOids.map(String)],
  );
  return new Set(r.rows.map((x) => `${x.attrelid}:${x.attnum}`));
}
