export {
  AggregateRegistry,
  AggregateResolutionError,
  builtinAggregates,
  type ResolvedAggregate,
  tableAggregationError,
} from './aggregate-registry.js';
export type { AggregateConfig, AggregateFunction, AggregateOverload, Udaf } from './udaf.js';
export { DEFAULT_AGGREGATE_CONFIG } from './udaf.js';
