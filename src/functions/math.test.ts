import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BIGINT, DATE, DOUBLE, decimal, INTEGER, STRING } from '../types/index.js';
import { call, dec } from './call-function.fixture.js';
import { resolveFunction } from './registry.js';

const D = DOUBLE;
const I = INTEGER;

describe('math functions', () => {
  test('ABS keeps the argument type', () => {
    assert.equal(call('ABS', [I], [-3]), 3);
    assert.equal(call('ABS', [BIGINT], [-3n]), 3n);
    assert.equal(call('ABS', [D], [-1.5]), 1.5);
    assert.deepEqual(call('ABS', [decimal(4, 2)], [dec('-1.25')]), dec('1.25'));
    assert.equal(call('ABS', [I], [null]), null);
  });

  test('ROUND rounds halves up in the positive direction and returns BIGINT for whole rounding', () => {
    assert.equal(call('ROUND', [D], [1.5]), 2n);
    assert.equal(call('ROUND', [D], [-1.5]), -1n);
    assert.equal(call('ROUND', [D], [-1.9]), -2n);
    assert.equal(call('ROUND', [I], [7]), 7n);
    assert.deepEqual(call('ROUND', [decimal(3, 1)], [dec('-1.5')]), dec('-1'));
    assert.deepEqual(call('ROUND', [decimal(3, 1)], [dec('1.5')]), dec('2'));
  });

  test('ROUND with a scale rounds to that many decimal places, left of the point when negative', () => {
    assert.equal(call('ROUND', [D, I], [1.2345, 2]), 1.23);
    assert.equal(call('ROUND', [D, I], [1.235, 2]), 1.24);
    assert.equal(call('ROUND', [D, I], [-1.235, 2]), -1.23);
    assert.equal(call('ROUND', [D, I], [1234.5, -2]), 1200);
    assert.deepEqual(call('ROUND', [decimal(5, 3), I], [dec('1.235'), 2]), dec('1.240'));
    assert.deepEqual(call('ROUND', [decimal(6, 1), I], [dec('1250.0'), -2]), dec('1300.0'));
    assert.equal(call('ROUND', [D, I], [1.5, null]), null);
  });

  test('TRUNC drops digits toward zero', () => {
    assert.equal(call('TRUNC', [D], [-1.9]), -1n);
    assert.equal(call('TRUNC', [D, I], [1.239, 2]), 1.23);
    assert.deepEqual(call('TRUNC', [decimal(5, 3), I], [dec('-1.239'), 1]), dec('-1.200'));
    assert.deepEqual(call('TRUNC', [decimal(5, 3)], [dec('-1.239')]), dec('-1'));
  });

  test('FLOOR and CEIL keep the type, and a decimal keeps its scale', () => {
    assert.equal(call('FLOOR', [D], [-1.5]), -2);
    assert.equal(call('CEIL', [D], [-1.5]), -1);
    assert.equal(call('FLOOR', [I], [4]), 4);
    assert.deepEqual(call('FLOOR', [decimal(3, 1)], [dec('-1.5')]), dec('-2.0'));
    assert.deepEqual(call('CEIL', [decimal(3, 1)], [dec('1.1')]), dec('2.0'));
    assert.deepEqual(resolveFunction('CEIL', [decimal(3, 1)]).returnType, decimal(3, 1));
  });

  test('SIGN returns an INTEGER -1, 0 or 1', () => {
    assert.equal(call('SIGN', [D], [-4.2]), -1);
    assert.equal(call('SIGN', [BIGINT], [0n]), 0);
    assert.equal(call('SIGN', [decimal(2, 1)], [dec('0.1')]), 1);
    assert.equal(call('SIGN', [I], [null]), null);
  });

  test('SQRT, EXP, LN and POWER compute in DOUBLE, widening integral arguments', () => {
    assert.equal(call('SQRT', [I], [9]), 3);
    assert.equal(call('EXP', [I], [0]), 1);
    assert.equal(call('LN', [D], [Math.E]), 1);
    assert.equal(call('POWER', [I, I], [2, 10]), 1024);
    assert.equal(call('POWER', [D, D], [10, 400]), Number.POSITIVE_INFINITY);
    assert.equal(call('SQRT', [D], [null]), null);
  });

  test("LOG(value) is the natural logarithm and LOG(base, value) divides logs, as ksqlDB's computes them", () => {
    // ksqlDB's reference says base 10, its code (and its tests: LOG(13) = 2.5649…) say natural log.
    assert.equal(call('LOG', [I], [13]), 2.5649493574615367);
    assert.equal(call('LOG', [BIGINT], [1n]), 0);
    assert.equal(call('LOG', [D], [0]), Number.NEGATIVE_INFINITY);
    assert.ok(Number.isNaN(call('LOG', [D], [-1]) as number));
    assert.equal(call('LOG', [I, I], [15, 13]), 0.9471572411831843);
    assert.equal(call('LOG', [D, D], [2, 8]), 3);
    assert.equal(call('LOG', [D, D], [15, 0]), Number.NEGATIVE_INFINITY);
    // A base between 0 and 1 turns log(0) = -Infinity into +Infinity.
    assert.equal(call('LOG', [D, D], [0.5, 0]), Number.POSITIVE_INFINITY);
    // The base is checked first: a bad base is NaN even for value 0.
    assert.ok(Number.isNaN(call('LOG', [D, D], [0, 0]) as number));
    assert.ok(Number.isNaN(call('LOG', [D, D], [1, 8]) as number));
    assert.ok(Number.isNaN(call('LOG', [D, D], [-15, 13]) as number));
    assert.ok(Number.isNaN(call('LOG', [D, D], [2, -8]) as number));
    assert.equal(call('LOG', [D, D], [null, 13]), null);
    assert.equal(call('LOG', [D, D], [13, null]), null);
  });

  test('RANDOM is a DOUBLE in [0, 1) and marked non-deterministic', () => {
    const r = call('RANDOM', [], []) as number;
    assert.ok(r >= 0 && r < 1);
    assert.equal(resolveFunction('RANDOM', []).nondeterministic, true);
  });

  test('GREATEST and LEAST skip NULLs and compare any primitive type', () => {
    assert.equal(call('GREATEST', [I, I, I], [1, null, 3]), 3);
    assert.equal(call('LEAST', [I, I, I], [1, null, 3]), 1);
    assert.equal(call('GREATEST', [STRING, STRING], ['apple', 'banana']), 'banana');
    assert.equal(call('LEAST', [DATE, DATE], [10, 3]), 3);
    assert.equal(call('GREATEST', [I, I], [null, null]), null);
    assert.deepEqual(
      call('GREATEST', [decimal(3, 1), decimal(3, 2)], [dec('1.5'), dec('1.55')]),
      dec('1.55'),
    );
  });

  test('trigonometric functions work in radians', () => {
    assert.equal(call('DEGREES', [D], [Math.PI]), 180);
    assert.equal(call('RADIANS', [D], [180]), Math.PI);
    assert.equal(call('ATAN2', [D, D], [1, 1]), Math.PI / 4);
    assert.equal(call('PI', [], []), Math.PI);
  });
});
