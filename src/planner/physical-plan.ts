// How a query runs (DataFusion's ExecutionPlan): the operators of runtime/ in order, each with the
// evaluators the binder emitted. Built from the logical plan by planPhysical; the engine turns it into
// a runtime Topology, the same one for a persistent query (topic sink) and a push query (client sink).
import type { SqlValue } from '../types/index.js';
import { type LogicalPlan, type PlanColumn, planSource, type SinkNode } from './logical-plan.js';
import { PlanningError } from './plan-select.js';
import type { PlannerSource } from './source-scope.js';

type Evaluator = (row: readonly SqlValue[]) => SqlValue;

export interface SourceScanStep {
  readonly kind: 'sourceScan';
  readonly source: PlannerSource;
  /** False when no expression reads ROWTIME, ROWPARTITION or ROWOFFSET: the runtime skips them. */
  readonly usesPseudoColumns: boolean;
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
  readonly columns: readonly PlanColumn[];
  readonly projections: readonly Evaluator[];
  /** ksqlDB's "Error computing expression … for column … with index …", per projection. */
  readonly errorLabels: readonly string[];
  /** The projections a deleted key can still compute; the sink decides which those are. */
  readonly keyProjections: readonly number[];
}

export interface TopicSinkStep {
  readonly kind: 'topicSink';
  readonly input: PhysicalPlan;
  readonly name: string;
  /** No PARTITION BY: a record without key goes out without key. */
  readonly keepsSourceKey: boolean;
}

export interface ClientSinkStep {
  readonly kind: 'clientSink';
  readonly input: PhysicalPlan;
  readonly overTable: boolean;
  readonly limit: number | undefined;
}

export type PhysicalPlan =
  | SourceScanStep
  | FilterStep
  | SelectKeyStep
  | ProjectStep
  | TopicSinkStep
  | ClientSinkStep;

/** ksqlDB's processing-log label of a projection that failed. */
export function errorLabel(text: string, column: string, index: number): string {
  return `Error computing expression ${text} for column ${column} with index ${index}`;
}

/** What stateful node kinds are called in messages: the clause that asked for them. */
const CLAUSES = {
  aggregate: 'GROUP BY (aggregation)',
  window: 'WINDOW',
  tableFunction: 'A table function (EXPLODE, CUBE_EXPLODE)',
  suppress: 'EMIT FINAL',
} as const;

/**
 * Chooses the operators for a logical plan. Stateful nodes have no operator yet: they are refused
 * here, naming their clause, before anything runs.
 */
export function planPhysical(plan: SinkNode): TopicSinkStep | ClientSinkStep {
  const sink = plan.target;
  const overTable = planSource(plan).source.kind === 'TABLE';
  const input = physicalInput(plan.input, sink.kind);
  if (sink.kind === 'client') return { kind: 'clientSink', input, overTable, limit: sink.limit };
  let keepsSourceKey = true;
  for (let node: PhysicalPlan = input; node.kind !== 'sourceScan'; node = node.input) {
    if (node.kind === 'selectKey') keepsSourceKey = false;
  }
  return { kind: 'topicSink', input, name: sink.name, keepsSourceKey };
}

function physicalInput(plan: LogicalPlan, sink: 'topic' | 'client'): PhysicalPlan {
  switch (plan.kind) {
    case 'source':
      return { kind: 'sourceScan', source: plan.source, usesPseudoColumns: plan.scope.pseudoColumnsUsed };
    case 'filter':
      return {
        kind: 'filter',
        input: physicalInput(plan.input, sink),
        predicate: plan.predicate.evaluate,
        overTable: planSource(plan).source.kind === 'TABLE',
      };
    case 'repartition':
      return {
        kind: 'selectKey',
        input: physicalInput(plan.input, sink),
        keys: plan.keys.map((k) => k.name),
      };
    case 'project': {
      const columns = plan.columns;
      return {
        kind: 'project',
        input: physicalInput(plan.input, sink),
        columns,
        projections: columns.map((c) => c.expression.evaluate),
        errorLabels: columns.map((c, i) => errorLabel(c.text, c.name, i)),
        // A topic's tombstone needs the output key; a client's tombstone row shows the key columns.
        keyProjections: columns.flatMap((c, i) =>
          (sink === 'topic' ? c.namespace === 'KEY' && c.keyOnly : c.sourceKey) ? [i] : [],
        ),
      };
    }
    case 'aggregate':
    case 'window':
    case 'tableFunction':
    case 'suppress':
      throw new PlanningError(
        `${CLAUSES[plan.kind]} is not supported yet in this version of Sluice: only stateless queries (WHERE, projections, PARTITION BY) run so far.`,
      );
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
