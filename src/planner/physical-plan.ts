// How a query runs (DataFusion's ExecutionPlan): the operators of runtime/ in order, each with the
// evaluators the binder emitted. Built from the logical plan by planPhysical; the engine turns it into
// a runtime Topology, the same one for a persistent query (topic sink) and a push query (client sink).
import type { ResolvedAggregate } from '../functions/index.js';
import type { JoinType, WindowExpression } from '../sql/index.js';
import type { SqlType, SqlValue } from '../types/index.js';
import { type JoinKind, type JoinStores, type JoinWindowMs, joinStores } from './join-node.js';
import {
  type LogicalPlan,
  type ProjectedColumn,
  planSource,
  type SinkNode,
  visitPlan,
} from './logical-plan.js';
import { PlanningError } from './plan-select.js';
import type { PlannerSource } from './source-scope.js';

type Evaluator = (row: readonly SqlValue[]) => SqlValue;

export interface SourceScanStep {
  readonly kind: 'sourceScan';
  readonly source: PlannerSource;
  /** False when no expression reads ROWTIME, ROWPARTITION or ROWOFFSET: the runtime skips them. */
  readonly usesPseudoColumns: boolean;
}

/**
 * A table source's materialization (ksqlDB's `KsqlTopic-Reduce` store): upserts and deletes by key,
 * each change passed on with the row it replaces, so a WHERE, HAVING or GROUP BY over the table can
 * retract what it emitted. Records with a NULL key are dropped (processing log).
 */
export interface TableSourceStep {
  readonly kind: 'tableSource';
  readonly input: SourceScanStep;
  /** The state store holding the rows. */
  readonly store: string;
}

/**
 * Table functions (ksqlDB's FlatMap): each input row gives N rows, N the longest of its calls'
 * lists (shorter ones padded with NULL, ksqlDB's zip); a row is the input row's first `width` values,
 * then one value per call.
 */
export interface TableFunctionStep {
  readonly kind: 'tableFunction';
  readonly input: PhysicalPlan;
  /** Each call's list of values for a row. */
  readonly calls: readonly Evaluator[];
  readonly width: number;
}

export interface FilterStep {
  readonly kind: 'filter';
  readonly input: PhysicalPlan;
  readonly predicate: Evaluator;
  /** Over a table a row that fails deletes its key downstream. */
  readonly overTable: boolean;
}

/**
 * PARTITION BY: the new key is computed by the projection and written by the sink, so the step
 * needs no operator of its own (one process, no repartition topic, as ksqlDB writes it too).
 */
export interface SelectKeyStep {
  readonly kind: 'selectKey';
  readonly input: PhysicalPlan;
  readonly keys: readonly string[];
}

export interface ProjectStep {
  readonly kind: 'project';
  readonly input: PhysicalPlan;
  readonly columns: readonly ProjectedColumn[];
  readonly projections: readonly Evaluator[];
  /** ksqlDB's "Error computing expression … for column … with index …", per projection. */
  readonly errorLabels: readonly string[];
  /** The projections a deleted key can still compute; the sink decides which those are. */
  readonly keyProjections: readonly number[];
}

/**
 * GROUP BY (runtime's AggregateOperator): per input row the GROUP BY values and each call's
 * arguments; out one row per change of a group: the GROUP BY values, each call's result, then
 * WINDOWSTART and WINDOWEND under a window.
 */
export interface AggregateStep {
  readonly kind: 'aggregate';
  readonly input: PhysicalPlan;
  readonly groupBy: readonly Evaluator[];
  readonly groupTypes: readonly SqlType[];
  readonly calls: readonly { readonly aggregate: ResolvedAggregate; readonly args: readonly Evaluator[] }[];
  /** A table source's rows replace each other by key: the input row's key column positions. */
  readonly tableKeyColumns: readonly number[] | undefined;
  readonly window: WindowExpression | undefined;
  /** EMIT FINAL: a window's row goes out once, when the window closes. */
  readonly emitFinal: boolean;
  /** A HAVING follows: each change carries the row it replaces, so HAVING deletes only what passed. */
  readonly sendOldValues: boolean;
}

/**
 * A join (runtime/join): `input` is the left side's steps, `right` the right side's; both end at
 * this step, which gives joined rows in JoinNode's layout to the steps after it.
 */
export interface JoinStep {
  readonly kind: 'join';
  readonly input: PhysicalPlan;
  readonly right: PhysicalPlan;
  readonly joinKind: JoinKind;
  readonly joinType: JoinType;
  readonly leftKey: Evaluator;
  readonly rightKey: Evaluator;
  /** The join key's type (both sides'), which a side re-keyed in process is serialized as to hash it. */
  readonly keyType: SqlType;
  /** A foreign-key join's result key over the left row. */
  readonly leftPrimaryKey: Evaluator | undefined;
  readonly leftWidth: number;
  readonly rightWidth: number;
  readonly window: JoinWindowMs | undefined;
  readonly usesRowtime: boolean;
  readonly stores: JoinStores;
  /** Names this join's operators and stores apart in a multi-way join ('' for the first). */
  readonly storePrefix: string;
}

/**
 * A CREATE TABLE … AS SELECT over a table-table join keeps the joined rows by their key (the join
 * keeps only each side's), so pull queries can read the table; the rows pass through unchanged.
 */
export interface MaterializeStep {
  readonly kind: 'materialize';
  readonly input: PhysicalPlan;
  readonly store: string;
  /** Where the joined row holds its key. */
  readonly keyIndex: number;
}

export interface TopicSinkStep {
  readonly kind: 'topicSink';
  readonly input: PhysicalPlan;
  readonly name: string;
  /** No PARTITION BY: a record without key goes out without key. */
  readonly keepsSourceKey: boolean;
  /** A windowed aggregate: keys are written windowed, from the bounds after the row's columns. */
  readonly windowed: { readonly kind: 'TIME' | 'SESSION'; readonly boundsIndex: number } | undefined;
}

export interface ClientSinkStep {
  readonly kind: 'clientSink';
  readonly input: PhysicalPlan;
  readonly overTable: boolean;
  readonly limit: number | undefined;
}

export type PhysicalPlan =
  | SourceScanStep
  | TableSourceStep
  | TableFunctionStep
  | FilterStep
  | SelectKeyStep
  | AggregateStep
  | JoinStep
  | MaterializeStep
  | ProjectStep
  | TopicSinkStep
  | ClientSinkStep;

/** ksqlDB's processing-log label of a projection that failed. */
export function errorLabel(text: string, column: string, index: number): string {
  return `Error computing expression ${text} for column ${column} with index ${index}`;
}

/**
 * Chooses the operators for a logical plan. Stateful nodes have no operator yet: they are refused
 * here, naming their clause, before anything runs.
 */
export function planPhysical(plan: SinkNode): TopicSinkStep | ClientSinkStep {
  const sink = plan.target;
  let overTable = planSource(plan).source.kind === 'TABLE';
  // A persistent query, or a GROUP BY, reads a table through its materialization (ksqlDB always
  // materializes table sources); a plain push query over a table needs no store.
  let aggregates = false;
  visitPlan(plan, (node) => {
    aggregates ||= node.kind === 'aggregate';
  });
  let input = physicalInput(plan.input, sink.kind, overTable && (sink.kind === 'topic' || aggregates));
  if (sink.kind === 'topic' && !aggregates) input = materializeJoinedTable(input);
  let keepsSourceKey = true;
  for (let node: PhysicalPlan = input; node.kind !== 'sourceScan'; node = node.input) {
    if (node.kind === 'selectKey') keepsSourceKey = false;
    // A join's result is keyed by the join key; a table-table join's is a table.
    if (node.kind === 'join') {
      keepsSourceKey = false;
      overTable = node.joinKind === 'TABLE_TABLE' || node.joinKind === 'FOREIGN_KEY';
    }
    // An aggregate's result is a table keyed by its GROUP BY values.
    if (node.kind === 'aggregate') {
      keepsSourceKey = false;
      overTable = true;
    }
  }
  if (sink.kind === 'client') return { kind: 'clientSink', input, overTable, limit: sink.limit };
  const window = input.kind === 'project' ? windowOf(input.input) : undefined;
  // A windowed stream's rows keep their windowed key (its bounds ride after the output columns).
  const sourceWindow =
    input.kind === 'project' &&
    sourceWindowBounds(plan.input.kind === 'project' ? plan.input.input : plan.input) !== undefined
      ? planSource(plan).source.windowInfo
      : undefined;
  const windowed =
    input.kind !== 'project'
      ? undefined
      : window !== undefined
        ? {
            kind: window.kind === 'sessionWindow' ? ('SESSION' as const) : ('TIME' as const),
            boundsIndex: input.columns.length,
          }
        : sourceWindow !== undefined
          ? {
              kind: sourceWindow.type === 'SESSION' ? ('SESSION' as const) : ('TIME' as const),
              boundsIndex: input.columns.length,
            }
          : undefined;
  return { kind: 'topicSink', input, name: sink.name, keepsSourceKey, windowed };
}

/** The joined table's store: ksqlDB materializes a CTAS's table (here, for its pull queries). */
export const JOINED_TABLE_STORE = 'Join-Materialize';

/** The steps with a materialize step above the last join when that join gives a table. */
function materializeJoinedTable(step: PhysicalPlan): PhysicalPlan {
  if (step.kind === 'sourceScan' || step.kind === 'tableSource') return step;
  if (step.kind === 'join') {
    if (step.joinKind !== 'TABLE_TABLE' && step.joinKind !== 'FOREIGN_KEY') return step;
    return {
      kind: 'materialize',
      input: step,
      store: JOINED_TABLE_STORE,
      keyIndex: step.leftWidth + step.rightWidth,
    };
  }
  const input = materializeJoinedTable(step.input);
  return input === step.input ? step : { ...step, input };
}

/** The window of the aggregate right below a projection (through HAVING), if any. */
function windowOf(plan: PhysicalPlan): WindowExpression | undefined {
  let node = plan;
  while (node.kind === 'filter') node = node.input;
  return node.kind === 'aggregate' ? node.window : undefined;
}

/**
 * Where a windowed source's rows hold WINDOWSTART (after the source's columns and pseudo columns),
 * when nothing between the source and here changes the row's layout or key (no aggregate or join).
 */
function sourceWindowBounds(plan: LogicalPlan): number | undefined {
  let node = plan;
  while (node.kind === 'filter' || node.kind === 'repartition' || node.kind === 'tableFunction')
    node = node.input;
  return node.kind === 'source' && node.source.windowInfo !== undefined
    ? node.source.columns.length + 3
    : undefined;
}

/** Where an aggregate's row holds WINDOWSTART: after its GROUP BY values and calls. */
function windowBounds(plan: PhysicalPlan): number | undefined {
  let node = plan;
  while (node.kind === 'filter') node = node.input;
  return node.kind === 'aggregate' && node.window !== undefined
    ? node.groupBy.length + node.calls.length
    : undefined;
}

function physicalInput(plan: LogicalPlan, sink: 'topic' | 'client', materialize: boolean): PhysicalPlan {
  switch (plan.kind) {
    case 'source': {
      const scan: SourceScanStep = {
        kind: 'sourceScan',
        source: plan.source,
        usesPseudoColumns: plan.scope.pseudoColumnsUsed,
      };
      return materialize ? { kind: 'tableSource', input: scan, store: 'KsqlTopic-Reduce' } : scan;
    }
    case 'filter': {
      let input = physicalInput(plan.input, sink, materialize);
      if (plan.clause === 'HAVING' && input.kind === 'aggregate') input = { ...input, sendOldValues: true };
      return {
        kind: 'filter',
        input,
        predicate: plan.predicate.evaluate,
        // HAVING filters a table (the aggregate's): a row that fails deletes its key.
        overTable: plan.clause === 'HAVING' || planSource(plan).source.kind === 'TABLE',
      };
    }
    case 'repartition':
      return {
        kind: 'selectKey',
        input: physicalInput(plan.input, sink, materialize),
        keys: plan.keys.map((k) => k.name),
      };
    case 'project': {
      const columns = plan.columns;
      const input = physicalInput(plan.input, sink, materialize);
      // A topic's windowed key needs the window bounds: they ride after the output columns.
      const bounds = sink === 'topic' ? (windowBounds(input) ?? sourceWindowBounds(plan.input)) : undefined;
      const extra: Evaluator[] = bounds === undefined ? [] : [(row) => row[bounds], (row) => row[bounds + 1]];
      return {
        kind: 'project',
        input,
        columns,
        projections: [...columns.map((c) => c.expression.evaluate), ...extra],
        errorLabels: columns.map((c, i) => errorLabel(c.text, c.name, i)),
        // A topic's tombstone needs the output key; a client's tombstone row shows the key columns.
        keyProjections: [
          ...columns.flatMap((c, i) =>
            (sink === 'topic' ? c.namespace === 'KEY' && c.keyOnly : c.sourceKey) ? [i] : [],
          ),
          ...extra.map((_, i) => columns.length + i),
        ],
      };
    }
    case 'aggregate': {
      let below = plan.input;
      let window: WindowExpression | undefined;
      if (below.kind === 'window') {
        window = below.window;
        below = below.input;
      }
      const source = planSource(plan).source;
      return {
        kind: 'aggregate',
        input: physicalInput(below, sink, materialize),
        groupBy: plan.groupBy.map((g) => g.evaluate),
        groupTypes: plan.groupBy.map((g) => g.type),
        calls: plan.aggregates.map((c) => ({
          aggregate: c.resolved,
          args: c.args.map((a) => a.evaluate),
        })),
        tableKeyColumns:
          source.kind === 'TABLE'
            ? source.columns.flatMap((c, i) => (c.namespace === 'KEY' ? [i] : []))
            : undefined,
        window,
        emitFinal: false,
        sendOldValues: false,
      };
    }
    case 'suppress': {
      const input = physicalInput(plan.input, sink, materialize);
      if (input.kind !== 'aggregate' || input.window === undefined)
        throw new PlanningError('EMIT FINAL is only supported for windowed aggregations.');
      return { ...input, emitFinal: true };
    }
    case 'join':
      return {
        kind: 'join',
        // A join keeps its table sides in its own stores (runtime/join).
        input: physicalInput(plan.left, sink, false),
        right: physicalInput(plan.right, sink, false),
        joinKind: plan.joinKind,
        joinType: plan.joinType,
        leftKey: plan.leftKey.evaluate,
        rightKey: plan.rightKey.evaluate,
        keyType: plan.leftKey.type,
        leftPrimaryKey: plan.leftPrimaryKey?.evaluate,
        leftWidth: plan.leftWidth,
        rightWidth: plan.rightWidth,
        window: plan.window,
        usesRowtime: plan.usesRowtime,
        stores: joinStores(plan.joinKind, plan.joinType, plan.window, plan.storePrefix),
        storePrefix: plan.storePrefix,
      };
    case 'window':
      throw new PlanningError('A WINDOW clause needs a GROUP BY clause.');
    case 'tableFunction':
      return {
        kind: 'tableFunction',
        input: physicalInput(plan.input, sink, materialize),
        calls: plan.calls.map((c) => c.evaluate),
        width: plan.schema.length - plan.calls.length,
      };
    case 'sink':
      throw new PlanningError('A query has one sink, at the end of its plan.');
    default: {
      const never: never = plan;
      throw new Error(`Unhandled plan node ${JSON.stringify(never)}`);
    }
  }
}

/** The steps from the source to the sink. */
export function physicalSteps(plan: PhysicalPlan): PhysicalPlan[] {
  const steps: PhysicalPlan[] = [];
  for (let node: PhysicalPlan = plan; ; node = node.input) {
    steps.unshift(node);
    if (node.kind === 'sourceScan') return steps;
  }
}
