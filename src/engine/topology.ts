// Turns a physical plan into the runtime's operators: one topology for a SELECT, ending in a topic
// sink (persistent query) or handed to a client sink (push query).
import type { AggregateStep, PhysicalPlan, TopicSinkStep } from '../planner/index.js';
import {
  AggregateOperator,
  type AggregateOperatorSpec,
  durationMs,
  FilterOperator,
  type Operator,
  type OperatorContext,
  type OperatorWindow,
  ProjectOperator,
  type RuntimeSource,
  resolveWindow,
  type SinkEncoder,
  SourceOperator,
  TopicSink,
  Topology,
} from '../runtime/index.js';
import { formatByName } from '../serde/index.js';
import type { WindowExpression } from '../sql/index.js';

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
  };
}

/** The aggregate step of a plan, if any. */
export function aggregateStepOf(plan: PhysicalPlan): AggregateStep | undefined {
  for (let node: PhysicalPlan = plan; ; node = node.input) {
    if (node.kind === 'aggregate') return node;
    if (node.kind === 'sourceScan') return undefined;
  }
}

/** The operators from the source to (not including) the sink. */
export function buildTopology(
  plan: PhysicalPlan,
  source: RuntimeSource,
  context: OperatorContext,
  keyFormat = 'JSON',
): Topology {
  const operators: Operator[] = [];
  let scan: SourceOperator | undefined;
  const add = (step: PhysicalPlan): void => {
    switch (step.kind) {
      case 'sourceScan':
        scan = new SourceOperator(source, step.usesPseudoColumns, context);
        return;
      case 'filter':
        add(step.input);
        operators.push(new FilterOperator(step, context));
        return;
      case 'selectKey':
        // The projection computes the new key and the sink writes it.
        add(step.input);
        return;
      case 'project':
        add(step.input);
        operators.push(new ProjectOperator(step, context));
        return;
      case 'aggregate':
        add(step.input);
        operators.push(new AggregateOperator(aggregateOperatorSpec(step, keyFormat), context));
        return;
      case 'topicSink':
      case 'clientSink':
        add(step.input);
        return;
      default: {
        const never: never = step;
        throw new Error(`Unhandled physical step ${JSON.stringify(never)}`);
      }
    }
  };
  add(plan);
  if (scan === undefined) throw new Error('A physical plan starts at a source scan.');
  return new Topology(scan, operators);
}

/** A persistent query's topology and its topic sink. */
export function buildTopicTopology(
  plan: TopicSinkStep,
  source: RuntimeSource,
  sink: { readonly topic: string; readonly encoder: SinkEncoder; readonly keyFormat: string },
  context: OperatorContext,
): { topology: Topology; sink: TopicSink } {
  return {
    topology: buildTopology(plan, source, context, sink.keyFormat),
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
