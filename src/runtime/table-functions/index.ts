export { TableFunctionOperator, type TableFunctionSpec } from './table-function-operator.js';
