import type { Decimal, SqlType, SqlValue } from '../../types/index.js';
import { DOUBLE } from '../../types/index.js';
import { decimalToNumber, decimalToString, setScale } from '../decimal.js';
import { FunctionInvocationError, param } from '../function-declaration.js';
import { BIGINT_P, DOUBLE_P, INTEGER_P, t } from '../type-pattern.js';
import type { AggregateFunction, AggregateOverload, Udaf } from './udaf.js';

/** Java int arithmetic wraps, as ksqlDB's Integer sums do. */
const addInt = (a: number, b: number) => (a + b) | 0;
const addLong = (a: bigint, b: bigint) => BigInt.asIntN(64, a + b);

interface Arithmetic<N> {
  readonly zero: N;
  add(a: N, b: N): N;
  subtract(a: N, b: N): N;
  toDouble(n: N): number;
}

const intArithmetic: Arithmetic<number> = {
  zero: 0,
  add: addInt,
  subtract: (a, b) => (a - b) | 0,
  toDouble: (n) => n,
};
const longArithmetic: Arithmetic<bigint> = {
  zero: 0n,
  add: addLong,
  subtract: (a, b) => BigInt.asIntN(64, a - b),
  toDouble: (n) => Number(n),
};
const doubleArithmetic: Arithmetic<number> = {
  zero: 0,
  add: (a, b) => a + b,
  subtract: (a, b) => a - b,
  toDouble: (n) => n,
};

function decimalArithmetic(type: SqlType): Arithmetic<Decimal> {
  const { precision, scale } = type.kind === 'DECIMAL' ? type : { precision: 38, scale: 0 };
  const limit = 10n ** BigInt(precision);
  const fit = (d: Decimal): Decimal => {
    const r = setScale(d, scale, 'HALF_UP');
    if (r.unscaled >= limit || r.unscaled <= -limit) {
      throw new FunctionInvocationError(
        'SUM',
        `Numeric field overflow: A field with precision ${precision} and scale ${scale} must round to an absolute value less than 10^${precision - scale}. Got ${decimalToString(d)}`,
      );
    }
    return r;
  };
  return {
    zero: { unscaled: 0n, scale },
    add: (a, b) =>
      fit({
        unscaled: setScale(a, scale, 'HALF_UP').unscaled + setScale(b, scale, 'HALF_UP').unscaled,
        scale,
      }),
    subtract: (a, b) =>
      fit({
        unscaled: setScale(a, scale, 'HALF_UP').unscaled - setScale(b, scale, 'HALF_UP').unscaled,
        scale,
      }),
    toDouble: decimalToNumber,
  };
}

function arithmeticFor(type: SqlType): Arithmetic<unknown> {
  switch (type.kind) {
    case 'INTEGER':
      return intArithmetic as Arithmetic<unknown>;
    case 'BIGINT':
      return longArithmetic as Arithmetic<unknown>;
    case 'DECIMAL':
      return decimalArithmetic(type) as Arithmetic<unknown>;
    default:
      return doubleArithmetic as Arithmetic<unknown>;
  }
}

const sameAsInput = (argTypes: readonly (SqlType | null)[]): SqlType => argTypes[0] ?? DOUBLE;

function sumUdaf(type: SqlType): Udaf<unknown> {
  const n = arithmeticFor(type);
  return {
    initialize: () => n.zero,
    aggregate: (v, acc) => (v === null ? acc : n.add(acc, v)),
    merge: (a, b) => n.add(a, b),
    undo: (v, acc) => (v === null ? acc : n.subtract(acc, v)),
    map: (acc) => acc as SqlValue,
  };
}

const NUMBER_COLUMNS = [INTEGER_P, BIGINT_P, DOUBLE_P];

export const SUM: AggregateFunction = {
  name: 'SUM',
  description: 'Returns the sum of the values of a column; NULLs are skipped.',
  tableCapable: true,
  overloads: [
    ...NUMBER_COLUMNS.map(
      (p): AggregateOverload => ({
        columns: [param('val', p)],
        returns: p,
        create: ([type]) => sumUdaf(type),
      }),
    ),
    {
      columns: [param('val', t.decimal)],
      returns: sameAsInput,
      returnTypeName: 'DECIMAL',
      create: ([type]) => sumUdaf(type),
    },
  ],
};

/** SUM_LIST: the sum of every non-null element of the arrays. */
function sumListUdaf(elementType: SqlType): Udaf<unknown> {
  const n = arithmeticFor(elementType);
  const total = (list: readonly SqlValue[], acc: unknown, op: (a: unknown, b: unknown) => unknown) => {
    let out = acc;
    for (const e of list) if (e !== null) out = op(out, e);
    return out;
  };
  return {
    initialize: () => n.zero,
    aggregate: (v, acc) => (v === null ? acc : total(v as readonly SqlValue[], acc, n.add)),
    merge: (a, b) => n.add(a, b),
    undo: (v, acc) => (v === null ? acc : total(v as readonly SqlValue[], acc, n.subtract)),
    map: (acc) => acc as SqlValue,
  };
}

export const SUM_LIST: AggregateFunction = {
  name: 'SUM_LIST',
  description: 'Returns the sum of the elements of an array column over the rows; NULL elements are skipped.',
  tableCapable: true,
  overloads: NUMBER_COLUMNS.map((p) => ({
    columns: [param('list', t.arrayOf(p))],
    returns: p,
    create: ([type]) => sumListUdaf(type.kind === 'ARRAY' ? type.element : DOUBLE),
  })),
};

interface Average {
  sum: unknown;
  count: number;
}

function averageUdaf(type: SqlType): Udaf<Average> {
  const n = arithmeticFor(type);
  return {
    initialize: () => ({ sum: n.zero, count: 0 }),
    aggregate: (v, acc) => (v === null ? acc : { sum: n.add(acc.sum, v), count: acc.count + 1 }),
    merge: (a, b) => ({ sum: n.add(a.sum, b.sum), count: a.count + b.count }),
    undo: (v, acc) => (v === null ? acc : { sum: n.subtract(acc.sum, v), count: acc.count - 1 }),
    map: (acc) => (acc.count === 0 ? 0 : n.toDouble(acc.sum) / acc.count),
  };
}

export const AVG: AggregateFunction = {
  name: 'AVG',
  description:
    'Returns the average of the values of a column as a DOUBLE; NULLs are skipped, no rows give 0.0.',
  tableCapable: true,
  overloads: NUMBER_COLUMNS.map((p) => ({
    columns: [param('val', p)],
    returns: DOUBLE_P,
    create: ([type]) => averageUdaf(type) as Udaf,
  })),
};

interface Deviation {
  sum: unknown;
  count: number;
  m2: number;
}

/**
 * The Youngs-Cramer running variance ksqlDB uses, with its quirks kept: deltas are computed in the
 * input's own arithmetic (Java int and long wrap), and STDDEV_SAMP merges integer sums with integer
 * division. `finish` turns M2 and the count into the result.
 */
function deviationUdaf(
  type: SqlType,
  integerMerge: boolean,
  finish: (m2: number, count: number) => number,
): Udaf<Deviation> {
  const n = arithmeticFor(type);
  const integral = type.kind === 'INTEGER' || type.kind === 'BIGINT';
  const delta = (acc: Deviation, v: unknown, countPlusOne: number): number => {
    if (type.kind === 'INTEGER')
      return (Math.imul(v as number, countPlusOne) - ((acc.sum as number) + (v as number))) | 0;
    if (type.kind === 'BIGINT') {
      return Number(
        BigInt.asIntN(64, (v as bigint) * BigInt(countPlusOne) - ((acc.sum as bigint) + (v as bigint))),
      );
    }
    return (v as number) * countPlusOne - ((acc.sum as number) + (v as number));
  };
  const meanDifference = (a: Deviation, b: Deviation): number => {
    if (integral && integerMerge) {
      if (type.kind === 'INTEGER')
        return Math.trunc((a.sum as number) / a.count) - Math.trunc((b.sum as number) / b.count);
      return Number((a.sum as bigint) / BigInt(a.count) - (b.sum as bigint) / BigInt(b.count));
    }
    return n.toDouble(a.sum) / a.count - n.toDouble(b.sum) / b.count;
  };
  return {
    initialize: () => ({ sum: n.zero, count: 0, m2: 0 }),
    aggregate(v, acc) {
      if (v === null) return acc;
      const count = acc.count + 1;
      const d = count > 1 ? delta(acc, v, count) : 0;
      const m2 = count > 1 ? (d * d) / (count * (count - 1)) : 0;
      return { sum: n.add(acc.sum, v), count, m2: acc.m2 + m2 };
    },
    merge(a, b) {
      const count = a.count + b.count;
      let m2 = a.m2 + b.m2;
      if (a.count !== 0 && b.count !== 0) {
        const inner = meanDifference(a, b);
        m2 += (a.count * b.count * inner * inner) / count;
      }
      return { sum: n.add(a.sum, b.sum), count, m2 };
    },
    undo(v, acc) {
      if (v === null) return acc;
      const count = acc.count - 1;
      let m2 = 0;
      if (count > 0) {
        const d = delta(acc, v, acc.count + 1);
        m2 = (d * d) / (count * (count + 1));
      }
      return { sum: n.subtract(acc.sum, v), count, m2: acc.m2 - m2 };
    },
    map: (acc) => (acc.count < 2 ? 0 : finish(acc.m2, acc.count)),
  };
}

export const STDDEV_SAMP: AggregateFunction = {
  name: 'STDDEV_SAMP',
  description:
    'Returns the sample variance of a column (as ksqlDB 0.29 does, despite the name); fewer than two values give 0.0.',
  tableCapable: true,
  overloads: NUMBER_COLUMNS.map((p) => ({
    columns: [param('val', p)],
    returns: DOUBLE_P,
    create: ([type]) => deviationUdaf(type, true, (m2, count) => m2 / (count - 1)) as Udaf,
  })),
};

export const STDDEV_SAMPLE: AggregateFunction = {
  name: 'STDDEV_SAMPLE',
  description: 'Returns the sample standard deviation of a column; fewer than two values give 0.0.',
  tableCapable: true,
  overloads: NUMBER_COLUMNS.map((p) => ({
    columns: [param('val', p)],
    returns: DOUBLE_P,
    create: ([type]) => deviationUdaf(type, false, (m2, count) => Math.sqrt(m2 / (count - 1))) as Udaf,
  })),
};

interface Moments {
  x: number;
  y: number;
  xx: number;
  yy: number;
  xy: number;
  count: number;
}

const asDouble = (v: SqlValue): number => (typeof v === 'bigint' ? Number(v) : (v as number));

function correlationUdaf(): Udaf<Moments> {
  const step = (acc: Moments, input: SqlValue, sign: 1 | -1): Moments => {
    const [xv, yv] = input as readonly SqlValue[];
    if (xv === null || yv === null) return acc;
    const x = asDouble(xv);
    const y = asDouble(yv);
    return {
      x: acc.x + sign * x,
      y: acc.y + sign * y,
      xx: acc.xx + sign * x * x,
      yy: acc.yy + sign * y * y,
      xy: acc.xy + sign * x * y,
      count: acc.count + sign,
    };
  };
  return {
    initialize: () => ({ x: 0, y: 0, xx: 0, yy: 0, xy: 0, count: 0 }),
    aggregate: (input, acc) => step(acc, input, 1),
    merge: (a, b) => ({
      x: a.x + b.x,
      y: a.y + b.y,
      xx: a.xx + b.xx,
      yy: a.yy + b.yy,
      xy: a.xy + b.xy,
      count: a.count + b.count,
    }),
    undo: (input, acc) => step(acc, input, -1),
    map(acc) {
      const numerator = acc.count * acc.xy - acc.x * acc.y;
      const dx = acc.count * acc.xx - acc.x * acc.x;
      const dy = acc.count * acc.yy - acc.y * acc.y;
      return numerator / Math.sqrt(dx * dy);
    },
  };
}

export const CORRELATION: AggregateFunction = {
  name: 'CORRELATION',
  description:
    'Returns the Pearson correlation coefficient of two columns; rows with a NULL are skipped, fewer than two points give NaN.',
  tableCapable: true,
  overloads: [
    {
      columns: [param('x', DOUBLE_P), param('y', DOUBLE_P)],
      returns: DOUBLE_P,
      create: () => correlationUdaf() as Udaf,
    },
  ],
};
