// Pull queries (SELECT without EMIT CHANGES): over a table, the rows of the running CTAS query's
// state store, read in this process; over a stream, the topic from the beginning to the end offsets
// seen at the start. Both give their rows as one or more batches and then end.

import { randomBytes } from 'node:crypto';
import type { Log } from '../log/index.js';
import {
  type AggregateStep,
  type MaterializeStep,
  outputColumns,
  type PhysicalPlan,
  PlanningError,
  type ProjectStep,
  type PullTable,
  planPhysical,
  planStreamPull,
  planTablePull,
  rebindTablePullKeys,
  rebindTablePullLiterals,
  type TablePullPlan,
  type TableSourceStep,
  validatePullQuery,
} from '../planner/index.js';
import {
  AggregateReader,
  type AggregateRow,
  FilterOperator,
  type JoinedTableRow,
  joinedTableRows,
  type Operator,
  type OperatorContext,
  type ProcessingLog,
  ProjectOperator,
  type PushBatch,
  type RowBatch,
  runStreamPull,
  type StateStores,
  streamEndOffsets,
  TableSourceOperator,
  type WindowLimits,
} from '../runtime/index.js';
import type { SchemaRegistryClient } from '../serde/index.js';
import { type Expression, type Query, spanOf, transformExpression, visitExpression } from '../sql/index.js';
import { formatType, type SqlType, type SqlValue } from '../types/index.js';
import { answerToken, decodeConsistencyToken } from './consistency-token.js';
import type { DataSource } from './data-source.js';
import { StatementError } from './errors.js';
import type { MetaStore } from './metastore.js';
import { pullShapeOf, type ShapeLiteral } from './pull-shape.js';
import type { QueryRegistry, RegisteredQuery } from './query-registry.js';
import { withSchemaRegistry } from './query-statements.js';
import { aggregateOperatorSpec, aggregateStepOf, buildTopology } from './topology.js';

export interface PullQueryContext {
  readonly log: Log;
  readonly metastore: MetaStore;
  readonly queries: QueryRegistry;
  readonly processingLog: ProcessingLog;
  /** ksql.query.pull.table.scan.enabled as the request has it. */
  readonly tableScanEnabled: boolean;
  /** ksql.query.pull.stream.enabled as the request has it. */
  readonly streamPullEnabled: boolean;
  /** Where AVRO records of a stream find their writer schemas. */
  readonly schemaRegistry?: SchemaRegistryClient;
  /**
   * The request's consistency token ("" for none yet), when ksql.query.pull.consistency.token.enabled
   * and the request sent one: a table's answer then waits for nothing but is refused when its state
   * is behind the token, and ends with a new token (`PullQuery.consistencyToken`).
   */
  readonly consistencyToken?: string;
}

/** A pull query ready to stream: its columns, then its rows; it ends by itself. */
export interface PullQuery {
  readonly queryId: string;
  readonly columnNames: readonly string[];
  readonly columnTypes: readonly string[];
  readonly types: readonly SqlType[];
  /** Which columns ksqlDB's /query header marks KEY (a table's key columns selected as they are). */
  readonly keyColumns: readonly boolean[];
  /** Over a table: the answer is the table's rows now, with no final message; over a stream: like a push query's. */
  readonly overTable: boolean;
  readonly limit: number | undefined;
  readonly rows: AsyncGenerator<PushBatch>;
  /**
   * A table key lookup's batches, read at once without awaiting (the writer of a short answer takes
   * them instead of `rows`, never both); absent for scans and streams, which may be long.
   */
  readonly batchesNow?: () => Iterable<PushBatch>;
  /** A table's answer to a request that sent a consistency token: the token to send next time. */
  readonly consistencyToken?: string;
  close(): void;
}

const CLOSED = new Error('The pull query was closed.');

/** How many rows one batch of a table's answer holds, so a large scan is written as it is read. */
const ROWS_PER_BATCH = 1000;

function planned<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof PlanningError) throw new StatementError(err.message);
    throw err;
  }
}

/** ksqlDB's message for a table without a materialization a pull query could read. */
function notQueryable(name: string): StatementError {
  return new StatementError(
    `The \`${name}\` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE QUERYABLE_${name} AS SELECT * FROM ${name}'. See https://cnfl.io/queries for more info.`,
  );
}

/** The steps a table's rows go through after its materialization (HAVING or WHERE, projection), bottom-up. */
function stepsAfter(plan: PhysicalPlan, materialization: PhysicalPlan): PhysicalPlan[] {
  const steps: PhysicalPlan[] = [];
  for (let node = plan; node !== materialization; node = node.input) {
    if (node.kind === 'sourceScan') return [];
    steps.unshift(node);
  }
  return steps;
}

/**
 * The step whose store holds a query's table: its GROUP BY, its joined table's materialization, else
 * its table source's materialization.
 */
function materializationStep(
  plan: PhysicalPlan,
): AggregateStep | TableSourceStep | MaterializeStep | 'join' | undefined {
  let tableSource: TableSourceStep | undefined;
  for (let node: PhysicalPlan = plan; node.kind !== 'sourceScan'; node = node.input) {
    if (node.kind === 'aggregate' || node.kind === 'materialize') return node;
    // A join not materialized (a query started before joined tables were) has each side's rows only.
    if (node.kind === 'join') return 'join';
    if (node.kind === 'tableSource') tableSource ??= node;
  }
  return tableSource;
}

/** A joined table's store (`Join-Materialize`): joined rows with their time, by the join's key. */
function joinedRows(step: MaterializeStep, stores: StateStores): StoreRows {
  const rows = joinedTableRows(stores, step);
  const read = (r: JoinedTableRow): AggregateRow => ({ row: r.r, timestamp: r.t });
  return {
    lookup: (keyValues) => {
      const found = rows.lookup(keyValues);
      return found === undefined ? [] : [read(found)];
    },
    scan: function* () {
      for (const r of rows.all()) yield read(r);
    },
  };
}

/** How rows are read from a materialization: by key (window limits aside), or all in key order. */
interface StoreRows {
  lookup(keyValues: readonly SqlValue[], limits: WindowLimits): AggregateRow[];
  scan(limits: WindowLimits): Iterable<AggregateRow>;
}

/**
 * A table source's store (`KsqlTopic-Reduce`): source rows with their pseudo columns, by source key
 * (and window, with its bounds after the pseudo columns, for a windowed source).
 */
function tableSourceRows(source: DataSource, stores: StateStores, context: OperatorContext): StoreRows {
  const reduce = new TableSourceOperator(source, { ...context, stores });
  const rowtime = source.columns.length;
  const read = (row: SqlValue[]): AggregateRow => ({ row, timestamp: Number(row[rowtime] ?? 0) });
  if (source.windowInfo !== undefined)
    return {
      lookup: (keyValues, limits) => reduce.windowsOf(keyValues, limits).map(read),
      scan: function* (limits) {
        for (const row of reduce.scan(limits)) yield read(row);
      },
    };
  return {
    lookup: (keyValues) => {
      const row = reduce.rowOf(keyValues);
      return row === undefined ? [] : [read(row)];
    },
    scan: function* () {
      for (const row of reduce.scan()) yield read(row);
    },
  };
}

/** How many columns a GROUP BY's rows have: its GROUP BY values, each call's result, then window bounds. */
function aggregateWidth(step: AggregateStep): number {
  return step.groupBy.length + step.calls.length + (step.window === undefined ? 0 : 2);
}

/**
 * Whether a projection gives each row of `width` columns as it is: every column of the row in order,
 * each a plain column reference (a CTAS selecting its GROUP BY and aggregate columns in order, its
 * window bounds riding after). Such a step is skipped when reading the table: it computes nothing.
 */
function keepsRows(step: ProjectStep, width: number | undefined): boolean {
  if (width === undefined || step.projections.length !== width) return false;
  const { columns } = step;
  if (columns.length !== width && columns.length + 2 !== width) return false;
  // The two after the columns (window bounds) read the row's own bounds, right after the columns.
  return columns.every(
    (c, i) => c.expression.tree.ast.kind === 'column' && c.expression.tree.column?.index === i,
  );
}

/**
 * What reads a materialized table: the store of the query that keeps it (a GROUP BY's aggregates, or
 * a table source's rows), then that query's own steps after it (HAVING or WHERE, projection), giving
 * the table's rows as the query's projection lays them out (then window bounds), with each ROWTIME.
 */
class MaterializedTable {
  readonly reader: StoreRows;
  /** The columns of the rows `rows` gives, by name, in order. */
  readonly columnNames: readonly string[];
  readonly #operators: Operator[];

  constructor(
    registered: RegisteredQuery,
    table: DataSource,
    metastore: MetaStore,
    processingLog: ProcessingLog,
  ) {
    const physical = planPhysical(registered.plan);
    const step = materializationStep(physical);
    const stores = registered.query.stateStores();
    if (step === undefined) throw notQueryable(table.name);
    if (step === 'join') {
      throw new StatementError(
        `Pull queries on \`${table.name}\` are not supported: its query ${registered.id} was started by an earlier version of Sluice that kept no joined table's rows. Recreate the table (DROP TABLE, then CREATE TABLE … AS SELECT …) or use a push query (EMIT CHANGES).`,
      );
    }
    if (stores === undefined) {
      throw new StatementError(
        `The \`${table.name}\` table can't be queried now: its query ${registered.id} is ${registered.query.state} and its state stores are not open. Try again once it runs (SHOW QUERIES;).`,
      );
    }
    const context: OperatorContext = { queryId: registered.id, processingLog, countFailure: () => {} };
    if (step.kind === 'aggregate') {
      this.reader = new AggregateReader(stores, aggregateOperatorSpec(step, table.keyFormat));
    } else if (step.kind === 'materialize') {
      this.reader = joinedRows(step, stores);
    } else {
      const source = metastore.get(step.input.source.name);
      if (source === undefined) throw notQueryable(table.name);
      this.reader = tableSourceRows(source, stores, context);
    }
    this.columnNames = outputColumns(registered.plan).map((c) => c.name);
    const width = step.kind === 'aggregate' ? aggregateWidth(step) : undefined;
    this.#operators = stepsAfter(physical, step).flatMap((s): Operator[] => {
      if (s.kind === 'filter') return [new FilterOperator(s, context)];
      if (s.kind === 'project' && !keepsRows(s, width)) return [new ProjectOperator(s, context)];
      return [];
    });
  }

  /** The table's rows for these store rows (rows its HAVING or WHERE removes are left out). */
  rows(read: readonly AggregateRow[]): { rows: SqlValue[][]; timestamps: number[] } {
    if (this.#operators.length === 0) {
      const rows = new Array<SqlValue[]>(read.length);
      const timestamps = new Array<number>(read.length);
      for (let i = 0; i < read.length; i++) {
        rows[i] = read[i].row;
        timestamps[i] = read[i].timestamp;
      }
      return { rows, timestamps };
    }
    let batch: RowBatch = {
      rows: read.map((r) => r.row),
      deletes: read.map(() => false),
      timestamps: read.map((r) => r.timestamp),
      origins: read.map((_, i) => i),
      records: [],
      partition: 0,
    };
    for (const operator of this.#operators) batch = operator.process(batch);
    const rows: SqlValue[][] = [];
    const timestamps: number[] = [];
    batch.rows.forEach((row, i) => {
      if (batch.deletes[i]) return;
      rows.push(row);
      timestamps.push(batch.timestamps[i]);
    });
    return { rows, timestamps };
  }
}

/** Whether a table is windowed (a windowed aggregate's, or a windowed source's), and which kind. */
function windowOf(registered: RegisteredQuery, table: DataSource): 'TIME' | 'SESSION' | undefined {
  if (table.windowInfo !== undefined) return table.windowInfo.type === 'SESSION' ? 'SESSION' : 'TIME';
  const physical = planPhysical(registered.plan);
  const w = aggregateStepOf(physical)?.window;
  if (w === undefined) return undefined;
  return w.kind === 'sessionWindow' ? 'SESSION' : 'TIME';
}

interface Materialization {
  readonly table: DataSource;
  readonly stores: unknown;
  readonly window: 'TIME' | 'SESSION' | undefined;
  readonly materialized: MaterializedTable;
}

/** Each running CTAS's materialization, built once for as long as its table and stores are the same. */
const materializations = new WeakMap<RegisteredQuery, Materialization>();

function materialization(
  registered: RegisteredQuery,
  table: DataSource,
  metastore: MetaStore,
  processingLog: ProcessingLog,
): Materialization {
  const known = materializations.get(registered);
  const stores = registered.query.stateStores();
  if (known !== undefined && known.table === table && known.stores === stores) return known;
  const built = {
    table,
    stores,
    window: windowOf(registered, table),
    materialized: new MaterializedTable(registered, table, metastore, processingLog),
  };
  materializations.set(registered, built);
  return built;
}

/** Where each column of a table's materialized rows goes in a pull query's row. */
interface PullRowLayout {
  /** Column i of the materialized rows → its slot in the pull query's row (-1: not there). */
  readonly slots: readonly number[];
  /** The slots of WINDOWSTART and WINDOWEND, which ride after the columns; none when not windowed. */
  readonly bounds: readonly number[];
  readonly rowtime: number;
  readonly width: number;
}

/** The layout of a plan's rows (keys, window bounds, values, pseudo columns): the same for every re-binding. */
function pullRowLayout(
  scope: TablePullPlan['scope'],
  materialized: MaterializedTable,
  windowed: boolean,
): PullRowLayout {
  return {
    slots: materialized.columnNames.map((name) => scope.resolve(name)?.index ?? -1),
    bounds: windowed ? [scope.resolve('WINDOWSTART')!.index, scope.resolve('WINDOWEND')!.index] : [],
    rowtime: scope.resolve('ROWTIME')!.index,
    width: scope.width,
  };
}

/** Reads the rows a table pull plan asks for, in batches, through its filter, projection and limit. */
async function* tableRows(
  plan: TablePullPlan,
  materialized: MaterializedTable,
  layout: PullRowLayout,
  stop: { readonly closed: boolean },
): AsyncGenerator<PushBatch> {
  yield* tableBatches(plan, materialized, layout, stop);
}

/**
 * Turns a table's store rows into a pull query's rows: the table's own steps, then the plan's filter,
 * projection and limit (counted across calls).
 */
class PullRows {
  remaining: number;
  readonly #plan: TablePullPlan;
  readonly #materialized: MaterializedTable;
  readonly #layout: PullRowLayout;

  constructor(plan: TablePullPlan, materialized: MaterializedTable, layout: PullRowLayout) {
    this.#plan = plan;
    this.#materialized = materialized;
    this.#layout = layout;
    this.remaining = plan.limit ?? Number.POSITIVE_INFINITY;
  }

  /** The row in the plan's layout (keys, window bounds, values, pseudo columns). */
  #pullRow(row: readonly SqlValue[], timestamp: number): SqlValue[] {
    const { slots, bounds, rowtime, width } = this.#layout;
    const valueCount = slots.length;
    const out = new Array<SqlValue>(width).fill(null);
    for (let i = 0; i < valueCount; i++) if (slots[i] >= 0) out[slots[i]] = row[i];
    for (let b = 0; b < bounds.length; b++) out[bounds[b]] = row[valueCount + b];
    out[rowtime] = BigInt(timestamp);
    return out;
  }

  emit(read: readonly AggregateRow[]): SqlValue[][] {
    const { rows, timestamps } = this.#materialized.rows(read);
    const { filter, columns } = this.#plan;
    const out: SqlValue[][] = [];
    for (let i = 0; i < rows.length && this.remaining > 0; i++) {
      const row = this.#pullRow(rows[i], timestamps[i]);
      if (filter !== undefined && filter.evaluate(row) !== true) continue;
      const values = new Array<SqlValue>(columns.length);
      for (let c = 0; c < columns.length; c++) values[c] = columns[c].evaluate(row);
      out.push(values);
      this.remaining--;
    }
    return out;
  }
}

/** The batches of `tableRows`, read synchronously (the stores are in this process). */
function* tableBatches(
  plan: TablePullPlan,
  materialized: MaterializedTable,
  layout: PullRowLayout,
  /** Set when the client goes away: reading stops. */
  stop: { readonly closed: boolean },
): Generator<PushBatch> {
  const made = new PullRows(plan, materialized, layout);
  let pending: AggregateRow[] = [];
  const source: Iterable<AggregateRow> =
    plan.access.kind === 'lookup'
      ? lookups(materialized.reader, plan.access.keys, plan.windows)
      : materialized.reader.scan(plan.windows);
  for (const r of source) {
    if (made.remaining <= 0 || stop.closed) return;
    pending.push(r);
    if (pending.length < ROWS_PER_BATCH) continue;
    const rows = made.emit(pending);
    pending = [];
    if (rows.length > 0) yield { rows, tombstones: undefined };
  }
  if (pending.length > 0 && made.remaining > 0) {
    const rows = made.emit(pending);
    if (rows.length > 0) yield { rows, tombstones: undefined };
  }
}

/**
 * A key lookup's batches, read at once into an array: the batches `tableBatches` gives for it,
 * without a generator per key and per answer.
 */
function lookupBatches(
  plan: TablePullPlan,
  keys: readonly (readonly SqlValue[])[],
  materialized: MaterializedTable,
  layout: PullRowLayout,
): PushBatch[] {
  const made = new PullRows(plan, materialized, layout);
  const batches: PushBatch[] = [];
  let pending: AggregateRow[] = [];
  for (const key of keys) {
    for (const r of materialized.reader.lookup(key, plan.windows)) {
      if (made.remaining <= 0) return batches;
      pending.push(r);
      if (pending.length < ROWS_PER_BATCH) continue;
      const rows = made.emit(pending);
      pending = [];
      if (rows.length > 0) batches.push({ rows, tombstones: undefined });
    }
  }
  if (pending.length > 0 && made.remaining > 0) {
    const rows = made.emit(pending);
    if (rows.length > 0) batches.push({ rows, tombstones: undefined });
  }
  return batches;
}

function* lookups(
  reader: StoreRows,
  keys: readonly (readonly SqlValue[])[],
  windows: TablePullPlan['windows'],
): Generator<AggregateRow> {
  for (const key of keys) yield* reader.lookup(key, windows);
}

/**
 * A planned pull query: opened once per request. Planning (and finding the table's materialization)
 * is done once for a statement text, as a prepared statement, while what it was planned against lasts.
 */
export interface PreparedPull {
  /** False once the source, or the query materializing a table, is no longer the one planned against. */
  valid(ctx: PullQueryContext): boolean;
  open(ctx: PullQueryContext): Promise<PullQuery>;
  /** The same as `open`, at once: for a table's pull query, which reads stores in this process. */
  readonly openNow?: (ctx: PullQueryContext) => PullQuery;
  /** A key lookup's key literals, which `rebind` may change (its WHERE with others in their place). */
  readonly keys?: {
    readonly where: Expression;
    readonly literals: ReadonlySet<Expression>;
    /** The same lookup for a WHERE with other key literals; undefined when it is not the same lookup. */
    rebind(where: Expression, ctx: PullQueryContext): PreparedPull | undefined;
    /**
     * The same one-key lookup with other literals in the key's place (planned literal → new one),
     * without walking the WHERE; undefined when the plan's keys are not that simple.
     */
    rebindLiterals(changed: ReadonlyMap<Expression, Expression>): PreparedPull | undefined;
  };
}

/** A pull query over a table materialized by a CREATE TABLE … AS SELECT … GROUP BY. */
function prepareTablePull(
  ctx: PullQueryContext,
  query: Query,
  table: DataSource,
  customTypes: ReadonlyMap<string, SqlType>,
): PreparedPull {
  // A CTAS's table names its query; a SOURCE table's materializing query (CST_…) writes it.
  const registered =
    table.createdByQuery === undefined
      ? ctx.queries.writing(table.name).find((q) => q.createAs)
      : ctx.queries.get(table.createdByQuery);
  if (registered === undefined) throw notQueryable(table.name);
  const { window, materialized, stores } = materialization(
    registered,
    table,
    ctx.metastore,
    ctx.processingLog,
  );
  const pullTable: PullTable = { kind: 'TABLE', name: table.name, columns: table.columns, window };
  const first = planned(() =>
    planTablePull(query, pullTable, { tableScanEnabled: ctx.tableScanEnabled }, customTypes),
  );
  const columnNames = first.columns.map((c) => c.name);
  const columnTypes = first.columns.map((c) => formatType(c.type));
  const types = first.columns.map((c) => c.type);
  const keyColumns = first.columns.map((c) => c.key);
  const valid = (now: PullQueryContext) =>
    now.metastore.get(table.name) === table &&
    now.queries.get(registered.id) === registered &&
    registered.query.stateStores() === stores;
  const where = query.where;
  const layout = pullRowLayout(first.scope, materialized, window !== undefined);
  const prepared = (plan: TablePullPlan): PreparedPull => {
    const keys = plan.access.kind === 'lookup' ? plan.access.keys : undefined;
    const openNow = (now: PullQueryContext): PullQuery => {
      const closed = { closed: false };
      // Taken before the rows are read: the state read may be newer than the token, never older.
      const token =
        now.consistencyToken === undefined
          ? undefined
          : answerToken(
              table.name,
              decodeConsistencyToken(now.consistencyToken),
              [registered.query.spec.source.topic, ...(registered.query.spec.topics ?? [])],
              registered.query.processedOffsets(),
            );
      return {
        // ksqlDB names pull queries query_<epoch ms>.
        queryId: `query_${Date.now()}`,
        ...(token === undefined ? {} : { consistencyToken: token }),
        columnNames,
        columnTypes,
        types,
        keyColumns,
        overTable: true,
        limit: plan.limit,
        rows: tableRows(plan, materialized, layout, closed),
        ...(keys === undefined ? {} : { batchesNow: () => lookupBatches(plan, keys, materialized, layout) }),
        close: () => {
          closed.closed = true;
        },
      };
    };
    return {
      valid,
      keys:
        plan.access.kind === 'lookup' && where !== undefined
          ? {
              where,
              literals: plan.keyLiterals,
              rebind: (other, now) => {
                const options = { tableScanEnabled: now.tableScanEnabled };
                const bound = planned(() =>
                  rebindTablePullKeys(plan, other, pullTable, options, customTypes),
                );
                return bound === undefined ? undefined : prepared(bound);
              },
              rebindLiterals: (changed) => {
                const bound = planned(() => rebindTablePullLiterals(plan, changed, customTypes));
                return bound === undefined ? undefined : prepared(bound);
              },
            }
          : undefined,
      openNow,
      open: async (now) => openNow(now),
    };
  };
  return prepared(first);
}

/** A pull query over a stream: its topic from the beginning to the end offsets seen when opened. */
function prepareStreamPull(
  query: Query,
  stream: DataSource,
  customTypes: ReadonlyMap<string, SqlType>,
): PreparedPull {
  const plan = planned(() => planStreamPull(query, stream, customTypes));
  const physical = planned(() => planPhysical(plan.plan));
  const columns = plan.plan.input.kind === 'project' ? plan.plan.input.columns : [];
  return {
    valid: (now) => now.metastore.get(stream.name) === stream,
    open: async (ctx) => {
      if (!(await ctx.log.hasTopic(stream.topic))) {
        throw new StatementError(
          `Topic '${stream.topic}' of ${stream.name} does not exist (it was deleted). Create it again (sluice topic create ${stream.topic}) or DROP STREAM ${stream.name}.`,
        );
      }
      const queryId = `transient_${stream.name}_${randomBytes(8).readBigUInt64BE().toString()}`;
      const ends = await streamEndOffsets(ctx.log, stream.topic);
      const stopper = new AbortController();
      return {
        queryId,
        columnNames: columns.map((c) => c.name),
        columnTypes: columns.map((c) => formatType(c.type)),
        types: columns.map((c) => c.type),
        keyColumns: columns.map(() => false),
        overTable: false,
        limit: plan.limit,
        rows: runStreamPull(
          ctx.log,
          ctx.processingLog,
          {
            id: queryId,
            source: withSchemaRegistry(stream, ctx.schemaRegistry),
            build: (context) =>
              buildTopology(physical, withSchemaRegistry(stream, ctx.schemaRegistry), context),
            limit: plan.limit,
            ends,
          },
          stopper.signal,
        ),
        // With a reason of its own: abort() without one builds a DOMException each time.
        close: () => stopper.abort(CLOSED),
      };
    },
  };
}

/** Plans a pull query; throws StatementError with ksqlDB's message for what cannot be pulled. */
export function preparePullQuery(ctx: PullQueryContext, query: Query): PreparedPull {
  planned(() => validatePullQuery(query));
  const name = query.from.kind === 'source' ? query.from.name : '';
  const source = ctx.metastore.get(name);
  if (source === undefined) {
    throw new StatementError(`${name} does not exist. Check the name with SHOW STREAMS; or SHOW TABLES;.`);
  }
  const types = ctx.metastore.types;
  if (source.kind === 'STREAM') {
    if (!ctx.streamPullEnabled) {
      throw new StatementError(
        "Pull queries on streams are disabled. To create a push query on the stream, add EMIT CHANGES to the end. To enable pull queries on streams, set the ksql.query.pull.stream.enabled config to 'true'.",
      );
    }
    return prepareStreamPull(query, source, types);
  }
  return prepareTablePull(ctx, query, source, types);
}

/** What the cache holds for one shape: the query prepared for the literals it was first asked with. */
interface ShapeEntry<S> {
  readonly prepared: PreparedPull;
  readonly statement: S;
  readonly literals: readonly ShapeLiteral[];
  /** For each literal, the key literal node of the prepared query's WHERE it is, if it is one. */
  readonly keyNodes: readonly (Expression | undefined)[];
  /** The text around the statement (whitespace before, `;` and whitespace after), in characters. */
  readonly lead: number;
  readonly tail: number;
}

/** A cached pull query opened for one request: what to open, and the request's statement text. */
export interface PullCacheHit<S> {
  readonly prepared: PreparedPull;
  readonly statement: S;
  /** The statement's text as this request wrote it (its literals, not the cached one's). */
  readonly text: string;
}

/** Literal nodes of a WHERE by where their text starts in the statement. */
function literalsByStart(where: Expression): Map<number, Expression> {
  const out = new Map<number, Expression>();
  visitExpression(where, (n) => {
    if (n.kind !== 'string' && n.kind !== 'number') return;
    const span = spanOf(n);
    if (span !== undefined) out.set(span.start, n);
  });
  return out;
}

/**
 * Prepared pull queries by shape (the statement text with its string and integer literals taken out,
 * and the scan and stream settings), the most recent few hundred. A request whose literals differ from the cached
 * ones only in a key lookup's keys re-binds those keys (type-checked again) instead of parsing and
 * planning; one that differs anywhere else misses, and is planned and cached as itself.
 */
export class PreparedPullQueries {
  readonly #entries = new Map<string, ShapeEntry<unknown>>();
  readonly #capacity: number;
  /** Requests answered from the cache: with the cached literals, and with other keys re-bound. */
  readonly #counts = { same: 0, rebound: 0 };

  constructor(capacity = 500) {
    this.#capacity = capacity;
  }

  #keyOf(sql: string, ctx: PullQueryContext): { key: string; literals: readonly ShapeLiteral[] } {
    const shape = pullShapeOf(sql);
    const key = shape === undefined ? `t\u0000${sql}` : `s\u0000${shape.key}`;
    const settings = `${ctx.tableScanEnabled}\u0000${ctx.streamPullEnabled}`;
    return { key: `${settings}\u0000${key}`, literals: shape?.literals ?? [] };
  }

  get<S>(sql: string, ctx: PullQueryContext): PullCacheHit<S> | undefined {
    const { key, literals } = this.#keyOf(sql, ctx);
    const entry = this.#entries.get(key) as ShapeEntry<S> | undefined;
    if (entry === undefined) return undefined;
    if (!entry.prepared.valid(ctx)) {
      this.#entries.delete(key);
      return undefined;
    }
    const text = sql.slice(entry.lead, sql.length - entry.tail);
    const changed = new Map<Expression, Expression>();
    for (let i = 0; i < literals.length; i++) {
      const now = literals[i];
      if (now.value === entry.literals[i].value) continue;
      const node = entry.keyNodes[i];
      if (node === undefined) return undefined; // a literal other than a key changed: plan it anew
      changed.set(
        node,
        now.kind === 'string' ? { kind: 'string', value: now.value } : { kind: 'number', text: now.value },
      );
    }
    if (changed.size === 0) {
      this.#counts.same++;
      return { prepared: entry.prepared, statement: entry.statement, text };
    }
    const keys = entry.prepared.keys;
    if (keys === undefined) return undefined;
    try {
      const direct = keys.rebindLiterals(changed);
      if (direct !== undefined) {
        this.#counts.rebound++;
        return { prepared: direct, statement: entry.statement, text };
      }
    } catch {
      return undefined; // a key of the wrong type: planned as written, for the error with its position
    }
    let replaced = 0;
    const where = transformExpression(keys.where, undefined, (n) => {
      const other = changed.get(n);
      if (other === undefined) return n;
      replaced++;
      return other;
    });
    if (replaced !== changed.size) return undefined;
    try {
      const prepared = keys.rebind(where, ctx);
      if (prepared === undefined) return undefined;
      this.#counts.rebound++;
      return { prepared, statement: entry.statement, text };
    } catch {
      // A key of the wrong type (or NULL): planning the text as written gives the error with its position.
      return undefined;
    }
  }

  /** How many requests were answered from the cache (for tests and metrics). */
  counts(): { readonly same: number; readonly rebound: number } {
    return { ...this.#counts };
  }

  /** Caches what `sql` (one statement, `statementText` its text as parsed) was prepared as. */
  set(
    sql: string,
    statementText: string,
    ctx: PullQueryContext,
    prepared: PreparedPull,
    statement: unknown,
  ): void {
    const { key, literals } = this.#keyOf(sql, ctx);
    const lead = sql.length - sql.trimStart().length;
    if (sql.slice(lead, lead + statementText.length) !== statementText) return;
    const byStart =
      prepared.keys === undefined ? new Map<number, Expression>() : literalsByStart(prepared.keys.where);
    const keyLiterals = prepared.keys?.literals;
    const keyNodes = literals.map((l) => {
      const node = byStart.get(l.start - lead);
      return node !== undefined && keyLiterals?.has(node) ? node : undefined;
    });
    if (this.#entries.size >= this.#capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    const tail = sql.length - lead - statementText.length;
    this.#entries.set(key, { prepared, statement, literals, keyNodes, lead, tail });
  }
}
