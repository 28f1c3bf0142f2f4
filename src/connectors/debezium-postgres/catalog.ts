import type pg from 'pg';
import type { TableId } from './filters.js';
import type { PgType } from './value-converters.js';

// What the connector reads from PostgreSQL's catalogs: the tables to capture, their columns
// (nullability, primary key) and their types (domains resolved, enum labels, array elements).
// pgoutput's Relation messages carry names, type OIDs and typmods but not nullability or the
// primary key, so streaming asks here too.

export interface ColumnDescription {
  readonly name: string;
  readonly type: PgType;
  readonly notNull: boolean;
}

export interface TableDescription {
  readonly id: TableId;
  readonly oid: number;
  readonly columns: readonly ColumnDescription[];
  /** Primary key columns in key order; empty when the table has none. */
  readonly primaryKey: readonly string[];
}

interface TypeRow {
  oid: string;
  typname: string;
  typtype: string;
  typbasetype: string;
  typtypmod: string;
  typelem: string;
  typcategory: string;
  labels: string[] | string | null;
}

/** PostgreSQL's text form of a text[] (type parsers are off on these connections). */
function textArray(value: string[] | string | null): string[] {
  if (value === null) return [];
  if (Array.isArray(value)) return value;
  const inner = value.slice(1, -1);
  if (inner === '') return [];
  const out: string[] = [];
  const item = /"((?:[^"\\]|\\.)*)"|([^,]+)/g;
  for (const m of inner.matchAll(item)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]);
  return out;
}

export class Catalog {
  private readonly types = new Map<number, TypeRow>();
  private readonly client: pg.Client;

  constructor(client: pg.Client) {
    this.client = client;
  }

  /** Tables (and partitions) the filter keeps, in schema then name order. */
  async tables(keep: (id: TableId) => boolean): Promise<{ id: TableId; oid: number }[]> {
    const r = await this.client.query<{ nspname: string; relname: string; oid: string }>(
      `select n.nspname, c.relname, c.oid from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind = 'r' and c.relpersistence = 'p' order by n.nspname, c.relname`,
    );
    return r.rows
      .map((row) => ({ id: { schema: row.nspname, table: row.relname }, oid: Number(row.oid) }))
      .filter((t) => keep(t.id));
  }

  /** The table's current columns and primary key; null when it no longer exists. */
  async describe(oid: number): Promise<TableDescription | null> {
    const rel = await this.client.query<{ nspname: string; relname: string }>(
      'select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.oid = $1',
      [oid],
    );
    if (rel.rows.length === 0) return null;
    const cols = await this.client.query<{
      attname: string;
      atttypid: string;
      atttypmod: string;
      attnotnull: string;
    }>(
      `select attname, atttypid, atttypmod, attnotnull from pg_attribute
        where attrelid = $1 and attnum > 0 and not attisdropped order by attnum`,
      [oid],
    );
    const pk = await this.client.query<{ attname: string }>(
      `select a.attname from pg_index i
         join lateral unnest(i.indkey) with ordinality as k(attnum, n) on true
         join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
        where i.indrelid = $1 and i.indisprimary order by k.n`,
      [oid],
    );
    const columns: ColumnDescription[] = [];
    for (const c of cols.rows) {
      columns.push({
        name: c.attname,
        type: await this.type(Number(c.atttypid), Number(c.atttypmod)),
        notNull: c.attnotnull === 't' || c.attnotnull === 'true',
      });
    }
    return {
      id: { schema: rel.rows[0].nspname, table: rel.rows[0].relname },
      oid,
      columns,
      primaryKey: pk.rows.map((r) => r.attname),
    };
  }

  /** A type with domains unwrapped to their base type. */
  async type(oid: number, typmod: number): Promise<PgType> {
    let row = await this.typeRow(oid);
    let mod = typmod;
    for (let depth = 0; row.typtype === 'd' && depth < 10; depth++) {
      if (Number(row.typtypmod) >= 0) mod = Number(row.typtypmod);
      row = await this.typeRow(Number(row.typbasetype));
    }
    const element =
      row.typcategory === 'A' && Number(row.typelem) !== 0
        ? await this.type(Number(row.typelem), mod)
        : undefined;
    return {
      oid: Number(row.oid),
      name: row.typname,
      typmod: mod,
      ...(element === undefined ? {} : { element }),
      ...(row.typtype === 'e' ? { enumLabels: textArray(row.labels) } : {}),
    };
  }

  private async typeRow(oid: number): Promise<TypeRow> {
    const cached = this.types.get(oid);
    if (cached !== undefined) return cached;
    const r = await this.client.query<TypeRow>(
      `select t.oid, t.typname, t.typtype, t.typbasetype, t.typtypmod, t.typelem, t.typcategory,
              (select array_agg(e.enumlabel order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid) as labels
         from pg_type t where t.oid = $1`,
      [oid],
    );
    const row = r.rows[0] ?? {
      oid: String(oid),
      typname: 'unknown',
      typtype: 'b',
      typbasetype: '0',
      typtypmod: '-1',
      typelem: '0',
      typcategory: 'U',
      labels: null,
    };
    this.types.set(oid, row);
    return row;
  }

  /** Forgets cached types (an enum may have gained labels after a schema change). */
  forgetTypes(): void {
    this.types.clear();
  }
}
