import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { array, BOOLEAN, DOUBLE, decimal, INTEGER, map, STRING, struct } from '../types/index.js';
import { call, dec } from './call-function.fixture.js';
import { resolveFunction } from './registry.js';

const S = STRING;
const I = INTEGER;
const AI = array(INTEGER);
const AS = array(STRING);

describe('array functions', () => {
  test('ARRAY_LENGTH counts elements and is NULL for a NULL array', () => {
    assert.equal(call('ARRAY_LENGTH', [AI], [[1, 2, 3]]), 3);
    assert.equal(call('ARRAY_LENGTH', [AI], [null]), null);
  });

  test('ARRAY_CONTAINS finds values, NULL included, and is false for a NULL array', () => {
    assert.equal(call('ARRAY_CONTAINS', [AI, I], [[1, 2, 3], 3]), true);
    assert.equal(call('ARRAY_CONTAINS', [AI, I], [[1, 2, 3], 4]), false);
    assert.equal(call('ARRAY_CONTAINS', [AS, S], [['a', null], null]), true);
    assert.equal(call('ARRAY_CONTAINS', [AI, I], [null, 1]), false);
  });

  test('ARRAY_DISTINCT keeps first occurrences, NULL included', () => {
    assert.deepEqual(call('ARRAY_DISTINCT', [AI], [[1, 1, 2, 3, 1, 2]]), [1, 2, 3]);
    assert.deepEqual(call('ARRAY_DISTINCT', [AS], [['apple', 'apple', null, 'cherry']]), [
      'apple',
      null,
      'cherry',
    ]);
    assert.deepEqual(call('ARRAY_DISTINCT', [array(decimal(3, 1))], [[dec('1.0'), dec('1.00'), dec('10')]]), [
      dec('1.0'),
      dec('10'),
    ]);
    assert.deepEqual(call('ARRAY_DISTINCT', [array(AI)], [[[1], [1], [2]]]), [[1], [2]]);
    assert.equal(call('ARRAY_DISTINCT', [AI], [null]), null);
  });

  test('ARRAY_EXCEPT, ARRAY_INTERSECT, ARRAY_UNION and ARRAY_CONCAT follow the documented examples', () => {
    assert.deepEqual(
      call(
        'ARRAY_EXCEPT',
        [AI, AI],
        [
          [1, 2, 3, 1, 2],
          [2, 3],
        ],
      ),
      [1],
    );
    assert.deepEqual(call('ARRAY_EXCEPT', [AS, AS], [['apple', 'apple', null, 'cherry'], ['cherry']]), [
      'apple',
      null,
    ]);
    assert.deepEqual(
      call(
        'ARRAY_INTERSECT',
        [AI, AI],
        [
          [1, 2, 3, 1, 2],
          [2, 1],
        ],
      ),
      [1, 2],
    );
    assert.deepEqual(call('ARRAY_INTERSECT', [AS, AS], [['apple', 'apple', null, 'cherry'], ['apple']]), [
      'apple',
    ]);
    assert.deepEqual(
      call(
        'ARRAY_UNION',
        [AI, AI],
        [
          [1, 2, 3, 1, 2],
          [4, 1],
        ],
      ),
      [1, 2, 3, 4],
    );
    assert.deepEqual(call('ARRAY_UNION', [AS, AS], [['apple', 'apple', null, 'cherry'], ['cherry']]), [
      'apple',
      null,
      'cherry',
    ]);
    assert.deepEqual(
      call(
        'ARRAY_CONCAT',
        [AI, AI],
        [
          [1, 2, 3, 1, 2],
          [4, 1],
        ],
      ),
      [1, 2, 3, 1, 2, 4, 1],
    );
    assert.deepEqual(call('ARRAY_CONCAT', [AI, AI], [null, [4]]), [4]);
    assert.equal(call('ARRAY_CONCAT', [AI, AI], [null, null]), null);
    assert.equal(call('ARRAY_UNION', [AI, AI], [null, [1]]), null);
  });

  test('ARRAY_REMOVE follows the documented examples', () => {
    assert.deepEqual(call('ARRAY_REMOVE', [AI, I], [[1, 2, 3, 2, 1], 2]), [1, 3, 1]);
    assert.deepEqual(call('ARRAY_REMOVE', [array(BOOLEAN), BOOLEAN], [[false, null, true, true], false]), [
      null,
      true,
      true,
    ]);
    assert.deepEqual(call('ARRAY_REMOVE', [AS, S], [['Foo', 'Bar', null, 'baz'], null]), [
      'Foo',
      'Bar',
      'baz',
    ]);
  });

  test('ARRAY_JOIN joins primitives with a delimiter, a comma by default, writing doubles as Java does', () => {
    assert.equal(call('ARRAY_JOIN', [AI], [[1, 2, null]]), '1,2,null');
    assert.equal(call('ARRAY_JOIN', [AS, S], [['a', 'b'], ' | ']), 'a | b');
    assert.equal(call('ARRAY_JOIN', [array(DOUBLE), S], [[1, 2.5], '-']), '1.0-2.5');
    assert.equal(call('ARRAY_JOIN', [AS, S], [['a', 'b'], null]), 'ab');
    assert.equal(call('ARRAY_JOIN', [AI], [null]), null);
  });

  test('ARRAY_MAX, ARRAY_MIN and ARRAY_SORT follow the documented examples', () => {
    assert.equal(call('ARRAY_MAX', [AI], [[-1, 2, null, 0]]), 2);
    assert.equal(call('ARRAY_MAX', [array(BOOLEAN)], [[false, null, true]]), true);
    assert.equal(call('ARRAY_MAX', [AS], [['Foo', 'Bar', null, 'baz']]), 'baz');
    assert.equal(call('ARRAY_MIN', [AI], [[-1, 2, null, 0]]), -1);
    assert.equal(call('ARRAY_MIN', [array(BOOLEAN)], [[false, null, true]]), false);
    assert.equal(call('ARRAY_MIN', [AS], [['Foo', 'Bar', null, 'baz']]), 'Bar');
    assert.equal(call('ARRAY_MAX', [AI], [[null, null]]), null);
    assert.deepEqual(call('ARRAY_SORT', [AI], [[-1, 2, null, 0]]), [-1, 0, 2, null]);
    assert.deepEqual(call('ARRAY_SORT', [array(BOOLEAN)], [[false, null, true]]), [false, true, null]);
    assert.deepEqual(call('ARRAY_SORT', [AS], [['Foo', 'Bar', null, 'baz']]), ['Bar', 'Foo', 'baz', null]);
    assert.deepEqual(call('ARRAY_SORT', [AI, S], [[-1, 2, null, 0], 'desc']), [2, 0, -1, null]);
  });

  test('ARRAY_MAX only takes arrays of primitives', () => {
    assert.throws(() => resolveFunction('ARRAY_MAX', [array(AI)]), /does not accept/);
  });

  test('SLICE takes 1-based inclusive bounds and is NULL out of range', () => {
    assert.deepEqual(call('SLICE', [AI, I, I], [[1, 2, 3, 4], 2, 3]), [2, 3]);
    assert.deepEqual(call('SLICE', [AI, I, I], [[1, 2, 3, 4], null, 2]), [1, 2]);
    assert.deepEqual(call('SLICE', [AI, I, I], [[1, 2, 3, 4], 3, null]), [3, 4]);
    assert.equal(call('SLICE', [AI, I, I], [[1, 2], 1, 5]), null);
  });

  test('GENERATE_SERIES counts inclusively in either direction', () => {
    assert.deepEqual(call('GENERATE_SERIES', [I, I], [1, 3]), [1, 2, 3]);
    assert.deepEqual(call('GENERATE_SERIES', [I, I, I], [5, 1, -2]), [5, 3, 1]);
    assert.throws(() => call('GENERATE_SERIES', [I, I, I], [1, 5, -1]), /wrong sign/);
  });
});

describe('map functions', () => {
  const fruit = new Map([
    ['apple', 10],
    ['banana', 20],
  ]);
  const M = map(S, I);

  test('MAP_KEYS and MAP_VALUES follow the documented examples', () => {
    assert.deepEqual(call('MAP_KEYS', [M], [fruit]), ['apple', 'banana']);
    assert.deepEqual(call('MAP_VALUES', [M], [fruit]), [10, 20]);
    assert.equal(call('MAP_KEYS', [M], [null]), null);
  });

  test('MAP_UNION lets the second map win', () => {
    assert.deepEqual(
      call('MAP_UNION', [M, M], [fruit, new Map([['apple', 50]])]),
      new Map([
        ['apple', 50],
        ['banana', 20],
      ]),
    );
    assert.equal(call('MAP_UNION', [M, M], [null, null]), null);
  });

  test('AS_MAP pairs keys with values by position', () => {
    assert.deepEqual(
      call('AS_MAP', [AS, AI], [['a', 'b'], [1]]),
      new Map([
        ['a', 1],
        ['b', null],
      ]),
    );
    assert.deepEqual(resolveFunction('AS_MAP', [AS, AI]).returnType, M);
  });

  test('ENTRIES lists K/V structs, sorted by key on request', () => {
    const m = new Map([
      ['b', 2],
      ['a', 1],
    ]);
    assert.deepEqual(call('ENTRIES', [M, BOOLEAN], [m, true]), [
      { K: 'a', V: 1 },
      { K: 'b', V: 2 },
    ]);
    assert.deepEqual(
      resolveFunction('ENTRIES', [M, BOOLEAN]).returnType,
      array(
        struct([
          { name: 'K', type: S },
          { name: 'V', type: I },
        ]),
      ),
    );
  });
});

describe('ELT and FIELD', () => {
  test('ELT returns the n-th string, NULL out of range', () => {
    assert.equal(call('ELT', [I, S, S], [2, 'hello', 'world']), 'world');
    assert.equal(call('ELT', [I, S, S], [0, 'hello', 'world']), null);
    assert.equal(call('ELT', [I, S, S], [3, 'hello', 'world']), null);
  });

  test('FIELD returns the 1-based position, 0 when missing or NULL', () => {
    assert.equal(call('FIELD', [S, S, S], ['world', 'hello', 'world']), 2);
    assert.equal(call('FIELD', [S, S, S], ['nope', 'hello', 'world']), 0);
    assert.equal(call('FIELD', [S, S, S], [null, 'hello', null]), 0);
  });
});

describe('ARRAY_SORT directions', () => {
  test('accepts ASCENDING and DESCENDING in any case and gives NULL for anything else', () => {
    assert.deepEqual(call('ARRAY_SORT', [AI, S], [[2, 1], 'ascending']), [1, 2]);
    assert.deepEqual(call('ARRAY_SORT', [AI, S], [[1, null, 2], 'DESCENDING']), [2, 1, null]);
    assert.equal(call('ARRAY_SORT', [AI, S], [[1, 2], 'sideways']), null);
  });
});
