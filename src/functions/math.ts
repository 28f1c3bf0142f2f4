import type { Decimal, DecimalType, SqlType, SqlValue } from '../types/index.js';
import { BIGINT, DOUBLE, decimal, INTEGER } from '../types/index.js';
import { decimalFromNumber, decimalToNumber, type RoundingMode, setScale } from './decimal.js';
import type {
  Overload,
  ReturnTypeRule,
  ScalarFunction,
  ScalarImplementation,
} from './function-declaration.js';
import { param, variadic } from './function-declaration.js';
import { BIGINT_P, DOUBLE_P, INTEGER_P, t } from './type-pattern.js';
import { compareValues } from './values.js';

const num = (v: SqlValue) => v as number;
const big = (v: SqlValue) => v as bigint;
const dec = (v: SqlValue) => v as Decimal;

/** The argument's own decimal type: ABS, FLOOR and CEIL keep precision and scale. */
const sameDecimal: ReturnTypeRule = (argTypes) => argTypes[0] as DecimalType;
/** Only the integer digits survive rounding to scale 0. */
const integralDecimal: ReturnTypeRule = (argTypes) => {
  const d = argTypes[0] as DecimalType | null;
  return d === null ? decimal(38, 0) : decimal(Math.max(d.precision - d.scale, 1), 0);
};

const nullSafe1 =
  (f: (x: SqlValue) => SqlValue): ScalarImplementation =>
  (a) =>
    a[0] === null ? null : f(a[0]);
const nullSafe2 =
  (f: (x: SqlValue, y: SqlValue) => SqlValue): ScalarImplementation =>
  (a) =>
    a[0] === null || a[1] === null ? null : f(a[0], a[1]);

/** One overload per numeric type, each with its own implementation and return type. */
function perNumericType(
  description: string,
  impls: {
    int: (x: number) => SqlValue;
    bigint: (x: bigint) => SqlValue;
    double: (x: number) => SqlValue;
    decimal: (x: Decimal) => SqlValue;
  },
  returns: { int: SqlType; bigint: SqlType; double: SqlType; decimal: ReturnTypeRule | SqlType },
): Overload[] {
  return [
    {
      params: [param('value', INTEGER_P)],
      returns: t.of(returns.int),
      description,
      invoke: nullSafe1((x) => impls.int(num(x))),
    },
    {
      params: [param('value', BIGINT_P)],
      returns: t.of(returns.bigint),
      description,
      invoke: nullSafe1((x) => impls.bigint(big(x))),
    },
    {
      params: [param('value', DOUBLE_P)],
      returns: t.of(returns.double),
      description,
      invoke: nullSafe1((x) => impls.double(num(x))),
    },
    {
      params: [param('value', t.decimal)],
      returns: typeof returns.decimal === 'function' ? returns.decimal : t.of(returns.decimal),
      returnTypeName: 'DECIMAL',
      description,
      invoke: nullSafe1((x) => impls.decimal(dec(x))),
    },
  ];
}

/** A scale change that keeps the value's own scale, so the result still fits the declared decimal type. */
function roundKeepingScale(x: Decimal, places: number, mode: RoundingMode): Decimal {
  return setScale(setScale(x, places, mode), x.scale, 'DOWN');
}

/** ksqlDB rounds halves toward positive infinity (as Java's Math.round): HALF_UP above zero, HALF_DOWN below. */
function roundMode(x: Decimal): RoundingMode {
  return x.unscaled > 0n ? 'HALF_UP' : 'HALF_DOWN';
}

const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);
/** A double to BIGINT as Java's (long) cast: NaN is 0, out-of-range values saturate. */
function doubleToLong(x: number): bigint {
  if (Number.isNaN(x)) return 0n;
  if (x >= 9.223372036854776e18) return LONG_MAX;
  if (x <= -9.223372036854776e18) return LONG_MIN;
  return BigInt(Math.trunc(x));
}

function roundDouble(x: number, places: number, mode: (d: Decimal) => RoundingMode): number {
  if (!Number.isFinite(x)) return x;
  const d = decimalFromNumber(x);
  return decimalToNumber(setScale(d, places, mode(d)));
}

const doubleFunction = (name: string, description: string, f: (x: number) => number): ScalarFunction => ({
  name,
  category: 'MATHEMATICAL',
  description,
  overloads: [{ params: [param('value', DOUBLE_P)], returns: DOUBLE_P, invoke: nullSafe1((x) => f(num(x))) }],
});

function sign(x: number | bigint): number {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}

/** GREATEST and LEAST: NULL arguments are skipped; all NULL gives NULL. */
function extreme(name: string, wantGreater: boolean): ScalarFunction {
  const T = t.variable('T', 'PRIMITIVE');
  return {
    name,
    category: 'MATHEMATICAL',
    description: `Returns the ${wantGreater ? 'largest' : 'smallest'} non-null value from a variable number of comparable columns.`,
    overloads: [
      {
        params: [param('val', T), variadic('vals', T)],
        returns: T,
        invoke: (a) => {
          let best: SqlValue = null;
          for (let i = 0; i < a.length; i++) {
            const v = a[i];
            if (v === null) continue;
            if (best === null) best = v;
            else if (wantGreater ? compareValues(v, best) > 0 : compareValues(v, best) < 0) best = v;
          }
          return best;
        },
      },
    ],
  };
}

export const mathFunctions: readonly ScalarFunction[] = [
  {
    name: 'ABS',
    category: 'MATHEMATICAL',
    description: 'Returns the absolute value of its argument.',
    overloads: perNumericType(
      'Returns the absolute value of value.',
      {
        int: Math.abs,
        bigint: (x) => (x < 0n ? -x : x),
        double: Math.abs,
        decimal: (x) => (x.unscaled < 0n ? { unscaled: -x.unscaled, scale: x.scale } : x),
      },
      { int: INTEGER, bigint: BIGINT, double: DOUBLE, decimal: sameDecimal },
    ),
  },
  {
    name: 'FLOOR',
    category: 'MATHEMATICAL',
    description: 'Returns the largest integer less than or equal to the specified numeric expression.',
    overloads: perNumericType(
      'Returns the largest integer less than or equal to value.',
      {
        int: (x) => x,
        bigint: (x) => x,
        double: Math.floor,
        decimal: (x) => roundKeepingScale(x, 0, 'FLOOR'),
      },
      { int: INTEGER, bigint: BIGINT, double: DOUBLE, decimal: sameDecimal },
    ),
  },
  {
    name: 'CEIL',
    category: 'MATHEMATICAL',
    description: 'Returns the smallest integer greater than or equal to the specified numeric expression.',
    overloads: perNumericType(
      'Returns the smallest integer greater than or equal to value.',
      {
        int: (x) => x,
        bigint: (x) => x,
        double: Math.ceil,
        decimal: (x) => roundKeepingScale(x, 0, 'CEILING'),
      },
      { int: INTEGER, bigint: BIGINT, double: DOUBLE, decimal: sameDecimal },
    ),
  },
  {
    name: 'ROUND',
    category: 'MATHEMATICAL',
    description:
      'Rounds a value to the number of decimal places specified by scale (default 0; negative rounds left of the point). Halves round up, in the positive direction.',
    overloads: [
      ...perNumericType(
        'Rounds value to an integer.',
        {
          int: (x) => BigInt(x),
          bigint: (x) => x,
          double: (x) => doubleToLong(Math.round(x)),
          decimal: (x) => setScale(x, 0, roundMode(x)),
        },
        { int: BIGINT, bigint: BIGINT, double: BIGINT, decimal: integralDecimal },
      ),
      {
        params: [param('value', DOUBLE_P), param('scale', INTEGER_P)],
        returns: DOUBLE_P,
        invoke: nullSafe2((x, places) => roundDouble(num(x), num(places), roundMode)),
      },
      {
        params: [param('value', t.decimal), param('scale', INTEGER_P)],
        returns: sameDecimal,
        returnTypeName: 'DECIMAL',
        invoke: nullSafe2((x, places) => roundKeepingScale(dec(x), num(places), roundMode(dec(x)))),
      },
    ],
  },
  {
    name: 'TRUNC',
    category: 'MATHEMATICAL',
    description:
      'Truncates a value to the number of decimal places specified by scale (default 0; negative truncates left of the point).',
    overloads: [
      ...perNumericType(
        'Truncates value to an integer.',
        {
          int: (x) => BigInt(x),
          bigint: (x) => x,
          double: doubleToLong,
          decimal: (x) => setScale(x, 0, 'DOWN'),
        },
        { int: BIGINT, bigint: BIGINT, double: BIGINT, decimal: integralDecimal },
      ),
      {
        params: [param('value', DOUBLE_P), param('scale', INTEGER_P)],
        returns: DOUBLE_P,
        invoke: nullSafe2((x, places) => roundDouble(num(x), num(places), () => 'DOWN')),
      },
      {
        params: [param('value', t.decimal), param('scale', INTEGER_P)],
        returns: sameDecimal,
        returnTypeName: 'DECIMAL',
        invoke: nullSafe2((x, places) => roundKeepingScale(dec(x), num(places), 'DOWN')),
      },
    ],
  },
  {
    name: 'SIGN',
    category: 'MATHEMATICAL',
    description: 'Returns the sign of its argument as an INTEGER: -1 if negative, 0 if zero, 1 if positive.',
    overloads: perNumericType(
      'Returns the sign of value.',
      {
        int: sign,
        bigint: sign,
        double: (x) => (Number.isNaN(x) ? 0 : sign(x)),
        decimal: (x) => sign(x.unscaled),
      },
      { int: INTEGER, bigint: INTEGER, double: INTEGER, decimal: INTEGER },
    ),
  },
  doubleFunction('SQRT', 'Returns the square root of its argument.', Math.sqrt),
  doubleFunction('CBRT', 'Returns the cube root of its argument.', Math.cbrt),
  doubleFunction('EXP', 'Returns e raised to the power of its argument.', Math.exp),
  doubleFunction('LN', 'Returns the natural logarithm of its argument.', Math.log),
  {
    name: 'LOG',
    category: 'MATHEMATICAL',
    // ksqlDB's documentation says base 10, but its LOG(value) computes Java's Math.log: the natural
    // logarithm. Sluice answers what ksqlDB answers.
    description:
      'LOG(value) returns the natural logarithm of value (as ksqlDB computes it); LOG(base, value) the logarithm of value with the given base. NaN when the base is 0, 1 or negative, or the value negative.',
    overloads: [
      {
        params: [param('value', DOUBLE_P, 'the value to get the logarithm of.')],
        returns: DOUBLE_P,
        invoke: nullSafe1((x) => Math.log(num(x))),
      },
      {
        params: [
          param('base', DOUBLE_P, 'the base of the logarithm.'),
          param('value', DOUBLE_P, 'the value to get the logarithm of.'),
        ],
        returns: DOUBLE_P,
        invoke: nullSafe2((b, x) => {
          const base = num(b);
          if (base <= 0 || base === 1) return Number.NaN;
          return Math.log(num(x)) / Math.log(base);
        }),
      },
    ],
  },
  {
    name: 'POWER',
    category: 'MATHEMATICAL',
    description: 'Returns base raised to the power of exponent; Infinity when the result overflows DOUBLE.',
    overloads: [
      {
        params: [param('base', DOUBLE_P), param('exponent', DOUBLE_P)],
        returns: DOUBLE_P,
        invoke: nullSafe2((b, e) => num(b) ** num(e)),
      },
    ],
  },
  {
    name: 'RANDOM',
    category: 'MATHEMATICAL',
    description: 'Returns a random DOUBLE value between 0.0 and 1.0.',
    overloads: [{ params: [], returns: DOUBLE_P, invoke: () => Math.random(), nondeterministic: true }],
  },
  {
    name: 'PI',
    category: 'MATHEMATICAL',
    description: 'Returns an approximate value of pi.',
    overloads: [{ params: [], returns: DOUBLE_P, invoke: () => Math.PI }],
  },
  doubleFunction('SIN', 'Returns the sine of an angle in radians.', Math.sin),
  doubleFunction('COS', 'Returns the cosine of an angle in radians.', Math.cos),
  doubleFunction('TAN', 'Returns the tangent of an angle in radians.', Math.tan),
  doubleFunction('COT', 'Returns the cotangent of an angle in radians.', (x) => 1 / Math.tan(x)),
  doubleFunction('ASIN', 'Returns the inverse sine, in radians; NaN outside [-1, 1].', Math.asin),
  doubleFunction('ACOS', 'Returns the inverse cosine, in radians; NaN outside [-1, 1].', Math.acos),
  doubleFunction('ATAN', 'Returns the inverse tangent, in radians.', Math.atan),
  doubleFunction('SINH', 'Returns the hyperbolic sine of its argument.', Math.sinh),
  doubleFunction('COSH', 'Returns the hyperbolic cosine of its argument.', Math.cosh),
  doubleFunction('TANH', 'Returns the hyperbolic tangent of its argument.', Math.tanh),
  doubleFunction('DEGREES', 'Converts an angle from radians to degrees.', (x) => (x * 180) / Math.PI),
  doubleFunction('RADIANS', 'Converts an angle from degrees to radians.', (x) => (x * Math.PI) / 180),
  {
    name: 'ATAN2',
    category: 'MATHEMATICAL',
    description: 'Returns the inverse tangent of y / x, in radians: the angle theta of the point (x, y).',
    overloads: [
      {
        params: [param('y', DOUBLE_P), param('x', DOUBLE_P)],
        returns: DOUBLE_P,
        invoke: nullSafe2((y, x) => Math.atan2(num(y), num(x))),
      },
    ],
  },
  extreme('GREATEST', true),
  extreme('LEAST', false),
];
