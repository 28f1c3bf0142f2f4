import { param, type ScalarFunction } from './function-declaration.js';
import { T } from './type-pattern.js';

export const keyFunctions: readonly ScalarFunction[] = [
  {
    name: 'AS_VALUE',
    category: 'OTHER',
    description:
      "Copies a row's key column into the row's value: the result is a value column holding the same value.",
    overloads: [{ params: [param('keyColumn', T)], returns: T, invoke: (a) => a[0] }],
  },
];
