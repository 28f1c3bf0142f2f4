import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deserialize, serialize } from 'node:v8';
import type { SqlType, SqlValue } from '../../types/index.js';
import { array, BIGINT, BOOLEAN, DOUBLE, decimal, INTEGER, map, STRING, struct } from '../../types/index.js';
import { describeFunction, listFunctions } from '../index.js';
import { AggregateResolutionError, builtinAggregates, tableAggregationError } from './index.js';

/** Resolves a call, folds the rows in and maps the result. Literal arguments follow the column types. */
function run(name: string, types: SqlType[], rows: SqlValue[], literals: SqlValue[] = []): SqlValue {
  const argTypes = [...types, ...literals.map(literalType)];
  const resolved = builtinAggregates.resolve(name, argTypes, [...types.map(() => undefined), ...literals]);
  const udaf = resolved.create();
  let acc = udaf.initialize();
  for (const r of rows) acc = udaf.aggregate(r, acc);
  return udaf.map(acc);
}

function literalType(v: SqlValue): SqlType {
  return typeof v === 'boolean' ? BOOLEAN : INTEGER;
}

const dec = (unscaled: bigint, scale: number) => ({ unscaled, scale });

describe('aggregate functions', () => {
  test('COUNT counts non-NULL values and undoes them', () => {
    assert.equal(run('COUNT', [STRING], ['a', null, 'b']), 2n);
    const r = builtinAggregates.resolve('count', [BIGINT]);
    assert.deepEqual(r.returnType, BIGINT);
    assert.equal(r.tableCapable, true);
    const u = r.create();
    assert.equal(u.map(u.undo?.(5n, u.aggregate(6n, u.aggregate(5n, u.initialize())))), 1n);
  });

  test('SUM keeps the input type, skips NULLs and wraps INTEGER as Java does', () => {
    assert.equal(run('SUM', [INTEGER], [1, null, 2]), 3);
    assert.equal(run('SUM', [INTEGER], [2147483647, 1]), -2147483648);
    assert.equal(run('SUM', [BIGINT], [1n, 2n]), 3n);
    assert.equal(run('SUM', [DOUBLE], []), 0);
    assert.deepEqual(run('SUM', [decimal(4, 2)], [dec(150n, 2), dec(25n, 2), null]), dec(175n, 2));
    assert.deepEqual(builtinAggregates.resolve('SUM', [decimal(4, 2)]).returnType, decimal(4, 2));
    assert.throws(() => run('SUM', [decimal(3, 1)], [dec(999n, 1), dec(1n, 1)]), /Numeric field overflow/);
  });

  test('a column of the wrong type gets ksqlDB’s message', () => {
    assert.throws(
      () => builtinAggregates.resolve('SUM', [STRING]),
      (e: unknown) =>
        e instanceof AggregateResolutionError &&
        e.message === "There is no aggregate function with name='SUM' that has arguments of type=STRING",
    );
    assert.throws(
      () => builtinAggregates.resolve('TOPK', [BOOLEAN, INTEGER], [undefined, 3]),
      /name='TOPK' that has arguments of type=BOOLEAN,INTEGER/,
    );
    assert.throws(
      () => builtinAggregates.resolve('TOPK', [INTEGER, INTEGER], [undefined, undefined]),
      /must be a literal/,
    );
    assert.throws(
      () => builtinAggregates.resolve('TOPK', [INTEGER, INTEGER], [undefined, 0]),
      /k must be 1 or greater/,
    );
    assert.throws(
      () => builtinAggregates.resolve('NOPE', [INTEGER]),
      /Can't find any functions with the name 'NOPE'/,
    );
  });

  test('SUM_LIST adds the non-NULL elements of every array', () => {
    assert.equal(run('SUM_LIST', [array(INTEGER)], [[1, 2, null], null, [3]]), 6);
    assert.equal(run('SUM_LIST', [array(DOUBLE)], [[1.5], [2]]), 3.5);
  });

  test('AVG is a DOUBLE, skips NULLs and is 0.0 over no rows', () => {
    assert.equal(run('AVG', [INTEGER], [1, 2, null]), 1.5);
    assert.equal(run('AVG', [BIGINT], [10n, 20n, 40n]), 70 / 3);
    assert.equal(run('AVG', [DOUBLE], [null]), 0);
    assert.deepEqual(builtinAggregates.resolve('AVG', [INTEGER]).returnType, DOUBLE);
  });

  test('MIN and MAX skip NULLs, are NULL over no values and merge', () => {
    assert.equal(run('MIN', [INTEGER], [3, null, 1, 2]), 1);
    assert.equal(run('MAX', [STRING], ['b', 'c', 'a']), 'c');
    assert.equal(run('MAX', [DOUBLE], [null, null]), null);
    assert.deepEqual(run('MAX', [decimal(5, 2)], [dec(100n, 2), dec(1001n, 2)]), dec(1001n, 2));
    const r = builtinAggregates.resolve('MIN', [BIGINT]);
    assert.equal(r.tableCapable, false);
    const u = r.create();
    assert.equal(u.map(u.merge(u.aggregate(5n, u.initialize()), u.aggregate(3n, u.initialize()))), 3n);
    assert.equal(u.undo, undefined);
  });

  test('COLLECT_LIST keeps NULLs and order, honours its limit and undoes the last equal value', () => {
    assert.deepEqual(run('COLLECT_LIST', [STRING], ['a', null, 'b', 'a']), ['a', null, 'b', 'a']);
    const capped = builtinAggregates.resolve('COLLECT_LIST', [INTEGER], [], {
      collectListLimit: 2,
      collectSetLimit: 2,
    });
    const u = capped.create();
    let acc = u.initialize();
    for (const v of [1, 2, 3]) acc = u.aggregate(v, acc);
    assert.deepEqual(u.map(acc), [1, 2]);
    const list = builtinAggregates.resolve('COLLECT_LIST', [INTEGER]).create();
    let acc2 = list.initialize();
    for (const v of [1, 2, 1, 3]) acc2 = list.aggregate(v, acc2);
    assert.deepEqual(list.map(list.undo?.(1, acc2)), [1, 2, 3]);
    assert.deepEqual(builtinAggregates.resolve('COLLECT_LIST', [STRING]).returnType, array(STRING));
  });

  test('COLLECT_SET keeps distinct values in first-seen order, NULL once, arrays by content', () => {
    assert.deepEqual(run('COLLECT_SET', [STRING], ['b', null, 'a', 'b', null]), ['b', null, 'a']);
    assert.deepEqual(
      run(
        'COLLECT_SET',
        [array(INTEGER)],
        [
          [1, 2],
          [1, 2],
          [2, 1],
        ],
      ),
      [
        [1, 2],
        [2, 1],
      ],
    );
  });

  test('HISTOGRAM counts each string and drops a count undone to zero', () => {
    const r = builtinAggregates.resolve('HISTOGRAM', [STRING]);
    assert.deepEqual(r.returnType, map(STRING, BIGINT));
    const u = r.create();
    let acc = u.initialize();
    for (const v of ['a', 'b', 'a', null]) acc = u.aggregate(v, acc);
    assert.deepEqual(
      u.map(acc),
      new Map<SqlValue, SqlValue>([
        ['a', 2n],
        ['b', 1n],
      ]),
    );
    assert.deepEqual(u.map(u.undo?.('b', acc)), new Map<SqlValue, SqlValue>([['a', 2n]]));
  });

  test('EARLIEST_BY_OFFSET and LATEST_BY_OFFSET skip NULLs unless told not to', () => {
    assert.equal(run('EARLIEST_BY_OFFSET', [STRING], [null, 'a', 'b']), 'a');
    assert.equal(run('EARLIEST_BY_OFFSET', [STRING], [null, 'a'], [false]), null);
    assert.equal(run('LATEST_BY_OFFSET', [STRING], ['a', 'b', null]), 'b');
    assert.equal(run('LATEST_BY_OFFSET', [STRING], ['a', 'b', null], [false]), null);
    assert.deepEqual(run('LATEST_BY_OFFSET', [INTEGER], [1, 2, null, 3, 4], [3]), [2, 3, 4]);
    assert.deepEqual(run('LATEST_BY_OFFSET', [INTEGER], [1, 2, null, 3], [3, false]), [2, null, 3]);
    assert.deepEqual(run('EARLIEST_BY_OFFSET', [INTEGER], [null, 1, 2, 3], [2]), [1, 2]);
    assert.deepEqual(
      builtinAggregates.resolve('LATEST_BY_OFFSET', [INTEGER, INTEGER], [undefined, 2]).returnType,
      array(INTEGER),
    );
  });

  test('merging by-offset accumulators keeps the order rows were aggregated in', () => {
    const latest = builtinAggregates.resolve('LATEST_BY_OFFSET', [STRING]).create();
    const first = latest.aggregate('older', latest.initialize());
    const second = latest.aggregate('newer', latest.initialize());
    assert.equal(latest.map(latest.merge(second, first)), 'newer');
    assert.equal(latest.map(latest.merge(first, latest.initialize())), 'older');
    const earliest = builtinAggregates
      .resolve('EARLIEST_BY_OFFSET', [STRING, INTEGER], [undefined, 3])
      .create();
    const a = earliest.aggregate('x1', earliest.initialize());
    const b = earliest.aggregate('y1', earliest.initialize());
    assert.deepEqual(earliest.map(earliest.merge(b, earliest.aggregate('x2', a))), ['x1', 'y1', 'x2']);
  });

  test('by-offset sequence numbers follow the clock, so values aggregated after a restart sort after stored ones', () => {
    const latest = builtinAggregates.resolve('LATEST_BY_OFFSET', [STRING]).create();
    const acc = latest.aggregate('x', latest.initialize()) as { seq: number };
    // A process started an hour ago numbered its values below this one's.
    assert.ok(acc.seq > (Date.now() - 3_600_000) * 1000, String(acc.seq));
  });

  test('TOPK keeps the k largest, earlier rows first among ties, and can carry other columns', () => {
    assert.deepEqual(run('TOPK', [INTEGER], [3, 1, null, 5, 3, 4], [3]), [5, 4, 3]);
    assert.deepEqual(run('TOPK', [STRING], ['a', 'c', 'b'], [2]), ['c', 'b']);
    const r = builtinAggregates.resolve('TOPK', [INTEGER, STRING, INTEGER], [undefined, undefined, 2]);
    assert.deepEqual(
      r.returnType,
      array(
        struct([
          { name: 'sort_col', type: INTEGER },
          { name: 'col0', type: STRING },
        ]),
      ),
    );
    const u = r.create();
    let acc = u.initialize();
    for (const row of [
      [1, 'a'],
      [3, 'b'],
      [3, 'c'],
      [2, 'd'],
    ])
      acc = u.aggregate(row, acc);
    assert.deepEqual(u.map(acc), [
      { sort_col: 3, col0: 'b' },
      { sort_col: 3, col0: 'c' },
    ]);
  });

  test('TOPKDISTINCT keeps the k largest distinct values', () => {
    assert.deepEqual(run('TOPKDISTINCT', [INTEGER], [3, 5, 5, 4, 3], [2]), [5, 4]);
    assert.deepEqual(run('TOPKDISTINCT', [decimal(3, 1)], [dec(10n, 1), dec(10n, 1), dec(5n, 1)], [3]), [
      dec(10n, 1),
      dec(5n, 1),
    ]);
  });

  test('STDDEV_SAMP gives the sample variance (as ksqlDB 0.29) and STDDEV_SAMPLE its square root', () => {
    const variance = run('STDDEV_SAMP', [INTEGER], [1, 2, 3, 4, null]) as number;
    assert.ok(Math.abs(variance - 5 / 3) < 1e-12, String(variance));
    const sd = run('STDDEV_SAMPLE', [DOUBLE], [1, 2, 3, 4]) as number;
    assert.ok(Math.abs(sd - Math.sqrt(5 / 3)) < 1e-12, String(sd));
    assert.equal(run('STDDEV_SAMPLE', [BIGINT], [7n]), 0);
    const u = builtinAggregates.resolve('STDDEV_SAMPLE', [DOUBLE]).create();
    let a = u.initialize();
    for (const v of [1, 2]) a = u.aggregate(v, a);
    let b = u.initialize();
    for (const v of [3, 4]) b = u.aggregate(v, b);
    assert.ok(Math.abs((u.map(u.merge(a, b)) as number) - Math.sqrt(5 / 3)) < 1e-12);
  });

  test('CORRELATION skips rows with a NULL, takes integers, and is NaN below two points', () => {
    assert.ok(
      Math.abs(
        (run(
          'CORRELATION',
          [INTEGER, BIGINT],
          [
            [1, 2n],
            [2, 4n],
            [3, 6n],
            [null, 1n],
          ],
        ) as number) - 1,
      ) < 1e-12,
    );
    assert.ok(Number.isNaN(run('CORRELATION', [DOUBLE, DOUBLE], [[1, 2]]) as number));
    assert.ok(
      Math.abs(
        (run(
          'CORRELATION',
          [DOUBLE, DOUBLE],
          [
            [1, 3],
            [2, 2],
            [3, 1],
          ],
        ) as number) + 1,
      ) < 1e-12,
    );
  });

  test('ATTR is the one value every row has, NULL when they differ', () => {
    assert.equal(run('ATTR', [STRING], ['a', 'a']), 'a');
    assert.equal(run('ATTR', [STRING], ['a', 'b']), null);
    const u = builtinAggregates.resolve('ATTR', [STRING]).create();
    const acc = u.aggregate('b', u.aggregate('a', u.initialize()));
    assert.equal(u.map(u.undo?.('b', acc)), 'a');
  });

  test('COUNT_DISTINCT is exact for few values and a close estimate for many', () => {
    assert.equal(run('COUNT_DISTINCT', [STRING], ['a', 'b', 'a', null]), 2n);
    const many = Array.from({ length: 20_000 }, (_, i) => `value-${i % 10_000}`);
    const estimate = Number(run('COUNT_DISTINCT', [STRING], many));
    assert.ok(Math.abs(estimate - 10_000) / 10_000 < 0.03, `estimate ${estimate}`);
  });

  test('every accumulator survives serialization, as a state store keeps it', () => {
    const cases: [string, SqlType[], SqlValue[], SqlValue[]][] = [
      ['COUNT', [INTEGER], [1, 2], []],
      ['COUNT_DISTINCT', [STRING], ['a', 'b'], []],
      ['SUM', [decimal(5, 1)], [dec(15n, 1)], []],
      ['AVG', [BIGINT], [4n, 6n], []],
      ['MIN', [STRING], ['b', 'a'], []],
      ['COLLECT_SET', [STRING], ['x', 'y'], []],
      ['HISTOGRAM', [STRING], ['x', 'x'], []],
      ['LATEST_BY_OFFSET', [INTEGER], [1, 2], [2]],
      ['TOPK', [INTEGER], [1, 9], [2]],
      ['STDDEV_SAMPLE', [INTEGER], [1, 5], []],
      ['ATTR', [INTEGER], [3], []],
    ];
    for (const [name, types, rows, literals] of cases) {
      const r = builtinAggregates.resolve(
        name,
        [...types, ...literals.map(literalType)],
        [...types.map(() => undefined), ...literals],
      );
      const u = r.create();
      let acc = u.initialize();
      for (const v of rows) acc = u.aggregate(v, acc);
      const restored = deserialize(serialize(acc));
      assert.deepEqual(u.map(u.aggregate(rows[0], restored)), u.map(u.aggregate(rows[0], acc)), name);
    }
  });

  test('SHOW FUNCTIONS and DESCRIBE FUNCTION list them as AGGREGATE', () => {
    const names = listFunctions()
      .filter((f) => f.type === 'AGGREGATE')
      .map((f) => f.name);
    for (const name of ['COUNT', 'COUNT_DISTINCT', 'SUM', 'AVG', 'TOPK', 'CORRELATION', 'LATEST_BY_OFFSET']) {
      assert.ok(names.includes(name), name);
    }
    const d = describeFunction('topk');
    assert.equal(d.type, 'AGGREGATE');
    assert.deepEqual(
      d.variations[0].arguments.map((a) => `${a.name} ${a.type}`),
      ['val INTEGER', 'k INTEGER'],
    );
    assert.equal(d.variations[0].returnType, 'ARRAY<INTEGER>');
  });

  test('names the functions a table cannot be aggregated with, as ksqlDB does', () => {
    assert.equal(
      tableAggregationError(['LATEST_BY_OFFSET', 'MIN', 'MAX']),
      'The aggregation functions LATEST_BY_OFFSET, MIN and MAX cannot be applied to a table source, only to a stream source.',
    );
    assert.equal(
      tableAggregationError(['min']),
      'The aggregation function MIN cannot be applied to a table source, only to a stream source.',
    );
  });
});
