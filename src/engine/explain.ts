import type { SelectPlan } from '../planner/index.js';
import { formatType } from '../types/index.js';
import { type FieldInfo, schemaInfo } from './entities.js';

function schemaText(
  columns: readonly { name: string; type: import('../types/index.js').SqlType; namespace: string }[],
): string {
  return columns
    .map((c) => `${c.name} ${formatType(c.type)}${c.namespace === 'KEY' ? ' KEY' : ''}`)
    .join(', ');
}

/**
 * The execution plan as ksqlDB's EXPLAIN prints it: one step a line, innermost last, each with the
 * schema it produces.
 */
export function executionPlanText(
  plan: SelectPlan,
  sink: { name: string; topic: string } | undefined,
  queryId: string,
): string {
  const source = plan.source;
  const steps: string[] = [];
  if (sink !== undefined) {
    steps.push(
      `[ SINK ] | Schema: ${schemaText(plan.columns)} | Logger: ${queryId}.${sink.name} | Topic: ${sink.topic}`,
    );
  }
  steps.push(`[ PROJECT ] | Schema: ${schemaText(plan.columns)} | Logger: ${queryId}.Project`);
  if (plan.filter !== undefined)
    steps.push(`[ FILTER ] | Schema: ${schemaText(source.columns)} | Logger: ${queryId}.WhereFilter`);
  steps.push(`[ SOURCE ] | Schema: ${schemaText(source.columns)} | Logger: ${queryId}.KsqlTopic.Source`);
  return steps.map((s, depth) => `${'\t\t'.repeat(depth)} > ${s}\n`).join('');
}

/** ksqlDB's QueryDescription entity body. */
export function queryDescription(
  id: string,
  statementText: string,
  plan: SelectPlan,
  sink: { name: string; topic: string } | undefined,
  state: string | undefined,
  queryErrors: readonly { timestamp: number; errorMessage: string; type: string }[] = [],
) {
  const fields: FieldInfo[] = plan.columns.map((c) => ({
    name: c.name,
    schema: schemaInfo(c.type),
    ...(c.namespace === 'KEY' ? { type: 'KEY' as const } : {}),
  }));
  const executionPlan = executionPlanText(plan, sink, id);
  return {
    id,
    statementText,
    windowType: null,
    fields,
    sources: [plan.source.name],
    sinks: sink === undefined ? [] : [sink.name],
    topology: `Topologies:\n   Sub-topology: 0\n${executionPlan}`,
    executionPlan,
    overriddenProperties: {},
    ksqlHostQueryStatus: {},
    queryType: sink === undefined ? 'PUSH' : 'PERSISTENT',
    queryErrors,
    tasksMetadata: [],
    ...(state === undefined ? {} : { state }),
  };
}
