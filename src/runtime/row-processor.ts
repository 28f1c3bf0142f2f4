import type { SqlValue } from '../types/index.js';

export interface RowExpressions {
  readonly filter: ((row: readonly SqlValue[]) => SqlValue) | undefined;
  readonly projections: readonly ((row: readonly SqlValue[]) => SqlValue)[];
  /** Per projection, what to call it when it fails: ksqlDB's "Error computing expression …". */
  readonly errorLabels?: readonly string[];
}

/** ksqlDB's processing-log message for a column it could not compute, the failure as its cause. */
export function columnError(e: RowExpressions, error: Error, projection: number): Error {
  const label = e.errorLabels?.[projection];
  return label === undefined ? error : new Error(label, { cause: error });
}

/** ksqlDB's label for projection `index`: the expression, the output column and the index. */
export function errorLabel(text: string, column: string, index: number): string {
  return `Error computing expression ${text} for column ${column} with index ${index}`;
}

/**
 * Filter then project one source row; undefined when the filter rejects it (NULL counts as false).
 * `out` is where the result goes: a persistent query passes one array it reuses for every row,
 * since the row is encoded before the next one is computed; a push query keeps its rows.
 * A filter that fails throws (the row is dropped). A projection that fails is NULL in the row and
 * is reported to `onError`, as ksqlDB computes a column it cannot evaluate; without `onError` it throws.
 */
export function processRow(
  row: readonly SqlValue[],
  e: RowExpressions,
  out?: SqlValue[],
  onError?: (error: Error, projection: number) => void,
): SqlValue[] | undefined {
  if (e.filter !== undefined && e.filter(row) !== true) return undefined;
  const projections = e.projections;
  out ??= new Array<SqlValue>(projections.length);
  if (onError === undefined) {
    for (let i = 0; i < projections.length; i++) out[i] = projections[i](row);
    return out;
  }
  for (let i = 0; i < projections.length; i++) {
    try {
      out[i] = projections[i](row);
    } catch (err) {
      out[i] = null;
      onError(err as Error, i);
    }
  }
  return out;
}
