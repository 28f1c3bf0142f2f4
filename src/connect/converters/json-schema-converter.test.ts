import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  arraySchema,
  dateSchema,
  decimalSchema,
  mapSchema,
  type Schema,
  Schemas,
  Struct,
  structSchema,
  timestampSchema,
} from '../api/index.js';
import { converterByClass } from './index.js';
import type { JsonSchemaConverter } from './json-schema-converter.js';
import { startTestRegistry, type TestRegistry } from './test-registry.fixture.js';

let registry: TestRegistry;
before(async () => {
  registry = await startTestRegistry();
});
after(() => registry.close());

function converter(isKey = false, configs: Record<string, string> = {}): JsonSchemaConverter {
  const c = converterByClass('io.confluent.connect.json.JsonSchemaConverter') as JsonSchemaConverter;
  c.configure({ 'schema.registry.url': registry.url, ...configs }, isKey);
  return c;
}

const order = structSchema(
  [
    { name: 'id', schema: Schemas.INT64 },
    { name: 'qty', schema: Schemas.INT16 },
    { name: 'price', schema: decimalSchema(2) },
    { name: 'note', schema: Schemas.OPTIONAL_STRING },
    { name: 'raw', schema: Schemas.BYTES },
    { name: 'day', schema: dateSchema() },
    { name: 'at', schema: timestampSchema() },
    { name: 'tags', schema: arraySchema(Schemas.STRING) },
    { name: 'attrs', schema: mapSchema(Schemas.STRING, Schemas.FLOAT64) },
  ],
  { name: 'shop.Order' },
);

function orderValue(): Struct {
  return new Struct(order)
    .put('id', 2n ** 60n + 3n)
    .put('qty', 4)
    .put('price', { unscaled: 1999n, scale: 2 })
    .put('note', null)
    .put('raw', new Uint8Array([1, 2]))
    .put('day', new Date(Date.UTC(2024, 0, 2)))
    .put('at', new Date(1_700_000_000_123))
    .put('tags', ['a'])
    .put('attrs', new Map([['w', 1.5]]));
}

async function write(c: JsonSchemaConverter, topic: string, schema: Schema, value: Struct | string) {
  await c.prepareFromConnectData(topic, schema);
  return c.fromConnectData(topic, schema, value);
}

describe('io.confluent.connect.json.JsonSchemaConverter', () => {
  test('registers a JSON schema under <topic>-value and writes the header then JSON text', async () => {
    const bytes = await write(converter(), 'orders', order, orderValue());
    assert.ok(bytes !== null);
    assert.equal(bytes[0], 0);
    const latest = await registry.get('/subjects/orders-value/versions/latest');
    assert.equal(latest.body.schemaType, 'JSON');
    assert.equal(Buffer.from(bytes).readInt32BE(1), latest.body.id);
    const schema = JSON.parse(String(latest.body.schema));
    assert.equal(schema.title, 'shop.Order');
    assert.deepEqual(schema.properties.id, { type: 'integer', 'connect.type': 'int64', 'connect.index': 0 });
    assert.deepEqual(schema.properties.note, {
      oneOf: [{ type: 'null' }, { type: 'string' }],
      'connect.index': 3,
    });
    assert.deepEqual(schema.properties.attrs, {
      type: 'object',
      additionalProperties: { type: 'number', 'connect.type': 'float64' },
      'connect.type': 'map',
      'connect.index': 8,
    });
    assert.equal(
      Buffer.from(bytes).subarray(5).toString('utf8'),
      '{"id":1152921504606846979,"qty":4,"price":"B88=","note":null,"raw":"AQI=","day":19724,"at":1700000000123,"tags":["a"],"attrs":{"w":1.5}}',
    );
  });

  test('reads the bytes back to the same schema shape and values, 64-bit integers exact', async () => {
    const bytes = await write(converter(), 'orders2', order, orderValue());
    const reader = converter();
    await reader.prepareToConnectData('orders2', bytes);
    const { schema, value } = reader.toConnectData('orders2', bytes);
    assert.equal(schema?.name, 'shop.Order');
    assert.deepEqual(
      schema?.fields?.map((f) => [f.name, f.schema.type, f.schema.optional, f.schema.name]),
      order.fields?.map((f) => [f.name, f.schema.type, f.schema.optional, f.schema.name]),
    );
    const s = value as Struct;
    assert.equal(s.get('id'), 2n ** 60n + 3n);
    assert.deepEqual(s.get('price'), { unscaled: 1999n, scale: 2 });
    assert.deepEqual(s.get('raw'), new Uint8Array([1, 2]));
    assert.deepEqual(s.get('day'), new Date(Date.UTC(2024, 0, 2)));
    assert.deepEqual(s.get('attrs'), new Map([['w', 1.5]]));
    assert.equal(s.get('note'), null);
  });

  test('a key schema, RecordNameStrategy by title, and bytes that are not in the wire format', async () => {
    const key = await write(converter(true), 'orders3', Schemas.STRING, 'k1');
    assert.equal(
      Buffer.from(key ?? [])
        .subarray(5)
        .toString(),
      '"k1"',
    );
    assert.equal(
      (await registry.get('/subjects/orders3-key/versions/latest')).body.schema,
      '{"type":"string"}',
    );
    await write(
      converter(false, { 'value.subject.name.strategy': 'RecordNameStrategy' }),
      't',
      order,
      orderValue(),
    );
    assert.equal((await registry.get('/subjects/shop.Order/versions/latest')).status, 200);
    assert.throws(
      () => converter().toConnectData('t', Buffer.from('{"plain":"json"}')),
      /Failed to deserialize data for topic t to JSON Schema: Unknown magic byte!/,
    );
  });

  test("a record without a schema is refused with a DataException, as Confluent's JsonSchemaConverter derives no schema from it; a schemaless null is null", async () => {
    const c = converter();
    assert.equal(c.prepareFromConnectData('loose', null, null), undefined);
    assert.equal(c.fromConnectData('loose', null, null), null);
    assert.equal(c.prepareFromConnectData('loose', null, { a: 1 }), undefined);
    assert.throws(
      () => c.fromConnectData('loose', null, { a: 1 }),
      (err: Error) => {
        assert.equal(err.name, 'DataException');
        assert.match(
          err.message,
          /Failed to serialize JSON Schema data from topic loose: the record has no schema, and JsonSchemaConverter \(as Confluent's\) derives/,
        );
        return true;
      },
    );
    assert.equal((await registry.get('/subjects/loose-value/versions/latest')).status, 404);
  });
});
