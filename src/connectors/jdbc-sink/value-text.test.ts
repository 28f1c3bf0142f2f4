import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type ConnectValue,
  dateSchema,
  decimalSchema,
  Schemas,
  Struct,
  structSchema,
  timeSchema,
  timestampSchema,
} from '../../connect/api/index.js';
import { decimalText } from '../postgres/decimal.js';
import { inferSqlType, mergeInferred, sqlTypeForSchema } from './sql-types.js';
import { copyField, encoderFor, jsonText, TimestampFormat } from './value-text.js';

const utc = new TimestampFormat('UTC');

test('decimals keep every digit at their scale', () => {
  assert.equal(decimalText(12345n, 2), '123.45');
  assert.equal(decimalText(-5n, 3), '-0.005');
  assert.equal(decimalText(0n, 2), '0.00');
  assert.equal(decimalText(7n, 0), '7');
  assert.equal(decimalText(7n, -2), '700');
  assert.equal(decimalText(-123456789012345678901234567890n, 10), '-12345678901234567890.1234567890');
  const fromBytes = encoderFor(decimalSchema(2), 'other', utc);
  assert.equal(fromBytes(new Uint8Array([0xff, 0x38])), '-2.00');
  assert.equal(fromBytes({ unscaled: 1n, scale: 2 } as ConnectValue), '0.01');
});

test('logical types read Dates and their underlying numbers (days, milliseconds)', () => {
  assert.equal(encoderFor(dateSchema(), 'date', utc)(19_000), '2022-01-08');
  assert.equal(encoderFor(dateSchema(), 'date', utc)(new Date(Date.UTC(2022, 0, 8))), '2022-01-08');
  assert.equal(encoderFor(timeSchema(), 'time', utc)(3_723_004), '01:02:03.004');
  assert.equal(encoderFor(timestampSchema(), 'timestamptz', utc)(0), '1970-01-01T00:00:00.000Z');
  assert.equal(
    encoderFor(timestampSchema(), 'timestamptz', utc)(1_700_000_000_123n),
    '2023-11-14T22:13:20.123Z',
  );
  assert.throws(
    () => encoderFor(timestampSchema(), 'timestamptz', utc)('soon'),
    /Invalid value for Timestamp/,
  );
});

test('a time zone other than UTC writes the wall-clock time there, with its offset', () => {
  const paris = new TimestampFormat('Europe/Paris');
  assert.equal(paris.format(Date.UTC(2024, 0, 15, 12, 0, 0, 5)), '2024-01-15 13:00:00.005+01:00');
  assert.equal(paris.format(Date.UTC(2024, 6, 15, 23, 30)), '2024-07-16 01:30:00.000+02:00');
  assert.equal(new TimestampFormat('Atlantic/Reykjavik').format(0), '1970-01-01 00:00:00.000+00:00');
});

test('plain values by kind: numbers exact, bytes as hex, booleans, arrays as array literals or JSON', () => {
  const plain = encoderFor(null, 'other', utc);
  assert.equal(plain(9007199254740993n), '9007199254740993');
  assert.equal(plain(0.1), '0.1');
  assert.equal(plain(Number.NaN), 'NaN');
  assert.equal(plain(Number.NEGATIVE_INFINITY), '-Infinity');
  assert.equal(plain(false), 'false');
  assert.equal(plain(null), null);
  assert.equal(plain(new Uint8Array([1, 171])), '\\x01ab');
  assert.equal(plain(new Date(Date.UTC(2020, 1, 2, 3, 4, 5))), '2020-02-02T03:04:05.000Z');
  assert.equal(
    encoderFor(null, 'array', utc)(['a', 'b "c"', null, 'd\\e']),
    '{"a","b \\"c\\"",NULL,"d\\\\e"}',
  );
  assert.equal(encoderFor(null, 'array', utc)([[1, 2], [3]]), '{{"1","2"},{"3"}}');
  assert.equal(plain(['a', 1]), '["a",1]');
});

test('JSON columns take text as the JSON it is, and serialize structs, maps, 64-bit integers and decimals exactly', () => {
  const json = encoderFor(null, 'json', utc);
  assert.equal(json('{"already": "json"}'), '{"already": "json"}');
  const schema = structSchema([
    { name: 'n', schema: Schemas.INT64 },
    { name: 'm', schema: Schemas.OPTIONAL_STRING },
  ]);
  const inner = new Struct(schema).put('n', 2n ** 60n).put('m', null);
  assert.equal(
    jsonText(
      new Map<ConnectValue, ConnectValue>([
        ['s', inner],
        ['d', { unscaled: 5n, scale: 1 } as ConnectValue],
        ['b', new Uint8Array([255])],
      ]),
      utc,
    ),
    '{"s":{"n":1152921504606846976,"m":null},"d":0.5,"b":"/w=="}',
  );
  assert.equal(json(3), '3');
  assert.equal(json([true, { x: 'y' }]), '[true,{"x":"y"}]');
});

test('COPY text escapes backslash, newline, carriage return and tab; NULL is \\N', () => {
  assert.equal(copyField('plain'), 'plain');
  assert.equal(copyField('a\\b\nc\rd\te'), 'a\\\\b\\nc\\rd\\te');
  assert.equal(copyField(null), '\\N');
  assert.equal(copyField('\\N'), '\\\\N');
});

test('schemaless values suggest column types; mixed values settle on a type that holds both', () => {
  assert.equal(inferSqlType(1), 'bigint');
  assert.equal(inferSqlType(2n ** 62n), 'bigint');
  assert.equal(inferSqlType(1.5), 'double precision');
  assert.equal(inferSqlType('2024-01-01T00:00:00Z'), 'timestamptz');
  assert.equal(inferSqlType('2024-01-01 10:11:12.123456+05:30'), 'timestamptz');
  assert.equal(inferSqlType('2024-01-01'), 'text');
  assert.equal(inferSqlType('2024-13-45T99:00:00Z'), 'text');
  assert.equal(inferSqlType({ a: 1 }), 'jsonb');
  assert.equal(inferSqlType([1]), 'jsonb');
  assert.equal(inferSqlType(new Uint8Array(1)), 'bytea');
  assert.equal(inferSqlType(null), null);
  assert.equal(mergeInferred('bigint', 'double precision'), 'double precision');
  assert.equal(mergeInferred(null, 'boolean'), 'boolean');
  assert.equal(mergeInferred('jsonb', 'bigint'), 'jsonb');
  assert.equal(mergeInferred('jsonb', 'text'), 'text');
  assert.equal(mergeInferred('timestamptz', 'text'), 'text');
  assert.equal(mergeInferred('boolean', 'bigint'), 'text');
});

test('Connect schemas map to PostgreSQL column types', () => {
  assert.equal(sqlTypeForSchema(Schemas.INT8), 'smallint');
  assert.equal(sqlTypeForSchema(Schemas.FLOAT32), 'real');
  assert.equal(sqlTypeForSchema(decimalSchema(4)), 'numeric(1000,4)');
  assert.equal(
    sqlTypeForSchema({ ...decimalSchema(2), parameters: { scale: '2', 'connect.decimal.precision': '12' } }),
    'numeric(12,2)',
  );
  assert.equal(sqlTypeForSchema(timestampSchema()), 'timestamptz');
  assert.equal(sqlTypeForSchema(structSchema([])), 'jsonb');
});
