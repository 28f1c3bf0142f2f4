import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BIGINT, decimal, STRING, struct } from '../types/index.js';
import type { SerdeColumn } from './format.js';
import { jsonSrFormat, jsonSrWriterSchema } from './json-sr-format.js';

const columns: SerdeColumn[] = [
  { name: 'ID', type: BIGINT },
  { name: 'PRICE', type: decimal(6, 2) },
  { name: 'WHO', type: struct([{ name: 'NAME', type: STRING }]) },
];

test('JSON_SR writes the JSON behind the schema id, and reads it back', () => {
  const write = jsonSrFormat.createSerializer(columns, { target: 'value', schemaId: 7 });
  const bytes = write([5n, { unscaled: 1250n, scale: 2 }, { NAME: 'ann' }]);
  assert.ok(bytes !== null);
  assert.deepEqual([...bytes.subarray(0, 5)], [0, 0, 0, 0, 7]);
  assert.deepEqual(JSON.parse(bytes.subarray(5).toString()), { ID: 5, PRICE: 12.5, WHO: { NAME: 'ann' } });
  const read = jsonSrFormat.createDeserializer(columns, { target: 'value' });
  assert.deepEqual(read(bytes), [5n, { unscaled: 1250n, scale: 2 }, { NAME: 'ann' }]);
});

test('JSON_SR refuses JSON without the header, as ksqlDB does', () => {
  const read = jsonSrFormat.createDeserializer(columns, { target: 'value' });
  assert.throws(
    () => read(Buffer.from('{"ID":1}')),
    /Got unexpected JSON serialization format that did not start with the magic byte/,
  );
});

test("JSON_SR's schema is ksqlDB's: optional properties as oneOf with null, Connect's widths and indexes", () => {
  const schema = JSON.parse(jsonSrWriterSchema(columns, { target: 'value' }));
  assert.equal(schema.type, 'object');
  assert.deepEqual(schema.properties.ID, {
    oneOf: [{ type: 'null' }, { type: 'integer', 'connect.type': 'int64' }],
    'connect.index': 0,
  });
  assert.equal(schema.properties.PRICE.oneOf[1].title, 'org.apache.kafka.connect.data.Decimal');
  assert.equal(schema.properties.WHO.oneOf[1].properties.NAME['connect.index'], 0);
});
