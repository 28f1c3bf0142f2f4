// EXPLAIN's two texts, generated from the plans: the logical plan as ksqlDB's execution plan (one
// step a line, the sink first, each with the schema it produces and its logger), and the physical
// plan as the topology of operators in the shape of Kafka Streams' topology description.
import { formatType, type SqlType } from '../types/index.js';
import { type LogicalPlan, planInputs, planSchema, planSource, type SinkNode } from './logical-plan.js';
import { type PhysicalPlan, physicalSteps } from './physical-plan.js';

function schemaText(
  columns: readonly { readonly name: string; readonly type: SqlType; readonly namespace: string }[],
): string {
  return columns
    .map((c) => `${c.name} ${formatType(c.type)}${c.namespace === 'KEY' ? ' KEY' : ''}`)
    .join(', ');
}

/** ksqlDB's step type and logger suffix of each logical node. */
function stepOf(plan: LogicalPlan): { step: string; logger: string } {
  switch (plan.kind) {
    case 'source':
      return { step: 'SOURCE', logger: 'KsqlTopic.Source' };
    case 'filter':
      return plan.clause === 'WHERE'
        ? { step: 'FILTER', logger: 'WhereFilter' }
        : { step: 'FILTER', logger: 'Aggregate.HavingFilter' };
    case 'repartition':
      return { step: 'REKEY', logger: 'PartitionBy' };
    case 'project':
      return { step: 'PROJECT', logger: 'Project' };
    case 'aggregate':
      return { step: 'AGGREGATE', logger: 'Aggregate.Aggregate' };
    case 'window':
      return { step: 'WINDOW', logger: 'Aggregate.Window' };
    case 'tableFunction':
      return { step: 'FLAT_MAP', logger: 'FlatMap' };
    case 'suppress':
      return { step: 'SUPPRESS', logger: 'Suppress' };
    case 'sink':
      return { step: 'SINK', logger: plan.target.kind === 'topic' ? plan.target.name : 'Client' };
    default: {
      const never: never = plan;
      throw new Error(`Unhandled plan node ${JSON.stringify(never)}`);
    }
  }
}

/** The schema a logical step is shown with: a source's columns, or what the step produces. */
function stepSchema(plan: LogicalPlan): string {
  switch (plan.kind) {
    case 'source':
    case 'filter':
      return schemaText(planSource(plan).source.columns);
    case 'repartition': {
      const keys = new Set(plan.keys.map((k) => k.name));
      const others = planSource(plan).source.columns.filter((c) => !keys.has(c.name));
      return schemaText([
        ...plan.keys.map((k) => ({ name: k.name, type: k.expression.type, namespace: 'KEY' })),
        ...others.map((c) => ({ ...c, namespace: 'VALUE' })),
      ]);
    }
    default:
      return schemaText(planSchema(plan));
  }
}

/**
 * The logical plan as ksqlDB's EXPLAIN prints its execution plan: one step a line, innermost last,
 * each with the schema it produces. Without a sink topic (a push query, EXPLAIN SELECT) the plan is
 * shown from its projection, as ksqlDB shows a transient query's.
 */
export function executionPlanText(plan: SinkNode, queryId: string, sinkTopic: string | undefined): string {
  const lines: string[] = [];
  let node: LogicalPlan | undefined = sinkTopic === undefined ? plan.input : plan;
  while (node !== undefined) {
    const { step, logger } = stepOf(node);
    const topic = node.kind === 'sink' && sinkTopic !== undefined ? ` | Topic: ${sinkTopic}` : '';
    lines.push(`[ ${step} ] | Schema: ${stepSchema(node)} | Logger: ${queryId}.${logger}${topic}`);
    node = planInputs(node)[0];
  }
  return lines.map((s, depth) => `${'\t\t'.repeat(depth)} > ${s}\n`).join('');
}

/** The operator a physical step runs as, by the name its logs and the topology show. */
function operatorName(step: PhysicalPlan): string | undefined {
  switch (step.kind) {
    case 'sourceScan':
      return 'KsqlTopic.Source';
    case 'filter':
      return 'WhereFilter';
    case 'selectKey':
      // Computed by the projection, written by the sink: no operator of its own.
      return undefined;
    case 'project':
      return 'Project';
    case 'aggregate':
      return 'Aggregate.Aggregate';
    case 'topicSink':
      return step.name;
    case 'clientSink':
      return 'Client';
    default: {
      const never: never = step;
      throw new Error(`Unhandled physical step ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The physical plan as the operators that run it, in the shape of Kafka Streams' topology
 * description (what ksqlDB's EXPLAIN shows as `topology`): one sub-topology, each operator with
 * the one after it (-->) and the one before it (<--).
 */
export function topologyText(plan: PhysicalPlan, sinkTopic: string | undefined): string {
  const steps = physicalSteps(plan).filter((s) => operatorName(s) !== undefined);
  const names = steps.map((s) => operatorName(s) as string);
  const lines = ['Topologies:', '   Sub-topology: 0'];
  steps.forEach((step, i) => {
    const name = names[i];
    if (step.kind === 'sourceScan')
      lines.push(`    Source: ${name} (topics: [${step.source.topic ?? step.source.name}])`);
    else if (step.kind === 'topicSink') lines.push(`    Sink: ${name} (topic: ${sinkTopic ?? name})`);
    else if (step.kind === 'clientSink') lines.push(`    Sink: ${name} (push query client)`);
    else if (step.kind === 'aggregate')
      lines.push(`    Processor: ${name} (stores: [Aggregate-Aggregate-Materialize])`);
    else lines.push(`    Processor: ${name} (stores: [])`);
    if (i + 1 < steps.length) lines.push(`      --> ${names[i + 1]}`);
    if (i > 0) lines.push(`      <-- ${names[i - 1]}`);
  });
  return `${lines.join('\n')}\n`;
}
