import type { SqlValue } from '../types/index.js';

export interface RowExpressions {
  readonly filter: ((row: readonly SqlValue[]) => SqlValue) | undefined;
  readonly projections: readonly ((row: readonly SqlValue[]) => SqlValue)[];
}

/**
 * Filter then project one source row; undefined when the filter rejects it (NULL counts as false).
 * `out` is where the result goes: a persistent query passes one array it reuses for every row,
 * since the row is encoded before the next one is computed; a push query keeps its rows.
 */
export function processRow(
  row: readonly SqlValue[],
  e: RowExpressions,
  out?: SqlValue[],
): SqlValue[] | undefined {
  if (e.filter !== undefined && e.filter(row) !== true) return undefined;
  const projections = e.projections;
  out ??= new Array<SqlValue>(projections.length);
  for (let i = 0; i < projections.length; i++) out[i] = projections[i](row);
  return out;
}
