import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { array, BIGINT, INTEGER, STRING } from '../types/index.js';
import { call } from './call-function.fixture.js';
import { resolveFunction } from './registry.js';

describe('NULL-handling functions', () => {
  test('COALESCE returns the first non-NULL argument without inspecting complex values', () => {
    assert.equal(call('COALESCE', [STRING, STRING, STRING], [null, 'b', 'c']), 'b');
    assert.equal(call('COALESCE', [STRING], [null]), null);
    assert.deepEqual(call('COALESCE', [array(INTEGER), array(INTEGER)], [[null], [1]]), [null]);
  });

  test('COALESCE widens its arguments to their common type', () => {
    const resolved = resolveFunction('COALESCE', [INTEGER, BIGINT]);
    assert.equal(resolved.returnType, BIGINT);
    assert.equal(resolved.invoke([5, 7n]), 5n);
  });

  test('IFNULL returns the alternative only for NULL', () => {
    assert.equal(call('IFNULL', [STRING, STRING], [null, 'alt']), 'alt');
    assert.equal(call('IFNULL', [STRING, STRING], ['x', 'alt']), 'x');
  });

  test('NULLIF returns NULL when both are equal, the first otherwise', () => {
    assert.equal(call('NULLIF', [INTEGER, INTEGER], [1, 1]), null);
    assert.equal(call('NULLIF', [INTEGER, INTEGER], [1, 2]), 1);
    assert.equal(call('NULLIF', [INTEGER, INTEGER], [1, null]), 1);
    assert.equal(call('NULLIF', [INTEGER, INTEGER], [null, 1]), null);
  });

  test('arguments of types with no common type are rejected', () => {
    assert.throws(
      () => resolveFunction('IFNULL', [STRING, INTEGER]),
      /does not accept parameters \(STRING, INTEGER\)/,
    );
  });
});

describe('AS_VALUE', () => {
  test('returns its argument unchanged, whatever its type', () => {
    assert.equal(call('AS_VALUE', [STRING], ['k1']), 'k1');
    assert.deepEqual(call('AS_VALUE', [array(INTEGER)], [[1, 2]]), [1, 2]);
    assert.equal(call('AS_VALUE', [INTEGER], [null]), null);
  });
});
