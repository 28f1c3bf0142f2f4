import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  array,
  BIGINT,
  BOOLEAN,
  BYTES,
  DATE,
  DOUBLE,
  decimal,
  INTEGER,
  map,
  STRING,
  struct,
  TIME,
  TIMESTAMP,
} from '../types/index.js';
import { call, dec } from './call-function.fixture.js';

const S = STRING;
const LOG =
  '{"log": {"cloud": "gcp836Csd", "app": "ksProcessor", "instance": 4, "tags": ["a", {"b": [1, 2]}], "gone": null}}';
const extract = (json: string | null, path: string) => call('EXTRACTJSONFIELD', [S, S], [json, path]);

describe('EXTRACTJSONFIELD', () => {
  test('returns text values unquoted, as in the ksqlDB docs', () => {
    assert.equal(extract(LOG, '$.log.cloud'), 'gcp836Csd');
  });

  test('returns other values as compact JSON text', () => {
    assert.equal(extract(LOG, '$.log.instance'), '4');
    assert.equal(extract(LOG, '$.log.tags'), '["a",{"b":[1,2]}]');
    assert.equal(extract(LOG, '$.log.gone'), 'null');
  });

  test('follows array indexes and bracketed names', () => {
    assert.equal(extract(LOG, '$.log.tags[0]'), 'a');
    assert.equal(extract(LOG, "$['log'].tags[1].b[1]"), '2');
    assert.equal(extract(LOG, '$["log"]["app"]'), 'ksProcessor');
  });

  test('returns NULL for a path that does not exist or a NULL argument', () => {
    assert.equal(extract(LOG, '$.log.missing'), null);
    assert.equal(extract(LOG, '$.log.tags[5]'), null);
    assert.equal(extract(LOG, '$.log.cloud.deeper'), null);
    assert.equal(extract(null, '$.a'), null);
  });

  test('rejects invalid JSON and paths that select several values', () => {
    assert.throws(() => extract('{not json', '$.a'), /Invalid JSON format/);
    assert.throws(() => extract(LOG, '$.log.*'), /invalid JSONPath/);
  });
});

describe('JSON functions', () => {
  test('IS_JSON_STRING follows the documented examples', () => {
    const cases: [string | null, boolean][] = [
      ['[1, 2, 3]', true],
      ['{}', true],
      ['1', true],
      ['"abc"', true],
      ['null', true],
      ['', false],
      ['abc', false],
      [null, false],
    ];
    for (const [input, expected] of cases)
      assert.equal(call('IS_JSON_STRING', [S], [input]), expected, String(input));
  });

  test('JSON_ARRAY_LENGTH follows the documented examples', () => {
    assert.equal(call('JSON_ARRAY_LENGTH', [S], ['[1, 2, 3]']), 3);
    assert.equal(call('JSON_ARRAY_LENGTH', [S], ['[1, [1, [2]], 3]']), 3);
    assert.equal(call('JSON_ARRAY_LENGTH', [S], ['[]']), 0);
    assert.equal(call('JSON_ARRAY_LENGTH', [S], ['{}']), null);
    assert.equal(call('JSON_ARRAY_LENGTH', [S], ['123']), null);
    assert.equal(call('JSON_ARRAY_LENGTH', [S], [null]), null);
    assert.equal(call('JSON_ARRAY_LENGTH', [S], ['abc']), null);
  });

  test('JSON_KEYS follows the documented examples', () => {
    assert.deepEqual(call('JSON_KEYS', [S], ['{"a": "abc", "b": { "c": "a" }, "d": 1}']), ['a', 'b', 'd']);
    assert.deepEqual(call('JSON_KEYS', [S], ['{}']), []);
    for (const input of ['[]', '123', null, '']) assert.equal(call('JSON_KEYS', [S], [input]), null);
  });

  test('JSON_RECORDS maps top-level keys to their values as JSON text', () => {
    assert.deepEqual(
      call('JSON_RECORDS', [S], ['{"a": "abc", "b": { "c": "a" }, "d": 1}']),
      new Map([
        ['a', '"abc"'],
        ['b', '{"c":"a"}'],
        ['d', '1'],
      ]),
    );
    assert.deepEqual(call('JSON_RECORDS', [S], ['{}']), new Map());
    for (const input of ['[]', '123', null, 'abc']) assert.equal(call('JSON_RECORDS', [S], [input]), null);
  });

  test('JSON_CONCAT merges objects and otherwise concatenates arrays', () => {
    const concat = (...xs: (string | null)[]) =>
      call(
        'JSON_CONCAT',
        xs.map(() => S),
        xs,
      );
    assert.equal(concat('{"a": 1}', '{"b": 2}'), '{"a":1,"b":2}');
    assert.equal(concat('{"a": {"5": 6}}', '{"a": {"3": 4}}'), '{"a":{"3":4}}');
    assert.equal(concat('[1, [2]]', '[[[3]], [[[4]]]]'), '[1,[2],[[3]],[[[4]]]]');
    assert.equal(concat('null', 'null'), '[null,null]');
    assert.equal(concat('[1, 2]', '{"a": 1}'), '[1,2,{"a":1}]');
    assert.equal(concat('1', '2'), '[1,2]');
    assert.equal(concat('abc', '[1]'), null);
    assert.equal(concat(null, '[1]'), null);
  });
});

describe('TO_JSON_STRING', () => {
  test('writes primitives as the documented examples show', () => {
    assert.equal(call('TO_JSON_STRING', [INTEGER], [1]), '1');
    assert.equal(call('TO_JSON_STRING', [DOUBLE], [15.3]), '15.3');
    assert.equal(call('TO_JSON_STRING', [DOUBLE], [1]), '1.0');
    assert.equal(call('TO_JSON_STRING', [S], ['abc']), '"abc"');
    assert.equal(call('TO_JSON_STRING', [BOOLEAN], [true]), 'true');
    assert.equal(call('TO_JSON_STRING', [DATE], [18911]), '"2021-10-11"');
    assert.equal(call('TO_JSON_STRING', [TIME], [(13 * 60 + 25) * 60_000]), '"13:25"');
    assert.equal(
      call('TO_JSON_STRING', [TIMESTAMP], [Date.UTC(2021, 5, 30, 12, 18, 39, 446)]),
      '"2021-06-30T12:18:39.446"',
    );
    assert.equal(call('TO_JSON_STRING', [INTEGER], [null]), 'null');
    assert.equal(call('TO_JSON_STRING', [decimal(4, 2)], [dec('12.50')]), '12.50');
    assert.equal(call('TO_JSON_STRING', [BYTES], [Buffer.from('hi')]), '"aGk="');
  });

  test('writes arrays, maps and structs compactly, structs keyed by field name', () => {
    assert.equal(call('TO_JSON_STRING', [array(INTEGER)], [[1, 2, 3]]), '[1,2,3]');
    assert.equal(
      call(
        'TO_JSON_STRING',
        [
          struct([
            { name: 'ID', type: INTEGER },
            { name: 'NAME', type: S },
          ]),
        ],
        [{ ID: 1, NAME: 'A' }],
      ),
      '{"ID":1,"NAME":"A"}',
    );
    assert.equal(
      call(
        'TO_JSON_STRING',
        [map(S, INTEGER)],
        [
          new Map([
            ['c', 2],
            ['d', 4],
          ]),
        ],
      ),
      '{"c":2,"d":4}',
    );
    const entry = struct([
      { name: 'JSON_KEY', type: INTEGER },
      { name: 'JSON_VALUE', type: map(S, INTEGER) },
    ]);
    assert.equal(
      call('TO_JSON_STRING', [array(entry)], [[{ JSON_KEY: 1, JSON_VALUE: new Map([['c', 2]]) }]]),
      '[{"JSON_KEY":1,"JSON_VALUE":{"c":2}}]',
    );
  });
});

describe('JSON_ARRAY_CONTAINS and JSON_ITEMS', () => {
  const contains = (json: string | null, type: typeof STRING, value: unknown) =>
    call('JSON_ARRAY_CONTAINS', [STRING, type], [json, value as never]);

  test('JSON_ARRAY_CONTAINS matches a value only against elements of its own JSON kind', () => {
    assert.equal(contains('[1, 2, 3]', INTEGER, 3), true);
    assert.equal(contains('[1, 2, 3]', INTEGER, 4), false);
    assert.equal(contains('[5000000000]', BIGINT, 5000000000n), true);
    assert.equal(contains('[1.5, 2]', DOUBLE, 1.5), true);
    // An integer token never equals a DOUBLE, nor a fractional token an INT.
    assert.equal(contains('[1]', DOUBLE, 1), false);
    assert.equal(contains('[1.0]', INTEGER, 1), false);
    assert.equal(contains('["a", "b"]', STRING, 'b'), true);
    assert.equal(contains('["1"]', INTEGER, 1), false);
    assert.equal(contains('[true]', BOOLEAN, true), true);
    assert.equal(contains('[false]', BOOLEAN, true), false);
    assert.equal(contains('[[3], {"a": 3}]', INTEGER, 3), false);
    assert.equal(contains('[null]', STRING, null), true);
  });

  test('JSON_ARRAY_CONTAINS is false for text that is not a JSON array', () => {
    assert.equal(contains('{"a": 1}', INTEGER, 1), false);
    assert.equal(contains('not json', INTEGER, 1), false);
    assert.equal(contains('', INTEGER, 1), false);
    assert.equal(contains('[1, 2', INTEGER, 3), false);
    // The scan stops at the first match, before it reaches the broken tail.
    assert.equal(contains('[1, 2, oops', INTEGER, 1), true);
  });

  test('JSON_ITEMS returns the JSON text of each object in the array', () => {
    assert.deepEqual(call('JSON_ITEMS', [S], ['[{"type": "A", "n": 1}, {"b": [1, 2]}]']), [
      '{"type":"A","n":1}',
      '{"b":[1,2]}',
    ]);
    assert.deepEqual(call('JSON_ITEMS', [S], ['[]']), []);
    assert.equal(call('JSON_ITEMS', [S], ['[{"a": 1}, 2]']), null);
    assert.equal(call('JSON_ITEMS', [S], [null]), null);
    assert.throws(() => call('JSON_ITEMS', [S], ['{"a": 1}']), /Invalid JSON format:\{"a": 1\}/);
  });
});
