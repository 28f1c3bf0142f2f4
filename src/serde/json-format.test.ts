import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SqlType, SqlValue } from '../types/index.js';
import type { SerdeColumn } from './format.js';
import { FormatSchemaError, jsonFormat, SerdeError } from './index.js';

const col = (name: string, type: SqlType): SerdeColumn => ({ name, type });
const BIGINT: SqlType = { kind: 'BIGINT' };
const INTEGER: SqlType = { kind: 'INTEGER' };
const STRING: SqlType = { kind: 'STRING' };
const DOUBLE: SqlType = { kind: 'DOUBLE' };
const BOOLEAN: SqlType = { kind: 'BOOLEAN' };
const dec = (precision: number, scale: number): SqlType => ({ kind: 'DECIMAL', precision, scale });

function read(columns: SerdeColumn[], json: string, options = {}): SqlValue[] | null {
  return jsonFormat.createDeserializer(columns, options)(Buffer.from(json));
}
function write(columns: SerdeColumn[], row: SqlValue[] | null, options = {}): string | null {
  const bytes = jsonFormat.createSerializer(columns, options)(row);
  return bytes === null ? null : bytes.toString('utf8');
}

const everyType: SerdeColumn[] = [
  col('B', BOOLEAN),
  col('I', INTEGER),
  col('L', BIGINT),
  col('D', DOUBLE),
  col('S', STRING),
  col('BY', { kind: 'BYTES' }),
  col('DEC', dec(10, 2)),
  col('TS', { kind: 'TIMESTAMP' }),
  col('DT', { kind: 'DATE' }),
  col('T', { kind: 'TIME' }),
  col('A', { kind: 'ARRAY', element: INTEGER }),
  col('M', { kind: 'MAP', key: STRING, value: DOUBLE }),
  col('ST', {
    kind: 'STRUCT',
    fields: [
      { name: 'X', type: STRING },
      { name: 'y', type: BIGINT },
    ],
  }),
];

test('a row of every type survives a JSON round trip', () => {
  const row: SqlValue[] = [
    true,
    -42,
    -9223372036854775808n,
    1.5,
    'héllo "world"\n',
    new Uint8Array([0, 1, 254, 255]),
    { unscaled: 12345n, scale: 2 },
    1700000000123,
    19700,
    3600000,
    [1, null, 3],
    new Map<SqlValue, SqlValue>([
      ['a', 1.25],
      ['b', null],
    ]),
    { X: 'x', y: 7n },
  ];
  const serialize = jsonFormat.createSerializer(everyType);
  const deserialize = jsonFormat.createDeserializer(everyType);
  assert.deepEqual(deserialize(serialize(row)), row);
  assert.deepEqual(
    deserialize(serialize(everyType.map(() => null))),
    everyType.map(() => null),
  );
});

test('serialization writes the names as they are, DOUBLE as Java does and DECIMAL with its digits', () => {
  const columns = [col('id', BIGINT), col('Price', dec(6, 2)), col('D', DOUBLE), col('E', DOUBLE)];
  assert.equal(
    write(columns, [9007199254740993n, { unscaled: 110n, scale: 2 }, 100, 1e10]),
    '{"id":9007199254740993,"Price":1.10,"D":100.0,"E":1.0E10}',
  );
  assert.equal(write([col('D', DOUBLE)], [Number.NaN]), '{"D":"NaN"}');
});

test('a DECIMAL below 10^-6 is written as BigDecimal.toString writes it, as Kafka JsonConverter does', () => {
  const tiny = dec(10, 8);
  assert.equal(write([col('X', tiny)], [{ unscaled: 15n, scale: 8 }], { wrapSingleValue: false }), '1.5E-7');
  assert.equal(write([col('X', tiny)], [{ unscaled: 0n, scale: 8 }], { wrapSingleValue: false }), '0E-8');
  assert.equal(
    write([col('X', tiny)], [{ unscaled: -1234n, scale: 8 }], { wrapSingleValue: false }),
    '-0.00001234',
  );
  assert.deepEqual(read([col('X', tiny)], '1.5E-7', { wrapSingleValue: false }), [
    { unscaled: 15n, scale: 8 },
  ]);
});

test('reading keeps big BIGINT and DECIMAL values exact', () => {
  const columns = [col('L', BIGINT), col('DEC', dec(38, 18))];
  const row = read(columns, '{"L": 9223372036854775807, "DEC": 12345678901234567890.123456789012345678}');
  assert.deepEqual(row, [
    9223372036854775807n,
    { unscaled: 12345678901234567890123456789012345678n, scale: 18 },
  ]);
  assert.deepEqual(read(columns, '{"L": "-9223372036854775808", "DEC": "0.1"}'), [
    -9223372036854775808n,
    { unscaled: 100000000000000000n, scale: 18 },
  ]);
});

test("ksqlDB's documented example reads an object with lower-case names and a numeric string", () => {
  const columns = [col('ID', BIGINT), col('NAME', STRING), col('AGE', INTEGER)];
  assert.deepEqual(read(columns, '{\n  "id": 120,\n  "name": "bob",\n  "age": "49"\n}'), [120n, 'bob', 49]);
});

test('field names match upper-case columns in any case, and quoted mixed-case columns only exactly', () => {
  const columns = [col('NAME', STRING), col('camelCase', INTEGER)];
  assert.deepEqual(read(columns, '{"nAmE": "a", "camelCase": 1}'), ['a', 1]);
  assert.deepEqual(read(columns, '{"name": "a", "CAMELCASE": 1, "camelcase": 2}'), ['a', null]);
  // An exact match wins over an earlier case-insensitive one.
  assert.deepEqual(read([col('NAME', STRING)], '{"name": "lower", "NAME": "exact", "Name": "later"}'), [
    'exact',
  ]);
  // Non-ASCII names go through the general path.
  assert.deepEqual(read([col('ÉTÉ', STRING)], '{"été": "x"}'), ['x']);
});

test('one JSON field can feed a quoted lower-case column and its upper-case twin', () => {
  const columns = [col('id', INTEGER), col('ID', STRING)];
  assert.deepEqual(read(columns, '{"id": 5}'), [5, '5']);
});

test('missing fields are null, unknown fields are skipped, field order does not matter', () => {
  const columns = [col('A', INTEGER), col('B', STRING), col('C', BOOLEAN)];
  assert.deepEqual(read(columns, '{"C": true, "X": {"deep": [1, {"y": null}]}, "A": 1}'), [1, null, true]);
  assert.deepEqual(read(columns, '{}'), [null, null, null]);
});

test('numbers are read from strings and strings from anything, as ksqlDB coerces', () => {
  const columns = [
    col('I', INTEGER),
    col('L', BIGINT),
    col('D', DOUBLE),
    col('S', STRING),
    col('S2', STRING),
  ];
  assert.deepEqual(read(columns, '{"I": "-7", "L": "12", "D": " 2.5 ", "S": 1.50, "S2": true}'), [
    -7,
    12n,
    2.5,
    '1.50',
    'true',
  ]);
  assert.deepEqual(read([col('S', STRING)], '{"S": {"a": [1, 1e3, "x"]}}'), ['{"a":[1,1E+3,"x"]}']);
  assert.deepEqual(read([col('S', STRING)], '{"S": ["a", 2, null, ["b"]]}'), ['[a, 2, null, [b]]']);
  // Fractions are truncated into integer columns, as Jackson's intValue/asLong do.
  assert.deepEqual(read([col('I', INTEGER), col('L', BIGINT)], '{"I": 1.9, "L": -2.5e1}'), [1, -25n]);
});

test('DECIMAL reads from numbers and strings and pads to the column scale', () => {
  const columns = [col('A', dec(4, 2)), col('B', dec(4, 2))];
  assert.deepEqual(read(columns, '{"A": 1.1, "B": "12.34"}'), [
    { unscaled: 110n, scale: 2 },
    { unscaled: 1234n, scale: 2 },
  ]);
});

test('TIMESTAMP, DATE and TIME read from numbers and numeric strings', () => {
  const columns = [col('TS', { kind: 'TIMESTAMP' }), col('DT', { kind: 'DATE' }), col('T', { kind: 'TIME' })];
  assert.deepEqual(
    read(columns, '{"TS": 1600000000000, "DT": "18000", "T": 1000}'),
    [1600000000000, 18000, 1000],
  );
});

test('a single column is an object by default and a bare value with WRAP_SINGLE_VALUE=false', () => {
  const columns = [col('ID', BIGINT)];
  assert.equal(write(columns, [10n]), '{"ID":10}');
  assert.equal(write(columns, [10n], { wrapSingleValue: false }), '10');
  assert.deepEqual(read(columns, '10', { wrapSingleValue: false }), [10n]);
  assert.deepEqual(read(columns, '{"ID": 10}'), [10n]);
  // Wrapping that does not match the data is an error, as in ksqlDB.
  assert.throws(() => read(columns, '10'), SerdeError);
  assert.throws(() => read(columns, '{"ID": 10}', { wrapSingleValue: false }), SerdeError);
});

test('anonymous values may be arrays, maps and structs', () => {
  const arrays = [col('A', { kind: 'ARRAY', element: STRING })];
  assert.deepEqual(read(arrays, '["x", "y"]', { wrapSingleValue: false }), [['x', 'y']]);
  assert.equal(write(arrays, [['x']], { wrapSingleValue: false }), '["x"]');
});

test('a single key column is never wrapped and several key columns always are', () => {
  assert.equal(write([col('K', STRING)], ['k'], { target: 'key' }), '"k"');
  assert.equal(
    write([col('K1', STRING), col('K2', INTEGER)], ['k', 1], { target: 'key' }),
    '{"K1":"k","K2":1}',
  );
});

test('null records and null anonymous values are tombstones', () => {
  const columns = [col('A', INTEGER), col('B', INTEGER)];
  assert.equal(write(columns, null), null);
  assert.equal(jsonFormat.createDeserializer(columns)(null), null);
  assert.equal(read(columns, 'null'), null);
  assert.equal(write([col('A', INTEGER)], [null], { wrapSingleValue: false }), null);
  assert.deepEqual(read([col('A', INTEGER)], 'null', { wrapSingleValue: false }), [null]);
});

test('data written by JSON_SR (magic byte and schema id first) is readable', () => {
  const bytes = Buffer.concat([Buffer.from([0, 0, 0, 0, 7]), Buffer.from('{"A": 3}')]);
  assert.deepEqual(jsonFormat.createDeserializer([col('A', INTEGER)])(bytes), [3]);
});

function failure(columns: SerdeColumn[], json: string): SerdeError {
  try {
    read(columns, json);
  } catch (e) {
    assert.ok(e instanceof SerdeError, String(e));
    return e;
  }
  assert.fail(`expected ${json} to be rejected`);
}

test('a bad value names the column, its type and the bytes', () => {
  const e = failure([col('ID', BIGINT), col('AGE', INTEGER)], '{"id": 1, "age": "forty"}');
  assert.equal(e.column, 'AGE');
  assert.equal(e.expectedType, 'INTEGER');
  assert.match(e.message, /column 'AGE' \(INTEGER\)/);
  assert.match(e.message, /cannot coerce the string "forty" to INTEGER/);
  assert.match(e.message, /Data: \{"id": 1, "age": "forty"\}/);
});

test('a bad nested value gives the path inside the column', () => {
  const columns = [
    col('S', { kind: 'STRUCT', fields: [{ name: 'L', type: { kind: 'ARRAY', element: BOOLEAN } }] }),
  ];
  const e = failure(columns, '{"S": {"L": [true, 3]}}');
  assert.equal(e.path, '$.S.L[1]');
  assert.match(
    e.message,
    /column 'S' \(STRUCT<`L` ARRAY<BOOLEAN>>\) at \$\.S\.L\[1\]: cannot convert a JSON number to BOOLEAN/,
  );
});

test('type mismatches ksqlDB refuses are refused', () => {
  assert.match(
    failure([col('B', BOOLEAN)], '{"B": "true"}').message,
    /cannot convert a JSON string to BOOLEAN/,
  );
  assert.match(failure([col('I', INTEGER)], '{"I": "1.5"}').message, /to INTEGER/);
  assert.match(failure([col('I', INTEGER)], '{"I": "99999999999"}').message, /to INTEGER/);
  assert.match(failure([col('L', BIGINT)], '{"L": "9223372036854775808"}').message, /to BIGINT/);
  assert.match(
    failure([col('A', { kind: 'ARRAY', element: INTEGER })], '{"A": 1}').message,
    /ARRAY<INTEGER>/,
  );
  assert.match(failure([col('D', dec(3, 1))], '{"D": 1.25}').message, /without rounding/);
  assert.match(failure([col('D', dec(3, 1))], '{"D": 100}').message, /Numeric field overflow/);
  assert.match(failure([col('BY', { kind: 'BYTES' })], '{"BY": "not base64!"}').message, /not valid base64/);
  assert.match(failure([col('T', { kind: 'TIME' })], '{"T": -1}').message, /Time values/);
});

test('malformed JSON is rejected with the offset and an excerpt', () => {
  const columns = [col('A', INTEGER)];
  for (const bad of ['{"A": 1', '{"A": 01}', '{"A" 1}', '{"A": 1} x', '', '{"A": tru}', '{"A": "x\u0001"}']) {
    const e = failure(columns, bad);
    assert.match(e.message, /invalid JSON|expected/, bad);
  }
  assert.match(
    failure(columns, '[1]').message,
    /expected a JSON object with the fields A, found a JSON array/,
  );
});

test('string escapes are decoded and re-encoded', () => {
  const columns = [col('S', STRING)];
  assert.deepEqual(read(columns, '{"S": "a\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00"}'), ['a"b\\c/d\né😀']);
  assert.equal(write(columns, ['a"b\\c\n']), '{"S":"a\\"b\\\\c\\n"}');
});

test('maps need STRING keys, reported when the serde is made', () => {
  const columns = [col('M', { kind: 'MAP', key: INTEGER, value: STRING })];
  assert.throws(() => jsonFormat.createDeserializer(columns), FormatSchemaError);
  assert.throws(() => jsonFormat.createSerializer(columns), /only supports MAP types with STRING keys/);
});

test('WRAP_SINGLE_VALUE=false is refused for several value columns', () => {
  assert.throws(
    () => jsonFormat.createSerializer([col('A', INTEGER), col('B', INTEGER)], { wrapSingleValue: false }),
    /only valid for single-field value schemas/,
  );
});

test('DOUBLE values read exactly as their text parses, short and long', () => {
  const deserialize = jsonFormat.createDeserializer([col('D', DOUBLE)]);
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const texts = [
    '0.1',
    '-0.0',
    '123456789012345.6',
    '1e22',
    '1e23',
    '5e-324',
    '1.7976931348623157e308',
    '0.3e-22',
  ];
  for (let i = 0; i < 2000; i++) {
    const digits = String(Math.floor(random() * 1e15));
    const point = Math.floor(random() * digits.length);
    const exponent = Math.floor(random() * 60) - 30;
    texts.push(`${digits.slice(0, point) || '0'}.${digits.slice(point) || '0'}e${exponent}`);
  }
  for (const text of texts) {
    assert.ok(Object.is(deserialize(Buffer.from(`{"D": ${text}}`))![0], Number(text)), text);
  }
});

test('plain Uint8Array input is read like a Buffer', () => {
  const bytes = new TextEncoder().encode('xx{"A": 1}').subarray(2);
  assert.deepEqual(jsonFormat.createDeserializer([col('A', INTEGER)])(bytes), [1]);
});

test('control characters are escaped as Jackson escapes them, with upper-case hex digits', () => {
  assert.equal(
    write([col('S', STRING)], ['a\u001fb\n\\u001f\u0000'], { wrapSingleValue: false }),
    '"a\\u001Fb\\n\\\\u001f\\u0000"',
  );
  assert.deepEqual(read([col('S', STRING)], '"a\\u001Fb"', { wrapSingleValue: false }), ['a\u001fb']);
});

test('strings are quoted as JSON.stringify quotes them: plain ones as they are, quotes, backslashes and lone surrogates escaped', () => {
  const values = [
    'plain text',
    'é😀 and DEL \u007f',
    'say "hi"',
    'back\\slash',
    'lone \ud800 high',
    'lone \udfff low',
    '',
  ];
  for (const v of values) {
    assert.equal(
      write([col('S', STRING)], [v], { wrapSingleValue: false }),
      JSON.stringify(v),
      JSON.stringify(v),
    );
  }
});

test('JSON nested however deep is skipped or refused cleanly, never overflowing the stack', () => {
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  const columns = [{ name: 'A', type: { kind: 'STRING' } as const }];
  const read = jsonFormat.createDeserializer(columns);
  // An unknown field is skipped whatever its depth: the skip is iterative.
  assert.deepEqual(read(Buffer.from(`{"B": ${deep(100_000)}, "A": "x"}`)), ['x']);
  // Read into a STRING, 1,000 levels are read (Jackson's default limit) and more are refused.
  assert.equal((read(Buffer.from(`{"A": ${deep(1000)}}`)) as string[])[0].length, 2000);
  assert.throws(
    () => read(Buffer.from(`{"A": ${deep(10_000)}}`)),
    (err: Error) => {
      assert.ok(err instanceof SerdeError);
      assert.match(
        err.message,
        /at \$\.A(\[0\]){11}\[…981 more…\](\[0\]){8}: invalid JSON: nested deeper than 1000 levels/,
      );
      assert.ok(err.message.length < 600, `a message of ${err.message.length} characters`);
      return true;
    },
  );
});
