import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SqlType, SqlValue } from '../types/index.js';
import { FormatSchemaError, kafkaFormat, SerdeError } from './index.js';

const one = (kind: SqlType['kind']) => [{ name: 'K', type: { kind } as SqlType }];

test('INTEGER, BIGINT and DOUBLE are big-endian as Kafka serializers write them', () => {
  assert.deepEqual([...kafkaFormat.createSerializer(one('INTEGER'))([258])!], [0, 0, 1, 2]);
  assert.deepEqual([...kafkaFormat.createSerializer(one('INTEGER'))([-1])!], [255, 255, 255, 255]);
  assert.deepEqual([...kafkaFormat.createSerializer(one('BIGINT'))([1n])!], [0, 0, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual([...kafkaFormat.createSerializer(one('DOUBLE'))([1])!], [0x3f, 0xf0, 0, 0, 0, 0, 0, 0]);
});

test('every supported type survives a KAFKA round trip', () => {
  const cases: Array<[SqlType['kind'], SqlValue]> = [
    ['INTEGER', -2147483648],
    ['BIGINT', -9223372036854775808n],
    ['BIGINT', 9223372036854775807n],
    ['DOUBLE', -0.1],
    ['STRING', 'héllo, 世界'],
    ['STRING', ''],
    ['BYTES', new Uint8Array([0, 255, 7])],
  ];
  for (const [kind, value] of cases) {
    const bytes = kafkaFormat.createSerializer(one(kind))([value]);
    assert.deepEqual(kafkaFormat.createDeserializer(one(kind))(bytes), [value], kind);
  }
});

test('null values and null bytes map to each other', () => {
  assert.equal(kafkaFormat.createSerializer(one('STRING'))([null]), null);
  assert.equal(kafkaFormat.createSerializer(one('STRING'))(null), null);
  assert.equal(kafkaFormat.createDeserializer(one('INTEGER'))(null), null);
});

test('bytes of the wrong size are refused with the column, the type and the bytes in hex', () => {
  const read = kafkaFormat.createDeserializer(one('INTEGER'), { target: 'key' });
  assert.throws(
    () => read(new Uint8Array([1, 2, 3])),
    (e: unknown) =>
      e instanceof SerdeError &&
      e.column === 'K' &&
      /Cannot deserialize key as KAFKA, column 'K' \(INTEGER\): Size of data received by IntegerDeserializer is not 4 \(got 3 bytes\)\. Data: 0x010203 \(3 bytes\)/.test(
        e.message,
      ),
  );
  assert.throws(() => kafkaFormat.createDeserializer(one('BIGINT'))(new Uint8Array(4)), SerdeError);
});

test('other types, several columns and wrapping are refused when the serde is made', () => {
  assert.throws(
    () => kafkaFormat.createSerializer(one('BOOLEAN')),
    (e: unknown) =>
      e instanceof FormatSchemaError && e.message === "The 'KAFKA' format does not support type 'BOOLEAN'",
  );
  assert.throws(
    () => kafkaFormat.createDeserializer([{ name: 'D', type: { kind: 'DECIMAL', precision: 4, scale: 2 } }]),
    /does not support type 'DECIMAL'/,
  );
  assert.throws(
    () => kafkaFormat.createSerializer([...one('INTEGER'), ...one('STRING')], { target: 'key' }),
    /only supports a single field\. Got: \[`K` INTEGER KEY, `K` STRING KEY\]$/,
  );
  assert.throws(
    () => kafkaFormat.createSerializer(one('STRING'), { wrapSingleValue: true }),
    /WRAP_SINGLE_VALUE/,
  );
});

test('a KAFKA schema without columns writes nothing and reads an empty row', () => {
  assert.equal(kafkaFormat.createSerializer([])([]), null);
  assert.deepEqual(kafkaFormat.createDeserializer([])(new Uint8Array([1])), []);
});
