import type { InternalTopics, Log, ProduceRecord } from '../log/index.js';
import {
  compileExpression,
  outputColumns,
  PlanningError,
  type ProjectedColumn,
  planPhysical,
  planQuery,
  planSource,
  type SinkNode,
  SourceScope,
  transformPlan,
  visitPlan,
} from '../planner/index.js';
import {
  durationMs,
  PersistentQuery,
  type ProcessingLog,
  queryApplicationId,
  type RetryPolicy,
  SinkEncoder,
  WindowSpecError,
} from '../runtime/index.js';
import { jsonFormat, type SchemaRegistryClient } from '../serde/index.js';
import type { CreateAsSelect, InsertInto, InsertValues, WindowExpression } from '../sql/index.js';
import { formatType, type SqlType, type SqlValue } from '../types/index.js';
import type { Column, DataSource, SourceWindow } from './data-source.js';
import { checkSourceShape, ensureTopic, type FormatDefaults, serdeOptions } from './ddl.js';
import { StatementError } from './errors.js';
import {
  coPartitioningError,
  inputTopicsOf,
  joinStoreSpecs,
  sourceNamesOf,
  streamJoinPartitions,
} from './join-topology.js';
import type { MetaStore } from './metastore.js';
import type { QueryRegistry } from './query-registry.js';
import { registerSourceSchemas } from './registry-schemas.js';
import {
  aggregateOperatorSpec,
  aggregateStepOf,
  buildTopicTopology,
  topologyStoreSpecs,
} from './topology.js';
import { coerceValue } from './value-coercion.js';
import { readSourceProperties } from './with-clause.js';

export interface QueryContext {
  readonly log: Log;
  readonly metastore: MetaStore;
  readonly queries: QueryRegistry;
  readonly processingLog: ProcessingLog;
  readonly internalTopics: InternalTopics;
  readonly serviceId: string;
  /** ksqlDB's ksql.streams.state.dir: where stateful queries keep their state stores. */
  readonly stateDir: string;
  readonly outputTopicPrefix: string;
  readonly commitIntervalMs: number;
  /** ksql.streams.cache.max.bytes.buffering for a query started now (the request's over the server's). */
  readonly recordCacheMaxBytes: number;
  /** ksql.streams.metadata.max.age.ms: how soon a query reads partitions added to its source. */
  readonly metadataMaxAgeMs?: number;
  readonly failOnProductionError: boolean;
  readonly retry: RetryPolicy;
  /** processing.guarantee as set: at_least_once, exactly_once_v2 or its old name exactly_once. */
  readonly processingGuarantee: string;
  readonly fromEarliest: boolean;
  readonly defaults: FormatDefaults;
  /** False in a sandbox: queries are planned and registered there, never started. */
  readonly startQueries: boolean;
  /** Where AVRO sinks register their schemas and AVRO sources' records find theirs. */
  readonly schemaRegistry: SchemaRegistryClient | undefined;
}

export function plan(ctx: QueryContext, query: CreateAsSelect['query'], sinkName: string): SinkNode {
  try {
    return planQuery(
      query,
      (name) => ctx.metastore.get(name),
      { kind: 'persistent', sinkName },
      ctx.metastore.types,
    );
  } catch (err) {
    if (err instanceof PlanningError) throw new StatementError(err.message);
    throw err;
  }
}

async function checkCoPartitioned(ctx: QueryContext, p: SinkNode): Promise<void> {
  const error = await coPartitioningError(ctx.log, p, (name) => ctx.metastore.require(name).topic);
  if (error !== undefined) throw new StatementError(error);
}

/** Whether the plan aggregates (GROUP BY): its result is a table. */
function aggregates(p: SinkNode): boolean {
  let found = false;
  visitPlan(p, (node) => {
    found ||= node.kind === 'aggregate';
  });
  return found;
}

/** The plan with its projection's columns in the given order (INSERT INTO's target order). */
function reorderedProjection(p: SinkNode, columns: readonly ProjectedColumn[]): SinkNode {
  return {
    ...p,
    input: transformPlan(p.input, (node) => (node.kind === 'project' ? { ...node, columns } : node)),
  };
}

/** Writes rows of these columns (in order) to the records of a stream or table, with its formats. */
export function sinkEncoder(sink: DataSource, columns: readonly Column[]): SinkEncoder {
  const serde = sink.serde;
  return new SinkEncoder(
    columns.map((c) => ({ name: c.name, type: c.type, namespace: c.namespace === 'KEY' ? 'KEY' : 'VALUE' })),
    {
      keyFormat: sink.keyFormat,
      valueFormat: sink.valueFormat,
      topic: sink.topic,
      ...(serde.keySchemaId === undefined ? {} : { keySchemaId: serde.keySchemaId }),
      ...(serde.valueSchemaId === undefined ? {} : { valueSchemaId: serde.valueSchemaId }),
      ...(serde.keySchema === undefined ? {} : { keySchema: serde.keySchema }),
      ...(serde.valueSchema === undefined ? {} : { valueSchema: serde.valueSchema }),
      ...(serde.keySchemaFullName === undefined ? {} : { keySchemaFullName: serde.keySchemaFullName }),
      ...(serde.valueSchemaFullName === undefined ? {} : { valueSchemaFullName: serde.valueSchemaFullName }),
      ...(serde.keySchemaReferences === undefined ? {} : { keySchemaReferences: serde.keySchemaReferences }),
      ...(serde.valueSchemaReferences === undefined
        ? {}
        : { valueSchemaReferences: serde.valueSchemaReferences }),
      ...(serde.keyProtobufNullable === undefined ? {} : { keyProtobufNullable: serde.keyProtobufNullable }),
      ...(serde.valueProtobufNullable === undefined
        ? {}
        : { valueProtobufNullable: serde.valueProtobufNullable }),
      ...(sink.serde.wrapSingleValue === undefined ? {} : { wrapSingleValue: sink.serde.wrapSingleValue }),
      ...(sink.serde.valueDelimiter === undefined ? {} : { valueDelimiter: sink.serde.valueDelimiter }),
      ...(sink.serde.keyDelimiter === undefined ? {} : { keyDelimiter: sink.serde.keyDelimiter }),
    },
  );
}

/**
 * Where a query's id comes from: `number` is ksqlDB's query id counter (see CommandWriter's
 * nextQueryNumber), `sequence` the offset its command gets in the command topic.
 */
export interface QueryNumbering {
  readonly number: number;
  readonly sequence: number;
}

/**
 * ksqlDB's id of a CREATE … AS SELECT query (QueryIdUtil): the prefix, the sink name upper-cased,
 * and the query id counter, e.g. `CSAS_LOWER_SINK_3` for `"lower_sink"`.
 */
export function createAsQueryId(prefix: 'CSAS' | 'CTAS', sinkName: string, number: number): string {
  return `${prefix}_${sinkName.toUpperCase()}_${number}`;
}

function groupOf(ctx: QueryContext, queryId: string): string {
  return `_confluent-ksql-${ctx.serviceId}query_${queryId}`;
}

/**
 * The consumer group of a query. Sluice used to build ids from the sink name as written and the
 * command's own offset (`CSAS_lower_sink_5`, `INSERTQUERY_5`); a query restored from the command
 * topic keeps such an older id's group when its offsets are committed there, so it resumes where it
 * stopped instead of starting over.
 */
async function queryGroup(ctx: QueryContext, queryId: string, olderIds: readonly string[]): Promise<string> {
  const older = olderIds.filter((id) => id !== queryId).map((id) => groupOf(ctx, id));
  if (older.length === 0) return groupOf(ctx, queryId);
  const groups = await ctx.log.listGroups();
  return older.find((g) => groups.includes(g)) ?? groupOf(ctx, queryId);
}

/**
 * processing.guarantee of a new persistent query, checked: exactly once needs transactions, which
 * not every log has (the Kafka backend has none yet), so it is refused before anything is created.
 */
function checkGuarantee(ctx: QueryContext): void {
  if (!isExactlyOnce(ctx.processingGuarantee)) return;
  try {
    ctx.log.checkTransactions?.();
  } catch (err) {
    throw new StatementError((err as Error).message, 'BAD_STATEMENT', { cause: err });
  }
}

function isExactlyOnce(guarantee: string): boolean {
  switch (guarantee.toLowerCase()) {
    case 'at_least_once':
      return false;
    case 'exactly_once':
    case 'exactly_once_v2':
      return true;
    default:
      // Kafka Streams' ConfigException, which ksqlDB passes on.
      throw new StatementError(
        `Invalid value ${guarantee} for configuration processing.guarantee: String must be one of: at_least_once, exactly_once, exactly_once_v2`,
      );
  }
}

async function startQuery(
  ctx: QueryContext,
  id: string,
  text: string,
  p: SinkNode,
  sink: DataSource,
  sinkColumns: readonly Column[],
  group: string,
  createAs: boolean,
): Promise<void> {
  const source = withSchemaRegistry(ctx.metastore.require(planSource(p).source.name), ctx.schemaRegistry);
  const encoder = sinkEncoder(sink, sinkColumns);
  const physical = planPhysical(p);
  if (physical.kind !== 'topicSink') throw new Error('A persistent query writes to a topic.');
  const keyFormat = sink.keyFormat;
  const stores = [...topologyStoreSpecs(physical, keyFormat), ...joinStoreSpecs(physical)];
  const joinPartitions = await streamJoinPartitions(ctx.log, physical);
  const query = new PersistentQuery(ctx.log, ctx.processingLog, {
    id,
    source,
    topics: inputTopicsOf(physical),
    sinkTopic: sink.topic,
    build: (context) =>
      buildTopicTopology(
        physical,
        (name) => withSchemaRegistry(ctx.metastore.require(name), ctx.schemaRegistry),
        { topic: sink.topic, encoder, keyFormat },
        context,
        joinPartitions,
      ),
    ...(stores.length === 0
      ? {}
      : {
          state: {
            stores,
            stateDir: ctx.stateDir,
            applicationId: queryApplicationId(ctx.serviceId, id),
          },
        }),
    group,
    fromEarliest: ctx.fromEarliest,
    commitIntervalMs: ctx.commitIntervalMs,
    recordCacheMaxBytes: ctx.recordCacheMaxBytes,
    metadataMaxAgeMs: ctx.metadataMaxAgeMs,
    failOnProductionError: ctx.failOnProductionError,
    retry: ctx.retry,
    exactlyOnce: isExactlyOnce(ctx.processingGuarantee),
  });
  ctx.queries.add({
    id,
    statementText: text,
    sink: sink.name,
    sinkTopic: sink.topic,
    sources: sourceNamesOf(p),
    createAs,
    query,
    plan: p,
  });
  // Awaited, so a record written after this statement (an INSERT in the same request) is read.
  if (ctx.startQueries) await query.start();
}

/**
 * CREATE STREAM|TABLE … AS SELECT: plans the query, creates the sink (topic and metastore entry),
 * starts the query. Everything is checked before anything changes.
 */
export async function createAsSelect(
  ctx: QueryContext,
  s: CreateAsSelect,
  text: string,
  numbering: QueryNumbering,
): Promise<{ source: DataSource; queryId: string }> {
  checkGuarantee(ctx);
  const p = plan(ctx, s.query, s.name);
  const produces = aggregates(p) ? 'TABLE' : planSource(p).source.kind;
  if (produces !== s.sourceType) {
    throw new StatementError(
      `Invalid result type. Your SELECT query produces a ${produces}. Please use CREATE ${produces} AS SELECT statement instead.`,
    );
  }
  // Planned now, so a plan with a step that cannot run yet is refused before anything is created.
  const physical = planPhysical(p);
  const aggregate = aggregateStepOf(physical);
  if (aggregate !== undefined) {
    try {
      aggregateOperatorSpec(aggregate, 'JSON');
    } catch (err) {
      if (err instanceof WindowSpecError) throw new StatementError(err.message);
      throw err;
    }
  }
  const source = ctx.metastore.require(planSource(p).source.name);
  await checkCoPartitioned(ctx, p);
  const props = readSourceProperties(s.properties);
  const columns: Column[] = outputColumns(p).map((c) => ({
    name: c.name,
    type: c.type,
    namespace: c.namespace,
  }));
  const inheritedKeyFormat = source.keyFormat === 'NONE' ? ctx.defaults.keyFormat : source.keyFormat;
  const keyless = !columns.some((c) => c.namespace === 'KEY');
  // A format the sink inherits comes with its delimiter, as in ksqlDB.
  const inheritsValue = props.valueFormat === undefined;
  const inheritsKey = props.keyFormat === undefined && !keyless && source.keyFormat !== 'NONE';
  const shape = checkSourceShape(
    s.sourceType,
    columns,
    {
      ...props,
      valueFormat: props.valueFormat ?? source.valueFormat,
      keyFormat: keyless && props.keyFormat === undefined ? 'NONE' : (props.keyFormat ?? inheritedKeyFormat),
      valueDelimiter: props.valueDelimiter ?? (inheritsValue ? source.serde.valueDelimiter : undefined),
      keyDelimiter: props.keyDelimiter ?? (inheritsKey ? source.serde.keyDelimiter : undefined),
    },
    ctx.defaults,
  );
  const topic = props.kafkaTopic ?? `${ctx.outputTopicPrefix}${s.name}`;
  ctx.internalTopics.check(topic, 'write to');
  const partitions = props.partitions ?? (await ctx.log.describeTopic(source.topic)).partitions.length;
  await ensureTopic(ctx.log, topic, { ...props, partitions }, s.sourceType, text);
  const schemas = await registerSourceSchemas(
    {
      name: s.name,
      topic,
      columns,
      keyFormat: keyless ? 'NONE' : shape.keyFormat,
      valueFormat: shape.valueFormat,
      wrapSingleValue: shape.wrapSingleValue,
      props,
      always: true,
    },
    ctx.schemaRegistry,
  );
  const prefix = s.sourceType === 'STREAM' ? 'CSAS' : 'CTAS';
  const queryId = createAsQueryId(prefix, s.name, numbering.number);
  const group = await queryGroup(ctx, queryId, [
    `${prefix}_${s.name}_${numbering.sequence}`,
    createAsQueryId(prefix, s.name, numbering.sequence),
  ]);
  // A windowed aggregate's table, or a query over a windowed stream, writes windowed keys.
  const window =
    aggregate?.window !== undefined
      ? windowOfAggregate(aggregate.window)
      : physical.kind === 'topicSink' && physical.windowed !== undefined
        ? source.windowInfo
        : undefined;
  const sink: DataSource = {
    kind: s.sourceType,
    name: s.name,
    columns,
    ...(window === undefined ? {} : { windowInfo: window }),
    topic,
    keyFormat: keyless ? 'NONE' : shape.keyFormat,
    valueFormat: shape.valueFormat,
    serde: serdeOptions(shape, schemas),
    readOnly: false,
    statement: text,
    createdByQuery: queryId,
    references: sourceNamesOf(p),
  };
  ctx.metastore.put(sink);
  await startQuery(ctx, queryId, text, p, sink, columns, group, true);
  return { source: sink, queryId };
}

/** A windowed aggregate's table is a windowed source: its keys carry the window. */
function windowOfAggregate(w: WindowExpression): SourceWindow {
  switch (w.kind) {
    case 'tumblingWindow':
      return { type: 'TUMBLING', sizeMs: durationMs(w.size.value, w.size.unit) };
    case 'hoppingWindow':
      return { type: 'HOPPING', sizeMs: durationMs(w.size.value, w.size.unit) };
    case 'sessionWindow':
      return { type: 'SESSION' };
  }
}

/** INSERT INTO target SELECT …: the result must have the target's schema. */
export async function insertInto(
  ctx: QueryContext,
  s: InsertInto,
  text: string,
  numbering: QueryNumbering,
): Promise<string> {
  checkGuarantee(ctx);
  const target = ctx.metastore.require(s.target);
  if (target.kind === 'TABLE')
    throw new StatementError(
      `INSERT INTO can only be used to insert into a stream. ${target.name} is a table.`,
    );
  if (target.readOnly)
    throw new StatementError(`Cannot insert into read-only ${target.kind.toLowerCase()}: ${target.name}`);
  const p = plan(ctx, s.query, s.target);
  if (aggregates(p))
    throw new StatementError(
      `INSERT INTO can only be used to insert into a stream. The query's result is a table: use CREATE TABLE ${s.target} AS SELECT … GROUP BY instead.`,
    );
  planPhysical(p);
  await checkCoPartitioned(ctx, p);
  const resultColumns = outputColumns(p);
  const targetColumns = target.columns.filter((c) => c.namespace !== 'HEADERS');
  const describe = (cols: readonly { name: string; type: SqlType; namespace: string }[]) =>
    cols.map((c) => `\`${c.name}\` ${formatType(c.type)}${c.namespace === 'KEY' ? ' KEY' : ''}`).join(', ');
  const byName = new Map(resultColumns.map((c) => [c.name, c]));
  const compatible =
    resultColumns.length === targetColumns.length &&
    targetColumns.every((c) => {
      const r = byName.get(c.name);
      return r !== undefined && r.namespace === c.namespace && formatType(r.type) === formatType(c.type);
    });
  if (!compatible) {
    throw new StatementError(
      `Incompatible schema between results and sink.\nResult schema is ${describe(resultColumns)}\nSink schema is ${describe(targetColumns)}`,
    );
  }
  // Reorder the projections into the target's column order.
  const ordered = reorderedProjection(
    p,
    targetColumns.map((c) => byName.get(c.name) as ProjectedColumn),
  );
  const queryId = `INSERTQUERY_${numbering.number}`;
  const group = await queryGroup(ctx, queryId, [`INSERTQUERY_${numbering.sequence}`]);
  await startQuery(ctx, queryId, text, ordered, target, targetColumns, group, false);
  return queryId;
}

/** INSERT INTO s [(cols)] VALUES (…): one record, ROWTIME and key columns included. */
export async function insertValues(ctx: QueryContext, s: InsertValues): Promise<void> {
  const target = ctx.metastore.require(s.target);
  if (target.readOnly)
    throw new StatementError(
      `Cannot insert values into read-only ${target.kind.toLowerCase()}: ${target.name}`,
    );
  const writable = target.columns.filter((c) => c.namespace !== 'HEADERS');
  const names = s.columns.length > 0 ? s.columns : writable.map((c) => c.name);
  if (names.length !== s.values.length) {
    throw new StatementError(
      `Expected a value for each column. Expected Columns: [${names.join(', ')}]. Got ${s.values.length} value${s.values.length === 1 ? '' : 's'}.`,
    );
  }
  const emptyScope = new SourceScope({ kind: 'STREAM', name: s.target, columns: [] });
  const values = new Map<string, SqlValue>();
  let timestamp = Date.now();
  names.forEach((name, i) => {
    const columnType: SqlType | undefined =
      name === 'ROWTIME' ? { kind: 'BIGINT' } : writable.find((c) => c.name === name)?.type;
    if (columnType === undefined) {
      throw new StatementError(
        `Column name ${name} does not exist. Columns of ${target.name}: ${writable.map((c) => c.name).join(', ')}.`,
      );
    }
    let value: SqlValue = null;
    // As ksqlDB, a bare NULL takes the column's type rather than needing a CAST.
    if (s.values[i].kind !== 'null') {
      let compiled: ReturnType<typeof compileExpression>;
      try {
        compiled = compileExpression(s.values[i], emptyScope, ctx.metastore.types);
      } catch (err) {
        throw new StatementError(`Failed to prepare the value for column ${name}: ${(err as Error).message}`);
      }
      value = coerceValue(compiled.evaluate([]), compiled.type, columnType, name);
    }
    if (name !== 'ROWTIME') values.set(name, value);
    else if (value !== null) timestamp = Number(value);
  });
  const encoder = sinkEncoder(target, writable);
  if (
    target.kind === 'TABLE' &&
    writable.some((c) => c.namespace === 'KEY' && (values.get(c.name) ?? null) === null)
  ) {
    throw new StatementError(
      'Failed to insert values into a table: every PRIMARY KEY column needs a non-null value.',
    );
  }
  let record: ProduceRecord;
  try {
    record = encoder.encode(
      writable.map((c) => values.get(c.name) ?? null),
      timestamp,
    );
  } catch (err) {
    throw new StatementError(`Failed to insert values into '${target.name}'. ${(err as Error).message}`);
  }
  await ctx.log.append(target.topic, [record]);
}

/**
 * For POST /inserts-stream: turns JSON rows (`{"COL": value, …}`, names matched as ksqlDB's JSON
 * format matches them) into records of the target stream. Throws for a target that cannot take rows.
 */
/** A target as ksqlDB reads it: upper-cased unless quoted with " or `. */
function identifierText(text: string): string {
  const t = text.trim();
  for (const quote of ['"', '`']) {
    if (t.length >= 2 && t.startsWith(quote) && t.endsWith(quote))
      return t.slice(1, -1).replaceAll(quote + quote, quote);
  }
  return t.toUpperCase();
}

export function rowInserter(
  ctx: QueryContext,
  targetName: string,
): (rows: readonly string[]) => Promise<(number | Error)[]> {
  const name = identifierText(targetName);
  const target = ctx.metastore.get(name);
  if (target === undefined) {
    // ksqlDB's hint when only the case differs, i.e. the name was quoted.
    const other = ctx.metastore.get(name.toUpperCase());
    const hint =
      other === undefined
        ? ''
        : `\nDid you mean ${other.name}? Hint: try removing double quotes from the source name.`;
    throw new StatementError(`Cannot insert values into an unknown stream/table: ${name}${hint}`);
  }
  if (target.readOnly)
    throw new StatementError(
      `Cannot insert values into read-only ${target.kind.toLowerCase()}: ${target.name}`,
    );
  const writable = target.columns.filter((c) => c.namespace !== 'HEADERS');
  const read = jsonFormat.createDeserializer(writable, { target: 'value', wrapSingleValue: true });
  const encoder = sinkEncoder(target, writable);
  return async (rows) => {
    const results: (number | Error)[] = [];
    const records: ProduceRecord[] = [];
    const slots: number[] = [];
    const now = Date.now();
    for (const text of rows) {
      try {
        const values = read(Buffer.from(text));
        if (values === null) throw new Error('A row must be a JSON object of column names to values.');
        records.push(encoder.encode(values, now));
        slots.push(results.length);
        results.push(0);
      } catch (err) {
        results.push(err as Error);
      }
    }
    if (records.length > 0) {
      const positions = await ctx.log.append(target.topic, records);
      positions.forEach((p, i) => {
        results[slots[i]] = p.offset;
      });
    }
    return results;
  };
}

/** The source as the runtime reads it: with the registry AVRO records find their writer schemas in. */
export function withSchemaRegistry(
  source: DataSource,
  registry: SchemaRegistryClient | undefined,
): DataSource {
  return registry === undefined
    ? source
    : { ...source, serde: { ...source.serde, schemaRegistry: registry } };
}
