import type { CdcConfig } from './config.js';

// Debezium's include/exclude lists: comma-separated regular expressions, each matched against the
// whole name (schema, schema.table or schema.table.column), ignoring case.

const SYSTEM_SCHEMAS = new Set(['pg_catalog', 'information_schema', 'pg_toast']);

function anyMatches(patterns: readonly RegExp[], name: string): boolean {
  return patterns.some((p) => p.test(name));
}

function compile(list: readonly string[]): RegExp[] {
  return list.map((r) => new RegExp(`^(?:${r})$`, 'i'));
}

export interface TableId {
  readonly schema: string;
  readonly table: string;
}

export class CaptureFilter {
  private readonly schemaInclude: RegExp[];
  private readonly schemaExclude: RegExp[];
  private readonly tableInclude: RegExp[];
  private readonly tableExclude: RegExp[];
  private readonly columnInclude: RegExp[];
  private readonly columnExclude: RegExp[];

  constructor(config: Pick<CdcConfig, `${'schema' | 'table' | 'column'}${'Include' | 'Exclude'}`>) {
    this.schemaInclude = compile(config.schemaInclude);
    this.schemaExclude = compile(config.schemaExclude);
    this.tableInclude = compile(config.tableInclude);
    this.tableExclude = compile(config.tableExclude);
    this.columnInclude = compile(config.columnInclude);
    this.columnExclude = compile(config.columnExclude);
  }

  /** True when changes of this table are captured. */
  table(id: TableId): boolean {
    if (SYSTEM_SCHEMAS.has(id.schema) || id.schema.startsWith('pg_temp')) return false;
    if (this.schemaInclude.length > 0 && !anyMatches(this.schemaInclude, id.schema)) return false;
    if (anyMatches(this.schemaExclude, id.schema)) return false;
    const full = `${id.schema}.${id.table}`;
    if (this.tableInclude.length > 0) return anyMatches(this.tableInclude, full);
    return !anyMatches(this.tableExclude, full);
  }

  /**
   * Where a table comes in the snapshot: the position of the first table.include.list pattern it
   * matches, as Debezium orders its snapshot by that list (0 for all without one).
   */
  snapshotRank(id: TableId): number {
    const full = `${id.schema}.${id.table}`;
    const i = this.tableInclude.findIndex((p) => p.test(full));
    return i < 0 ? this.tableInclude.length : i;
  }

  /** True when this column is kept in events. */
  column(id: TableId, column: string): boolean {
    const full = `${id.schema}.${id.table}.${column}`;
    if (this.columnInclude.length > 0) return anyMatches(this.columnInclude, full);
    return !anyMatches(this.columnExclude, full);
  }
}
