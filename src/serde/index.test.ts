import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatByName, formatNames } from './index.js';

test('formats are found by name in any case', () => {
  assert.equal(formatByName('json').name, 'JSON');
  assert.equal(formatByName('Kafka').name, 'KAFKA');
  assert.equal(formatByName('DELIMITED').name, 'DELIMITED');
  assert.equal(formatByName('avro').name, 'AVRO');
  assert.equal(formatByName('protobuf_nosr').name, 'PROTOBUF_NOSR');
  assert.deepEqual(formatNames(), [
    'KAFKA',
    'JSON',
    'DELIMITED',
    'AVRO',
    'JSON_SR',
    'PROTOBUF',
    'PROTOBUF_NOSR',
  ]);
});

test('an unknown format is an error listing the known ones', () => {
  assert.throws(
    () => formatByName('XML'),
    /Unknown format: 'XML'. Supported formats: KAFKA, JSON, DELIMITED, AVRO, JSON_SR, PROTOBUF, PROTOBUF_NOSR/,
  );
});
