import pg from 'pg';
import { quoteIdent } from '../postgres/connection.js';
import type { PublicationMode } from './config.js';
import type { TableId } from './filters.js';
import { parseLsn } from './lsn.js';

// The server-side objects the connector needs: logical WAL, a publication naming the tables
// pgoutput streams, and a permanent replication slot that keeps WAL until the connector confirms it.

/** Fails early, with the fix, when the server cannot do logical replication. */
export async function checkServer(client: pg.Client): Promise<void> {
  const r = await client.query<{ wal_level: string; version: string }>(
    "select current_setting('wal_level') as wal_level, current_setting('server_version_num') as version",
  );
  const { wal_level, version } = r.rows[0];
  if (Number(version) < 100000)
    throw new Error(`PostgreSQL ${version} has no pgoutput: version 10 or later is needed.`);
  if (wal_level !== 'logical')
    throw new Error(
      `PostgreSQL has wal_level=${wal_level}: change data capture needs wal_level=logical (set it in postgresql.conf and restart the server).`,
    );
}

/** Creates, updates or checks the publication as publication.autocreate.mode says. */
export async function ensurePublication(
  client: pg.Client,
  name: string,
  mode: PublicationMode,
  tables: readonly TableId[],
): Promise<void> {
  const existing = await client.query<{ puballtables: string }>(
    'select puballtables from pg_publication where pubname = $1',
    [name],
  );
  const tableList = () => {
    if (tables.length === 0)
      throw new Error(
        `publication.autocreate.mode=filtered, but no table matches the table and schema filters: publication ${name} would be empty.`,
      );
    return tables.map((t) => `${quoteIdent(t.schema)}.${quoteIdent(t.table)}`).join(', ');
  };
  if (existing.rows.length === 0) {
    if (mode === 'disabled')
      throw new Error(
        `Publication ${name} does not exist and publication.autocreate.mode=disabled: create it (CREATE PUBLICATION ${name} FOR ALL TABLES) or change the mode.`,
      );
    const target = mode === 'all_tables' ? 'ALL TABLES' : `TABLE ${tableList()}`;
    await client.query(`CREATE PUBLICATION ${quoteIdent(name)} FOR ${target}`);
    return;
  }
  const allTables = existing.rows[0].puballtables === 't' || existing.rows[0].puballtables === 'true';
  if (mode === 'filtered' && !allTables)
    await client.query(`ALTER PUBLICATION ${quoteIdent(name)} SET TABLE ${tableList()}`);
}

export interface SlotState {
  readonly active: boolean;
  readonly confirmedFlush: bigint;
}

/** The slot's state, or null when it does not exist; refuses a slot this connector cannot use. */
export async function slotState(client: pg.Client, slot: string): Promise<SlotState | null> {
  const r = await client.query<{
    plugin: string | null;
    slot_type: string;
    database: string | null;
    active: string;
    confirmed_flush_lsn: string | null;
  }>(
    'select plugin, slot_type, database, active, confirmed_flush_lsn from pg_replication_slots where slot_name = $1',
    [slot],
  );
  if (r.rows.length === 0) return null;
  const row = r.rows[0];
  const db = (await client.query<{ d: string }>('select current_database() as d')).rows[0].d;
  if (row.slot_type !== 'logical' || row.plugin !== 'pgoutput' || row.database !== db)
    throw new Error(
      `Replication slot ${slot} exists but is not a pgoutput logical slot of database ${db} (${row.slot_type}, ${row.plugin}, ${row.database}): choose another slot.name.`,
    );
  return {
    active: row.active === 't' || row.active === 'true',
    confirmedFlush: parseLsn(row.confirmed_flush_lsn),
  };
}

/**
 * Waits for the slot to be free: after a restart the previous walsender may take a moment to
 * exit. Returns the state once inactive, or throws after `timeoutMs`.
 */
export async function inactiveSlot(
  client: pg.Client,
  slot: string,
  timeoutMs: number,
): Promise<SlotState | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await slotState(client, slot);
    if (state === null || !state.active) return state;
    if (Date.now() > deadline)
      throw new Error(
        `Replication slot ${slot} is in use by another connection: is another connector using slot.name=${slot}?`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** An exported snapshot, valid while `replication` stays open and idle. */
export interface ExportedSlot {
  readonly replication: pg.Client;
  readonly snapshotName: string;
  readonly consistentPoint: bigint;
}

/**
 * Creates the permanent slot on a replication connection and exports the snapshot it starts
 * from: reading the tables in that snapshot and streaming from the slot meet exactly.
 */
export async function createSlotWithSnapshot(config: pg.ClientConfig, slot: string): Promise<ExportedSlot> {
  const replication = new pg.Client({ ...config, replication: 'database' } as pg.ClientConfig);
  replication.on('error', () => {});
  await replication.connect();
  try {
    const r = await replication.query<{ consistent_point: string; snapshot_name: string }>(
      `CREATE_REPLICATION_SLOT ${quoteIdent(slot)} LOGICAL pgoutput EXPORT_SNAPSHOT`,
    );
    return {
      replication,
      snapshotName: r.rows[0].snapshot_name,
      consistentPoint: parseLsn(r.rows[0].consistent_point),
    };
  } catch (err) {
    await replication.end().catch(() => {});
    throw err;
  }
}

/** Creates the permanent slot without a snapshot; returns its starting point. */
export async function createSlot(client: pg.Client, slot: string): Promise<bigint> {
  const r = await client.query<{ lsn: string }>(
    "select lsn from pg_create_logical_replication_slot($1, 'pgoutput')",
    [slot],
  );
  return parseLsn(r.rows[0].lsn);
}

export async function dropSlot(client: pg.Client, slot: string): Promise<void> {
  await client.query(
    'select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = $1',
    [slot],
  );
}
