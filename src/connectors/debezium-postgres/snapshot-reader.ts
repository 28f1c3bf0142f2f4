import pg from 'pg';
import { quoteIdent } from '../postgres/connection.js';
import { type SnapshotMarker, snapshotMarker } from './change-events.js';
import type { TableSchema, TupleValues } from './table-schema.js';

// Reads every captured table inside one REPEATABLE READ transaction, a batch at a time through
// cursors. With the slot's exported snapshot imported, the rows read are exactly the state the
// slot streams changes from.

export interface SnapshotRow {
  readonly table: TableSchema;
  readonly values: TupleValues;
}

export class SnapshotReader {
  private tableIndex = 0;
  private cursorOpen = false;
  private held: SnapshotRow[] = [];
  /** The table of the last row handed out; undefined before the first. */
  private lastTable: TableSchema | undefined;
  private started = false;

  private readonly client: pg.Client;
  private readonly tables: readonly TableSchema[];
  /** The transaction horizon of the snapshot, reported as the snapshot events' txId. */
  readonly txId: number;

  private constructor(client: pg.Client, tables: readonly TableSchema[], txId: number) {
    this.client = client;
    this.tables = tables;
    this.txId = txId;
  }

  /** Opens the snapshot transaction; `snapshotName` is the slot's exported snapshot, if any. */
  static async open(
    config: pg.ClientConfig,
    snapshotName: string | null,
    tables: readonly TableSchema[],
  ): Promise<SnapshotReader> {
    const client = new pg.Client(config);
    // Errors surface from the next query; an 'error' event without a listener would crash the process.
    client.on('error', () => {});
    await client.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      if (snapshotName !== null)
        await client.query(`SET TRANSACTION SNAPSHOT '${snapshotName.replaceAll("'", "''")}'`);
      const r = await client.query<{ xmin: string }>(
        'select txid_snapshot_xmin(txid_current_snapshot()) as xmin',
      );
      return new SnapshotReader(client, tables, Number(BigInt(r.rows[0].xmin) & 0xffffffffn));
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
  }

  /**
   * Up to `max` rows, table after table, each with Debezium's snapshot marker. `done` says these
   * were the last: one row is always read ahead, so the last row of a table and of the whole
   * snapshot can be marked as such.
   */
  async next(max: number): Promise<{ rows: (SnapshotRow & { marker: SnapshotMarker })[]; done: boolean }> {
    while (this.held.length <= max && this.tableIndex < this.tables.length) {
      const table = this.tables[this.tableIndex];
      if (!this.cursorOpen) {
        const name = `${quoteIdent(table.id.schema)}.${quoteIdent(table.id.table)}`;
        await this.client.query(`DECLARE snapshot_cursor NO SCROLL CURSOR FOR SELECT * FROM ONLY ${name}`);
        this.cursorOpen = true;
      }
      const want = max + 1 - this.held.length;
      const r = await this.client.query<Record<string, string | null>>(
        `FETCH FORWARD ${want} FROM snapshot_cursor`,
      );
      for (const values of r.rows) this.held.push({ table, values });
      if (r.rows.length < want) {
        await this.client.query('CLOSE snapshot_cursor');
        this.cursorOpen = false;
        this.tableIndex++;
      }
    }
    const rows = this.held.splice(0, max);
    const done = this.held.length === 0 && this.tableIndex >= this.tables.length;
    // The row read ahead tells whether each row is the last of its table.
    const marked = rows.map((row, i) => {
      const next = rows[i + 1] ?? this.held[0];
      const previous = i > 0 ? rows[i - 1].table : this.lastTable;
      const marker = snapshotMarker({
        firstInSnapshot: !this.started && i === 0,
        lastInSnapshot: done && i === rows.length - 1,
        firstInTable: previous !== row.table,
        lastInTable: next === undefined || next.table !== row.table,
      });
      return { ...row, marker };
    });
    if (rows.length > 0) {
      this.started = true;
      this.lastTable = rows[rows.length - 1].table;
    }
    return { rows: marked, done };
  }

  /** Ends the transaction and the connection. */
  async close(): Promise<void> {
    try {
      await this.client.query('ROLLBACK');
    } catch {
      // The connection may be gone already; nothing was written.
    }
    await this.client.end().catch(() => {});
  }
}
