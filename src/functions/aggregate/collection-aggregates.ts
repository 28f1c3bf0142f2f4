import type { SqlType, SqlValue } from '../../types/index.js';
import { array, STRING, struct } from '../../types/index.js';
import { param, variadic } from '../function-declaration.js';
import {
  BIGINT_P,
  BYTES_P,
  DATE_P,
  DOUBLE_P,
  INTEGER_P,
  STRING_P,
  T,
  TIME_P,
  TIMESTAMP_P,
  type TypePattern,
  t,
} from '../type-pattern.js';
import { compareValues, valuesEqual } from '../values.js';
import type { AggregateFunction, AggregateOverload, Udaf } from './udaf.js';
import { valueIdentity } from './value-identity.js';

function collectListUdaf(limit: number): Udaf<SqlValue[]> {
  return {
    initialize: () => [],
    aggregate(v, acc) {
      if (acc.length < limit) acc.push(v);
      return acc;
    },
    merge(a, b) {
      for (const v of b) {
        if (a.length >= limit) break;
        a.push(v);
      }
      return a;
    },
    undo(v, acc) {
      for (let i = acc.length - 1; i >= 0; i--) {
        if (valuesEqual(acc[i], v)) {
          acc.splice(i, 1);
          break;
        }
      }
      return acc;
    },
    map: (acc) => [...acc],
  };
}

export const COLLECT_LIST: AggregateFunction = {
  name: 'COLLECT_LIST',
  description:
    'Returns an array of every value of a column, NULLs included, in the order the rows came (at most ksql.functions.collect_list.limit).',
  tableCapable: true,
  overloads: [
    {
      columns: [param('val', T)],
      returns: t.arrayOf(T),
      create: (_types, _literals, config) => collectListUdaf(config.collectListLimit) as Udaf,
    },
  ],
};

function collectSetUdaf(limit: number): Udaf<Map<string, SqlValue>> {
  const add = (acc: Map<string, SqlValue>, v: SqlValue) => {
    if (acc.size < limit) {
      const id = valueIdentity(v);
      if (!acc.has(id)) acc.set(id, v);
    }
    return acc;
  };
  return {
    initialize: () => new Map(),
    aggregate: (v, acc) => add(acc, v),
    merge(a, b) {
      for (const v of b.values()) add(a, v);
      return a;
    },
    map: (acc) => [...acc.values()],
  };
}

export const COLLECT_SET: AggregateFunction = {
  name: 'COLLECT_SET',
  description:
    'Returns an array of the distinct values of a column in first-seen order (at most ksql.functions.collect_set.limit).',
  tableCapable: false,
  overloads: [
    {
      columns: [param('val', T)],
      returns: t.arrayOf(T),
      create: (_types, _literals, config) => collectSetUdaf(config.collectSetLimit) as Udaf,
    },
  ],
};

const HISTOGRAM_LIMIT = 1000;

function histogramUdaf(): Udaf<Map<string, number>> {
  return {
    initialize: () => new Map(),
    aggregate(v, acc) {
      if (v === null) return acc;
      const key = v as string;
      const n = acc.get(key);
      if (n !== undefined) acc.set(key, n + 1);
      else if (acc.size < HISTOGRAM_LIMIT) acc.set(key, 1);
      return acc;
    },
    merge(a, b) {
      for (const [key, n] of b) {
        const have = a.get(key);
        if (have !== undefined) a.set(key, have + n);
        else if (a.size < HISTOGRAM_LIMIT) a.set(key, n);
      }
      return a;
    },
    undo(v, acc) {
      if (v === null) return acc;
      const key = v as string;
      const n = acc.get(key);
      if (n === undefined) return acc;
      if (n <= 1) acc.delete(key);
      else acc.set(key, n - 1);
      return acc;
    },
    map: (acc) => new Map<SqlValue, SqlValue>([...acc].map(([k, n]) => [k, BigInt(n)])),
  };
}

export const HISTOGRAM: AggregateFunction = {
  name: 'HISTOGRAM',
  description:
    'Returns a map from each value of a STRING column to the number of rows with it (at most 1000 values).',
  tableCapable: true,
  overloads: [
    {
      columns: [param('val', STRING_P)],
      returns: t.mapOf(STRING_P, BIGINT_P),
      create: () => histogramUdaf() as Udaf,
    },
  ],
};

/** ksqlDB's MIN and MAX take these. */
const COMPARABLE: TypePattern[] = [
  INTEGER_P,
  BIGINT_P,
  DOUBLE_P,
  t.decimal,
  DATE_P,
  TIME_P,
  TIMESTAMP_P,
  STRING_P,
  BYTES_P,
];

function extremeUdaf(sign: 1 | -1): Udaf<SqlValue> {
  const pick = (a: SqlValue, b: SqlValue) =>
    a === null ? b : b === null ? a : compareValues(b, a) * sign > 0 ? b : a;
  return {
    initialize: () => null,
    aggregate: (v, acc) => pick(acc, v),
    merge: (a, b) => pick(a, b),
    map: (acc) => acc,
  };
}

const sameType = (argTypes: readonly (SqlType | null)[]): SqlType => argTypes[0] ?? STRING;

function extremeOverloads(sign: 1 | -1): AggregateOverload[] {
  return COMPARABLE.map((p) => ({
    columns: [param('val', p)],
    returns: p.kind === 'ANY_DECIMAL' ? sameType : p,
    ...(p.kind === 'ANY_DECIMAL' ? { returnTypeName: 'DECIMAL' } : {}),
    create: () => extremeUdaf(sign),
  }));
}

export const MIN: AggregateFunction = {
  name: 'MIN',
  description: 'Returns the smallest non-NULL value of a column; NULL when there is none.',
  tableCapable: false,
  overloads: extremeOverloads(-1),
};

export const MAX: AggregateFunction = {
  name: 'MAX',
  description: 'Returns the largest non-NULL value of a column; NULL when there is none.',
  tableCapable: false,
  overloads: extremeOverloads(1),
};

/** Keeps the k largest entries, descending; an entry equal to one kept goes after it (earlier rows first). */
function insertTopK<E>(list: E[], entry: E, k: number, compare: (a: E, b: E) => number): E[] {
  let at = list.length;
  while (at > 0 && compare(list[at - 1], entry) < 0) at--;
  if (at >= k) return list;
  list.splice(at, 0, entry);
  if (list.length > k) list.length = k;
  return list;
}

function checkK(k: SqlValue, name: string): number {
  const n = Number(k);
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`${name}: k must be 1 or greater, got ${String(k)}.`);
  return n;
}

function topKUdaf(k: number): Udaf<SqlValue[]> {
  return {
    initialize: () => [],
    aggregate: (v, acc) => (v === null ? acc : insertTopK(acc, v, k, compareValues)),
    merge(a, b) {
      for (const v of b) insertTopK(a, v, k, compareValues);
      return a;
    },
    map: (acc) => [...acc],
  };
}

/** TOPK(sort, other…, k): the rows with the k largest sort values, as structs of the sort value and the others. */
function topKStructUdaf(k: number, columns: number): Udaf<SqlValue[][]> {
  const bySort = (a: SqlValue[], b: SqlValue[]) => compareValues(a[0], b[0]);
  return {
    initialize: () => [],
    aggregate(input, acc) {
      const row = input as readonly SqlValue[];
      return row[0] === null ? acc : insertTopK(acc, [...row], k, bySort);
    },
    merge(a, b) {
      for (const row of b) insertTopK(a, row, k, bySort);
      return a;
    },
    map: (acc) =>
      acc.map((row) => {
        const out: Record<string, SqlValue> = { sort_col: row[0] };
        for (let i = 1; i < columns; i++) out[`col${i - 1}`] = row[i];
        return out;
      }),
  };
}

const TOPK_TYPES = [INTEGER_P, BIGINT_P, DOUBLE_P, STRING_P];
const K_PARAM = param('k', INTEGER_P, 'how many values to keep');

export const TOPK: AggregateFunction = {
  name: 'TOPK',
  description:
    'Returns the k largest values of a column, largest first; with more columns, structs of each top row’s sort value and other columns.',
  tableCapable: false,
  overloads: [
    ...TOPK_TYPES.map(
      (p): AggregateOverload => ({
        columns: [param('val', p)],
        literals: [K_PARAM],
        returns: t.arrayOf(p),
        create: (_types, [k]) => topKUdaf(checkK(k, 'TOPK')) as Udaf,
      }),
    ),
    ...TOPK_TYPES.map(
      (p): AggregateOverload => ({
        columns: [param('val', p), variadic('other', t.variable('O'))],
        literals: [K_PARAM],
        returns: (argTypes) =>
          array(
            struct([
              { name: 'sort_col', type: argTypes[0] ?? STRING },
              ...argTypes.slice(1, -1).map((type, i) => ({ name: `col${i}`, type: type ?? STRING })),
            ]),
          ),
        returnTypeName: 'ARRAY<STRUCT>',
        create: (types, [k]) => topKStructUdaf(checkK(k, 'TOPK'), types.length) as Udaf,
      }),
    ),
  ],
};

function topKDistinctUdaf(k: number): Udaf<SqlValue[]> {
  return {
    initialize: () => [],
    aggregate(v, acc) {
      if (v === null || acc.some((x) => valuesEqual(x, v))) return acc;
      return insertTopK(acc, v, k, compareValues);
    },
    merge(a, b) {
      for (const v of b) if (!a.some((x) => valuesEqual(x, v))) insertTopK(a, v, k, compareValues);
      return a;
    },
    map: (acc) => [...acc],
  };
}

export const TOPKDISTINCT: AggregateFunction = {
  name: 'TOPKDISTINCT',
  description: 'Returns the k largest distinct values of a column, largest first.',
  tableCapable: false,
  overloads: [INTEGER_P, BIGINT_P, DOUBLE_P, STRING_P, t.decimal, DATE_P, TIME_P, TIMESTAMP_P, BYTES_P].map(
    (p): AggregateOverload => ({
      columns: [param('val', p)],
      literals: [K_PARAM],
      returns: p.kind === 'ANY_DECIMAL' ? (argTypes) => array(argTypes[0] ?? STRING) : t.arrayOf(p),
      ...(p.kind === 'ANY_DECIMAL' ? { returnTypeName: 'ARRAY<DECIMAL>' } : {}),
      create: (_types, [k]) => topKDistinctUdaf(checkK(k, 'TOPKDISTINCT')) as Udaf,
    }),
  ),
};
