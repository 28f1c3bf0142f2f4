import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { array, BIGINT, DOUBLE, INTEGER, STRING } from '../types/index.js';
import { compileText, evaluateText, typeOfText } from './expression-test-scope.fixture.js';

describe('IS [NOT] DISTINCT FROM', () => {
  const cols = {
    A: [INTEGER, 1],
    B: [BIGINT, 1n],
    N: [INTEGER, null],
    M: [STRING, null],
    D: [DOUBLE, 1.5],
  } as const;

  test('compares values as = does, across numeric types', () => {
    assert.equal(evaluateText('A IS DISTINCT FROM B', cols), false);
    assert.equal(evaluateText('A IS NOT DISTINCT FROM B', cols), true);
    assert.equal(evaluateText('A IS DISTINCT FROM D', cols), true);
    assert.equal(typeOfText('A IS DISTINCT FROM B', cols), 'BOOLEAN');
  });

  test('treats NULL as a value: never NULL itself', () => {
    assert.equal(evaluateText('N IS DISTINCT FROM A', cols), true);
    assert.equal(evaluateText('N IS NOT DISTINCT FROM A', cols), false);
    assert.equal(evaluateText('N IS NOT DISTINCT FROM N', cols), true);
    assert.equal(evaluateText('N IS DISTINCT FROM NULL', cols), false);
    assert.equal(evaluateText('A IS DISTINCT FROM NULL', cols), true);
    assert.equal(evaluateText('NULL IS NOT DISTINCT FROM NULL', cols), true);
    assert.equal(evaluateText('M IS NOT DISTINCT FROM M', cols), true);
  });

  test('compares arrays by value', () => {
    const arr = { X: [array(INTEGER), [1, 2]], Y: [array(INTEGER), [1, 2]] } as const;
    assert.equal(evaluateText('X IS DISTINCT FROM Y', arr), false);
    assert.equal(evaluateText('X IS DISTINCT FROM ARRAY[2, 1]', arr), true);
  });

  test('refuses types that cannot be compared', () => {
    assert.throws(
      () => compileText('A IS DISTINCT FROM M', cols),
      /Cannot compare INTEGER to STRING with IS DISTINCT FROM in A IS DISTINCT FROM M\./,
    );
  });
});
