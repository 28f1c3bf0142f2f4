import type { SqlType, SqlValue } from '../types/index.js';

/** A column the expression compiler can see: its slot in the row array and its type. */
export interface ScopeColumn {
  readonly index: number;
  readonly type: SqlType;
  /** The name as the query should refer to it (for error messages and EXPLAIN). */
  readonly name: string;
}

/**
 * The names an expression can refer to. Rows given to `evaluate` hold each column's value at its
 * `index`; the runtime lays out key columns, value columns, header columns, then ROWTIME,
 * ROWPARTITION and ROWOFFSET.
 */
export interface ColumnScope {
  /** `qualifier` is the source name or alias in `s.col`; undefined for a bare `col`. */
  resolve(name: string, qualifier?: string): ScopeColumn | undefined;
  /** Every visible column, for error messages that list what exists. */
  columns(): readonly ScopeColumn[];
}

export interface CompiledExpression {
  readonly type: SqlType;
  /** Evaluates against one row. Throws `EvaluationError` for values it cannot compute. */
  readonly evaluate: (row: readonly SqlValue[]) => SqlValue;
}

/** A problem found while planning an expression: unknown column, type mismatch, bad function call. */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
}

/**
 * A value that could not be computed for one row (a bad CAST, say). The runtime writes the record
 * to the processing log and goes on with the next one.
 */
export class EvaluationError extends Error {
  override readonly name = 'EvaluationError';
}
