// EXPLAIN's two texts, generated from the plans: the logical plan as ksqlDB's execution plan (one
// step a line, the sink first, each with the schema it produces and its logger), and the physical
// plan as the topology of operators in the shape of Kafka Streams' topology description.
import { formatType, type SqlType } from '../types/index.js';
import { type LogicalPlan, planInputs, planSchema, planSource, type SinkNode } from './logical-plan.js';
import type { PhysicalPlan } from './physical-plan.js';

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
    case 'join':
      return { step: 'JOIN', logger: 'Join' };
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
    case 'filter':
      // WHERE over a join filters joined rows.
      return plan.input.kind === 'join'
        ? schemaText(planSchema(plan.input))
        : schemaText(planSource(plan).source.columns);
    case 'source':
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
  const print = (node: LogicalPlan, depth: number, side: 'Left' | 'Right' | undefined, prefix = ''): void => {
    const { step, logger: own } = stepOf(node);
    // A join's sources log as ksqlDB's KafkaTopic_Left / KafkaTopic_Right, and a side re-keyed by its
    // join expression as LeftSourceKeyed / RightSourceKeyed.
    const logger =
      side === undefined
        ? own
        : node.kind === 'source'
          ? `KafkaTopic_${side}.Source`
          : node.kind === 'repartition'
            ? `${prefix}${side}SourceKeyed`
            : own;
    const topic = node.kind === 'sink' && sinkTopic !== undefined ? ` | Topic: ${sinkTopic}` : '';
    lines.push(
      `${'\t\t'.repeat(depth)} > [ ${step} ] | Schema: ${stepSchema(node)} | Logger: ${queryId}.${logger}${topic}\n`,
    );
    if (node.kind === 'join') {
      print(node.left, depth + 1, 'Left', node.storePrefix);
      print(node.right, depth + 1, 'Right', node.storePrefix);
    } else for (const input of planInputs(node)) print(input, depth + 1, side, prefix);
  };
  print(sinkTopic === undefined ? plan.input : plan, 0, undefined);
  return lines.join('');
}

/** The operator a physical step runs as, by the name its logs and the topology show. */
function operatorName(
  step: PhysicalPlan,
  side: 'Left' | 'Right' | undefined,
  prefix: string,
): string | undefined {
  switch (step.kind) {
    case 'sourceScan':
      return side === undefined ? 'KsqlTopic.Source' : `${prefix}KafkaTopic_${side}.Source`;
    case 'tableSource':
      return 'KsqlTopic.Reduce';
    case 'tableFunction':
      return 'FlatMap';
    case 'filter':
      return 'WhereFilter';
    case 'selectKey':
      // A join side re-keyed by its join expression: ksqlDB's <side>SourceKeyed-SelectKey, which
      // the join operator computes (no repartition topic, see docs/sql.md). Elsewhere the key is
      // computed by the projection and written by the sink: no operator of its own.
      return side === undefined ? undefined : `${prefix}${side}SourceKeyed-SelectKey`;
    case 'project':
      return 'Project';
    case 'aggregate':
      return 'Aggregate.Aggregate';
    case 'join':
      return `${step.storePrefix}Join`;
    case 'materialize':
      return 'Join.Materialize';
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

interface TopologyNode {
  readonly name: string;
  readonly line: string;
  readonly next: string[];
  readonly prev: readonly string[];
}

function nodeLine(step: PhysicalPlan, name: string, sinkTopic: string | undefined): string {
  switch (step.kind) {
    case 'sourceScan':
      return `    Source: ${name} (topics: [${step.source.topic ?? step.source.name}])`;
    case 'topicSink':
      return `    Sink: ${name} (topic: ${sinkTopic ?? name})`;
    case 'clientSink':
      return `    Sink: ${name} (push query client)`;
    case 'tableSource':
    case 'materialize':
      return `    Processor: ${name} (stores: [${step.store}])`;
    case 'aggregate':
      return `    Processor: ${name} (stores: [Aggregate-Aggregate-Materialize])`;
    case 'join': {
      const s = step.stores;
      const names =
        s.kind === 'STREAM_TABLE'
          ? [s.table]
          : s.kind === 'TABLE_TABLE'
            ? [s.left, s.right]
            : s.kind === 'FOREIGN_KEY'
              ? [s.left, s.right, s.index]
              : [s.left, s.right, ...(s.outer === undefined ? [] : [s.outer])];
      return `    Processor: ${name} (stores: [${names.join(', ')}])`;
    }
    default:
      return `    Processor: ${name} (stores: [])`;
  }
}

/**
 * The physical plan as the operators that run it, in the shape of Kafka Streams' topology
 * description (what ksqlDB's EXPLAIN shows as `topology`): one sub-topology, each operator with
 * the ones after it (-->) and before it (<--); a join's table side first goes into its store.
 */
export function topologyText(plan: PhysicalPlan, sinkTopic: string | undefined): string {
  const nodes: TopologyNode[] = [];
  const add = (name: string, line: string, prev: readonly string[]): string => {
    for (const p of prev) nodes.find((n) => n.name === p)?.next.push(name);
    nodes.push({ name, line, next: [], prev });
    return name;
  };
  const walk = (step: PhysicalPlan, side: 'Left' | 'Right' | undefined, prefix: string): string[] => {
    let inputs: string[] = [];
    if (step.kind === 'join') {
      const left = walk(step.input, 'Left', step.storePrefix);
      const right = walk(step.right, 'Right', step.storePrefix);
      const table = step.stores.kind === 'STREAM_TABLE' ? step.stores.table : undefined;
      inputs = [
        ...left,
        ...(table === undefined
          ? right
          : [add(table, `    Processor: ${table} (stores: [${table}])`, right)]),
      ];
    } else if (step.kind !== 'sourceScan') inputs = walk(step.input, side, prefix);
    const name = operatorName(step, side, prefix);
    return name === undefined ? inputs : [add(name, nodeLine(step, name, sinkTopic), inputs)];
  };
  walk(plan, undefined, '');
  const lines = ['Topologies:', '   Sub-topology: 0'];
  for (const node of nodes) {
    lines.push(node.line);
    if (node.next.length > 0) lines.push(`      --> ${node.next.join(', ')}`);
    if (node.prev.length > 0) lines.push(`      <-- ${node.prev.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}
