import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinAggregates } from '../../functions/index.js';
import type { SqlValue } from '../../types/index.js';
import { array, BIGINT, DOUBLE, decimal, INTEGER, STRING } from '../../types/index.js';
import { decodeAccumulator, encodeAccumulator, encodeAggregateState } from './state-codec.js';

test('plain data round-trips exactly, edge numbers included', () => {
  const value = {
    t: 1_700_000_000_123,
    a: [
      null,
      true,
      false,
      0,
      -0,
      2 ** 31,
      -(2 ** 31),
      1.5,
      Number.NaN,
      Number.NEGATIVE_INFINITY,
      9007199254740993n,
      -(2n ** 63n),
      2n ** 80n,
      'héllo ✓',
      Buffer.from([0, 255, 7]),
      new Map<unknown, unknown>([
        ['k', 1n],
        [2, [null]],
      ]),
      new Set(['x', 'y']),
      { unscaled: 12345n, scale: 2 },
      [],
      '',
    ],
  };
  const decoded = decodeAccumulator(encodeAccumulator(value)) as typeof value;
  assert.deepEqual(decoded, value);
  assert.ok(Object.is(decoded.a[4], -0));
});

test('every built-in aggregate keeps its result through the codec', () => {
  const cases: [string, ReturnType<typeof array> | typeof INTEGER, SqlValue[], SqlValue[]][] = [
    ['COUNT_DISTINCT', STRING, ['a', 'b', 'a'], []],
    ['COLLECT_SET', STRING, ['x', null, 'x'], []],
    ['HISTOGRAM', STRING, ['x', 'x', 'y'], []],
    ['LATEST_BY_OFFSET', INTEGER, [1, 2, 3], [2]],
    ['TOPK', DOUBLE, [1.5, 9, 3], [2]],
    ['STDDEV_SAMPLE', BIGINT, [1n, 5n, 9n], []],
    ['SUM', decimal(6, 2), [{ unscaled: 150n, scale: 2 }], []],
    ['SUM_LIST', array(INTEGER), [[1, 2], [3]], []],
    ['ATTR', STRING, ['z'], []],
  ];
  for (const [name, type, rows, literals] of cases) {
    const r = builtinAggregates.resolve(
      name,
      [type, ...literals.map(() => INTEGER)],
      [undefined, ...literals],
    );
    const u = r.create();
    let acc = u.initialize();
    for (const v of rows) acc = u.aggregate(v, acc);
    assert.deepEqual(u.map(decodeAccumulator(encodeAccumulator(acc))), u.map(acc), name);
  }
});

test('a corrupt state is refused, naming where', () => {
  assert.throws(() => decodeAccumulator(Buffer.from([99])), /unknown tag 99 at byte 0/);
});

test('an aggregate state has its own compact form, and its older plain-object form still decodes', () => {
  const state = { t: 1_700_000_000_123, a: [3n, 2.5, null], k: ['customer-1', 7] };
  const compact = encodeAggregateState(state.t, state.a, state.k);
  assert.deepEqual(decodeAccumulator(compact), state);
  assert.ok(compact.length < encodeAccumulator(state).length);
  assert.deepEqual(decodeAccumulator(encodeAccumulator(state)), state);
  const unkeyed = { t: Number.NEGATIVE_INFINITY, a: [0n] };
  assert.deepEqual(decodeAccumulator(encodeAggregateState(unkeyed.t, unkeyed.a, undefined)), unkeyed);
});
