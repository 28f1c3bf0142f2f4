import type { SqlType, SqlValue } from '../../types/index.js';
import type { Parameter, ReturnTypeRule } from '../function-declaration.js';
import type { TypePattern } from '../type-pattern.js';

/**
 * One aggregation, built for concrete argument types: ksqlDB's Udaf (initialize, aggregate, merge,
 * map) and, for functions that work on tables, TableUdaf's undo.
 *
 * `input` is the row's column argument, or for functions with several column arguments
 * (CORRELATION, TOPK with extra columns) an array of them. Accumulators are plain data (numbers,
 * bigints, strings, arrays, Maps, plain objects, Uint8Arrays) so a state store can serialize them;
 * `aggregate`, `merge` and `undo` may change an accumulator in place and return it.
 */
export interface Udaf<A = unknown> {
  initialize(): A;
  aggregate(input: SqlValue, accumulator: A): A;
  /** Combines two accumulators (session windows merging), the first one's rows counting as earlier. */
  merge(first: A, second: A): A;
  /** Takes a row back out (a table row that changed or was deleted). Only table-capable functions have it. */
  undo?(input: SqlValue, accumulator: A): A;
  /** The result the query shows. */
  map(accumulator: A): SqlValue;
}

/** Settings aggregate functions read (ksqlDB's `ksql.functions.*` properties). */
export interface AggregateConfig {
  /** `ksql.functions.collect_list.limit`: at most this many elements in COLLECT_LIST's array. */
  readonly collectListLimit: number;
  /** `ksql.functions.collect_set.limit`. */
  readonly collectSetLimit: number;
}

export const DEFAULT_AGGREGATE_CONFIG: AggregateConfig = {
  collectListLimit: Number.MAX_SAFE_INTEGER,
  collectSetLimit: Number.MAX_SAFE_INTEGER,
};

export interface AggregateOverload {
  /** Arguments read from every row; only the last may be variadic. */
  readonly columns: readonly Parameter[];
  /** Constant arguments after the columns (TOPK's k, LATEST_BY_OFFSET's n and ignoreNulls). */
  readonly literals?: readonly Parameter[];
  readonly returns: TypePattern | ReturnTypeRule;
  readonly returnTypeName?: string;
  readonly description?: string;
  /** Builds the aggregation for the column argument types and the literal values. */
  readonly create: (
    columnTypes: readonly SqlType[],
    literals: readonly SqlValue[],
    config: AggregateConfig,
  ) => Udaf;
}

export interface AggregateFunction {
  readonly name: string;
  readonly description: string;
  /** Has undo, so it aggregates tables as well as streams. */
  readonly tableCapable: boolean;
  readonly overloads: readonly AggregateOverload[];
}
