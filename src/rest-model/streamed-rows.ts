import type { KsqlErrorBody } from './errors.js';

/*
 * What the query endpoints stream. /query-stream (delimited or application/json): a header, then one
 * JSON array of column values per row, and, if the query fails midway, an error body. /query and
 * /query-stream asked for application/vnd.ksql.v1+json: ksqlDB's StreamedRow array.
 */

/** The first element of /query-stream: the query's id and its columns. */
export interface QueryStreamHeader {
  readonly queryId: string;
  readonly columnNames: readonly string[];
  /** ksqlDB's type text of each column (`STRING`, `ARRAY<INTEGER>`, …). */
  readonly columnTypes: readonly string[];
}

/** One row: its column values as JSON. */
export type QueryStreamRow = readonly unknown[];

/** ksqlDB's StreamedRow, the elements of /query's JSON array. */
export type StreamedRow =
  /** `schema` is the columns as `` `NAME` TYPE, … ``. */
  | { readonly header: { readonly queryId: string; readonly schema: string } }
  | { readonly row: { readonly columns: QueryStreamRow; readonly tombstone?: true } }
  | { readonly finalMessage: 'Query Completed' | 'Limit Reached' }
  | { readonly errorMessage: KsqlErrorBody };

/** Whether a /query-stream element is the header. */
export function isQueryStreamHeader(value: unknown): value is QueryStreamHeader {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Partial<Record<keyof QueryStreamHeader, unknown>>;
  return typeof v.queryId === 'string' && Array.isArray(v.columnNames) && Array.isArray(v.columnTypes);
}
