import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { array, BIGINT, BOOLEAN, DOUBLE, INTEGER, map, STRING, struct } from '../types/index.js';
import { EvaluationError, ExpressionError } from './compiled-expression.js';
import { compileText, evaluateText, typeOfText } from './expression-test-scope.fixture.js';

const NUMS = [array(INTEGER), [1, 2, null, 4]] as const;
const SCORES = [
  map(STRING, INTEGER),
  new Map<string, number | null>([
    ['alice', 3],
    ['bob', 12],
  ]),
] as const;

describe('TRANSFORM', () => {
  test('maps each array element, typing the parameter from the element type', () => {
    const cols = { A: NUMS };
    assert.deepEqual(evaluateText('TRANSFORM(A, x => x * 10)', cols), [10, 20, null, 40]);
    assert.equal(typeOfText('TRANSFORM(A, x => CAST(x AS STRING))', cols), 'ARRAY<STRING>');
    assert.equal(typeOfText('TRANSFORM(A, x => x > 1)', cols), 'ARRAY<BOOLEAN>');
  });

  test('builds a new map from a key lambda and a value lambda over (k, v)', () => {
    const cols = { M: SCORES };
    assert.deepEqual(
      evaluateText('TRANSFORM(M, (k, v) => UCASE(k), (k, v) => v + LEN(k))', cols),
      new Map([
        ['ALICE', 8],
        ['BOB', 15],
      ]),
    );
    assert.equal(typeOfText('TRANSFORM(M, (k, v) => v, (k, v) => k)', cols), 'MAP<INTEGER, STRING>');
  });

  test('fails the row when two entries get the same new key, as ksqlDB does', () => {
    const compiled = compileText("TRANSFORM(M, (k, v) => 'same', (k, v) => v)", { M: [SCORES[0]] });
    assert.throws(() => compiled.evaluate([SCORES[1]]), EvaluationError);
  });

  test('lets lambda parameters shadow columns and still read other columns', () => {
    const cols = { A: NUMS, X: [INTEGER, 100], OFFSET: [INTEGER, 5] } as const;
    assert.deepEqual(evaluateText('TRANSFORM(A, x => x + OFFSET)', cols), [6, 7, null, 9]);
  });

  test('nests: an inner lambda sees the outer lambda parameters', () => {
    const cols = {
      M: [
        map(STRING, array(INTEGER)),
        new Map([
          ['a', [2, null, 5]],
          ['b', [-1, -2]],
        ]),
      ],
    } as const;
    assert.deepEqual(
      evaluateText(
        'TRANSFORM(TRANSFORM(M, (x, y) => x, (x, y) => FILTER(y, z => z IS NOT NULL)), (x, y) => UCASE(x), (k, v) => ARRAY_MAX(v))',
        cols,
      ),
      new Map([
        ['A', 5],
        ['B', -1],
      ]),
    );
    assert.deepEqual(evaluateText('TRANSFORM(ARRAY[1, 2], x => TRANSFORM(ARRAY[10, 20], y => x + y))'), [
      [11, 21],
      [12, 22],
    ]);
  });

  test('is NULL for a NULL collection', () => {
    assert.equal(evaluateText('TRANSFORM(A, x => x + 1)', { A: [array(INTEGER), null] }), null);
  });
});

describe('FILTER', () => {
  test('keeps the array elements and map entries for which the lambda is TRUE', () => {
    assert.deepEqual(evaluateText('FILTER(A, x => x IS NOT NULL AND x > 1)', { A: NUMS }), [2, 4]);
    assert.deepEqual(evaluateText('FILTER(M, (k, v) => v > 5)', { M: SCORES }), new Map([['bob', 12]]));
    assert.equal(typeOfText('FILTER(M, (k, v) => v > 5)', { M: SCORES }), 'MAP<STRING, INTEGER>');
  });

  test('needs a BOOLEAN lambda, and fails the row when the lambda returns NULL', () => {
    assert.throws(
      () => compileText('FILTER(A, x => x + 1)', { A: [NUMS[0]] }),
      /The lambda of FILTER must return BOOLEAN, but x => X \+ 1 returns INTEGER\./i,
    );
    // A comparison with a NULL element is FALSE in ksqlDB, so that element is left out...
    assert.deepEqual(compileText('FILTER(A, x => x > 1)', { A: [NUMS[0]] }).evaluate([NUMS[1]]), [2, 4]);
    // ...while a lambda that returns a NULL boolean fails the row.
    const compiled = compileText('FILTER(B, x => x)', { B: [array(BOOLEAN)] });
    assert.throws(() => compiled.evaluate([[true, null]]), /FILTER: the lambda returned NULL/);
  });
});

describe('REDUCE', () => {
  test('folds an array from an initial state with (s, x)', () => {
    assert.equal(evaluateText('REDUCE(A, 0, (s, x) => s + x)', { A: [array(INTEGER), [1, 2, 3]] }), 6);
    assert.equal(evaluateText("REDUCE(A, '', (s, x) => s + x)", { A: [array(STRING), ['a', 'b']] }), 'ab');
  });

  test("folds a map with (s, k, v), as in ksqlDB's reduce-map case", () => {
    const cols = {
      M: [
        map(STRING, INTEGER),
        new Map([
          ['123', 3],
          ['12', 7],
          ['1234', 2],
        ]),
      ],
    } as const;
    assert.equal(
      evaluateText('REDUCE(M, 0, (s, k, v) => CASE WHEN LEN(k) > 3 THEN s + v ELSE s - v END)', cols),
      -8,
    );
  });

  test('is NULL for a NULL state and the state for a NULL collection', () => {
    const cols = { A: [array(INTEGER), null], S: [BIGINT, null] } as const;
    assert.equal(evaluateText('REDUCE(A, 5, (s, x) => s + x)', cols), 5);
    assert.equal(evaluateText('REDUCE(ARRAY[1], S, (s, x) => s + x)', cols), null);
  });

  test('widens the state to what the lambda returns, and the lambda result to the state type', () => {
    const cols = { A: [array(BIGINT), [5000000000n, 1n]] } as const;
    assert.equal(typeOfText('REDUCE(A, 0, (s, x) => s + x)', cols), 'BIGINT');
    assert.equal(evaluateText('REDUCE(A, 0, (s, x) => s + x)', cols), 5000000001n);
    assert.equal(typeOfText('REDUCE(ARRAY[1, 2], CAST(0 AS DOUBLE), (s, x) => x)'), 'DOUBLE');
    assert.throws(
      () => compileText("REDUCE(ARRAY[1], 0, (s, x) => 'text')"),
      /must return the type of its state, INTEGER/,
    );
  });
});

describe('lambda errors', () => {
  test('names the expected and found number of lambda arguments, in ksqlDB words', () => {
    assert.throws(
      () => compileText('TRANSFORM(A, (x, y) => x)', { A: [NUMS[0]] }),
      (e: Error) =>
        e instanceof ExpressionError &&
        e.message === 'Was expecting 1 arguments but found 2, [X, Y]. Check your lambda statement.',
    );
    assert.throws(
      () => compileText('REDUCE(M, 0, (s, k) => s)', { M: [SCORES[0]] }),
      /Was expecting 3 arguments but found 2/,
    );
  });

  test('rejects a map TRANSFORM with one lambda, a non-collection, and lambdas elsewhere', () => {
    assert.throws(
      () => compileText('TRANSFORM(M, (k, v) => v)', { M: [SCORES[0]] }),
      /Function 'TRANSFORM' does not accept parameters \(MAP<STRING, INTEGER>, LAMBDA\)/,
    );
    assert.throws(
      () => compileText('FILTER(S, x => TRUE)', { S: [STRING] }),
      /does not accept parameters \(STRING, LAMBDA\)/,
    );
    assert.throws(() => compileText('ABS(x => x)'), /ABS does not take a lambda/);
    assert.throws(
      () => compileText('TRANSFORM(NULL, x => x)'),
      /needs an ARRAY or MAP as its first argument/,
    );
    assert.throws(() => compileText('TRANSFORM(A, (x, x) => x)', { A: [NUMS[0]] }), ExpressionError);
  });

  test('lambda parameters are typed for the functions they call', () => {
    const cols = { A: [array(struct([{ name: 'N', type: DOUBLE }])), [{ N: 1.5 }]] } as const;
    assert.deepEqual(evaluateText('TRANSFORM(A, e => ROUND(e->N))', cols), [2n]);
    assert.equal(typeOfText('FILTER(A, e => e->N > 1)', cols), 'ARRAY<STRUCT<`N` DOUBLE>>');
    assert.equal(BOOLEAN.kind, 'BOOLEAN');
  });
});
