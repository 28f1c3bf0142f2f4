import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import protobuf from 'protobufjs';
import {
  arraySchema,
  dateSchema,
  decimalSchema,
  mapSchema,
  type Schema,
  Schemas,
  Struct,
  structSchema,
  timeSchema,
  timestampSchema,
} from '../api/index.js';
import { converterByClass } from './index.js';
import type { ProtobufConverter } from './protobuf-converter.js';
import { startTestRegistry, type TestRegistry } from './test-registry.fixture.js';

let registry: TestRegistry;
before(async () => {
  registry = await startTestRegistry();
});
after(() => registry.close());

function converter(isKey = false, configs: Record<string, string> = {}): ProtobufConverter {
  const c = converterByClass('io.confluent.connect.protobuf.ProtobufConverter') as ProtobufConverter;
  c.configure({ 'schema.registry.url': registry.url, ...configs }, isKey);
  return c;
}

async function write(c: ProtobufConverter, topic: string, schema: Schema, value: Struct | string | null) {
  await c.prepareFromConnectData(topic, schema);
  return c.fromConnectData(topic, schema, value);
}

async function read(c: ProtobufConverter, topic: string, bytes: Uint8Array | null) {
  await c.prepareToConnectData(topic, bytes);
  return c.toConnectData(topic, bytes);
}

const line = structSchema([
  { name: 'sku', schema: Schemas.STRING },
  { name: 'qty', schema: Schemas.INT32 },
]);
const order = structSchema(
  [
    { name: 'id', schema: Schemas.INT64 },
    { name: 'small', schema: Schemas.INT8 },
    { name: 'price', schema: Schemas.FLOAT64 },
    { name: 'paid', schema: Schemas.BOOLEAN },
    { name: 'note', schema: Schemas.OPTIONAL_STRING },
    { name: 'raw', schema: Schemas.BYTES },
    { name: 'at', schema: timestampSchema() },
    { name: 'tags', schema: arraySchema(Schemas.STRING) },
    { name: 'counts', schema: mapSchema(Schemas.STRING, Schemas.INT64) },
    { name: 'lines', schema: arraySchema(line) },
  ],
  { name: 'shop.Order' },
);

function orderValue(): Struct {
  return new Struct(order)
    .put('id', 2n ** 60n + 1n)
    .put('small', 7)
    .put('price', 9.5)
    .put('paid', true)
    .put('note', null)
    .put('raw', new Uint8Array([9, 8]))
    .put('at', new Date(1_700_000_000_123))
    .put('tags', ['x', 'y'])
    .put('counts', new Map([['a', 3n]]))
    .put('lines', [new Struct(line).put('sku', 'A1').put('qty', 2)]);
}

describe('io.confluent.connect.protobuf.ProtobufConverter', () => {
  test('registers a proto3 message under <topic>-value and writes the header, the index [0] and the message', async () => {
    const bytes = await write(converter(), 'orders', order, orderValue());
    assert.ok(bytes !== null);
    const latest = await registry.get('/subjects/orders-value/versions/latest');
    assert.equal(latest.body.schemaType, 'PROTOBUF');
    assert.deepEqual([...bytes.subarray(0, 6)], [0, 0, 0, 0, Number(latest.body.id), 0]);
    const text = String(latest.body.schema);
    assert.match(
      text,
      /^syntax = "proto3";\npackage shop;\n\nimport "google\/protobuf\/timestamp.proto";\n\nmessage Order \{/,
    );
    assert.match(text, /int64 id = 1;\n {2}int32 small = 2;\n {2}double price = 3;\n {2}bool paid = 4;/);
    assert.match(text, /google\.protobuf\.Timestamp at = 7;/);
    assert.match(text, /map<string, int64> counts = 9;/);
    assert.match(text, /repeated ConnectDefault1 lines = 10;/);
    // Any Protobuf reader decodes the message with the registered schema.
    const root = new protobuf.Root();
    root.addJSON(
      (protobuf.common.get('google/protobuf/timestamp.proto') as { nested: protobuf.INamespace['nested'] })
        .nested ?? {},
    );
    protobuf.parse(text, root, { keepCase: true });
    const decoded = root
      .lookupType('shop.Order')
      .toObject(root.lookupType('shop.Order').decode(bytes.subarray(6)), {
        longs: String,
      });
    assert.equal(decoded.id, String(2n ** 60n + 1n));
    assert.equal(decoded.lines[0].sku, 'A1');
  });

  test('reads the bytes back: every field optional, values as written (a null scalar reads as its zero)', async () => {
    const bytes = await write(converter(), 'orders2', order, orderValue());
    const { schema, value } = await read(converter(), 'orders2', bytes);
    assert.equal(schema?.name, 'shop.Order');
    assert.deepEqual(
      schema?.fields?.map((f) => [f.name, f.schema.type]),
      [
        ['id', 'INT64'],
        ['small', 'INT32'],
        ['price', 'FLOAT64'],
        ['paid', 'BOOLEAN'],
        ['note', 'STRING'],
        ['raw', 'BYTES'],
        ['at', 'INT64'],
        ['tags', 'ARRAY'],
        ['counts', 'MAP'],
        ['lines', 'ARRAY'],
      ],
    );
    const s = value as Struct;
    assert.equal(s.get('id'), 2n ** 60n + 1n);
    assert.equal(s.get('small'), 7);
    assert.equal(s.get('note'), '');
    assert.deepEqual(s.get('raw'), new Uint8Array([9, 8]));
    assert.deepEqual(s.get('at'), new Date(1_700_000_000_123));
    assert.deepEqual(s.get('tags'), ['x', 'y']);
    assert.deepEqual(s.get('counts'), new Map([['a', 3]]));
    assert.equal((s.get('lines') as Struct[])[0].get('qty'), 2);
  });

  test('a primitive key is its google.protobuf wrapper message', async () => {
    const bytes = await write(converter(true), 'orders3', Schemas.STRING, 'k1');
    const latest = await registry.get('/subjects/orders3-key/versions/latest');
    assert.match(
      String(latest.body.schema),
      /package google\.protobuf;\n\nmessage StringValue \{\n {2}string value = 1;/,
    );
    const back = await read(converter(true), 'orders3', bytes);
    assert.equal(back.value, 'k1');
    assert.equal(back.schema?.type, 'STRING');
  });

  test('reads the message the indexes name, and names what it cannot do', async () => {
    const text = 'syntax = "proto3"; package two; message A { int32 a = 1; } message B { string b = 1; }';
    const reg = await fetch(`${registry.url}/subjects/two-value/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schemaType: 'PROTOBUF', schema: text }),
    });
    const { id } = (await reg.json()) as { id: number };
    const B = protobuf.parse(text, { keepCase: true }).root.lookupType('two.B');
    const body = B.encode(B.fromObject({ b: 'bee' })).finish();
    const header = Buffer.from([0, 0, 0, 0, id, 2, 2]); // indexes [1]: the second message
    const { schema, value } = await read(converter(), 'two', Buffer.concat([header, body]));
    assert.equal(schema?.name, 'two.B');
    assert.equal((value as Struct).get('b'), 'bee');
    const decimal = structSchema([{ name: 'p', schema: decimalSchema(2) }], { name: 'x.Priced' });
    await assert.rejects(
      write(converter(), 'priced', decimal, new Struct(decimal).put('p', { unscaled: 1n, scale: 2 })),
      /org\.apache\.kafka\.connect\.data\.Decimal maps to confluent\.type\.Decimal/,
    );
  });

  test('Date and Time are google.type.Date and TimeOfDay, registered as references under their import names', async () => {
    const dated = structSchema(
      [
        { name: 'd', schema: dateSchema() },
        { name: 't', schema: timeSchema() },
      ],
      { name: 'x.Dated' },
    );
    const value = new Struct(dated).put('d', new Date(Date.UTC(2024, 1, 29))).put('t', new Date(45_296_789));
    const bytes = await write(converter(), 'dated', dated, value);
    const latest = await registry.get('/subjects/dated-value/versions/latest');
    assert.match(
      String(latest.body.schema),
      /import "google\/type\/date\.proto";\nimport "google\/type\/timeofday\.proto";/,
    );
    assert.match(String(latest.body.schema), /google\.type\.Date d = 1;\n {2}google\.type\.TimeOfDay t = 2;/);
    assert.deepEqual(latest.body.references, [
      { name: 'google/type/date.proto', subject: 'google/type/date.proto', version: 1 },
      { name: 'google/type/timeofday.proto', subject: 'google/type/timeofday.proto', version: 1 },
    ]);
    const back = await read(converter(), 'dated', bytes);
    assert.deepEqual(
      back.schema?.fields?.map((f) => f.schema.name),
      ['org.apache.kafka.connect.data.Date', 'org.apache.kafka.connect.data.Time'],
    );
    assert.deepEqual((back.value as Struct).get('d'), new Date(Date.UTC(2024, 1, 29)));
    assert.deepEqual((back.value as Struct).get('t'), new Date(45_296_789));
  });
});
