export {
  type ColumnScope,
  type CompiledExpression,
  type ErrorPosition,
  EvaluationError,
  ExpressionError,
  type ScopeColumn,
  type TypedExpression,
} from './compiled-expression.js';
export { executionPlanText, topologyText } from './explain-plan.js';
export { compileExpression } from './expression-compiler.js';
export type { JoinKind, JoinNode, JoinStores, JoinWindowMs } from './join-node.js';
export {
  type AggregateCall,
  type AggregateNode,
  type FilterNode,
  type LogicalPlan,
  mapPlanInputs,
  outputColumns,
  type PlanColumn,
  type ProjectedColumn,
  type ProjectNode,
  planInputs,
  planSchema,
  planSource,
  type RepartitionNode,
  type SinkNode,
  type SinkTarget,
  type SourceNode,
  type SuppressNode,
  type TableFunctionNode,
  transformPlan,
  visitPlan,
  type WindowNode,
} from './logical-plan.js';
export {
  type AggregateStep,
  type ClientSinkStep,
  errorLabel,
  type FilterStep,
  JOINED_TABLE_STORE,
  type JoinStep,
  type MaterializeStep,
  type PhysicalPlan,
  type ProjectStep,
  physicalSteps,
  planPhysical,
  type SelectKeyStep,
  type SourceScanStep,
  type TableSourceStep,
  type TopicSinkStep,
} from './physical-plan.js';
export {
  type KeyAccess,
  PULL_QUERY_HELP,
  type PullColumn,
  type PullOptions,
  type PullTable,
  planStreamPull,
  planTablePull,
  pullTableScope,
  rebindTablePullKeys,
  rebindTablePullLiterals,
  type StreamPullPlan,
  type TablePullPlan,
  validatePullQuery,
  type WindowRange,
} from './plan-pull.js';
export { PlanningError, planQuery, type SelectMode } from './plan-select.js';
export { resolveType } from './resolve-type.js';
export { type PlannerSource, PSEUDO_COLUMNS, SourceScope } from './source-scope.js';
