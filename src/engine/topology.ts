// Turns a physical plan into the runtime's operators: one topology for a SELECT, ending in a topic
// sink (persistent query) or handed to a client sink (push query).
import type {
  AggregateStep,
  FilterStep,
  JoinStep,
  PhysicalPlan,
  ProjectStep,
  TopicSinkStep,
} from '../planner/index.js';
import {
  AggregateOperator,
  type AggregateOperatorSpec,
  aggregateStoreSpecs,
  durationMs,
  FilterOperator,
  JoinedTableMaterializer,
  joinedTableStoreSpec,
  type Operator,
  type OperatorContext,
  type OperatorWindow,
  ProjectOperator,
  type RowSteps,
  type RuntimeSource,
  resolveWindow,
  rowStepsOf,
  type SinkEncoder,
  SourceOperator,
  type StoreSpec,
  TableFunctionOperator,
  TableSourceOperator,
  TopicSink,
  Topology,
  tableSourceStoreSpec,
} from '../runtime/index.js';
import { formatByName } from '../serde/index.js';
import type { WindowExpression } from '../sql/index.js';
import { joinOperatorSides } from './join-topology.js';

/** The window an aggregate runs with, grace and retention resolved as ksqlDB resolves them. */
function operatorWindow(w: WindowExpression, emitFinal: boolean): OperatorWindow {
  const ms = (d: { value: number; unit: string } | undefined) =>
    d === undefined ? undefined : durationMs(d.value, d.unit);
  const limits = {
    ...(w.grace === undefined ? {} : { graceMs: ms(w.grace) }),
    ...(w.retention === undefined ? {} : { retentionMs: ms(w.retention) }),
  };
  const emit = emitFinal ? 'FINAL' : 'CHANGES';
  switch (w.kind) {
    case 'tumblingWindow': {
      const sizeMs = durationMs(w.size.value, w.size.unit);
      const r = resolveWindow({ kind: 'TUMBLING', sizeMs, ...limits }, emit);
      return { kind: 'TUMBLING', sizeMs, advanceMs: sizeMs, graceMs: r.graceMs, retentionMs: r.retentionMs };
    }
    case 'hoppingWindow': {
      const spec = {
        kind: 'HOPPING' as const,
        sizeMs: durationMs(w.size.value, w.size.unit),
        advanceMs: durationMs(w.advance.value, w.advance.unit),
        ...limits,
      };
      const r = resolveWindow(spec, emit);
      return {
        kind: 'HOPPING',
        sizeMs: spec.sizeMs,
        advanceMs: spec.advanceMs,
        graceMs: r.graceMs,
        retentionMs: r.retentionMs,
      };
    }
    case 'sessionWindow': {
      const gapMs = durationMs(w.gap.value, w.gap.unit);
      const r = resolveWindow({ kind: 'SESSION', gapMs, ...limits }, emit);
      return { kind: 'SESSION', gapMs, graceMs: r.graceMs, retentionMs: r.retentionMs };
    }
  }
}

/**
 * What the aggregate operator runs: the plan's evaluators, and its state-store key as the GROUP BY
 * values serialized in the sink's key format (ksqlDB's changelog key), JSON for a push query.
 */
export function aggregateOperatorSpec(step: AggregateStep, keyFormat: string): AggregateOperatorSpec {
  const columns = step.groupTypes.map((type, i) => ({
    name: `KSQL_COL_${i}`,
    type,
    namespace: 'KEY' as const,
  }));
  const serializer = formatByName(keyFormat === 'NONE' ? 'JSON' : keyFormat).createSerializer(columns, {
    target: 'key',
  });
  return {
    groupBy: step.groupBy,
    serializeKey: (values) => serializer(values) ?? Buffer.alloc(0),
    calls: step.calls,
    ...(step.tableKeyColumns === undefined ? {} : { tableKeyColumns: step.tableKeyColumns }),
    ...(step.window === undefined ? {} : { window: operatorWindow(step.window, step.emitFinal) }),
    emitFinal: step.emitFinal,
    sendOldValues: step.sendOldValues,
  };
}

/** The aggregate step of a plan, if any. */
export function aggregateStepOf(plan: PhysicalPlan): AggregateStep | undefined {
  for (let node: PhysicalPlan = plan; ; node = node.input) {
    if (node.kind === 'aggregate') return node;
    if (node.kind === 'sourceScan') return undefined;
  }
}

/**
 * The state stores a plan's operators keep (a table source's rows, a GROUP BY's groups), to open
 * before its topology is built; none for a stateless plan.
 */
export function topologyStoreSpecs(plan: PhysicalPlan, keyFormat: string): StoreSpec[] {
  const stores: StoreSpec[] = [];
  for (let node: PhysicalPlan = plan; node.kind !== 'sourceScan'; node = node.input) {
    if (node.kind === 'tableSource') stores.push(tableSourceStoreSpec(node.store));
    if (node.kind === 'materialize') stores.push(joinedTableStoreSpec(node));
    if (node.kind === 'aggregate')
      stores.push(...aggregateStoreSpecs(aggregateOperatorSpec(node, keyFormat)));
  }
  return stores;
}

/** A query's sources by name (a join reads two), or its one source. */
export type SourceResolver = RuntimeSource | ((name: string) => RuntimeSource);

/** What the steps below a point give: each input's chain so far, then the steps all rows take. */
interface Branches {
  readonly inputs: { source: SourceOperator; operators: Operator[] }[];
  readonly shared: Operator[];
}

/** The operators from the sources to (not including) the sink. */
export function buildTopology(
  plan: PhysicalPlan,
  source: SourceResolver,
  context: OperatorContext,
  keyFormat = 'JSON',
  joinPartitions?: number,
): Topology {
  const resolve = (name: string) => (typeof source === 'function' ? source(name) : source);
  const build = (step: PhysicalPlan): Branches => {
    const then = (operator: Operator | undefined): Branches => {
      const below = build((step as { input: PhysicalPlan }).input);
      if (operator !== undefined) below.shared.push(operator);
      return below;
    };
    switch (step.kind) {
      case 'sourceScan':
        return {
          inputs: [
            {
              source: new SourceOperator(resolve(step.source.name), step.usesPseudoColumns, context),
              operators: [],
            },
          ],
          shared: [],
        };
      case 'tableSource':
        return then(new TableSourceOperator(resolve(step.input.source.name), context, step.store));
      case 'tableFunction':
        return then(new TableFunctionOperator(step, context));
      case 'filter':
        return then(new FilterOperator(step, context));
      case 'selectKey':
        // The projection computes the new key and the sink writes it.
        return then(undefined);
      case 'project': {
        const fused = fusedStreamTableJoin(step);
        if (fused !== undefined) return join(fused.join, rowStepsOf(fused.steps));
        return then(new ProjectOperator(step, context));
      }
      case 'aggregate':
        return then(new AggregateOperator(aggregateOperatorSpec(step, keyFormat), context));
      case 'join':
        return join(step);
      case 'materialize':
        return then(new JoinedTableMaterializer(step, context));
      case 'topicSink':
      case 'clientSink':
        return then(undefined);
      default: {
        const never: never = step;
        throw new Error(`Unhandled physical step ${JSON.stringify(never)}`);
      }
    }
  };
  const join = (step: JoinStep, after?: RowSteps): Branches => {
    const left = build(step.input);
    const right = build(step.right);
    const sides = joinOperatorSides(step, context, joinPartitions, after, (name) => resolve(name).keyFormat);
    // Each side's own steps run before its rows reach the join; what follows runs on joined rows.
    const end = (b: Branches, last: Operator) =>
      b.inputs.map((i) => ({ source: i.source, operators: [...i.operators, ...b.shared, last] }));
    return { inputs: [...end(left, sides.left), ...end(right, sides.right)], shared: [] };
  };
  /**
   * A SELECT over a stream-table join, with only a stream's WHEREs (and a PARTITION BY, which the
   * projection computes) between: the join runs them on each row it makes (StreamTableJoin's
   * `then`), in the order they run (WHEREs first).
   */
  const fusedStreamTableJoin = (
    project: ProjectStep,
  ): { join: JoinStep; steps: (FilterOperator | ProjectOperator)[] } | undefined => {
    const filters: FilterStep[] = [];
    for (let node = project.input; ; node = node.input) {
      if (node.kind === 'join') {
        if (node.joinKind !== 'STREAM_TABLE') return undefined;
        const steps = filters.reverse().map((f) => new FilterOperator(f, context));
        return { join: node, steps: [...steps, new ProjectOperator(project, context)] };
      }
      if (node.kind === 'filter' && !node.overTable) filters.push(node);
      else if (node.kind !== 'selectKey') return undefined;
    }
  };
  const { inputs, shared } = build(plan);
  return new Topology(inputs, shared);
}

/** A persistent query's topology and its topic sink. */
export function buildTopicTopology(
  plan: TopicSinkStep,
  source: SourceResolver,
  sink: { readonly topic: string; readonly encoder: SinkEncoder; readonly keyFormat: string },
  context: OperatorContext,
  joinPartitions?: number,
): { topology: Topology; sink: TopicSink } {
  return {
    topology: buildTopology(plan, source, context, sink.keyFormat, joinPartitions),
    sink: new TopicSink(
      plan.name,
      {
        ...sink,
        keepsSourceKey: plan.keepsSourceKey,
        ...(plan.windowed === undefined ? {} : { windowed: plan.windowed }),
      },
      context,
    ),
  };
}
