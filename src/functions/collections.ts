import type { ArrayType, Decimal, MapType, SqlType, SqlValue } from '../types/index.js';
import { array, BIGINT, BOOLEAN, INTEGER, STRING, struct } from '../types/index.js';
import { decimalToString, isDecimal } from './decimal.js';
import { FunctionInvocationError, param, type ScalarFunction, variadic } from './function-declaration.js';
import { BIGINT_P, BOOLEAN_P, INTEGER_P, K, STRING_P, T, t, V } from './type-pattern.js';
import { compareValues, hashKey, javaDoubleToString, valuesEqual } from './values.js';

type List = readonly SqlValue[];
type SqlMap = ReadonlyMap<SqlValue, SqlValue>;

const list = (v: SqlValue) => v as List;
const sqlMap = (v: SqlValue) => v as SqlMap;

const ARRAY_T = t.arrayOf(T);
const PRIMITIVE_T = t.variable('T', 'PRIMITIVE');
const ARRAY_PRIMITIVE_T = t.arrayOf(PRIMITIVE_T);

/** Set semantics over SQL values: primitives by key, containers by deep equality. */
class ValueSet {
  readonly #keys = new Set<SqlValue | undefined>();
  readonly #containers: SqlValue[] = [];
  has(value: SqlValue): boolean {
    const key = hashKey(value);
    return key !== undefined ? this.#keys.has(key) : this.#containers.some((c) => valuesEqual(c, value));
  }
  add(value: SqlValue): void {
    const key = hashKey(value);
    if (key !== undefined) this.#keys.add(key);
    else this.#containers.push(value);
  }
}

function distinct(values: List, exclude?: ValueSet): SqlValue[] {
  const seen = new ValueSet();
  const out: SqlValue[] = [];
  for (const v of values) {
    if (seen.has(v) || exclude?.has(v)) continue;
    seen.add(v);
    out.push(v);
  }
  return out;
}

function setOf(values: List): ValueSet {
  const set = new ValueSet();
  for (const v of values) set.add(v);
  return set;
}

/** Element text as Java's toString gives it, since ksqlDB joins with String.valueOf. */
function elementText(value: SqlValue): string {
  if (value === null) return 'null';
  if (typeof value === 'number')
    return Number.isInteger(value) && !Object.is(value, -0) ? String(value) : javaDoubleToString(value);
  if (isDecimal(value)) return decimalToString(value as Decimal);
  if (typeof value === 'object')
    throw new FunctionInvocationError('ARRAY_JOIN', 'only arrays of primitive values can be joined');
  return String(value);
}

/** A double array element keeps Java's "1.0" form; the declared type tells an INTEGER 1 from a DOUBLE 1.0. */
function joiner(elementType: SqlType | undefined): (value: SqlValue) => string {
  if (elementType?.kind === 'DOUBLE') return (v) => (v === null ? 'null' : javaDoubleToString(v as number));
  return elementText;
}

function extremeOf(values: List, sign: 1 | -1): SqlValue {
  let best: SqlValue = null;
  for (const v of values) {
    if (v === null) continue;
    if (best === null || compareValues(v, best) * sign > 0) best = v;
  }
  return best;
}

function sortArray(values: List, descending: boolean): SqlValue[] {
  const sign = descending ? -1 : 1;
  return [...values].sort((a, b) =>
    a === null ? (b === null ? 0 : 1) : b === null ? -1 : sign * compareValues(a, b),
  );
}

/** SLICE's 1-based inclusive bounds; out of range gives NULL, as Java's subList throws there. */
function slice(values: List, from: SqlValue, to: SqlValue): SqlValue {
  const start = from === null ? 0 : (from as number) - 1;
  const end = to === null ? values.length : (to as number);
  if (start < 0 || end > values.length || start > end) return null;
  return values.slice(start, end);
}

function series(start: bigint, end: bigint, step: bigint, name: string): bigint[] {
  if (step === 0n) throw new FunctionInvocationError(name, 'step cannot be zero');
  if ((end - start) * step < 0n)
    throw new FunctionInvocationError(name, 'GENERATE_SERIES step has wrong sign');
  const out: bigint[] = [];
  for (let v = start; step > 0n ? v <= end : v >= end; v += step) out.push(v);
  return out;
}

const arrayElement = (argTypes: readonly (SqlType | null)[], i = 0): SqlType | undefined =>
  (argTypes[i] as ArrayType | null)?.element;

export const collectionFunctions: readonly ScalarFunction[] = [
  {
    name: 'ARRAY_LENGTH',
    category: 'ARRAY',
    description: 'Returns the number of elements in an array, or NULL if the array is NULL.',
    overloads: [
      {
        params: [param('array', ARRAY_T)],
        returns: t.of(INTEGER),
        invoke: (a) => (a[0] === null ? null : list(a[0]).length),
      },
    ],
  },
  {
    name: 'ARRAY_CONTAINS',
    category: 'ARRAY',
    description: 'Checks whether the array contains the value; false when the array is NULL.',
    overloads: [
      {
        params: [param('array', ARRAY_T), param('value', T)],
        returns: t.of(BOOLEAN),
        invoke: (a) => a[0] !== null && list(a[0]).some((x) => valuesEqual(x, a[1])),
      },
    ],
  },
  {
    name: 'ARRAY_DISTINCT',
    category: 'ARRAY',
    description: 'Returns the distinct values of the array, NULL included, in order of first occurrence.',
    overloads: [
      {
        params: [param('array', ARRAY_T)],
        returns: ARRAY_T,
        invoke: (a) => (a[0] === null ? null : distinct(list(a[0]))),
      },
    ],
  },
  {
    name: 'ARRAY_EXCEPT',
    category: 'ARRAY',
    description:
      'Returns the distinct elements of the first array that are not in the second; NULL if either is NULL.',
    overloads: [
      {
        params: [param('array1', ARRAY_T), param('array2', ARRAY_T)],
        returns: ARRAY_T,
        invoke: (a) => (a[0] === null || a[1] === null ? null : distinct(list(a[0]), setOf(list(a[1])))),
      },
    ],
  },
  {
    name: 'ARRAY_INTERSECT',
    category: 'ARRAY',
    description:
      'Returns the distinct elements present in both arrays, in first-array order; NULL if either is NULL.',
    overloads: [
      {
        params: [param('array1', ARRAY_T), param('array2', ARRAY_T)],
        returns: ARRAY_T,
        invoke: (a) => {
          if (a[0] === null || a[1] === null) return null;
          const other = setOf(list(a[1]));
          return distinct(list(a[0]).filter((x) => other.has(x)));
        },
      },
    ],
  },
  {
    name: 'ARRAY_UNION',
    category: 'ARRAY',
    description:
      'Returns the distinct elements of both arrays, in the order encountered; NULL if either is NULL.',
    overloads: [
      {
        params: [param('array1', ARRAY_T), param('array2', ARRAY_T)],
        returns: ARRAY_T,
        invoke: (a) => (a[0] === null || a[1] === null ? null : distinct([...list(a[0]), ...list(a[1])])),
      },
    ],
  },
  {
    name: 'ARRAY_CONCAT',
    category: 'ARRAY',
    description: 'Concatenates two arrays; NULL if both are NULL, the other array if one is.',
    overloads: [
      {
        params: [param('array1', ARRAY_T), param('array2', ARRAY_T)],
        returns: ARRAY_T,
        invoke: (a) => (a[0] === null ? a[1] : a[1] === null ? a[0] : [...list(a[0]), ...list(a[1])]),
      },
    ],
  },
  {
    name: 'ARRAY_REMOVE',
    category: 'ARRAY',
    description:
      'Removes all elements equal to the value (NULL included) from the array; NULL if the array is NULL.',
    overloads: [
      {
        params: [param('array', ARRAY_T), param('value', T)],
        returns: ARRAY_T,
        invoke: (a) => (a[0] === null ? null : list(a[0]).filter((x) => !valuesEqual(x, a[1]))),
      },
    ],
  },
  {
    name: 'ARRAY_JOIN',
    category: 'ARRAY',
    description:
      "Joins the elements of an array of primitives into a string, separated by the delimiter (default ','); NULL elements read 'null'.",
    overloads: [
      {
        params: [param('array', ARRAY_PRIMITIVE_T)],
        returns: STRING_P,
        invoke: (a) => (a[0] === null ? null : list(a[0]).map(elementText).join(',')),
        specialize: (argTypes) => {
          const text = joiner(arrayElement(argTypes));
          return (a) => (a[0] === null ? null : list(a[0]).map(text).join(','));
        },
      },
      {
        params: [param('array', ARRAY_PRIMITIVE_T), param('delimiter', STRING_P)],
        returns: STRING_P,
        invoke: (a) =>
          a[0] === null
            ? null
            : list(a[0])
                .map(elementText)
                .join((a[1] as string | null) ?? ''),
        specialize: (argTypes) => {
          const text = joiner(arrayElement(argTypes));
          return (a) =>
            a[0] === null
              ? null
              : list(a[0])
                  .map(text)
                  .join((a[1] as string | null) ?? '');
        },
      },
    ],
  },
  {
    name: 'ARRAY_MAX',
    category: 'ARRAY',
    description:
      'Returns the largest non-NULL element of an array of primitives in natural order; NULL if there is none.',
    overloads: [
      {
        params: [param('array', ARRAY_PRIMITIVE_T)],
        returns: PRIMITIVE_T,
        invoke: (a) => (a[0] === null ? null : extremeOf(list(a[0]), 1)),
      },
    ],
  },
  {
    name: 'ARRAY_MIN',
    category: 'ARRAY',
    description:
      'Returns the smallest non-NULL element of an array of primitives in natural order; NULL if there is none.',
    overloads: [
      {
        params: [param('array', ARRAY_PRIMITIVE_T)],
        returns: PRIMITIVE_T,
        invoke: (a) => (a[0] === null ? null : extremeOf(list(a[0]), -1)),
      },
    ],
  },
  {
    name: 'ARRAY_SORT',
    category: 'ARRAY',
    description:
      "Sorts an array of primitives in natural order, ascending or as the direction ('ASC' or 'DESC') says; NULL elements go last. NULL for an unknown direction.",
    overloads: [
      {
        params: [param('array', ARRAY_PRIMITIVE_T)],
        returns: ARRAY_PRIMITIVE_T,
        invoke: (a) => (a[0] === null ? null : sortArray(list(a[0]), false)),
      },
      {
        params: [param('array', ARRAY_PRIMITIVE_T), param('direction', STRING_P)],
        returns: ARRAY_PRIMITIVE_T,
        invoke: (a) => {
          if (a[0] === null || a[1] === null) return null;
          const direction = (a[1] as string).toUpperCase();
          if (direction === 'ASC' || direction === 'ASCENDING') return sortArray(list(a[0]), false);
          if (direction === 'DESC' || direction === 'DESCENDING') return sortArray(list(a[0]), true);
          return null; // ksqlDB answers an unknown direction with NULL
        },
      },
    ],
  },
  {
    name: 'SLICE',
    category: 'ARRAY',
    description:
      'Returns the elements from index from to index to (1-based, both inclusive); NULL when out of range.',
    overloads: [
      {
        params: [param('array', ARRAY_T), param('from', INTEGER_P), param('to', INTEGER_P)],
        returns: ARRAY_T,
        invoke: (a) => (a[0] === null ? null : slice(list(a[0]), a[1], a[2])),
      },
    ],
  },
  {
    name: 'GENERATE_SERIES',
    category: 'ARRAY',
    description: 'Constructs an array of values from start to end inclusive, stepping by step (default 1).',
    overloads: [
      {
        params: [param('start', INTEGER_P), param('end', INTEGER_P)],
        returns: t.of(array(INTEGER)),
        invoke: (a) =>
          a[0] === null || a[1] === null
            ? null
            : series(BigInt(a[0] as number), BigInt(a[1] as number), 1n, 'GENERATE_SERIES').map(Number),
      },
      {
        params: [param('start', INTEGER_P), param('end', INTEGER_P), param('step', INTEGER_P)],
        returns: t.of(array(INTEGER)),
        invoke: (a) =>
          a[0] === null || a[1] === null || a[2] === null
            ? null
            : series(
                BigInt(a[0] as number),
                BigInt(a[1] as number),
                BigInt(a[2] as number),
                'GENERATE_SERIES',
              ).map(Number),
      },
      {
        params: [param('start', BIGINT_P), param('end', BIGINT_P)],
        returns: t.of(array(BIGINT)),
        invoke: (a) =>
          a[0] === null || a[1] === null
            ? null
            : series(a[0] as bigint, a[1] as bigint, 1n, 'GENERATE_SERIES'),
      },
      {
        params: [param('start', BIGINT_P), param('end', BIGINT_P), param('step', INTEGER_P)],
        returns: t.of(array(BIGINT)),
        invoke: (a) =>
          a[0] === null || a[1] === null || a[2] === null
            ? null
            : series(a[0] as bigint, a[1] as bigint, BigInt(a[2] as number), 'GENERATE_SERIES'),
      },
    ],
  },
  {
    name: 'MAP_KEYS',
    category: 'MAP',
    description: 'Returns an array of the keys of the map; NULL if the map is NULL.',
    overloads: [
      {
        params: [param('map', t.mapOf(K, V))],
        returns: t.arrayOf(K),
        invoke: (a) => (a[0] === null ? null : [...sqlMap(a[0]).keys()]),
      },
    ],
  },
  {
    name: 'MAP_VALUES',
    category: 'MAP',
    description: 'Returns an array of the values of the map; NULL if the map is NULL.',
    overloads: [
      {
        params: [param('map', t.mapOf(K, V))],
        returns: t.arrayOf(V),
        invoke: (a) => (a[0] === null ? null : [...sqlMap(a[0]).values()]),
      },
    ],
  },
  {
    name: 'MAP_UNION',
    category: 'MAP',
    description:
      'Returns the union of the entries of both maps, the second winning on shared keys; NULL if both are NULL.',
    overloads: [
      {
        params: [param('map1', t.mapOf(K, V)), param('map2', t.mapOf(K, V))],
        returns: t.mapOf(K, V),
        invoke: (a) =>
          a[0] === null ? a[1] : a[1] === null ? a[0] : new Map([...sqlMap(a[0]), ...sqlMap(a[1])]),
      },
    ],
  },
  {
    name: 'AS_MAP',
    category: 'MAP',
    description: 'Constructs a map from an array of keys and an array of values, pairing them by position.',
    overloads: [
      {
        params: [param('keys', t.arrayOf(STRING_P)), param('values', t.arrayOf(V))],
        returns: t.mapOf(STRING_P, V),
        invoke: (a) => {
          if (a[0] === null || a[1] === null) return null;
          const keys = list(a[0]);
          const values = list(a[1]);
          const out = new Map<SqlValue, SqlValue>();
          for (let i = 0; i < keys.length; i++) out.set(keys[i], i < values.length ? values[i] : null);
          return out;
        },
      },
    ],
  },
  {
    name: 'ENTRIES',
    category: 'MAP',
    description:
      'Returns an array of STRUCT<K, V> entries of a map with STRING keys, sorted by key when sorted is true.',
    overloads: [
      {
        params: [param('map', t.mapOf(STRING_P, V)), param('sorted', BOOLEAN_P)],
        returns: (argTypes) =>
          array(
            struct([
              { name: 'K', type: STRING },
              { name: 'V', type: (argTypes[0] as MapType | null)?.value ?? STRING },
            ]),
          ),
        returnTypeName: 'ARRAY<STRUCT<K STRING, V V>>',
        invoke: (a) => {
          if (a[0] === null || a[1] === null) return null;
          const entries = [...sqlMap(a[0])].map(([k, v]) => ({ K: k, V: v }));
          if (a[1] === true) entries.sort((x, y) => compareValues(x.K, y.K));
          return entries;
        },
      },
    ],
  },
  {
    name: 'ELT',
    category: 'STRING',
    description: 'Returns element n (1-based) of the list of strings, or NULL if n is out of range.',
    overloads: [
      {
        params: [param('n', INTEGER_P), variadic('args', STRING_P)],
        returns: STRING_P,
        invoke: (a) => {
          const n = a[0] as number | null;
          return n === null || n < 1 || n >= a.length ? null : a[n];
        },
      },
    ],
  },
  {
    name: 'FIELD',
    category: 'STRING',
    description:
      'Returns the 1-based position of str in the list of strings, or 0 if it is not found or is NULL.',
    overloads: [
      {
        params: [param('str', STRING_P), variadic('args', STRING_P)],
        returns: INTEGER_P,
        invoke: (a) => {
          if (a[0] === null) return 0;
          for (let i = 1; i < a.length; i++) if (a[i] === a[0]) return i;
          return 0;
        },
      },
    ],
  },
];
