export { resolveType } from './resolve-type.js';
