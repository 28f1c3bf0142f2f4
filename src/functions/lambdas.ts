/**
 * TRANSFORM, FILTER and REDUCE: the functions that take lambdas. The planner types and compiles the
 * lambdas (their parameters are typed from the collection) and calls the loops here with them; the
 * declarations below are what SHOW FUNCTIONS and DESCRIBE FUNCTION show.
 */
import type { SqlValue } from '../types/index.js';
import { FunctionInvocationError, param, type ScalarFunction } from './function-declaration.js';
import { BOOLEAN_P, K, T, t, V } from './type-pattern.js';

export type Lambda1 = (a: SqlValue) => SqlValue;
export type Lambda2 = (a: SqlValue, b: SqlValue) => SqlValue;
export type Lambda3 = (a: SqlValue, b: SqlValue, c: SqlValue) => SqlValue;
type SqlMap = ReadonlyMap<SqlValue, SqlValue>;

export function transformArray(array: SqlValue, fn: Lambda1): SqlValue {
  if (array === null) return null;
  return (array as readonly SqlValue[]).map((x) => fn(x));
}

/** ksqlDB collects the new entries with Collectors.toMap, which refuses two entries with one key. */
export function transformMap(map: SqlValue, keyFn: Lambda2, valueFn: Lambda2): SqlValue {
  if (map === null) return null;
  const out = new Map<SqlValue, SqlValue>();
  for (const [k, v] of map as SqlMap) {
    const key = keyFn(k, v);
    const value = valueFn(k, v);
    if (out.has(key)) {
      throw new FunctionInvocationError(
        'TRANSFORM',
        `Duplicate key ${String(key)} (attempted merging values ${String(out.get(key))} and ${String(value)})`,
      );
    }
    out.set(key, value);
  }
  return out;
}

/** A filter lambda must say TRUE or FALSE: Java cannot unbox a NULL into its predicate. */
function keep(result: SqlValue): boolean {
  if (result === null) {
    throw new FunctionInvocationError('FILTER', 'the lambda returned NULL; it must return TRUE or FALSE');
  }
  return result as boolean;
}

export function filterArray(array: SqlValue, fn: Lambda1): SqlValue {
  if (array === null) return null;
  return (array as readonly SqlValue[]).filter((x) => keep(fn(x)));
}

export function filterMap(map: SqlValue, fn: Lambda2): SqlValue {
  if (map === null) return null;
  const out = new Map<SqlValue, SqlValue>();
  for (const [k, v] of map as SqlMap) if (keep(fn(k, v))) out.set(k, v);
  return out;
}

/** A NULL initial state gives NULL; a NULL collection gives the initial state. */
export function reduceArray(array: SqlValue, initial: SqlValue, fn: Lambda2): SqlValue {
  if (initial === null) return null;
  if (array === null) return initial;
  let state: SqlValue = initial;
  for (const x of array as readonly SqlValue[]) state = fn(state, x);
  return state;
}

export function reduceMap(map: SqlValue, initial: SqlValue, fn: Lambda3): SqlValue {
  if (initial === null) return null;
  if (map === null) return initial;
  let state: SqlValue = initial;
  for (const [k, v] of map as SqlMap) state = fn(state, k, v);
  return state;
}

const R = t.variable('R');
const S = t.variable('S');

const plannedOnly = (name: string) => () => {
  throw new Error(`${name} runs only through the planner, which compiles its lambdas`);
};

export const lambdaFunctions: readonly ScalarFunction[] = [
  {
    name: 'TRANSFORM',
    category: 'LAMBDA',
    description:
      'Applies a lambda to each element of a collection: TRANSFORM(array, x => …) maps the elements; TRANSFORM(map, (k, v) => newKey, (k, v) => newValue) builds a new map.',
    overloads: [
      {
        params: [param('array', t.arrayOf(T)), param('function', t.lambda([T], R))],
        returns: t.arrayOf(R),
        invoke: plannedOnly('TRANSFORM'),
      },
      {
        params: [
          param('map', t.mapOf(K, V)),
          param('keyFunction', t.lambda([K, V], t.variable('NK'))),
          param('valueFunction', t.lambda([K, V], t.variable('NV'))),
        ],
        returns: t.mapOf(t.variable('NK'), t.variable('NV')),
        invoke: plannedOnly('TRANSFORM'),
      },
    ],
  },
  {
    name: 'FILTER',
    category: 'LAMBDA',
    description:
      'Keeps the elements of a collection for which a lambda returns TRUE: FILTER(array, x => …) or FILTER(map, (k, v) => …).',
    overloads: [
      {
        params: [param('array', t.arrayOf(T)), param('function', t.lambda([T], BOOLEAN_P))],
        returns: t.arrayOf(T),
        invoke: plannedOnly('FILTER'),
      },
      {
        params: [param('map', t.mapOf(K, V)), param('function', t.lambda([K, V], BOOLEAN_P))],
        returns: t.mapOf(K, V),
        invoke: plannedOnly('FILTER'),
      },
    ],
  },
  {
    name: 'REDUCE',
    category: 'LAMBDA',
    description:
      'Reduces a collection to one value from an initial state: REDUCE(array, state, (s, x) => …) or REDUCE(map, state, (s, k, v) => …). NULL when the state is NULL; the state when the collection is NULL.',
    overloads: [
      {
        params: [
          param('array', t.arrayOf(T)),
          param('initialState', S),
          param('function', t.lambda([S, T], S)),
        ],
        returns: S,
        invoke: plannedOnly('REDUCE'),
      },
      {
        params: [
          param('map', t.mapOf(K, V)),
          param('initialState', S),
          param('function', t.lambda([S, K, V], S)),
        ],
        returns: S,
        invoke: plannedOnly('REDUCE'),
      },
    ],
  },
];
