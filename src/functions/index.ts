/**
 * Sluice's function library: the built-in scalar functions with ksqlDB's names and semantics, how a
 * call is resolved to one overload, and what SHOW FUNCTIONS and DESCRIBE FUNCTION report.
 */
import { type AggregateOverload, builtinAggregates } from './aggregate/index.js';
import type { Overload, Parameter } from './function-declaration.js';
import { builtinFunctions, FunctionResolutionError } from './registry.js';
import { builtinTableFunctions } from './table/index.js';
import { formatPattern, t } from './type-pattern.js';

export {
  type AggregateConfig,
  type AggregateFunction,
  type AggregateOverload,
  AggregateRegistry,
  AggregateResolutionError,
  builtinAggregates,
  DEFAULT_AGGREGATE_CONFIG,
  type ResolvedAggregate,
  tableAggregationError,
  type Udaf,
} from './aggregate/index.js';
export type {
  FunctionCategory,
  Overload,
  Parameter,
  ReturnTypeRule,
  ScalarFunction,
  ScalarImplementation,
} from './function-declaration.js';
export { FunctionInvocationError } from './function-declaration.js';
export type { ResolvedFunction } from './registry.js';
export {
  builtinFunctions,
  FunctionRegistry,
  FunctionResolutionError,
  formatSignature,
  resolveFunction,
} from './registry.js';
export { builtinTableFunctions } from './table/index.js';
export type { TypeConstraint, TypePattern } from './type-pattern.js';

/** One row of SHOW FUNCTIONS. */
export interface FunctionSummary {
  readonly name: string;
  readonly type: 'SCALAR' | 'AGGREGATE' | 'TABLE';
  readonly category: string;
}

/** DESCRIBE FUNCTION's answer, in the shape of ksqlDB's FunctionDescriptionList. */
export interface FunctionDescription {
  readonly name: string;
  readonly description: string;
  readonly author: string;
  readonly version: string;
  readonly path: string;
  readonly type: 'SCALAR' | 'AGGREGATE' | 'TABLE';
  readonly variations: readonly FunctionVariation[];
}

export interface FunctionVariation {
  readonly arguments: readonly FunctionArgument[];
  readonly returnType: string;
  readonly description: string;
}

export interface FunctionArgument {
  readonly name: string;
  readonly type: string;
  readonly description: string;
  readonly isVariadic: boolean;
}

const AUTHOR = 'Sluice';
const VERSION = '0.1.0';

/** Scalar and aggregate functions, by name; aggregates in ksqlDB's AGGREGATE category. */
export function listFunctions(): FunctionSummary[] {
  const all: FunctionSummary[] = [
    ...builtinFunctions
      .list()
      .map((fn): FunctionSummary => ({ name: fn.name, type: 'SCALAR', category: fn.category })),
    ...builtinAggregates
      .list()
      .map((fn): FunctionSummary => ({ name: fn.name, type: 'AGGREGATE', category: 'AGGREGATE' })),
    ...builtinTableFunctions
      .list()
      .map((fn): FunctionSummary => ({ name: fn.name, type: 'TABLE', category: 'TABLE' })),
  ];
  return all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Describes a function by name (case-insensitive); throws FunctionResolutionError when there is none. */
export function describeFunction(name: string): FunctionDescription {
  const aggregate = builtinAggregates.get(name);
  if (aggregate !== undefined) {
    return {
      name: aggregate.name,
      description: aggregate.description,
      author: AUTHOR,
      version: VERSION,
      path: 'internal',
      type: 'AGGREGATE',
      variations: aggregate.overloads.map(describeAggregateOverload),
    };
  }
  const table = builtinTableFunctions.get(name);
  const fn = table ?? builtinFunctions.get(name);
  if (fn === undefined) throw new FunctionResolutionError(name.toUpperCase(), [], []);
  return {
    name: fn.name,
    description: fn.description,
    author: AUTHOR,
    version: VERSION,
    path: 'internal',
    type: table === undefined ? 'SCALAR' : 'TABLE',
    variations: fn.overloads.map(describeOverload),
  };
}

function describeArgument(p: Parameter): FunctionArgument {
  return {
    name: p.name,
    // A variadic parameter is shown as the array its values arrive in, as ksqlDB shows it.
    type: formatPattern(p.variadic ? t.arrayOf(p.type) : p.type),
    description: p.description,
    isVariadic: p.variadic === true,
  };
}

function describeAggregateOverload(overload: AggregateOverload): FunctionVariation {
  return {
    arguments: [...overload.columns, ...(overload.literals ?? [])].map(describeArgument),
    returnType:
      typeof overload.returns === 'function'
        ? (overload.returnTypeName ?? 'ANY')
        : formatPattern(overload.returns),
    description: overload.description ?? '',
  };
}

function describeOverload(overload: Overload): FunctionVariation {
  return {
    arguments: overload.params.map(describeArgument),
    returnType:
      typeof overload.returns === 'function'
        ? (overload.returnTypeName ?? 'ANY')
        : formatPattern(overload.returns),
    description: overload.description ?? '',
  };
}

export { type CivilDate, civilFromDays, daysFromCivil, MS_PER_DAY } from './civil-time.js';
export {
  filterArray,
  filterMap,
  type Lambda1,
  type Lambda2,
  type Lambda3,
  reduceArray,
  reduceMap,
  transformArray,
  transformMap,
} from './lambdas.js';
