import type { TableId } from './table-filter.js';

// The tables a task reads, in its config: a JSON array of [schema, table] pairs, since table
// names may hold commas and quotes. (Confluent's task key has the same name, `tables`.)

export const TABLES_KEY = 'tables';

export function writeTaskTables(tables: readonly TableId[]): string {
  return JSON.stringify(tables.map((t) => [t.schema, t.table]));
}

export function readTaskTables(text: string | undefined, database: string): TableId[] {
  if (text === undefined || text.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`Invalid task config ${TABLES_KEY}: not a JSON array of [schema, table] pairs.`);
  }
  if (
    !Array.isArray(parsed) ||
    !parsed.every((p) => Array.isArray(p) && p.length === 2 && p.every((s) => typeof s === 'string'))
  )
    throw new Error(`Invalid task config ${TABLES_KEY}: not a JSON array of [schema, table] pairs.`);
  return (parsed as [string, string][]).map(([schema, table]) => ({ database, schema, table }));
}
