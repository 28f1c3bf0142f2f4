import { BIGINT, INTEGER, type SqlType } from '../types/index.js';
import type { ColumnScope, ScopeColumn } from './compiled-expression.js';

/** What the planner needs to know of a stream or table. */
export interface PlannerSource {
  readonly kind: 'STREAM' | 'TABLE';
  readonly name: string;
  /** The topic it is read from, for EXPLAIN. */
  readonly topic?: string;
  /** Its value format: a KAFKA-format source cannot be joined. */
  readonly valueFormat?: string;
  readonly columns: readonly {
    readonly name: string;
    readonly type: SqlType;
    readonly namespace: 'KEY' | 'VALUE' | 'HEADERS';
  }[];
  /** A windowed source (WINDOW_TYPE): its rows carry WINDOWSTART and WINDOWEND after the pseudo columns. */
  readonly windowInfo?: { readonly type: 'TUMBLING' | 'HOPPING' | 'SESSION'; readonly sizeMs?: number };
}

/** The window bounds a windowed source's rows carry, after its pseudo columns. */
export const WINDOW_BOUND_COLUMNS: readonly { readonly name: string; readonly type: SqlType }[] = [
  { name: 'WINDOWSTART', type: BIGINT },
  { name: 'WINDOWEND', type: BIGINT },
];

/** Pseudo columns every source row carries after its own columns, in this order. */
export const PSEUDO_COLUMNS: readonly { readonly name: string; readonly type: SqlType }[] = [
  { name: 'ROWTIME', type: BIGINT },
  { name: 'ROWPARTITION', type: INTEGER },
  { name: 'ROWOFFSET', type: BIGINT },
];

/**
 * The row layout of a source: its columns in declared order, then ROWTIME, ROWPARTITION and
 * ROWOFFSET. The runtime fills rows in exactly this order.
 */
export class SourceScope implements ColumnScope {
  readonly source: PlannerSource;
  private readonly byName = new Map<string, ScopeColumn>();
  private readonly all: ScopeColumn[] = [];
  /**
   * Set once an expression refers to ROWTIME, ROWPARTITION or ROWOFFSET, so the runtime can skip
   * filling them (two BigInts a row) for the many queries that never look.
   */
  pseudoColumnsUsed = false;
  /** Names that `alias.col` may use: the source name and its alias. */
  private readonly qualifiers: Set<string>;
  /** How ksqlDB qualifies this source's columns in messages: the alias, else the source name. */
  readonly qualifier: string;

  constructor(source: PlannerSource, alias?: string) {
    this.source = source;
    this.qualifiers = new Set([source.name, ...(alias === undefined ? [] : [alias])]);
    this.qualifier = alias ?? source.name;
    for (const [index, c] of source.columns.entries()) this.add({ index, type: c.type, name: c.name });
    for (const [i, p] of PSEUDO_COLUMNS.entries()) {
      this.add({ index: source.columns.length + i, type: p.type, name: p.name });
    }
    if (source.windowInfo !== undefined)
      for (const [i, w] of WINDOW_BOUND_COLUMNS.entries())
        this.add({ index: source.columns.length + PSEUDO_COLUMNS.length + i, type: w.type, name: w.name });
  }

  private add(column: ScopeColumn): void {
    this.byName.set(column.name, column);
    this.all.push(column);
  }

  get width(): number {
    return this.all.length;
  }

  /** Whether `name` may qualify this source's columns (`name.col`). */
  isQualifier(name: string): boolean {
    return this.qualifiers.has(name);
  }

  resolve(name: string, qualifier?: string): ScopeColumn | undefined {
    if (qualifier !== undefined && !this.qualifiers.has(qualifier)) return undefined;
    const column = this.byName.get(name);
    if (column !== undefined && column.index >= this.source.columns.length) this.pseudoColumnsUsed = true;
    return column;
  }

  columns(): readonly ScopeColumn[] {
    return this.all;
  }
}
