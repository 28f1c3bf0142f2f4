import type pg from 'pg';
import type { JdbcSourceSettings } from './jdbc-source-config.js';
import { quotedTable, type TableId, tableFqn, tableSelected } from './table-filter.js';

// Tables from the catalog, typed as PostgreSQL's JDBC driver types them for getTables (so
// table.types means the same), in schema and name order, then filtered by the table lists.

const SYSTEM_SCHEMA = /^(pg_|information_schema$)/;

function jdbcTableType(kind: string, schema: string): string | undefined {
  const system = SYSTEM_SCHEMA.test(schema);
  switch (kind) {
    case 'r':
      return system ? 'SYSTEM TABLE' : 'TABLE';
    case 'v':
      return system ? 'SYSTEM VIEW' : 'VIEW';
    case 'm':
      return 'MATERIALIZED VIEW';
    case 'p':
      return 'PARTITIONED TABLE';
    case 'f':
      return 'FOREIGN TABLE';
    default:
      return undefined;
  }
}

export async function listTables(
  client: pg.Client,
  settings: Pick<JdbcSourceSettings, 'tableTypes' | 'schemaPattern' | 'tableFilter'>,
): Promise<TableId[]> {
  const r = await client.query<{ db: string; schema: string; name: string; kind: string }>(
    `SELECT current_database() AS db, n.nspname AS schema, c.relname AS name, c.relkind::text AS kind
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f') AND n.nspname NOT LIKE 'pg\\_temp\\_%'
        AND n.nspname NOT LIKE 'pg\\_toast%' AND ($1::text IS NULL OR n.nspname LIKE $1::text)
      ORDER BY n.nspname, c.relname`,
    [settings.schemaPattern],
  );
  return r.rows
    .filter((row) => {
      const type = jdbcTableType(row.kind, row.schema);
      return type !== undefined && settings.tableTypes.includes(type);
    })
    .map((row) => ({ database: row.db, schema: row.schema, table: row.name }))
    .filter((t) => tableSelected(settings.tableFilter, t));
}

/**
 * Topics are named by the unqualified table name, so two selected tables of one name would mix in
 * one topic: refused, as Confluent's connector refuses them.
 */
export function duplicateTableNames(tables: readonly TableId[]): string | null {
  const byName = new Map<string, TableId[]>();
  for (const t of tables) byName.set(t.table, [...(byName.get(t.table) ?? []), t]);
  const dups = [...byName.values()].filter((list) => list.length > 1);
  if (dups.length === 0) return null;
  return `Tables with the same unqualified name would share a topic: ${dups
    .map((list) => list.map(tableFqn).join(' and '))
    .join('; ')}. Narrow the table lists (or schema.pattern) to one table of each name.`;
}

/** Confluent's validate.non.null: the incrementing column NOT NULL, and at least one timestamp column. */
export async function checkOffsetColumnsNotNull(
  client: pg.Client,
  t: TableId,
  settings: Pick<JdbcSourceSettings, 'mode' | 'incrementingColumn' | 'timestampColumns'>,
): Promise<void> {
  // Sessions return every value as text (see clientConfig): booleans are 't' / 'f'.
  const r = await client.query<{ name: string; notnull: string }>(
    `SELECT attname AS name, attnotnull AS notnull FROM pg_catalog.pg_attribute
      WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
    [quotedTable(t)],
  );
  const notNull = new Map(r.rows.map((c) => [c.name, c.notnull === 't']));
  const where = tableFqn(t);
  const { mode, incrementingColumn, timestampColumns } = settings;
  if ((mode === 'incrementing' || mode === 'timestamp+incrementing') && incrementingColumn !== null) {
    if (!notNull.has(incrementingColumn))
      throw new Error(`Incrementing column "${incrementingColumn}" does not exist in table ${where}.`);
    if (!notNull.get(incrementingColumn))
      throw new Error(
        `Cannot make incremental queries using incrementing column ${incrementingColumn} on ${where} because this column is nullable (set validate.non.null=false to allow it).`,
      );
  }
  if (mode === 'timestamp' || mode === 'timestamp+incrementing') {
    const missing = timestampColumns.filter((c) => !notNull.has(c));
    if (missing.length > 0)
      throw new Error(`Timestamp column(s) ${missing.join(', ')} do not exist in table ${where}.`);
    if (!timestampColumns.some((c) => notNull.get(c)))
      throw new Error(
        `Cannot make incremental queries using timestamp columns ${timestampColumns.join(', ')} on ${where} because all of these columns are nullable (set validate.non.null=false to allow it).`,
      );
  }
}

/**
 * Kafka Connect's ConnectorUtils.groupPartitions: `groups` contiguous runs, sizes differing by at
 * most one, the longer runs first.
 */
export function groupTables<T>(items: readonly T[], groups: number): T[][] {
  if (groups <= 0) throw new Error('Number of groups must be positive.');
  const out: T[][] = [];
  const perGroup = Math.floor(items.length / groups);
  const leftover = items.length % groups;
  let at = 0;
  for (let g = 0; g < groups; g++) {
    const size = perGroup + (g < leftover ? 1 : 0);
    out.push(items.slice(at, at + size));
    at += size;
  }
  return out;
}
