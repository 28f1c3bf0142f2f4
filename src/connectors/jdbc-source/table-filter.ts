// Which discovered tables a connector copies. The legacy whitelist/blacklist name tables exactly
// (as `table`, `schema.table`, `db.schema.table` or its quoted form); the newer include/exclude
// lists are regular expressions matched against the whole of one of those names, as Confluent's.
import { quoteIdent } from '../postgres/connection.js';

export interface TableId {
  readonly database: string;
  readonly schema: string;
  readonly table: string;
}

/** `db.schema.table`, unquoted: Confluent's name for a table in source partitions. */
export function tableFqn(t: TableId): string {
  return `${t.database}.${t.schema}.${t.table}`;
}

/** `"schema"."table"`, for SQL. */
export function quotedTable(t: Pick<TableId, 'schema' | 'table'>): string {
  return `${quoteIdent(t.schema)}.${quoteIdent(t.table)}`;
}

function namesOf(t: TableId): string[] {
  return [
    t.table,
    `${t.schema}.${t.table}`,
    tableFqn(t),
    `${quoteIdent(t.database)}.${quoteIdent(t.schema)}.${quoteIdent(t.table)}`,
  ];
}

export type TableFilter =
  | { readonly kind: 'all' }
  | { readonly kind: 'whitelist' | 'blacklist'; readonly names: ReadonlySet<string> }
  | { readonly kind: 'include'; readonly include: readonly RegExp[]; readonly exclude: readonly RegExp[] };

/** A regular expression matching a whole table name. */
export function tablePattern(source: string): RegExp {
  return new RegExp(`^(?:${source})$`);
}

export function tableFilter(lists: {
  whitelist: readonly string[];
  blacklist: readonly string[];
  include: readonly string[];
  exclude: readonly string[];
}): TableFilter {
  if (lists.include.length > 0)
    return {
      kind: 'include',
      include: lists.include.map(tablePattern),
      exclude: lists.exclude.map(tablePattern),
    };
  if (lists.whitelist.length > 0) return { kind: 'whitelist', names: new Set(lists.whitelist) };
  if (lists.blacklist.length > 0) return { kind: 'blacklist', names: new Set(lists.blacklist) };
  return { kind: 'all' };
}

export function tableSelected(filter: TableFilter, t: TableId): boolean {
  const names = namesOf(t);
  switch (filter.kind) {
    case 'all':
      return true;
    case 'whitelist':
      return names.some((n) => filter.names.has(n));
    case 'blacklist':
      return !names.some((n) => filter.names.has(n));
    case 'include':
      return (
        names.some((n) => filter.include.some((r) => r.test(n))) &&
        !names.some((n) => filter.exclude.some((r) => r.test(n)))
      );
  }
}
