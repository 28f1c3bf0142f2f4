export { builtinTableFunctions, tableFunctions } from './table-functions.js';
