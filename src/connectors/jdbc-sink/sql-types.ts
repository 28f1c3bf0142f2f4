import { type ConnectValue, LOGICAL, type Schema, Struct } from '../../connect/api/index.js';

// Which PostgreSQL column type a field gets when the sink creates or evolves a table: from its
// Connect schema when records have one, otherwise inferred from the values themselves.

/** The column type for a field with a Connect schema (nested types are kept as jsonb). */
export function sqlTypeForSchema(schema: Schema): string {
  switch (schema.name) {
    case LOGICAL.decimal: {
      const scale = Number(schema.parameters?.scale ?? 0);
      const precision = Number(schema.parameters?.['connect.decimal.precision'] ?? Number.NaN);
      // The scale is the schema's, always; without a known precision (Avro and ksqlDB give one),
      // PostgreSQL's largest, so any value at that scale fits.
      return Number.isInteger(precision) && precision >= scale && precision > 0 && precision <= 1000
        ? `numeric(${precision},${scale})`
        : `numeric(1000,${scale})`;
    }
    case LOGICAL.date:
      return 'date';
    case LOGICAL.time:
      return 'time';
    case LOGICAL.timestamp:
      return 'timestamptz';
  }
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
      return 'smallint';
    case 'INT32':
      return 'integer';
    case 'INT64':
      return 'bigint';
    case 'FLOAT32':
      return 'real';
    case 'FLOAT64':
      return 'double precision';
    case 'BOOLEAN':
      return 'boolean';
    case 'STRING':
      return 'text';
    case 'BYTES':
      return 'bytea';
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      return 'jsonb';
  }
}

/**
 * What a schemaless value says about its column. `null` says nothing (a null value fits any
 * column); numbers are bigint while every value seen is whole.
 */
export type InferredType =
  | 'bigint'
  | 'double precision'
  | 'boolean'
  | 'text'
  | 'timestamptz'
  | 'jsonb'
  | 'bytea';

/** ISO-8601 date and time, with optional seconds, fraction and zone. */
const ISO_TIMESTAMP =
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i;

export function isIsoTimestamp(text: string): boolean {
  return ISO_TIMESTAMP.test(text) && !Number.isNaN(Date.parse(text.replace(' ', 'T')));
}

export function inferSqlType(value: ConnectValue): InferredType | null {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'boolean':
      return 'boolean';
    case 'bigint':
      return 'bigint';
    case 'number':
      return Number.isSafeInteger(value) ? 'bigint' : 'double precision';
    case 'string':
      return isIsoTimestamp(value) ? 'timestamptz' : 'text';
  }
  if (value instanceof Date) return 'timestamptz';
  if (value instanceof Uint8Array) return 'bytea';
  if (value instanceof Struct || typeof value === 'object') return 'jsonb';
  return 'text';
}

/**
 * The type that holds values of both: whole and fractional numbers make double precision; JSON
 * documents with numbers or booleans stay jsonb; anything else mixed becomes text (which takes
 * every value's text, documents as JSON).
 */
export function mergeInferred(a: InferredType | null, b: InferredType | null): InferredType | null {
  if (a === null || a === b) return b;
  if (b === null) return a;
  const numbers = new Set<InferredType>(['bigint', 'double precision']);
  if (numbers.has(a) && numbers.has(b)) return 'double precision';
  const jsonScalars = new Set<InferredType>(['bigint', 'double precision', 'boolean', 'jsonb']);
  if ((a === 'jsonb' || b === 'jsonb') && jsonScalars.has(a) && jsonScalars.has(b)) return 'jsonb';
  return 'text';
}
