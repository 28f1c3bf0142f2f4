import type pg from 'pg';
import {
  DataException,
  type SourceOffset,
  type SourcePartition,
  type SourceRecord,
  sourceRecord,
} from '../../connect/api/index.js';
import { quoteIdent } from '../postgres/connection.js';
import { type EpochNanos, formatInstant, instantFromMillis, parseInstant } from './instants.js';
import type { JdbcSourceSettings } from './jdbc-source-config.js';
import { type IncrementalPosition, offsetFromPosition } from './offsets.js';
import {
  compileRowMapper,
  fieldsSignature,
  notNullColumns,
  type ResultField,
  type RowMapper,
} from './row-mapper.js';

// What reads one table (or the custom query): a page of at most batch.max.rows per call. Bulk
// streams the whole table through a cursor in one snapshot; the incremental modes page with
// strict > comparisons on the offset columns in ORDER BY order, as Confluent's WHERE clauses.

/** One table or the custom query, and where its records go. */
export interface QuerySource {
  /** `SELECT * FROM "schema"."table"`, or the custom query. */
  readonly sql: string;
  readonly topic: string;
  readonly partition: SourcePartition;
  /** The struct's name (the table's); none for a custom query. */
  readonly schemaName: string | undefined;
  /** For messages: the table's qualified name, or "the custom query". */
  readonly label: string;
}

export interface Page {
  readonly records: SourceRecord[];
  /** More rows may follow at once (the page was full): the task keeps reading this source. */
  readonly more: boolean;
}

type Row = (string | null)[];

const EMPTY_OFFSET: SourceOffset = Object.freeze({});

/** PostgreSQL refuses a prepared statement whose result columns changed (ALTER TABLE). */
export function isPlanInvalidated(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return e?.code === '0A000' && /cached plan must not change result type/.test(String(e.message));
}

export abstract class Querier {
  /** When this source is next due (epoch ms); sources in the middle of a read are always due. */
  nextPollAt = 0;
  readonly source: QuerySource;
  protected readonly settings: JdbcSourceSettings;
  private mapper: RowMapper | undefined;
  private signature = '';
  /** Nullability is read again each round, as Confluent reads result metadata each query. */
  private mapperCurrent = false;
  private ahead: Promise<pg.QueryResult<Row>> | null = null;

  constructor(source: QuerySource, settings: JdbcSourceSettings) {
    this.source = source;
    this.settings = settings;
  }

  abstract nextPage(client: pg.Client, limit: number): Promise<Page>;

  /** Forgets a read in progress (after an error); the next page starts a new round. */
  abandon(): void {
    this.ahead = null;
  }

  /** Prepares its statements anew: a table's columns changed under a prepared SELECT *. */
  replan(): void {}

  /**
   * Sends the next page's query before this page is converted and written, so the database works
   * meanwhile (a connection runs its queries in order). Its failure surfaces when it is taken.
   */
  protected sendAhead(query: Promise<pg.QueryResult<Row>>): void {
    query.catch(() => {});
    this.ahead = query;
  }

  protected takeAhead(): Promise<pg.QueryResult<Row>> | null {
    const query = this.ahead;
    this.ahead = null;
    return query;
  }

  /** Done until `now + poll.interval.ms`. */
  finishRound(now: number): void {
    this.nextPollAt = now + this.settings.pollIntervalMs;
    this.mapperCurrent = false;
  }

  protected async rowMapper(client: pg.Client, fields: readonly ResultField[]): Promise<RowMapper> {
    const signature = fieldsSignature(fields);
    if (this.mapper !== undefined && this.mapperCurrent && signature === this.signature) return this.mapper;
    const tables = [...new Set(fields.map((f) => f.tableID).filter((id) => id !== 0))];
    const notNull = await notNullColumns(client, tables);
    this.mapper = compileRowMapper(fields, {
      notNull: (t, c) => notNull.has(`${t}:${c}`),
      numericMapping: this.settings.numericMapping,
      timeZone: this.settings.timeZone,
      schemaName: this.source.schemaName,
    });
    this.signature = signature;
    this.mapperCurrent = true;
    return this.mapper;
  }

  protected record(mapper: RowMapper, row: Row, offset: SourceOffset): SourceRecord {
    const value = mapper.toStruct(row);
    return sourceRecord({
      topic: this.source.topic,
      sourcePartition: this.source.partition,
      sourceOffset: offset,
      valueSchema: mapper.schema,
      value,
    });
  }
}

/** Every row, every poll interval, through a cursor so one round is one consistent snapshot. */
export class BulkQuerier extends Querier {
  private open = false;

  async nextPage(client: pg.Client, limit: number): Promise<Page> {
    let fetched = this.takeAhead();
    if (fetched === null) {
      if (!this.open) {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        this.open = true;
        await client.query(`DECLARE sluice_bulk NO SCROLL CURSOR FOR ${this.source.sql}`);
      }
      fetched = this.fetch(client, limit);
    }
    const r = await fetched;
    const more = r.rows.length === limit;
    if (!more) {
      this.open = false;
      await client.query('COMMIT');
    }
    if (r.rows.length === 0) return { records: [], more };
    const mapper = await this.rowMapper(client, r.fields);
    if (more) this.sendAhead(this.fetch(client, limit));
    return { records: r.rows.map((row) => this.record(mapper, row, EMPTY_OFFSET)), more };
  }

  private fetch(client: pg.Client, limit: number) {
    // The count is a validated integer: FETCH takes no parameters.
    return client.query<Row>({ text: `FETCH FORWARD ${limit} FROM sluice_bulk`, rowMode: 'array' });
  }

  override abandon(): void {
    super.abandon();
    this.open = false;
  }
}

/** The incremental modes: rows after the last position, in position order. */
export class IncrementalQuerier extends Querier {
  private position: IncrementalPosition;
  private readonly timestampColumns: readonly string[];
  private readonly incrementingColumn: string | null;
  private readonly statementPrefix: string;
  private statementGeneration = 0;
  private columnsFor = '';
  private timestampIndexes: number[] = [];
  private incrementingIndex = -1;

  constructor(source: QuerySource, settings: JdbcSourceSettings, stored: IncrementalPosition, id: number) {
    super(source, settings);
    const usesTimestamp = settings.mode === 'timestamp' || settings.mode === 'timestamp+incrementing';
    const usesIncrementing = settings.mode === 'incrementing' || settings.mode === 'timestamp+incrementing';
    this.timestampColumns = usesTimestamp ? settings.timestampColumns : [];
    this.incrementingColumn = usesIncrementing ? settings.incrementingColumn : null;
    this.position = {
      timestamp: usesTimestamp ? stored.timestamp : null,
      // Confluent starts incrementing columns after -1.
      incrementing: usesIncrementing ? (stored.incrementing ?? -1n) : null,
    };
    this.statementPrefix = `sluice_jdbc_src_${id}`;
  }

  override replan(): void {
    this.statementGeneration++;
  }

  /** The timestamp expression: the column, or COALESCE of the columns in the order given. */
  private timestampExpression(): string {
    const quoted = this.timestampColumns.map(quoteIdent);
    return quoted.length === 1 ? quoted[0] : `COALESCE(${quoted.join(', ')})`;
  }

  /** Where a timestamp mode starts without an offset: timestamp.initial, or the epoch. */
  private async beginTimestamp(client: pg.Client): Promise<EpochNanos> {
    if (this.position.timestamp !== null) return this.position.timestamp;
    const initial = this.settings.timestampInitialMs;
    let begin: EpochNanos;
    if (initial === -1) {
      const r = await client.query<[string]>({ text: 'SELECT now()::text', rowMode: 'array' });
      begin = parseInstant(r.rows[0][0], this.settings.timeZone);
    } else begin = instantFromMillis(initial ?? 0);
    this.position = { ...this.position, timestamp: begin };
    return begin;
  }

  async nextPage(client: pg.Client, limit: number): Promise<Page> {
    const result = await (this.takeAhead() ?? this.pageQuery(client, limit, this.position));
    const more = result.rows.length === limit;
    if (result.rows.length === 0) return { records: [], more };
    const mapper = await this.rowMapper(client, result.fields);
    this.locateColumns(result.fields);
    let rows = result.rows;
    if (more && this.settings.mode === 'timestamp') rows = await this.completeLastTimestamp(client, rows);
    else if (more) this.sendAhead(this.pageQuery(client, limit, this.positionOf(rows[rows.length - 1])));
    const records: SourceRecord[] = [];
    for (const row of rows) {
      this.position = this.positionOf(row);
      records.push(this.record(mapper, row, offsetFromPosition(this.position)));
    }
    return { records, more };
  }

  /** The incrementing column, quoted; only the incrementing modes, which require it, ask. */
  private quotedIncrementingColumn(): string {
    if (this.incrementingColumn === null)
      throw new Error(`${this.settings.mode} mode has no incrementing column`);
    return quoteIdent(this.incrementingColumn);
  }

  /** The page of rows after `after`, in offset order. */
  private async pageQuery(client: pg.Client, limit: number, after: IncrementalPosition) {
    const { mode, timestampDelayMs } = this.settings;
    const base = this.source.sql;
    const upper = (p: string) => `now() - (${p}::double precision * interval '1 millisecond')`;
    if (mode === 'incrementing') {
      const id = this.quotedIncrementingColumn();
      return this.query(client, 'inc', `${base} WHERE ${id} > $1 ORDER BY ${id} ASC LIMIT $2`, [
        String(after.incrementing),
        limit,
      ]);
    }
    const ts = this.timestampExpression();
    const begin = formatInstant(after.timestamp ?? (await this.beginTimestamp(client)));
    if (mode === 'timestamp') {
      return this.query(
        client,
        'ts',
        `${base} WHERE ${ts} > $1::timestamptz AND ${ts} < ${upper('$2')} ORDER BY ${ts} ASC LIMIT $3`,
        [begin, timestampDelayMs, limit],
      );
    }
    const id = this.quotedIncrementingColumn();
    return this.query(
      client,
      'tsinc',
      `${base} WHERE ${ts} < ${upper('$1')} AND ((${ts} = $2::timestamptz AND ${id} > $3) OR ${ts} > $2::timestamptz) ORDER BY ${ts}, ${id} ASC LIMIT $4`,
      [timestampDelayMs, begin, String(after.incrementing), limit],
    );
  }

  /**
   * A timestamp alone does not order rows totally: a page that ends inside a run of equal
   * timestamps would lose the rest of the run to the next page's strict >. So the run is read
   * whole, by equality, and replaces the page's part of it.
   */
  private async completeLastTimestamp(client: pg.Client, rows: Row[]): Promise<Row[]> {
    const last = this.timestampOf(rows[rows.length - 1]);
    if (last === null) return rows;
    const before = rows.filter((r) => {
      const t = this.timestampOf(r);
      return t !== null && t < last;
    });
    const ts = this.timestampExpression();
    const run = await this.query(
      client,
      'tsrun',
      `${this.source.sql} WHERE ${ts} = $1::timestamptz ORDER BY ${ts} ASC`,
      [formatInstant(last)],
    );
    return before.concat(run.rows);
  }

  private query(client: pg.Client, variant: string, text: string, values: unknown[]) {
    // Named, so each connection plans the statement once.
    const name = `${this.statementPrefix}_${this.statementGeneration}_${variant}`;
    return client.query<Row>({ name, text, values, rowMode: 'array' });
  }

  private locateColumns(fields: readonly ResultField[]): void {
    const signature = fields.map((f) => f.name).join('\u0000');
    if (signature === this.columnsFor) return;
    const names = fields.map((f) => f.name);
    const find = (column: string, what: string) => {
      const i = names.indexOf(column);
      if (i < 0)
        throw new DataException(
          `${what} column "${column}" is not among the columns of ${this.source.label}: ${names.join(', ')}`,
        );
      return i;
    };
    this.timestampIndexes = this.timestampColumns.map((c) => find(c, 'Timestamp'));
    this.incrementingIndex =
      this.incrementingColumn === null ? -1 : find(this.incrementingColumn, 'Incrementing');
    this.columnsFor = signature;
  }

  private timestampOf(row: Row): EpochNanos | null {
    for (const i of this.timestampIndexes) {
      const text = row[i];
      if (text !== null) return parseInstant(text, this.settings.timeZone);
    }
    return null;
  }

  private positionOf(row: Row): IncrementalPosition {
    let incrementing = this.position.incrementing;
    if (this.incrementingIndex >= 0) {
      const text = row[this.incrementingIndex];
      if (text === null)
        throw new DataException(
          `Null value for incrementing column "${this.incrementingColumn}" in ${this.source.label}`,
        );
      if (!/^-?\d+$/.test(text))
        throw new DataException(
          `Incrementing column "${this.incrementingColumn}" must hold integers (scale 0), got ${text}`,
        );
      incrementing = BigInt(text);
    }
    const timestamp =
      this.timestampIndexes.length > 0 ? (this.timestampOf(row) ?? this.position.timestamp) : null;
    return { timestamp, incrementing };
  }
}
