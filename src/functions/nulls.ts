import { param, type ScalarFunction, variadic } from './function-declaration.js';
import { T } from './type-pattern.js';
import { valuesEqual } from './values.js';

export const nullFunctions: readonly ScalarFunction[] = [
  {
    name: 'COALESCE',
    category: 'CONDITIONAL',
    description:
      'Returns the first parameter that is not NULL. All parameters must be of the same type; complex values are not inspected.',
    overloads: [
      {
        params: [param('first', T), variadic('others', T)],
        returns: T,
        invoke: (a) => {
          for (let i = 0; i < a.length; i++) if (a[i] !== null) return a[i];
          return null;
        },
      },
    ],
  },
  {
    name: 'IFNULL',
    category: 'CONDITIONAL',
    description: 'If expression is NULL, returns altValue; otherwise, returns expression.',
    overloads: [
      {
        params: [param('expression', T), param('altValue', T)],
        returns: T,
        invoke: (a) => (a[0] === null ? a[1] : a[0]),
      },
    ],
  },
  {
    name: 'NULLIF',
    category: 'CONDITIONAL',
    description: 'Returns NULL if expression1 is equal to expression2; otherwise, returns expression1.',
    overloads: [
      {
        params: [param('expression1', T), param('expression2', T)],
        returns: T,
        invoke: (a) => (a[0] !== null && a[1] !== null && valuesEqual(a[0], a[1]) ? null : a[0]),
      },
    ],
  },
];
