import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Column, DataSource } from '../engine/index.js';
import { BIGINT, INTEGER, STRING } from '../types/index.js';
import { parseJsonDocument } from './json-document.js';
import { RecordCodecError, TopicCodec } from './topic-codec.js';

function source(columns: Column[], keyFormat: string, valueFormat: string, serde = {}): DataSource {
  return {
    kind: 'STREAM',
    name: 'S',
    columns,
    topic: 't',
    keyFormat,
    valueFormat,
    serde,
    readOnly: false,
    statement: '',
  };
}

const json = (text: string) => parseJsonDocument(text);

test('JSON is written exactly as the file gives it, so a malformed record reaches the query', () => {
  const codec = new TopicCodec(
    source(
      [
        { name: 'ID', type: INTEGER, namespace: 'KEY' },
        { name: 'N', type: INTEGER, namespace: 'VALUE' },
      ],
      'JSON',
      'JSON',
    ),
  );
  assert.equal(codec.encodeKey(json('7'))?.toString(), '7');
  assert.equal(
    codec.encodeValue(json('{"N": "not a number", "extra": 1.50}'))?.toString(),
    '{"N":"not a number","extra":1.50}',
  );
  assert.equal(codec.encodeValue(json('null')), null);
  assert.deepEqual(codec.decodeValue(Buffer.from('{"N": 3}')), {
    type: { kind: 'STRUCT', fields: [{ name: 'N', type: INTEGER }] },
    value: { N: 3 },
  });
  assert.deepEqual(codec.decodeKey(Buffer.from('7')), { type: INTEGER, value: 7 });
});

test('KAFKA writes the binary form of the column type and reads it back', () => {
  const codec = new TopicCodec(
    source(
      [
        { name: 'ID', type: INTEGER, namespace: 'KEY' },
        { name: 'N', type: BIGINT, namespace: 'VALUE' },
      ],
      'KAFKA',
      'KAFKA',
      { wrapSingleValue: false },
    ),
  );
  assert.deepEqual(codec.encodeKey(json('258')), Buffer.from([0, 0, 1, 2]));
  const value = codec.encodeValue(json('9007199254740993'));
  assert.equal(value?.readBigInt64BE(), 9007199254740993n);
  assert.deepEqual(codec.decodeValue(value), { type: BIGINT, value: 9007199254740993n });
  assert.throws(() => codec.encodeKey(json('"seven"')), RecordCodecError);
  assert.throws(
    () => codec.encodeKey(json('4294967296')),
    /cannot be written as INTEGER in the KAFKA format/,
  );
});

test('DELIMITED is text both ways and refuses structured values in the input', () => {
  const codec = new TopicCodec(
    source(
      [
        { name: 'ID', type: STRING, namespace: 'KEY' },
        { name: 'A', type: STRING, namespace: 'VALUE' },
        { name: 'B', type: INTEGER, namespace: 'VALUE' },
      ],
      'KAFKA',
      'DELIMITED',
    ),
  );
  assert.equal(codec.encodeValue(json('"x,1"'))?.toString(), 'x,1');
  assert.deepEqual(codec.decodeValue(Buffer.from('x,1')), { type: STRING, value: 'x,1' });
  assert.throws(() => codec.encodeValue(json('{"A": "x"}')), /A DELIMITED value is given as text/);
});

test('bytes that do not fit the sink schema are a codec error naming the format', () => {
  const codec = new TopicCodec(source([{ name: 'N', type: INTEGER, namespace: 'VALUE' }], 'NONE', 'JSON'));
  assert.throws(
    () => codec.decodeValue(Buffer.from('{"N": "x"}')),
    (err: unknown) => {
      return err instanceof RecordCodecError && /^cannot be read as JSON: /.test(err.message);
    },
  );
  assert.deepEqual(codec.decodeKey(null), { type: STRING, value: null });
});
