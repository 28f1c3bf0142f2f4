import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import avro from 'avsc';
import type { FastifyInstance } from 'fastify';
import { SegmentLog } from '../../log/index.js';
import { buildRegistryApp, SchemaStore } from '../../registry/index.js';
import {
  arraySchema,
  type ConnectValue,
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
import { AvroConverter } from './avro-converter.js';
import { converterByClass } from './index.js';
import { startTestRegistry } from './test-registry.fixture.js';

// Against Sluice's own registry on a real port: what the converter registers, under which subject,
// and the bytes it writes (Confluent's wire format, readable by a plain Avro decoder).

let dataDir: string;
let log: SegmentLog;
let app: FastifyInstance;
let url: string;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'avro-converter-'));
  log = await SegmentLog.open({ dataDir });
  app = buildRegistryApp(await SchemaStore.open(log));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
});

after(async () => {
  await app.close();
  await log.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function converter(isKey: boolean, configs: Record<string, string> = {}): AvroConverter {
  const c = converterByClass('io.confluent.connect.avro.AvroConverter') as AvroConverter;
  c.configure({ 'schema.registry.url': url, ...configs }, isKey);
  return c;
}

async function write(c: AvroConverter, topic: string, schema: Schema | null, value: ConnectValue) {
  await c.prepareFromConnectData(topic, schema);
  return c.fromConnectData(topic, schema, value);
}

async function read(c: AvroConverter, topic: string, bytes: Uint8Array | null) {
  await c.prepareToConnectData(topic, bytes);
  return c.toConnectData(topic, bytes);
}

const inner = structSchema([{ name: 'city', schema: Schemas.STRING }], { optional: true });
const everything = structSchema(
  [
    { name: 'i8', schema: Schemas.INT8 },
    { name: 'i16', schema: Schemas.INT16 },
    { name: 'i32', schema: Schemas.INT32 },
    { name: 'i64', schema: Schemas.INT64 },
    { name: 'f32', schema: Schemas.FLOAT32 },
    { name: 'f64', schema: Schemas.FLOAT64 },
    { name: 'flag', schema: Schemas.BOOLEAN },
    { name: 'text', schema: Schemas.OPTIONAL_STRING },
    { name: 'raw', schema: Schemas.BYTES },
    { name: 'price', schema: decimalSchema(2) },
    { name: 'day', schema: dateSchema() },
    { name: 'clock', schema: timeSchema() },
    { name: 'at', schema: timestampSchema(true) },
    { name: 'tags', schema: arraySchema(Schemas.STRING) },
    { name: 'scores', schema: mapSchema(Schemas.STRING, Schemas.INT32) },
    { name: 'byId', schema: mapSchema(Schemas.INT32, Schemas.STRING) },
    { name: 'address', schema: inner },
  ],
  { name: 'com.example.Everything', version: 3 },
);

function everythingValue(i64: bigint | number = 2n ** 62n + 1n): Struct {
  return new Struct(everything)
    .put('i8', -8)
    .put('i16', 1600)
    .put('i32', 320000)
    .put('i64', i64)
    .put('f32', 1.5)
    .put('f64', 2.25)
    .put('flag', true)
    .put('text', null)
    .put('raw', new Uint8Array([0, 1, 255]))
    .put('price', { unscaled: -12345n, scale: 2 })
    .put('day', new Date(Date.UTC(2024, 1, 29)))
    .put('clock', new Date(13 * 3600_000 + 5))
    .put('at', new Date(Date.UTC(2024, 1, 29, 12, 0, 0, 7)))
    .put('tags', ['a', 'b'])
    .put('scores', new Map([['x', 1]]))
    .put('byId', new Map([[7, 'seven']]))
    .put('address', new Struct(inner).put('city', 'Oslo'));
}

describe('io.confluent.connect.avro.AvroConverter', () => {
  test('registers the schema under <topic>-value and writes magic byte 0, the id, then Avro binary', async () => {
    const c = converter(false);
    // A long a plain reader (53-bit numbers) reads too; the round trip below takes a 64-bit one.
    const bytes = await write(c, 'everything', everything, everythingValue(2 ** 40));
    assert.ok(bytes !== null);
    assert.equal(bytes[0], 0);
    const id = Buffer.from(bytes).readInt32BE(1);
    const latest = await get('/subjects/everything-value/versions/latest');
    assert.equal(latest.body.id, id);
    const registered = JSON.parse(String(latest.body.schema));
    // Confluent's AvroData mapping.
    assert.equal(registered.name, 'Everything');
    assert.equal(registered.namespace, 'com.example');
    assert.equal(registered['connect.name'], 'com.example.Everything');
    assert.equal(registered['connect.version'], 3);
    const field = (name: string) => registered.fields.find((f: { name: string }) => f.name === name);
    assert.deepEqual(field('i8').type, { type: 'int', 'connect.type': 'int8' });
    assert.deepEqual(field('i16').type, { type: 'int', 'connect.type': 'int16' });
    assert.deepEqual(field('text'), { name: 'text', type: ['null', 'string'], default: null });
    assert.deepEqual(field('price').type, {
      type: 'bytes',
      scale: 2,
      precision: 64,
      'connect.version': 1,
      'connect.parameters': { scale: '2' },
      'connect.name': 'org.apache.kafka.connect.data.Decimal',
      logicalType: 'decimal',
    });
    assert.deepEqual(field('day').type, {
      type: 'int',
      'connect.version': 1,
      'connect.name': 'org.apache.kafka.connect.data.Date',
      logicalType: 'date',
    });
    assert.equal(field('clock').type.logicalType, 'time-millis');
    assert.equal(field('at').type[1].logicalType, 'timestamp-millis');
    assert.deepEqual(field('scores').type, { type: 'map', values: 'int' });
    assert.equal(field('byId').type.items.name, 'MapEntry');
    assert.equal(field('byId').type.items.namespace, 'io.confluent.connect.avro');
    assert.equal(field('address').type[1].name, 'ConnectDefault');

    // Any Avro reader reads the payload with the registered schema.
    const plain = avro.Type.forSchema(registered, { wrapUnions: false }).fromBuffer(
      Buffer.from(bytes).subarray(5),
    );
    assert.equal(plain.i16, 1600);
    assert.equal(plain.i64, 2 ** 40);
    assert.equal(plain.text, null);
    assert.equal(plain.day, 19782);
    assert.equal(plain.clock, 13 * 3600_000 + 5);
    assert.equal(plain.address.city, 'Oslo');
  });

  test('reads its own bytes back to the same schema and values, fetching the schema by id', async () => {
    const bytes = await write(converter(false), 'everything2', everything, everythingValue());
    const { schema, value } = await read(converter(false), 'everything2', bytes);
    assert.equal(schema?.name, 'com.example.Everything');
    assert.equal(schema?.version, 3);
    assert.deepEqual(
      schema?.fields?.map((f) => [f.name, f.schema.type, f.schema.optional, f.schema.name]),
      everything.fields?.map((f) => [f.name, f.schema.type, f.schema.optional, f.schema.name]),
    );
    const s = value as Struct;
    assert.equal(s.get('i8'), -8);
    assert.equal(s.get('i64'), 2n ** 62n + 1n);
    assert.deepEqual(s.get('raw'), new Uint8Array([0, 1, 255]));
    assert.deepEqual(s.get('price'), { unscaled: -12345n, scale: 2 });
    assert.deepEqual(s.get('day'), new Date(Date.UTC(2024, 1, 29)));
    assert.deepEqual(s.get('at'), new Date(Date.UTC(2024, 1, 29, 12, 0, 0, 7)));
    assert.deepEqual(s.get('scores'), new Map([['x', 1]]));
    assert.deepEqual(s.get('byId'), new Map([[7, 'seven']]));
    assert.equal((s.get('address') as Struct).get('city'), 'Oslo');
    assert.equal((s.get('address') as Struct).schema.name, undefined);
  });

  test('an optional string key is a union with null under <topic>-key; a null value is null bytes', async () => {
    const c = converter(true);
    const bytes = await write(c, 'keys', Schemas.OPTIONAL_STRING, 'k1');
    const latest = await get('/subjects/keys-key/versions/latest');
    assert.deepEqual(JSON.parse(String(latest.body.schema)), ['null', 'string']);
    assert.equal(Buffer.from(bytes ?? []).readInt32BE(1), latest.body.id);
    assert.equal((await read(converter(true), 'keys', bytes)).value, 'k1');
    assert.equal(await write(c, 'keys', Schemas.OPTIONAL_STRING, null), null);
  });

  test('RecordNameStrategy and TopicRecordNameStrategy name subjects after the record', async () => {
    const schema = structSchema([{ name: 'n', schema: Schemas.INT32 }], { name: 'demo.Rec' });
    const value = new Struct(schema).put('n', 1);
    await write(
      converter(false, {
        'value.subject.name.strategy': 'io.confluent.kafka.serializers.subject.RecordNameStrategy',
      }),
      'whatever',
      schema,
      value,
    );
    assert.equal((await get('/subjects/demo.Rec/versions/latest')).status, 200);
    await write(
      converter(false, { 'value.subject.name.strategy': 'TopicRecordNameStrategy' }),
      'orders',
      schema,
      value,
    );
    assert.equal((await get('/subjects/orders-demo.Rec/versions/latest')).status, 200);
    await assert.rejects(
      write(
        converter(false, { 'value.subject.name.strategy': 'RecordNameStrategy' }),
        't',
        Schemas.STRING,
        'x',
      ),
      /value\.subject\.name\.strategy = RecordNameStrategy, the message value must only be a record schema/,
    );
  });

  test('auto.register.schemas=false looks the schema up and fails naming the subject when it is missing', async () => {
    const schema = structSchema([{ name: 'n', schema: Schemas.INT32 }], { name: 'demo.Unregistered' });
    const c = converter(false, { 'auto.register.schemas': 'false' });
    await assert.rejects(
      write(c, 'noreg', schema, new Struct(schema).put('n', 1)),
      /Failed to serialize Avro data from topic noreg: Error retrieving Avro schema for subject noreg-value: .*error code: 404/,
    );
    assert.equal((await get('/subjects/noreg-value/versions')).status, 404);
  });

  test('use.latest.version writes with the id of the subject’s latest version', async () => {
    const v1 = structSchema([{ name: 'n', schema: Schemas.INT32 }], { name: 'demo.Latest' });
    const v2 = structSchema(
      [
        { name: 'n', schema: Schemas.INT32 },
        { name: 'extra', schema: Schemas.OPTIONAL_STRING },
      ],
      { name: 'demo.Latest' },
    );
    await write(converter(false), 'latest', v1, new Struct(v1).put('n', 1));
    const second = await write(converter(false), 'latest', v2, new Struct(v2).put('n', 2));
    const latestId = Buffer.from(second ?? []).readInt32BE(1);
    const c = converter(false, { 'auto.register.schemas': 'false', 'use.latest.version': 'true' });
    const bytes = await write(c, 'latest', v1, new Struct(v1).put('n', 3));
    assert.equal(Buffer.from(bytes ?? []).readInt32BE(1), latestId);
    const back = (await read(converter(false), 'latest', bytes)).value as Struct;
    assert.equal(back.get('n'), 3);
    assert.equal(back.get('extra'), null);
  });

  test('a change that breaks BACKWARD compatibility is refused with the registry’s reason', async () => {
    const v1 = structSchema([{ name: 'n', schema: Schemas.INT32 }], { name: 'demo.Breaking' });
    const v2 = structSchema([{ name: 'm', schema: Schemas.STRING }], { name: 'demo.Breaking' });
    await write(converter(false), 'breaking', v1, new Struct(v1).put('n', 1));
    await assert.rejects(
      write(converter(false), 'breaking', v2, new Struct(v2).put('m', 'x')),
      /Failed to serialize Avro data from topic breaking: Error registering Avro schema for subject breaking-value: Schema being registered is incompatible.*error code: 409/,
    );
  });

  test('bad bytes: a wrong magic byte and an unknown schema id are named', async () => {
    const c = converter(false);
    assert.throws(
      () => c.toConnectData('t', new Uint8Array([1, 0, 0, 0, 1, 2])),
      /Failed to deserialize data for topic t to Avro: Unknown magic byte!/,
    );
    await assert.rejects(
      read(c, 't', new Uint8Array([0, 0, 0, 0x7f, 0x7f, 2])),
      /Error retrieving Avro schema for id 32639: Schema 32639 not found; error code: 40403/,
    );
  });

  test("a record without a schema is written with AvroData's Anything schema and reads back schemaless", async () => {
    const value = {
      name: 'x',
      n: 3,
      ratio: 0.5,
      ok: true,
      big: 2n ** 62n + 1n,
      tags: ['a', null],
      byId: new Map<ConnectValue, ConnectValue>([[1, 'one']]),
    };
    const bytes = await write(converter(false), 'free', null, value);
    assert.ok(bytes !== null);
    const latest = await get('/subjects/free-value/versions/latest');
    const registered = JSON.parse(String(latest.body.schema));
    assert.equal(`${registered.namespace}.${registered.name}`, 'io.confluent.connect.avro.Anything');
    assert.deepEqual(
      registered.fields.map((f: { name: string }) => f.name),
      ['boolean', 'bytes', 'double', 'float', 'int', 'long', 'string', 'array', 'map'],
    );
    // A plain Avro reader of the registered schema sees a record whose map field holds the entries.
    // (avsc's own long type stops at 2^53, so without the big value.)
    const small = await write(converter(false), 'free', null, { name: 'x', n: 3, ratio: 0.5 });
    assert.ok(small !== null);
    const plain = avro.Type.forSchema(registered).fromBuffer(Buffer.from(small).subarray(5));
    assert.equal(plain.map.length, 3);
    assert.deepEqual(plain.map[0].key.string, 'name');
    assert.deepEqual(plain.map[0].value.string, 'x');
    assert.deepEqual(plain.map[1].value.long, 3);
    assert.deepEqual(plain.map[2].value.double, 0.5);
    const back = await read(converter(false), 'free', bytes);
    assert.equal(back.schema, null);
    assert.deepEqual(
      back.value,
      new Map<ConnectValue, ConnectValue>([
        ['name', 'x'],
        ['n', 3],
        ['ratio', 0.5],
        ['ok', true],
        ['big', 2n ** 62n + 1n],
        ['tags', ['a', null]],
        ['byId', new Map<ConnectValue, ConnectValue>([[1, 'one']])],
      ]),
    );
    // A schemaless string is an Anything record with its string field set.
    const text = await write(converter(false), 'free', null, 'just text');
    assert.deepEqual((await read(converter(false), 'free', text)).value, 'just text');
  });

  test('a schemaless null is null bytes and registers nothing; schemaless bytes, dates and structs are refused as AvroData refuses them', async () => {
    const c = converter(false);
    assert.equal(c.prepareFromConnectData('nothing', null, null), undefined);
    assert.equal(c.fromConnectData('nothing', null, null), null);
    assert.equal((await get('/subjects/nothing-value/versions/latest')).status, 404);
    for (const [value, type] of [
      [new Uint8Array([1]), 'bytes'],
      [new Date(0), 'Date'],
      [new Struct(inner).put('city', 'Oslo'), 'Struct'],
      [{ nested: new Uint8Array([1]) }, 'bytes'],
    ] as const)
      await assert.rejects(
        async () => write(converter(false), 'refused', null, value),
        (err: Error) => {
          assert.equal(err.name, 'DataException');
          assert.match(err.message, new RegExp(`Unknown Java type for schemaless data: ${type}`));
          return true;
        },
      );
  });

  test('a converter without schema.registry.url gets a clear error', async () => {
    assert.throws(
      () => new AvroConverter().configure({}, false),
      /Missing required configuration "schema.registry.url" which has no default value/,
    );
  });

  test('reads records whose registered schema uses a named type from a referenced subject', async () => {
    const address = {
      type: 'record',
      name: 'Address',
      namespace: 'demo',
      fields: [{ name: 'city', type: 'string' }],
    };
    const person = {
      type: 'record',
      name: 'Person',
      namespace: 'demo',
      fields: [{ name: 'home', type: 'demo.Address' }],
    };
    const post = async (subject: string, body: object) =>
      (await (
        await fetch(`${url}/subjects/${subject}/versions`, {
          method: 'POST',
          headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
          body: JSON.stringify(body),
        })
      ).json()) as { id: number };
    await post('address-ref', { schema: JSON.stringify(address) });
    const { id } = await post('people-ref-value', {
      schema: JSON.stringify(person),
      references: [{ name: 'demo.Address', subject: 'address-ref', version: 1 }],
    });
    const plain = avro.Type.forSchema(person as avro.Schema, {
      registry: { 'demo.Address': avro.Type.forSchema(address as avro.Schema) },
    });
    const header = Buffer.alloc(5);
    header.writeInt32BE(id, 1);
    const bytes = Buffer.concat([header, plain.toBuffer({ home: { city: 'Oslo' } })]);
    const { schema, value } = await read(converter(false), 'people-ref', bytes);
    assert.equal(schema?.name, 'demo.Person');
    assert.equal(((value as Struct).get('home') as Struct).get('city'), 'Oslo');
  });

  test('a union of several types reads as Confluent’s io.confluent.connect.avro.Union struct', async () => {
    const schema = {
      type: 'record',
      name: 'Event',
      namespace: 'demo',
      fields: [
        {
          name: 'payload',
          type: [
            'null',
            'long',
            'string',
            { type: 'record', name: 'Point', fields: [{ name: 'x', type: 'int' }] },
          ],
        },
      ],
    };
    const res = await fetch(`${url}/subjects/events-union-value/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: JSON.stringify(schema) }),
    });
    const { id } = (await res.json()) as { id: number };
    const plain = avro.Type.forSchema(schema as avro.Schema, { wrapUnions: true });
    const header = Buffer.alloc(5);
    header.writeInt32BE(id, 1);
    const c = converter(false);
    const readBack = async (payload: unknown) =>
      (
        (await read(c, 'events-union', Buffer.concat([header, plain.toBuffer({ payload })]))).value as Struct
      ).get('payload') as Struct | null;
    const asText = await readBack({ string: 'hi' });
    assert.equal(asText?.schema.name, 'io.confluent.connect.avro.Union');
    assert.deepEqual(
      asText?.schema.fields?.map((f) => f.name),
      ['long', 'string', 'Point'],
    );
    assert.equal(asText?.get('string'), 'hi');
    assert.equal(asText?.get('long'), null);
    assert.equal((await readBack({ long: 7 }))?.get('long'), 7);
    const point = (await readBack({ 'demo.Point': { x: 3 } })) ?? assert.fail('a union value');
    assert.equal((point.get('Point') as Struct).get('x'), 3);
    assert.equal(await readBack(null), null);
  });

  test('schemas.enable is accepted and ignored', async () => {
    const c = converter(false, { 'schemas.enable': 'false' });
    const bytes = await write(c, 'noenvelope', Schemas.STRING, 'plain');
    assert.equal(bytes?.[0], 0);
  });
});

test("the converter reaches a registry that wants a bearer token, with the registry client's bearer.auth.* keys", async (t) => {
  const registry = await startTestRegistry({ bearerToken: 'tok-42' });
  t.after(() => registry.close());
  const configure = (configs: Record<string, string>) => {
    const c = converterByClass('io.confluent.connect.avro.AvroConverter') as AvroConverter;
    c.configure({ 'schema.registry.url': registry.url, ...configs }, false);
    return c;
  };
  const c = configure({ 'bearer.auth.credentials.source': 'STATIC_TOKEN', 'bearer.auth.token': 'tok-42' });
  const bytes = await write(c, 'guarded', Schemas.STRING, 'hello');
  assert.equal(bytes?.[0], 0);
  assert.equal((await registry.get('/subjects/guarded-value/versions/latest')).body.schema, '"string"');
  assert.equal(
    (
      await read(
        configure({ 'bearer.auth.credentials.source': 'STATIC_TOKEN', 'bearer.auth.token': 'tok-42' }),
        'guarded',
        bytes,
      )
    ).value,
    'hello',
  );
  await assert.rejects(
    write(configure({}), 'guarded', Schemas.STRING, 'hello'),
    /Error registering Avro schema for subject guarded-value: Unauthorized; error code: 40101/,
  );
  assert.throws(
    () => configure({ 'bearer.auth.credentials.source': 'STATIC_TOKEN' }),
    /AvroConverter: value\.converter\.bearer\.auth\.credentials\.source=STATIC_TOKEN needs value\.converter\.bearer\.auth\.token/,
  );
});
