export {
  type ColumnScope,
  type CompiledExpression,
  EvaluationError,
  ExpressionError,
  type ScopeColumn,
} from './compiled-expression.js';
export { compileExpression } from './expression-compiler.js';
export {
  PlanningError,
  type ProjectedColumn,
  planSelect,
  type SelectMode,
  type SelectPlan,
} from './plan-select.js';
export { resolveType } from './resolve-type.js';
export { type PlannerSource, PSEUDO_COLUMNS, SourceScope } from './source-scope.js';
