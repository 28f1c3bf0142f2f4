import pg from 'pg';
import type { ConnectLogger } from '../../connect/api/index.js';
import type { Identifiers, TableRef } from './table-ref.js';
import type { ColumnKind } from './value-text.js';

// What the sink knows of its tables: columns read from the catalog (cached until a write says
// they changed), created (auto.create) and widened (auto.evolve) from what records need.

export interface ColumnInfo {
  readonly name: string;
  /** As format_type gives it: usable in casts. */
  readonly type: string;
  readonly kind: ColumnKind;
}

export interface TableInfo {
  readonly ref: TableRef;
  /** By stored name. */
  readonly columns: ReadonlyMap<string, ColumnInfo>;
}

/** A column a group of records writes, with what it would be created as. */
export interface ColumnNeed {
  readonly name: string;
  readonly sqlType: string;
  readonly nullable: boolean;
  /** A SQL literal for DEFAULT, when the schema has a default. */
  readonly defaultLiteral: string | null;
}

/** The table cannot take these records (missing and not to be created, or lacking columns). */
export class TableException extends Error {
  override readonly name = 'TableException';
}

type Queryable = Pick<pg.Client, 'query'>;

const DESCRIBE = `
  select a.attname as name,
         format_type(a.atttypid, a.atttypmod) as type,
         coalesce(b.typname, t.typname) as typname,
         coalesce(b.typcategory, t.typcategory) as category
    from pg_attribute a
    join pg_type t on t.oid = a.atttypid
    left join pg_type b on t.typtype = 'd' and b.oid = t.typbasetype
   where a.attrelid = $1::oid and a.attnum > 0 and not a.attisdropped
   order by a.attnum`;

function kindOf(typname: string, category: string): ColumnKind {
  switch (typname) {
    case 'json':
    case 'jsonb':
      return 'json';
    case 'bytea':
      return 'bytea';
    case 'date':
      return 'date';
    case 'time':
    case 'timetz':
      return 'time';
    case 'timestamp':
      return 'timestamp';
    case 'timestamptz':
      return 'timestamptz';
  }
  return category === 'A' ? 'array' : 'other';
}

export class TableManager {
  private readonly cache = new Map<string, TableInfo>();
  private readonly options: { readonly autoCreate: boolean; readonly autoEvolve: boolean };
  private readonly ids: Identifiers;
  private readonly logger: ConnectLogger;

  constructor(
    options: { readonly autoCreate: boolean; readonly autoEvolve: boolean },
    ids: Identifiers,
    logger: ConnectLogger,
  ) {
    this.options = options;
    this.ids = ids;
    this.logger = logger;
  }

  isCached(ref: TableRef): boolean {
    return this.cache.has(ref.sql);
  }

  /** Drops what is known of a table, so the next use reads the catalog again. */
  forget(ref: TableRef): void {
    this.cache.delete(ref.sql);
  }

  /** The table as it is, or undefined when it does not exist. */
  async existing(client: Queryable, ref: TableRef): Promise<TableInfo | undefined> {
    const cached = this.cache.get(ref.sql);
    if (cached !== undefined) return cached;
    const found = await client.query<{ oid: string | null }>('select to_regclass($1)::oid as oid', [ref.sql]);
    const oid = found.rows[0]?.oid ?? null;
    if (oid === null) return undefined;
    const rows = (
      await client.query<{ name: string; type: string; typname: string; category: string }>(DESCRIBE, [oid])
    ).rows;
    const info: TableInfo = {
      ref,
      columns: new Map(
        rows.map((r) => [r.name, { name: r.name, type: r.type, kind: kindOf(r.typname, r.category) }]),
      ),
    };
    this.cache.set(ref.sql, info);
    return info;
  }

  /**
   * The table with every needed column: created when missing (auto.create, with `keys` as its
   * primary key), missing columns added (auto.evolve, nullable unless they have a default).
   * DDL runs on its own, outside the write transaction, so a rolled-back batch never leaves the
   * cache describing a table that does not exist.
   */
  async ensure(
    client: Queryable,
    ref: TableRef,
    needs: readonly ColumnNeed[],
    keys: readonly string[],
  ): Promise<TableInfo> {
    let info = await this.existing(client, ref);
    if (info === undefined) {
      if (!this.options.autoCreate)
        throw new TableException(`Table ${ref.display} does not exist and auto.create is disabled.`);
      await client.query(this.createSql(ref, needs, keys));
      this.logger.info(`Created table ${ref.display}`);
      this.forget(ref);
      info = await this.existing(client, ref);
      if (info === undefined)
        throw new TableException(`Table ${ref.display} was created but cannot be found.`);
    }
    const present = info.columns;
    const missing = needs.filter((n) => !present.has(this.ids.stored(n.name)));
    if (missing.length === 0) return info;
    const names = missing.map((m) => m.name).join(', ');
    if (!this.options.autoEvolve)
      throw new TableException(`Table ${ref.display} has no column(s) ${names} and auto.evolve is disabled.`);
    const required = missing.filter((m) => !m.nullable && m.defaultLiteral === null);
    if (required.length > 0)
      throw new TableException(
        `Cannot add column(s) ${required.map((m) => m.name).join(', ')} to table ${ref.display}: a required field without a default cannot be added to existing rows.`,
      );
    const adds = missing.map((m) => `add column if not exists ${this.column(m)}`);
    await client.query(`alter table ${ref.sql} ${adds.join(', ')}`);
    this.logger.info(`Added column(s) ${names} to table ${ref.display}`);
    this.forget(ref);
    const evolved = await this.existing(client, ref);
    if (evolved === undefined)
      throw new TableException(`Table ${ref.display} disappeared while evolving it.`);
    return evolved;
  }

  private column(n: ColumnNeed): string {
    const def = n.defaultLiteral === null ? '' : ` default ${n.defaultLiteral}`;
    return `${this.ids.sql(n.name)} ${n.sqlType}${def}${n.nullable ? '' : ' not null'}`;
  }

  private createSql(ref: TableRef, needs: readonly ColumnNeed[], keys: readonly string[]): string {
    const columns = needs.map((n) => this.column(n));
    if (keys.length > 0) columns.push(`primary key (${keys.map((k) => this.ids.sql(k)).join(', ')})`);
    return `create table if not exists ${ref.sql} (${columns.join(', ')})`;
  }
}

/** A DEFAULT literal for a value's text (DDL takes no parameters; escaped by node-postgres). */
export function sqlLiteral(text: string, type: string): string {
  return `${pg.escapeLiteral(text)}::${type}`;
}
