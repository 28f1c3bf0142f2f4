import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SqlValue } from '../types/index.js';
import { columnError, errorLabel, processRow, type RowExpressions } from './row-processor.js';

const failing = (): SqlValue => {
  throw new Error('Division by zero');
};

test('a projection that fails is NULL and reported, and the row still comes out', () => {
  const e: RowExpressions = { filter: undefined, projections: [(r) => r[0], failing, (r) => r[1]] };
  const errors: [string, number][] = [];
  const out = processRow([1, 'x'], e, undefined, (err, i) => errors.push([err.message, i]));
  assert.deepEqual(out, [1, null, 'x']);
  assert.deepEqual(errors, [['Division by zero', 1]]);
});

test('a failing filter still throws, so the row is dropped, and without a handler a projection throws', () => {
  const onError = () => assert.fail('a filter failure is not a column failure');
  assert.throws(() => processRow([1], { filter: failing, projections: [] }, undefined, onError), /Division/);
  assert.throws(() => processRow([1], { filter: undefined, projections: [failing] }), /Division/);
});

test("a failing column is reported in ksqlDB's words, with the failure as its cause", () => {
  const e: RowExpressions = {
    filter: undefined,
    projections: [failing],
    errorLabels: [errorLabel('100 / DIVISOR', 'SHARE', 0)],
  };
  const err = columnError(e, new Error('Division by zero'), 0);
  assert.equal(err.message, 'Error computing expression 100 / DIVISOR for column SHARE with index 0');
  assert.equal((err.cause as Error).message, 'Division by zero');
});
