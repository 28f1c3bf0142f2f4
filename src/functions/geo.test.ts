import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DOUBLE, INTEGER, STRING } from '../types/index.js';
import { call } from './call-function.fixture.js';

const D = DOUBLE;

describe('GEO_DISTANCE', () => {
  test('is the haversine great-circle distance, in kilometres by default', () => {
    assert.equal(call('GEO_DISTANCE', [D, D, D, D], [0, 0, 0, 180]), Math.PI * 6371);
    assert.equal(call('GEO_DISTANCE', [INTEGER, INTEGER, INTEGER, INTEGER], [10, 20, 10, 20]), 0);
    // One degree along a meridian is a 360th of the circumference.
    const degree = call('GEO_DISTANCE', [D, D, D, D], [10, 30, 11, 30]) as number;
    assert.ok(Math.abs(degree - (2 * Math.PI * 6371) / 360) < 1e-9, String(degree));
  });

  test('takes MILES or KM in any spelling ksqlDB accepts, and NULL or empty units as KM', () => {
    const five = [D, D, D, D, STRING];
    assert.equal(call('GEO_DISTANCE', five, [0, 0, 0, 180, 'Miles']), Math.PI * 3959);
    assert.equal(call('GEO_DISTANCE', five, [0, 0, 0, 180, ' mi ']), Math.PI * 3959);
    assert.equal(call('GEO_DISTANCE', five, [0, 0, 0, 180, 'kilometres']), Math.PI * 6371);
    assert.equal(call('GEO_DISTANCE', five, [0, 0, 0, 180, null]), Math.PI * 6371);
    assert.throws(
      () => call('GEO_DISTANCE', five, [0, 0, 0, 180, 'feet']),
      /units parameter must be one of mi, mile, miles, km, kilometer, kilometers, kilometre or kilometres/,
    );
  });

  test('rejects coordinates out of range and returns NULL for a NULL coordinate', () => {
    assert.throws(() => call('GEO_DISTANCE', [D, D, D, D], [91, 0, 0, 0]), /valid latitude values/);
    assert.throws(() => call('GEO_DISTANCE', [D, D, D, D], [0, 181, 0, 0]), /valid longitude values/);
    assert.equal(call('GEO_DISTANCE', [D, D, D, D], [null, 0, 0, 0]), null);
  });
});
