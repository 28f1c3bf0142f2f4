import {
  executionPlanText,
  outputColumns,
  planPhysical,
  planSource,
  type SinkNode,
  topologyText,
} from '../planner/index.js';
import type { QueryDescription } from '../rest-model/index.js';
import { type FieldInfo, schemaInfo } from './entities.js';

/**
 * ksqlDB's QueryDescription entity body. `executionPlan` is the logical plan and `topology` the
 * physical one, both printed from the plans.
 */
export function queryDescription(
  id: string,
  statementText: string,
  plan: SinkNode,
  sink: { name: string; topic: string } | undefined,
  state: string | undefined,
  queryErrors: readonly { timestamp: number; errorMessage: string; type: string }[] = [],
): QueryDescription {
  const fields: FieldInfo[] = outputColumns(plan).map((c) => ({
    name: c.name,
    schema: schemaInfo(c.type),
    ...(c.namespace === 'KEY' ? { type: 'KEY' as const } : {}),
  }));
  const executionPlan = executionPlanText(plan, id, sink?.topic);
  // Without a sink (EXPLAIN SELECT, a push query) the rows go to a client.
  const physical = planPhysical(
    sink === undefined ? { ...plan, target: { kind: 'client', limit: undefined } } : plan,
  );
  return {
    id,
    statementText,
    windowType: null,
    fields,
    sources: [planSource(plan).source.name],
    sinks: sink === undefined ? [] : [sink.name],
    topology: topologyText(physical, sink?.topic),
    executionPlan,
    overriddenProperties: {},
    ksqlHostQueryStatus: {},
    queryType: sink === undefined ? 'PUSH' : 'PERSISTENT',
    queryErrors,
    tasksMetadata: [],
    ...(state === undefined ? {} : { state }),
  };
}
