import type { Expression, SourceSpan } from '../sql/index.js';
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

/**
 * The checker's output: the expression as a tree of typed nodes, each with the syntax it was bound
 * from and where that was written. Plans carry these; EXPLAIN and the planner's analyses read them.
 */
export interface TypedExpression {
  readonly ast: Expression;
  /** null only inside a tree, for an untyped NULL literal that takes its context's type. */
  readonly type: SqlType | null;
  readonly span: SourceSpan | undefined;
  /** Reads no column and calls nothing nondeterministic. */
  readonly constant: boolean;
  /** The typed sub-expressions, in the order the checker bound them. */
  readonly children: readonly TypedExpression[];
  /** For a column reference: the column it resolved to. */
  readonly column?: ScopeColumn;
}

export interface CompiledExpression {
  readonly type: SqlType;
  /** The typed tree the evaluator was emitted from. */
  readonly tree: TypedExpression;
  /** Evaluates against one row. Throws `EvaluationError` for values it cannot compute. */
  readonly evaluate: (row: readonly SqlValue[]) => SqlValue;
}

/** Where a planning problem was written: line and column from 1. */
export interface ErrorPosition {
  readonly line: number;
  readonly column: number;
}

/**
 * A problem found while planning an expression: unknown column, type mismatch, bad function call.
 * The checker fills in `position` with the innermost written node it was checking.
 */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
  /** null for a message copied from ksqlDB, which words it without a position. */
  position: ErrorPosition | null | undefined;

  /** ksqlDB's exact message for this mistake, which carries no position there either. */
  static ksqlDb(message: string): ExpressionError {
    const error = new ExpressionError(message);
    error.position = null;
    return error;
  }
}

/**
 * A value that could not be computed for one row (a bad CAST, say). The runtime writes the record
 * to the processing log and goes on with the next one.
 */
export class EvaluationError extends Error {
  override readonly name = 'EvaluationError';
}
