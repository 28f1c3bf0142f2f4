import type pg from 'pg';
import type { SinkRecord } from '../../connect/api/index.js';
import { databaseMessage, isTransientError, isUndefinedTableOrColumn } from '../postgres/errors.js';
import { type GroupRow, planBatch, type WriteGroup } from './batch-plan.js';
import { type GroupStatements, groupStatements } from './group-statements.js';
import type { JdbcSinkConfig } from './jdbc-sink-config.js';
import type { RowColumn, RowOp } from './record-rows.js';
import { type InferredType, inferSqlType, mergeInferred, sqlTypeForSchema } from './sql-types.js';
import { type ColumnNeed, sqlLiteral, type TableManager } from './table-manager.js';
import type { Identifiers } from './table-ref.js';
import { encoderFor, type TimestampFormat } from './value-text.js';
import type { OpSource } from './write-queue.js';

// Writes what the queue holds, one transaction at a time. Inserts of one table stream into an
// open COPY for as long as records keep coming (up to batch.size rows); everything else is
// planned into groups and sent as bulk statements. If a write fails for a reason of its records,
// its transaction is rolled back and redone carefully: each group in a savepoint, a failing
// group split in halves until the unwritable records are found, so the rest is still written,
// once.

/** A record that cannot be written, with the table and PostgreSQL's reason. */
export class RecordWriteError extends Error {
  override readonly name = 'RecordWriteError';
  readonly record: SinkRecord;
  readonly table: string;

  constructor(record: SinkRecord, table: string, cause: unknown) {
    super(
      `Cannot write record ${record.topic}-${record.kafkaPartition}@${record.kafkaOffset} to table ${table}: ${databaseMessage(cause)}`,
      { cause },
    );
    this.record = record;
    this.table = table;
  }
}

/** The table's description was out of date: worth redoing the write with a fresh one. */
export class StaleTableError extends Error {
  override readonly name = 'StaleTableError';
}

interface Prepared {
  readonly group: WriteGroup;
  readonly statements: GroupStatements;
  /** Whether the table was described before this write (and may have changed since). */
  readonly cached: boolean;
}

/** How long an open COPY waits for the next put before committing what it has. */
const LINGER_MS = 5;

/** Stops the careful pass at the first unwritable record (no errant record reporter). */
class FirstFailure extends Error {}

export class SinkWriter {
  private readonly config: JdbcSinkConfig;
  private readonly tables: TableManager;
  private readonly ids: Identifiers;
  private readonly timestamps: TimestampFormat;

  constructor(config: JdbcSinkConfig, tables: TableManager, ids: Identifiers, timestamps: TimestampFormat) {
    this.config = config;
    this.tables = tables;
    this.ids = ids;
    this.timestamps = timestamps;
  }

  /**
   * Takes records from the source and writes them in one transaction. Returns those that could
   * not be written (at most one when `stopAtFirst`, and then nothing is committed). Throws what
   * the database threw when it is transient (nothing committed).
   */
  async writeNext(client: pg.Client, source: OpSource, stopAtFirst: boolean): Promise<RecordWriteError[]> {
    const first = source.peek();
    if (first === undefined) return [];
    if (this.config.insertMode === 'insert' && first.kind === 'write')
      return this.streamInserts(client, source, first, stopAtFirst);
    const ops = source.take(this.config.batchSize);
    return this.write(client, planBatch(ops, this.config.insertMode !== 'insert'), stopAtFirst);
  }

  /** Writes planned groups in one transaction (see `writeNext`). */
  async write(
    client: pg.Client,
    groups: readonly WriteGroup[],
    stopAtFirst: boolean,
  ): Promise<RecordWriteError[]> {
    const failures: RecordWriteError[] = [];
    const prepared: Prepared[] = [];
    for (const group of groups) {
      const p = await this.prepare(
        client,
        group,
        group.rows.map((r) => r.op),
        failures,
      );
      if (stopAtFirst && failures.length > 0) return failures.slice(0, 1);
      if (p !== undefined) prepared.push(p);
    }
    if (prepared.length === 0) return failures;

    await client.query('begin');
    for (const p of prepared) {
      try {
        await p.statements.write(
          client,
          p.group.rows.map((r) => r.op),
        );
      } catch (err) {
        await this.afterFailure(client, p, err);
        return this.carefully(client, prepared, failures, stopAtFirst);
      }
    }
    await client.query('commit');
    return failures;
  }

  /**
   * Inserts of `first`'s table and shape, streamed into one COPY: the rows waiting now, then
   * those that arrive while it is open, until batch.size rows or a pause in the records.
   */
  private async streamInserts(
    client: pg.Client,
    source: OpSource,
    first: RowOp,
    stopAtFirst: boolean,
  ): Promise<RecordWriteError[]> {
    const fits = (op: RowOp) =>
      op.kind === 'write' && op.shape === first.shape && op.table.sql === first.table.sql;
    const limit = this.config.batchSize;
    const taken = source.take(limit, fits);
    // Rows (for the careful pass) are only made if the COPY fails: this is the hot path.
    const group: WriteGroup = { table: first.table, kind: 'write', shape: first.shape, rows: [] };
    const failures: RecordWriteError[] = [];
    const p = await this.prepare(client, group, taken, failures);
    if (p === undefined) return stopAtFirst ? failures.slice(0, 1) : failures;
    if (p.statements.openCopy === undefined) throw new Error('Insert statements without COPY.');
    await client.query('begin');
    const copy = p.statements.openCopy(client);
    try {
      await copy.write(taken);
      while (taken.length < limit) {
        const more = source.take(limit - taken.length, fits);
        if (more.length === 0) {
          // Another table or kind is next, or nothing came for a moment: commit what there is.
          if (source.peek() !== undefined || !(await source.waitForMore(LINGER_MS))) break;
          continue;
        }
        for (const op of more) taken.push(op);
        await copy.write(more);
      }
      await copy.end();
    } catch (err) {
      // The COPY may still be open on the server when writing failed first: let it finish.
      await copy.end().catch(() => {});
      await this.afterFailure(client, p, err);
      for (const op of taken) group.rows.push({ op, replaced: undefined });
      return this.carefully(client, [p], failures, stopAtFirst);
    }
    await client.query('commit');
    return failures;
  }

  /**
   * The group's statements once its table is ready; undefined when there is nothing to write:
   * deleting from a missing table, or records the table cannot take (added to `failures`).
   */
  private async prepare(
    client: pg.Client,
    group: WriteGroup,
    ops: readonly RowOp[],
    failures: RecordWriteError[],
  ): Promise<Prepared | undefined> {
    const cached = this.tables.isCached(group.table);
    try {
      const table =
        group.kind === 'delete'
          ? await this.tables.existing(client, group.table)
          : await this.tables.ensure(client, group.table, this.needs(group, ops), this.keyNames(group));
      if (table === undefined) return undefined;
      const statements = groupStatements(
        group,
        table,
        this.config.insertMode,
        this.config.batchSize,
        this.ids,
        this.timestamps,
      );
      return { group, statements, cached };
    } catch (err) {
      if (isTransientError(err)) throw err;
      for (const op of ops) failures.push(new RecordWriteError(op.record, group.table.display, err));
      return undefined;
    }
  }

  /** After a failed statement: a transient error propagates; otherwise the transaction is rolled back. */
  private async afterFailure(client: pg.Client, p: Prepared, err: unknown): Promise<void> {
    if (isTransientError(err)) throw err;
    await client.query('rollback');
    if (p.cached && isUndefinedTableOrColumn(err)) {
      this.tables.forget(p.group.table);
      throw new StaleTableError(
        `Table ${p.group.table.display} changed since it was described: ${databaseMessage(err)}`,
        { cause: err },
      );
    }
  }

  /** Redoes the groups in a new transaction, each in savepoints, isolating unwritable records. */
  private async carefully(
    client: pg.Client,
    prepared: readonly Prepared[],
    failures: RecordWriteError[],
    stopAtFirst: boolean,
  ): Promise<RecordWriteError[]> {
    await client.query('begin');
    try {
      for (const p of prepared) await this.isolate(client, p, p.group.rows, failures, stopAtFirst);
    } catch (err) {
      if (err instanceof FirstFailure) {
        await client.query('rollback');
        return failures.slice(-1);
      }
      throw err;
    }
    await client.query('commit');
    return failures;
  }

  /** Writes rows in a savepoint; on a record error, halves until the culprits are alone. */
  private async isolate(
    client: pg.Client,
    p: Prepared,
    rows: readonly GroupRow[],
    failures: RecordWriteError[],
    stopAtFirst: boolean,
  ): Promise<void> {
    await client.query('savepoint sluice_rows');
    try {
      await p.statements.write(
        client,
        rows.map((r) => r.op),
      );
      await client.query('release savepoint sluice_rows');
      return;
    } catch (err) {
      if (isTransientError(err)) throw err;
      await client.query('rollback to savepoint sluice_rows');
      await client.query('release savepoint sluice_rows');
      if (rows.length > 1) {
        const half = Math.ceil(rows.length / 2);
        await this.isolate(client, p, rows.slice(0, half), failures, stopAtFirst);
        await this.isolate(client, p, rows.slice(half), failures, stopAtFirst);
        return;
      }
      failures.push(new RecordWriteError(rows[0].op.record, p.group.table.display, err));
      if (stopAtFirst) throw new FirstFailure();
      // The record replaced earlier ones for its key: what one-by-one writes would have left.
      const replaced = rows[0].replaced;
      if (replaced !== undefined) await this.isolate(client, p, [replaced], failures, stopAtFirst);
    }
  }

  private keyNames(group: WriteGroup): string[] {
    return group.shape.keyColumns.map((c) => c.name);
  }

  /** The columns a group writes, typed from their schemas or inferred from the group's values. */
  private needs(group: WriteGroup, ops: readonly RowOp[]): ColumnNeed[] {
    const columns: readonly RowColumn[] = [...group.shape.keyColumns, ...group.shape.valueColumns];
    const keyCount = group.shape.keyColumns.length;
    return columns.map((column, i) => {
      const isKey = i < keyCount;
      if (column.schema !== null) {
        const schema = column.schema;
        const sqlType = sqlTypeForSchema(schema);
        let defaultLiteral: string | null = null;
        if (schema.defaultValue !== undefined && schema.defaultValue !== null) {
          const text = encoderFor(schema, 'other', this.timestamps)(schema.defaultValue);
          if (text !== null) defaultLiteral = sqlLiteral(text, sqlType);
        }
        return { name: column.name, sqlType, nullable: !isKey && schema.optional, defaultLiteral };
      }
      let inferred: InferredType | null = null;
      for (const op of ops) inferred = mergeInferred(inferred, inferSqlType(op.values[i]));
      return { name: column.name, sqlType: inferred ?? 'text', nullable: !isKey, defaultLiteral: null };
    });
  }
}
