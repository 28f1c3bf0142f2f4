// What a query computes, as a tree of plain nodes (DataFusion's LogicalPlan): each node names its
// input and the schema it produces. Every pass over plans is an exhaustive switch on `kind`, so a new
// node kind does not compile until each pass handles it.
import type { ResolvedAggregate } from '../functions/index.js';
import type { SourceSpan, WindowExpression } from '../sql/index.js';
import type { SqlType } from '../types/index.js';
import type { CompiledExpression } from './compiled-expression.js';
import type { JoinNode } from './join-node.js';
import type { PlannerSource, SourceScope } from './source-scope.js';

export interface PlanColumn {
  readonly name: string;
  readonly type: SqlType;
  readonly namespace: 'KEY' | 'VALUE';
}

export interface ProjectedColumn extends PlanColumn {
  readonly expression: CompiledExpression;
  /**
   * True when the expression reads only key columns of the source (or no column): such a key can
   * be computed for a record without a value, as ksqlDB computes it.
   */
  readonly keyOnly: boolean;
  /** True when the item is a key column of the source itself (perhaps renamed). */
  readonly sourceKey: boolean;
  /** The expression as SQL text, for messages (ksqlDB's "Error computing expression …"). */
  readonly text: string;
}

/** Reads a stream or table: its columns, then ROWTIME, ROWPARTITION and ROWOFFSET. */
export interface SourceNode {
  readonly kind: 'source';
  readonly source: PlannerSource;
  readonly scope: SourceScope;
}

/** WHERE (over the source) or HAVING (over an aggregate). */
export interface FilterNode {
  readonly kind: 'filter';
  readonly input: LogicalPlan;
  readonly clause: 'WHERE' | 'HAVING';
  readonly predicate: CompiledExpression;
}

/** SELECT: the output columns, keys first for a persistent query. */
export interface ProjectNode {
  readonly kind: 'project';
  readonly input: LogicalPlan;
  readonly columns: readonly ProjectedColumn[];
}

/**
 * PARTITION BY (or a GROUP BY's re-key): the rows get a new key computed from the input row. The
 * key columns are computed by the projection that follows; empty `keys` is PARTITION BY NULL.
 */
export interface RepartitionNode {
  readonly kind: 'repartition';
  readonly input: LogicalPlan;
  readonly keys: readonly { readonly name: string; readonly expression: CompiledExpression }[];
}

/** One aggregate call of a SELECT or HAVING, e.g. COUNT(*) or SUM(amount). */
export interface AggregateCall {
  /** The function's name, upper-cased. */
  readonly name: string;
  /** The arguments, bound against the input row: what the operator evaluates per row. */
  readonly args: readonly CompiledExpression[];
  readonly type: SqlType;
  readonly span: SourceSpan | undefined;
  /** The function resolved for the arguments' types: what builds the operator's aggregation. */
  readonly resolved: ResolvedAggregate;
}

/**
 * GROUP BY: folds the rows of each group into one row per group (and per window, under a window
 * node), kept in a state store. Its operator takes batches of input rows and the query's state
 * stores (runtime's OperatorContext.stores): per row it evaluates `groupBy` (the key, in GROUP BY
 * order) and each call's `args`, the shape runtime/aggregate's GroupedRecord takes.
 */
export interface AggregateNode {
  readonly kind: 'aggregate';
  readonly input: LogicalPlan;
  readonly groupBy: readonly CompiledExpression[];
  readonly aggregates: readonly AggregateCall[];
  /** The grouping columns (KEY, named as ksqlDB names them), then one column per aggregate call. */
  readonly schema: readonly PlanColumn[];
}

/**
 * WINDOW TUMBLING | HOPPING | SESSION: assigns each row its windows; the aggregate above it keeps
 * one row per key and window.
 */
export interface WindowNode {
  readonly kind: 'window';
  readonly input: LogicalPlan;
  readonly window: WindowExpression;
}

/** Table functions in SELECT (EXPLODE, CUBE_EXPLODE): one input row gives any number of rows. */
export interface TableFunctionNode {
  readonly kind: 'tableFunction';
  readonly input: LogicalPlan;
  /** The calls, bound against the input row; N rows out, N the longest result (ksqlDB's zip). */
  readonly calls: readonly CompiledExpression[];
  /** The input's columns, then one column per call. */
  readonly schema: readonly PlanColumn[];
}

/** EMIT FINAL: holds a window's row back until the window closes. */
export interface SuppressNode {
  readonly kind: 'suppress';
  readonly input: LogicalPlan;
}

/** Where results go: a stream or table's topic, or the client of a push query. */
export type SinkTarget =
  | { readonly kind: 'topic'; readonly name: string }
  | { readonly kind: 'client'; readonly limit: number | undefined };

export interface SinkNode {
  readonly kind: 'sink';
  readonly input: LogicalPlan;
  readonly target: SinkTarget;
}

export type { JoinNode } from './join-node.js';

export type LogicalPlan =
  | SourceNode
  | JoinNode
  | FilterNode
  | ProjectNode
  | RepartitionNode
  | AggregateNode
  | WindowNode
  | TableFunctionNode
  | SuppressNode
  | SinkNode;

/** The plan's direct inputs (none for a source; two for a join, when there are joins). */
export function planInputs(plan: LogicalPlan): LogicalPlan[] {
  switch (plan.kind) {
    case 'source':
      return [];
    case 'join':
      return [plan.left, plan.right];
    case 'filter':
    case 'project':
    case 'repartition':
    case 'aggregate':
    case 'window':
    case 'tableFunction':
    case 'suppress':
    case 'sink':
      return [plan.input];
    default: {
      const never: never = plan;
      throw new Error(`Unhandled plan node ${JSON.stringify(never)}`);
    }
  }
}

/** `plan` with its inputs replaced by `fn(input)`; `plan` itself when none changed. */
export function mapPlanInputs(plan: LogicalPlan, fn: (input: LogicalPlan) => LogicalPlan): LogicalPlan {
  if (plan.kind === 'source') return plan;
  if (plan.kind === 'join') {
    const left = fn(plan.left);
    const right = fn(plan.right);
    return left === plan.left && right === plan.right ? plan : { ...plan, left, right };
  }
  const input = fn(plan.input);
  return input === plan.input ? plan : { ...plan, input };
}

/** Rewrites bottom-up: the inputs first, then `fn` on the node with its new inputs (optimiser rules). */
export function transformPlan(plan: LogicalPlan, fn: (node: LogicalPlan) => LogicalPlan): LogicalPlan {
  return fn(mapPlanInputs(plan, (input) => transformPlan(input, fn)));
}

/** Calls `fn` on every node, the root first. */
export function visitPlan(plan: LogicalPlan, fn: (node: LogicalPlan) => void): void {
  fn(plan);
  for (const input of planInputs(plan)) visitPlan(input, fn);
}

/** The leaf source of a plan (the left-most one, once there are joins). */
export function planSource(plan: LogicalPlan): SourceNode {
  let node = plan;
  while (node.kind !== 'source') node = planInputs(node)[0];
  return node;
}

/** The columns a node produces. */
export function planSchema(plan: LogicalPlan): readonly PlanColumn[] {
  switch (plan.kind) {
    case 'source':
      return plan.source.columns.flatMap((c) =>
        c.namespace === 'HEADERS'
          ? [{ name: c.name, type: c.type, namespace: 'VALUE' as const }]
          : [{ name: c.name, type: c.type, namespace: c.namespace }],
      );
    case 'project':
      return plan.columns;
    case 'join':
    case 'aggregate':
    case 'tableFunction':
      return plan.schema;
    case 'filter':
    case 'repartition':
    case 'window':
    case 'suppress':
    case 'sink':
      return planSchema(plan.input);
    default: {
      const never: never = plan;
      throw new Error(`Unhandled plan node ${JSON.stringify(never)}`);
    }
  }
}

/** The output columns of a query's plan: the projection's. */
export function outputColumns(plan: LogicalPlan): readonly ProjectedColumn[] {
  let node = plan;
  while (node.kind !== 'project') {
    const inputs = planInputs(node);
    if (inputs.length === 0) return [];
    node = inputs[0];
  }
  return node.columns;
}
