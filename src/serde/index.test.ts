import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatByName, formatNames } from './index.js';

test('formats are found by name in any case', () => {
  assert.equal(formatByName('json').name, 'JSON');
  assert.equal(formatByName('Kafka').name, 'KAFKA');
  assert.equal(formatByName('DELIMITED').name, 'DELIMITED');
  assert.deepEqual(formatNames(), ['KAFKA', 'JSON', 'DELIMITED']);
});

test('an unknown format is an error listing the known ones', () => {
  assert.throws(
    () => formatByName('XML'),
    /Unknown format: 'XML'. Supported formats: KAFKA, JSON, DELIMITED/,
  );
});

test('Schema Registry formats say that support is missing', () => {
  for (const name of ['avro', 'PROTOBUF', 'json_sr']) {
    assert.throws(() => formatByName(name), /needs Schema Registry support/);
  }
});
