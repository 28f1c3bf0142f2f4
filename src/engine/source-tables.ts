// CREATE SOURCE TABLE: a read-only table that ksqlDB materializes with a hidden persistent query,
// CST_<NAME>_<n>, so pull queries can read its rows. The query reads the table's topic into its
// `KsqlTopic-Reduce` store (upserts, deletes, NULL keys dropped) and writes no topic.
import { planPhysical, planQuery, type SinkNode } from '../planner/index.js';
import {
  PersistentQuery,
  queryApplicationId,
  TABLE_SOURCE_STORE,
  type TopicOutput,
} from '../runtime/index.js';
import type { Query } from '../sql/index.js';
import type { DataSource } from './data-source.js';
import { type QueryContext, type QueryNumbering, withSchemaRegistry } from './query-statements.js';
import { buildTopology, topologyStoreSpecs } from './topology.js';

/** ksqlDB's id of a source table's materializing query (QueryIdUtil): `CST_<NAME>_<n>`. */
export function sourceTableQueryId(tableName: string, number: number): string {
  return `CST_${tableName.toUpperCase()}_${number}`;
}

/** Where a source table's rows are: its query's state stores (see StateStores), store `KsqlTopic-Reduce`. */
export interface SourceTableState {
  readonly queryId: string;
  readonly applicationId: string;
  readonly store: string;
}

/**
 * Starts (or, on replay, restarts) the query that materializes a `CREATE SOURCE TABLE`. It is
 * registered as writing the table, so DROP TABLE stops it with the table.
 */
export function materializeSourceTable(
  ctx: QueryContext,
  table: DataSource,
  text: string,
  numbering: QueryNumbering,
): SourceTableState {
  const id = sourceTableQueryId(table.name, numbering.number);
  const query: Query = {
    kind: 'query',
    select: [{ expression: { kind: 'allColumns' } }],
    from: { kind: 'source', name: table.name },
    emit: 'CHANGES',
  };
  const plan: SinkNode = planQuery(query, (name) => ctx.metastore.get(name), {
    kind: 'persistent',
    sinkName: table.name,
    materializesSource: true,
  });
  const physical = planPhysical(plan);
  const stores = topologyStoreSpecs(physical, table.keyFormat);
  const applicationId = queryApplicationId(ctx.serviceId, id);
  const nothing: TopicOutput = { records: [], from: [] };
  const read = withSchemaRegistry(table, ctx.schemaRegistry);
  const running = new PersistentQuery(ctx.log, ctx.processingLog, {
    id,
    source: read,
    // Never written: the query's only output is its store.
    sinkTopic: table.topic,
    build: (context) => ({
      topology: buildTopology(physical, read, context, table.keyFormat),
      sink: { write: () => nothing },
    }),
    state: { stores, stateDir: ctx.stateDir, applicationId },
    group: `_confluent-ksql-${ctx.serviceId}query_${id}`,
    // A materialization holds the whole table, whatever the session's auto.offset.reset.
    fromEarliest: true,
    commitIntervalMs: ctx.commitIntervalMs,
    failOnProductionError: ctx.failOnProductionError,
    retry: ctx.retry,
    exactlyOnce: false,
  });
  ctx.queries.add({
    id,
    statementText: text,
    sink: table.name,
    sinkTopic: table.topic,
    sources: [table.name],
    createAs: true,
    query: running,
    plan,
  });
  // From earliest: nothing to wait for before the statement returns.
  if (ctx.startQueries) void running.start();
  return { queryId: id, applicationId, store: TABLE_SOURCE_STORE };
}
