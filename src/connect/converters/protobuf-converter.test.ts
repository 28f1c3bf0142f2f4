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
  });

  test('Decimal is confluent.type.Decimal with its precision and scale in (confluent.field_meta), read back at its scale', async () => {
    const precise: Schema = {
      ...decimalSchema(2),
      parameters: { scale: '2', 'connect.decimal.precision': '8' },
    };
    const priced = structSchema(
      [
        { name: 'p', schema: precise },
        { name: 'ps', schema: arraySchema(decimalSchema(1)) },
      ],
      { name: 'x.Priced' },
    );
    const value = new Struct(priced)
      .put('p', { unscaled: -12345n, scale: 2 })
      .put('ps', [{ unscaled: 5n, scale: 1 }]);
    const bytes = await write(converter(), 'priced', priced, value);
    const latest = (await registry.get('/subjects/priced-value/versions/latest')).body as { schema: string };
    assert.match(latest.schema, /import "confluent\/type\/decimal\.proto";/);
    assert.match(
      latest.schema,
      /confluent\.type\.Decimal p = 1 \[\(confluent\.field_meta\) = \{ params: \[\s*\{ key: "precision", value: "8" \}, \{ key: "scale", value: "2" \}\s*\] \}\];/,
    );
    // The message as Confluent's DecimalUtils writes it: two's-complement bytes, digits, scale.
    const root = new protobuf.Root();
    protobuf.parse(
      'syntax = "proto3";\npackage confluent.type;\nmessage Decimal { bytes value = 1; uint32 precision = 2; int32 scale = 3; }',
      root,
    );
    const Decimal = root.lookupType('confluent.type.Decimal');
    const Priced = new protobuf.Type('Priced')
      .add(new protobuf.Field('p', 1, 'confluent.type.Decimal'))
      .add(new protobuf.Field('ps', 2, 'confluent.type.Decimal', 'repeated'));
    root.add(Priced);
    const decoded = Priced.toObject(Priced.decode((bytes as Uint8Array).subarray(6))) as {
      p: { value: Uint8Array; precision: number; scale: number };
    };
    assert.deepEqual(Buffer.from(decoded.p.value), Buffer.from([0xcf, 0xc7]));
    assert.equal(decoded.p.precision, 5);
    assert.equal(decoded.p.scale, 2);
    assert.ok(Decimal);
    const back = await read(converter(), 'priced', bytes);
    const field = back.schema?.fields?.find((f) => f.name === 'p')?.schema;
    assert.equal(field?.name, 'org.apache.kafka.connect.data.Decimal');
    assert.deepEqual(field?.parameters, { scale: '2', 'connect.decimal.precision': '8' });
    assert.deepEqual((back.value as Struct).get('p'), { unscaled: -12345n, scale: 2 });
    assert.deepEqual((back.value as Struct).get('ps'), [{ unscaled: 5n, scale: 1 }]);
  });

  test("a decimal written at another scale reads back at the schema's scale", async () => {
    const text =
      'syntax = "proto3";\npackage x;\nimport "confluent/type/decimal.proto";\nimport "confluent/meta.proto";\n\nmessage Rescaled {\n  confluent.type.Decimal p = 1 [(confluent.field_meta) = { params: [ { key: "precision", value: "6" }, { key: "scale", value: "3" } ] }];\n}\n';
    const reg = await fetch(`${registry.url}/subjects/rescaled-value/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schemaType: 'PROTOBUF', schema: text }),
    });
    const { id } = (await reg.json()) as { id: number };
    const root = new protobuf.Root();
    protobuf.parse(
      'syntax = "proto3";\npackage x;\nmessage D { bytes value = 1; uint32 precision = 2; int32 scale = 3; }\nmessage Rescaled { D p = 1; }',
      root,
      { keepCase: true },
    );
    const Rescaled = root.lookupType('x.Rescaled');
    // 1.5 written as unscaled 15 at scale 1.
    const body = Rescaled.encode(
      Rescaled.fromObject({ p: { value: [15], precision: 2, scale: 1 } }),
    ).finish();
    const { value } = await read(
      converter(),
      'rescaled',
      Buffer.concat([Buffer.from([0, 0, 0, 0, id, 0]), body]),
    );
    assert.deepEqual((value as Struct).get('p'), { unscaled: 1500n, scale: 3 });
  });

  for (const [setting, declared] of [
    ['wrapper.for.nullables', /google\.protobuf\.Int32Value n = 2;/],
    ['optional.for.nullables', /optional int32 n = 2;/],
  ] as const)
    test(`${setting}=true writes an optional primitive so that a null reads back as null, and a zero as zero`, async () => {
      const nullable = structSchema(
        [
          { name: 'id', schema: Schemas.STRING },
          { name: 'n', schema: Schemas.OPTIONAL_INT32 },
        ],
        { name: `x.Nullable${setting.startsWith('wrapper') ? 'W' : 'O'}` },
      );
      const topic = `nullable-${setting}`;
      const c = converter(false, { [setting]: 'true' });
      const none = await write(c, topic, nullable, new Struct(nullable).put('id', 'a').put('n', null));
      const zero = await write(c, topic, nullable, new Struct(nullable).put('id', 'b').put('n', 0));
      const latest = (await registry.get(`/subjects/${topic}-value/versions/latest`)).body as {
        schema: string;
      };
      assert.match(latest.schema, declared);
      assert.equal(((await read(converter(), topic, none)).value as Struct).get('n'), null);
      assert.equal(((await read(converter(), topic, zero)).value as Struct).get('n'), 0);
    });

  test("without a nullables setting an optional primitive is a plain proto3 field: its null reads back as zero, as Confluent's", async () => {
    const plain = structSchema([{ name: 'n', schema: Schemas.OPTIONAL_INT32 }], { name: 'x.Plain' });
    const bytes = await write(converter(), 'plain', plain, new Struct(plain).put('n', null));
    assert.equal(((await read(converter(), 'plain', bytes)).value as Struct).get('n'), 0);
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

  test("a record without a schema is refused with a DataException, as Confluent's ProtobufConverter derives no schema from it; a schemaless null is null", async () => {
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
          /Failed to serialize Protobuf data from topic loose: the record has no schema, and ProtobufConverter \(as Confluent's\) derives/,
        );
        return true;
      },
    );
    assert.equal((await registry.get('/subjects/loose-value/versions/latest')).status, 404);
  });
});
