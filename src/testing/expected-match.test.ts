import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  array,
  BIGINT,
  BOOLEAN,
  BYTES,
  DOUBLE,
  decimal,
  INTEGER,
  type SqlType,
  STRING,
} from '../types/index.js';
import { matchExpected, renderValue } from './expected-match.js';
import { parseJsonDocument } from './json-document.js';

function matches(expectedJson: string, type: SqlType, value: Parameters<typeof renderValue>[0]['value']) {
  return matchExpected(parseJsonDocument(expectedJson), { type, value }) === undefined;
}

test('numbers match by value whatever their JSON spelling, as in ksqlDB', () => {
  assert.ok(matches('1', INTEGER, 1));
  assert.ok(matches('1.0', INTEGER, 1));
  assert.ok(matches('1', DOUBLE, 1));
  assert.ok(matches('1.5', DOUBLE, 1.5));
  assert.ok(matches('9007199254740993', BIGINT, 9007199254740993n));
  assert.ok(!matches('9007199254740992', BIGINT, 9007199254740993n));
  assert.ok(!matches('1.5', INTEGER, 1));
  assert.ok(!matches('"1"', INTEGER, 1));
});

test('a DECIMAL matches a fraction only at the same scale, and a whole number only without one', () => {
  const d = decimal(4, 2);
  assert.ok(matches('10.01', d, { unscaled: 1001n, scale: 2 }));
  assert.ok(matches('"10.01"', d, { unscaled: 1001n, scale: 2 }));
  assert.ok(!matches('10.010', d, { unscaled: 1001n, scale: 2 }));
  assert.ok(!matches('10', d, { unscaled: 1000n, scale: 2 }));
  assert.ok(matches('10', decimal(4, 0), { unscaled: 10n, scale: 0 }));
  assert.match(
    matchExpected(
      parseJsonDocument('2.00'),
      { type: decimal(2, 1), value: { unscaled: 20n, scale: 1 } },
      'X',
    ) ?? '',
    /^X: expected 2\.00 but was 2\.0 \(a DECIMAL matches only at its scale: write 2\.0\)$/,
  );
});

test('objects match structs by field count and by exact or upper-cased field name', () => {
  const type: SqlType = {
    kind: 'STRUCT',
    fields: [
      { name: 'NAME', type: STRING },
      { name: 'ok', type: BOOLEAN },
    ],
  };
  const value = { NAME: 'ann', ok: true };
  assert.ok(matches('{"name": "ann", "ok": true}', type, value));
  assert.equal(
    matchExpected(parseJsonDocument('{"NAME": "ann"}'), { type, value }, 'value'),
    'value has 2 field(s) where 1 were expected',
  );
  assert.equal(
    matchExpected(parseJsonDocument('{"NAME": "bob", "ok": true}'), { type, value }, 'value'),
    'value.NAME: expected "bob" but was "ann"',
  );
  assert.equal(
    matchExpected(parseJsonDocument('{"NAME": "ann", "OK2": true}'), { type, value }, 'value'),
    'value.OK2 is missing',
  );
});

test('arrays match element by element, maps by key, bytes as base64 text, null only null', () => {
  assert.ok(matches('[1, 2]', array(INTEGER), [1, 2]));
  assert.equal(
    matchExpected(parseJsonDocument('[1, 3]'), { type: array(INTEGER), value: [1, 2] }, 'value.L'),
    'value.L[1]: expected 3 but was 2',
  );
  assert.ok(!matches('[1]', array(INTEGER), [1, 2]));
  assert.ok(matches('{"a": 1}', { kind: 'MAP', key: STRING, value: INTEGER }, new Map([['a', 1]])));
  assert.ok(matches('"aGk="', BYTES, Buffer.from('hi')));
  assert.ok(matches('null', STRING, null));
  assert.ok(!matches('null', STRING, ''));
  assert.ok(!matches('""', STRING, null));
});

test('actual values print as JSON with DECIMAL scale and a point on whole DOUBLEs', () => {
  const type: SqlType = {
    kind: 'STRUCT',
    fields: [
      { name: 'D', type: decimal(5, 2) },
      { name: 'F', type: DOUBLE },
      { name: 'B', type: BIGINT },
      { name: 'S', type: STRING },
    ],
  };
  assert.equal(
    renderValue({ type, value: { D: { unscaled: 500n, scale: 2 }, F: 3, B: 2n ** 63n - 1n, S: null } }),
    '{"D":5.00,"F":3.0,"B":9223372036854775807,"S":null}',
  );
});

test('a DOUBLE that is not finite matches and prints as the string JSON writes for it', () => {
  assert.ok(matches('"NaN"', DOUBLE, Number.NaN));
  assert.ok(matches('"Infinity"', DOUBLE, Number.POSITIVE_INFINITY));
  assert.ok(matches('"-Infinity"', DOUBLE, Number.NEGATIVE_INFINITY));
  assert.ok(!matches('"Infinity"', DOUBLE, Number.NEGATIVE_INFINITY));
  assert.ok(!matches('"1.5"', DOUBLE, 1.5));
  assert.equal(
    renderValue({ type: array(DOUBLE), value: [Number.NaN, Number.NEGATIVE_INFINITY] }),
    '["NaN","-Infinity"]',
  );
});
