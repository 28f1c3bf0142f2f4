// Turns a physical plan into the runtime's operators: one topology for a SELECT, ending in a topic
// sink (persistent query) or handed to a client sink (push query).
import type { PhysicalPlan, TopicSinkStep } from '../planner/index.js';
import {
  FilterOperator,
  type Operator,
  type OperatorContext,
  ProjectOperator,
  type RuntimeSource,
  type SinkEncoder,
  SourceOperator,
  TopicSink,
  Topology,
} from '../runtime/index.js';

/** The operators from the source to (not including) the sink. */
export function buildTopology(plan: PhysicalPlan, source: RuntimeSource, context: OperatorContext): Topology {
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
  sink: { readonly topic: string; readonly encoder: SinkEncoder },
  context: OperatorContext,
): { topology: Topology; sink: TopicSink } {
  return {
    topology: buildTopology(plan, source, context),
    sink: new TopicSink(plan.name, { ...sink, keepsSourceKey: plan.keepsSourceKey }, context),
  };
}
