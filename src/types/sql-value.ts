/**
 * How SQL values are held at run time. The type decides the representation, so values carry no tags:
 *
 * | SQL type  | JavaScript value                                              |
 * |-----------|---------------------------------------------------------------|
 * | BOOLEAN   | boolean                                                       |
 * | INTEGER   | number (a 32-bit integer)                                     |
 * | BIGINT    | bigint (exact over the whole 64-bit range)                    |
 * | DOUBLE    | number                                                        |
 * | DECIMAL   | Decimal: unscaled bigint and scale, exact                     |
 * | STRING    | string                                                        |
 * | BYTES     | Uint8Array (a Buffer where convenient)                        |
 * | DATE      | number: days since 1970-01-01                                 |
 * | TIME      | number: milliseconds since midnight                           |
 * | TIMESTAMP | number: milliseconds since the epoch, UTC                     |
 * | ARRAY     | readonly SqlValue[]                                           |
 * | MAP       | ReadonlyMap<SqlValue, SqlValue> (keys are primitives)         |
 * | STRUCT    | Readonly<Record<string, SqlValue>> keyed by field name        |
 *
 * and SQL NULL is `null` for every type.
 */
export type SqlValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | Decimal
  | readonly SqlValue[]
  | ReadonlyMap<SqlValue, SqlValue>
  | StructValue;

export interface StructValue {
  readonly [field: string]: SqlValue;
}

/** An exact decimal: value = unscaled × 10^-scale. */
export interface Decimal {
  readonly unscaled: bigint;
  readonly scale: number;
}

/** A row: one value per column, in the schema's column order. */
export type Row = SqlValue[];
