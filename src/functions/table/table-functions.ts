// ksqlDB's table functions (UDTFs): a call gives a list of values per input row, and the row becomes
// as many rows (see planner's table-function node). Declared with the scalar functions' overloads and
// resolved by the same registry; `invoke` returns the list as a SQL ARRAY, `returns` is the type of
// one element (the output column's type).
import type { SqlValue } from '../../types/index.js';
import { param, type ScalarFunction } from '../function-declaration.js';
import { FunctionRegistry } from '../registry.js';
import { T, t } from '../type-pattern.js';

type List = readonly SqlValue[];

/** The keep/NULL combinations of CUBE: 2^d rows, first column most significant, NULL = left out. */
function cube(values: List): SqlValue[] {
  const d = values.length;
  const out: SqlValue[] = [];
  for (let mask = 0; mask < 1 << d; mask++) {
    const row: SqlValue[] = new Array(d);
    let duplicate = false;
    for (let j = 0; j < d; j++) {
      const keep = (mask >> (d - 1 - j)) & 1;
      // Keeping a NULL gives the same row as leaving it out, which came earlier: skipped.
      if (keep === 1 && values[j] === null) duplicate = true;
      row[j] = keep === 1 ? values[j] : null;
    }
    if (!duplicate) out.push(row);
  }
  return out;
}

export const tableFunctions: readonly ScalarFunction[] = [
  {
    name: 'EXPLODE',
    category: 'TABLE',
    description:
      'Explodes an array. This function outputs one value for each element of the array, in order; an empty or NULL array gives no rows.',
    overloads: [
      {
        params: [param('list', t.arrayOf(T))],
        returns: T,
        invoke: (a) => (a[0] === null ? [] : (a[0] as List)),
      },
    ],
  },
  {
    name: 'CUBE_EXPLODE',
    category: 'TABLE',
    description:
      'Takes as argument a list of columns and outputs all possible combinations of them, each column either kept or NULL.',
    overloads: [
      {
        params: [param('columns', t.arrayOf(T))],
        returns: t.arrayOf(T),
        invoke: (a) => (a[0] === null ? [] : cube(a[0] as List)),
      },
    ],
  },
];

/** The registry of built-in table functions. */
export const builtinTableFunctions = new FunctionRegistry();
for (const fn of tableFunctions) builtinTableFunctions.register(fn);
