import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import avro from 'avsc';
import {
  array,
  BIGINT,
  BOOLEAN,
  BYTES,
  DATE,
  DOUBLE,
  decimal,
  INTEGER,
  map,
  STRING,
  struct,
  TIME,
  TIMESTAMP,
} from '../types/index.js';
import { avroFormat, avroWriterSchema } from './avro-format.js';
import { parseAvroSchema } from './avro-schema.js';
import { columnsFromAvro } from './avro-translation.js';
import type { SerdeColumn } from './format.js';
import type { RegistrySchema, SchemaRegistryClient } from './schema-registry-client.js';
import { SchemaRegistryError } from './schema-registry-client.js';
import { SerdeError } from './serde-error.js';

/** A registry held in a map: what the format asks of a client, and nothing else. */
class MapRegistry implements SchemaRegistryClient {
  readonly location = 'test registry';
  readonly schemas = new Map<number, RegistrySchema>();
  fetches = 0;
  add(id: number, schema: unknown): number {
    this.schemas.set(id, { schemaType: 'AVRO', schema: JSON.stringify(schema), references: [] });
    return id;
  }
  cachedSchemaById(): RegistrySchema | undefined {
    return undefined;
  }
  async schemaById(id: number): Promise<RegistrySchema> {
    this.fetches++;
    const found = this.schemas.get(id);
    if (found === undefined) throw new SchemaRegistryError(`Schema ${id} not found`, 404, 40403);
    return found;
  }
  /** Subjects' versions, for schemas other schemas reference. */
  readonly versions = new Map<string, RegistrySchema>();
  async subjectVersion(subject: string, version: number | 'latest') {
    const found = this.versions.get(`${subject}/${version}`);
    if (found === undefined) throw new SchemaRegistryError(`Subject ${subject} not found`, 404, 40401);
    return { subject, version: version === 'latest' ? 1 : version, id: 99, ...found };
  }
  async register(): Promise<never> {
    throw new Error('not used');
  }
  async lookup(subject: string, schema: RegistrySchema): Promise<never> {
    for (const [id, s] of this.schemas)
      if (s.schema === schema.schema) return { subject, version: id * 10, id, ...s } as never;
    throw new SchemaRegistryError('Schema not found', 404, 40403);
  }
  async deleteSubject(): Promise<number[]> {
    return [];
  }
}

/** Confluent's framing around an Avro body, as a Schema Registry serializer writes it. */
function framed(id: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(id, 1);
  return Buffer.concat([header, body]);
}

const decimalType = { type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 };

const ORDER = {
  type: 'record',
  name: 'Order',
  namespace: 'shop',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'customer', type: ['null', 'string'], default: null },
    { name: 'amount', type: decimalType },
    { name: 'placed', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'day', type: { type: 'int', logicalType: 'date' } },
    { name: 'at', type: { type: 'int', logicalType: 'time-millis' } },
    { name: 'ref', type: { type: 'string', logicalType: 'uuid' } },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'attrs', type: { type: 'map', values: 'int' } },
    {
      name: 'address',
      type: {
        type: 'record',
        name: 'Address',
        fields: [
          { name: 'city', type: 'string' },
          { name: 'zip', type: 'int' },
        ],
      },
    },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID'] } },
    { name: 'ignored', type: { type: 'array', items: { type: 'map', values: ['null', 'double'] } } },
    { name: 'flag', type: 'boolean' },
    { name: 'ratio', type: 'float' },
  ],
};

const orderValue = {
  id: 9007199254740993n,
  customer: 'ann',
  amount: Buffer.from([0x30, 0x39]), // 12345 → 123.45
  placed: 1_700_000_000_123,
  day: 19_700,
  at: 45_296_789,
  ref: '6f1c6a2e-8f5b-4a57-9f7c-1b2f3c4d5e6f',
  tags: ['a', 'b'],
  attrs: { x: 1, y: -2 },
  address: { city: 'Oslo', zip: 150 },
  status: 'PAID',
  ignored: [{ k: 1.5, n: null }],
  flag: true,
  ratio: 0.5,
};

describe('the AVRO format', () => {
  test('reads records written by another Avro implementation, logical types mapped exactly', async () => {
    const registry = new MapRegistry();
    const id = registry.add(7, ORDER);
    // avsc's longs are numbers: write id through a long type that takes bigints.
    const longType = avro.types.LongType.__with({
      fromBuffer: (b: Buffer) => b.readBigInt64LE(),
      toBuffer: (n: bigint) => {
        const b = Buffer.alloc(8);
        b.writeBigInt64LE(n);
        return b;
      },
      fromJSON: BigInt,
      toJSON: Number,
      isValid: (n: unknown) => typeof n === 'bigint',
      compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
    });
    const type = avro.Type.forSchema(ORDER as avro.Schema, { registry: { long: longType } });
    const bytes = framed(id, type.toBuffer(orderValue));
    const { columns } = columnsFromAvro(parseAvroSchema(JSON.stringify(ORDER)), {
      wrapped: true,
      upperCase: true,
      single: 'ROWVAL',
    });
    assert.deepEqual(
      columns.map((c) => c.name),
      [
        'ID',
        'CUSTOMER',
        'AMOUNT',
        'PLACED',
        'DAY',
        'AT',
        'REF',
        'TAGS',
        'ATTRS',
        'ADDRESS',
        'STATUS',
        'IGNORED',
        'FLAG',
        'RATIO',
      ],
    );
    assert.deepEqual(
      columns.slice(0, 11).map((c) => c.type),
      [
        BIGINT,
        STRING,
        decimal(10, 2),
        TIMESTAMP,
        DATE,
        TIME,
        STRING,
        array(STRING),
        map(STRING, INTEGER),
        struct([
          { name: 'CITY', type: STRING },
          { name: 'ZIP', type: INTEGER },
        ]),
        STRING,
      ],
    );
    // The stream declares fewer columns than the schema has fields: the rest are skipped.
    const declared = columns.filter((c) => c.name !== 'IGNORED' && c.name !== 'TAGS');
    const read = avroFormat.createDeserializer(declared, { schemaRegistry: registry, target: 'value' });
    await read.prepare?.([bytes]);
    const row = read(bytes);
    assert.deepEqual(row, [
      9007199254740993n,
      'ann',
      { unscaled: 12345n, scale: 2 },
      1_700_000_000_123,
      19_700,
      45_296_789,
      '6f1c6a2e-8f5b-4a57-9f7c-1b2f3c4d5e6f',
      new Map([
        ['x', 1],
        ['y', -2],
      ]),
      { CITY: 'Oslo', ZIP: 150 },
      'PAID',
      true,
      0.5,
    ]);
    assert.equal(registry.fetches, 1);
    assert.equal(read.prepare?.([bytes, bytes]), undefined, 'a known id needs no fetch');
  });

  test("reads a schema whose named types come from Schema Registry references, each reference's own first", async () => {
    const registry = new MapRegistry();
    const GEO = { type: 'record', name: 'Geo', namespace: 'shop', fields: [{ name: 'lat', type: 'double' }] };
    const ADDRESS = {
      type: 'record',
      name: 'Address',
      namespace: 'shop',
      fields: [
        { name: 'city', type: 'string' },
        { name: 'geo', type: 'shop.Geo' },
      ],
    };
    const PERSON = {
      type: 'record',
      name: 'Person',
      namespace: 'shop',
      fields: [
        { name: 'name', type: 'string' },
        { name: 'home', type: 'shop.Address' },
      ],
    };
    registry.versions.set('geo/1', { schemaType: 'AVRO', schema: JSON.stringify(GEO), references: [] });
    registry.versions.set('address/2', {
      schemaType: 'AVRO',
      schema: JSON.stringify(ADDRESS),
      references: [{ name: 'shop.Geo', subject: 'geo', version: 1 }],
    });
    registry.schemas.set(12, {
      schemaType: 'AVRO',
      schema: JSON.stringify(PERSON),
      references: [{ name: 'shop.Address', subject: 'address', version: 2 }],
    });
    const type = avro.Type.forSchema(PERSON as avro.Schema, {
      registry: {
        'shop.Geo': avro.Type.forSchema(GEO as avro.Schema),
        'shop.Address': avro.Type.forSchema(ADDRESS as avro.Schema, {
          registry: { 'shop.Geo': avro.Type.forSchema(GEO as avro.Schema) },
        }),
      },
    });
    const bytes = framed(12, type.toBuffer({ name: 'ann', home: { city: 'Oslo', geo: { lat: 59.9 } } }));
    const columns: SerdeColumn[] = [
      { name: 'NAME', type: STRING },
      {
        name: 'HOME',
        type: struct([
          { name: 'CITY', type: STRING },
          { name: 'GEO', type: struct([{ name: 'LAT', type: DOUBLE }]) },
        ]),
      },
    ];
    const read = avroFormat.createDeserializer(columns, { schemaRegistry: registry, target: 'value' });
    await read.prepare?.([bytes]);
    assert.deepEqual(read(bytes), ['ann', { CITY: 'Oslo', GEO: { LAT: 59.9 } }]);
    // Inference (CREATE STREAM without columns) reads the same tree.
    const parsed = parseAvroSchema(JSON.stringify(PERSON), [
      { schema: JSON.stringify(GEO) },
      { schema: JSON.stringify(ADDRESS) },
    ]);
    assert.deepEqual(
      columnsFromAvro(parsed, { wrapped: true, upperCase: true, single: 'ROWVAL' }).columns.map(
        (c) => c.name,
      ),
      ['NAME', 'HOME'],
    );
    assert.throws(() => parseAvroSchema(JSON.stringify(PERSON)), /undefined type 'shop\.Address'/);
  });

  test('writes what another Avro implementation reads, with the generated ksqlDB schema', () => {
    const columns: SerdeColumn[] = [
      { name: 'ID', type: BIGINT },
      { name: 'NAME', type: STRING },
      { name: 'PRICE', type: decimal(6, 3) },
      { name: 'AT', type: TIMESTAMP },
      { name: 'D', type: DATE },
      { name: 'T', type: TIME },
      { name: 'OK', type: BOOLEAN },
      { name: 'RAW', type: BYTES },
      { name: 'SCORE', type: DOUBLE },
      { name: 'ITEMS', type: array(struct([{ name: 'SKU', type: STRING }])) },
      { name: 'COUNTS', type: map(STRING, INTEGER) },
    ];
    const schema = avroWriterSchema(columns, { target: 'value' });
    const parsed = JSON.parse(schema);
    assert.equal(parsed.name, 'KsqlDataSourceSchema');
    assert.equal(parsed.namespace, 'io.confluent.ksql.avro_schemas');
    assert.deepEqual(parsed.fields[0], { name: 'ID', type: ['null', 'long'], default: null });
    assert.equal(parsed.fields[9].type[1].items[1].name, 'KsqlDataSourceSchema_ITEMS');
    const write = avroFormat.createSerializer(columns, { target: 'value', schemaId: 42 });
    const bytes = write([
      -5n,
      'ünï',
      { unscaled: -1234n, scale: 3 },
      1_700_000_000_000,
      3,
      1000,
      null,
      new Uint8Array([1, 2]),
      2.5,
      [{ SKU: 'x' }, null],
      new Map([['a', 1]]),
    ]);
    assert.ok(bytes !== null);
    assert.equal(bytes[0], 0);
    assert.equal(bytes.readUInt32BE(1), 42);
    const reference = avro.Type.forSchema(parsed, { wrapUnions: false });
    const decoded = reference.fromBuffer(bytes.subarray(5)) as Record<string, unknown>;
    assert.equal(decoded.ID, -5);
    assert.equal(decoded.NAME, 'ünï');
    assert.deepEqual(decoded.PRICE, Buffer.from([0xfb, 0x2e]));
    assert.equal(decoded.AT, 1_700_000_000_000);
    assert.equal(decoded.OK, null);
    assert.deepEqual(JSON.parse(JSON.stringify(decoded.ITEMS)), [{ SKU: 'x' }, null]);
    assert.deepEqual(decoded.COUNTS, { a: 1 });
  });

  test('reads its own writing back, single values unwrapped', async () => {
    const registry = new MapRegistry();
    const columns: SerdeColumn[] = [{ name: 'V', type: decimal(4, 1) }];
    const options = {
      target: 'value' as const,
      wrapSingleValue: false,
      schemaId: 3,
      schemaRegistry: registry,
    };
    registry.schemas.set(3, {
      schemaType: 'AVRO',
      schema: avroWriterSchema(columns, options),
      references: [],
    });
    assert.equal(registry.schemas.get(3)?.schema.startsWith('{"type":"bytes"'), true);
    const bytes = avroFormat.createSerializer(columns, options)([{ unscaled: 995n, scale: 1 }]);
    const read = avroFormat.createDeserializer(columns, options);
    await read.prepare?.([bytes]);
    assert.deepEqual(read(bytes), [{ unscaled: 995n, scale: 1 }]);
    assert.equal(
      avroFormat.createSerializer(columns, options)([null]),
      null,
      'an anonymous null is a tombstone',
    );
  });

  test('reads an older writer schema by name ignoring case, int promoted to BIGINT, missing fields null', async () => {
    const registry = new MapRegistry();
    registry.add(1, { type: 'record', name: 'R', fields: [{ name: 'Count', type: 'int' }] });
    const bytes = framed(1, Buffer.from([0x54])); // zig-zag 42
    const read = avroFormat.createDeserializer(
      [
        { name: 'COUNT', type: BIGINT },
        { name: 'EXTRA', type: STRING },
      ],
      { schemaRegistry: registry, target: 'value' },
    );
    await read.prepare?.([bytes]);
    assert.deepEqual(read(bytes), [42n, null]);
  });

  test('names what is wrong: magic byte, unknown id, a field that cannot be read, truncated data', async () => {
    const registry = new MapRegistry();
    registry.add(5, { type: 'record', name: 'R', fields: [{ name: 'AGE', type: 'string' }] });
    registry.add(6, { type: 'record', name: 'R', fields: [{ name: 'AGE', type: 'int' }] });
    const read = avroFormat.createDeserializer([{ name: 'AGE', type: INTEGER }], {
      schemaRegistry: registry,
      target: 'value',
      topic: 'people',
    });
    const json = Buffer.from('{"AGE":1}');
    const unknown = framed(99, Buffer.from([2]));
    const incompatible = framed(5, Buffer.from([2, 0x41]));
    const truncated = framed(6, Buffer.from([0x80]));
    await read.prepare?.([json, unknown, incompatible, truncated]);
    assert.throws(
      () => read(json),
      (err: unknown) => {
        assert.ok(err instanceof SerdeError);
        assert.match(
          err.message,
          /^Cannot deserialize value as AVRO: Unknown magic byte! Expected 0 .* found 0x7b\. Data: 0x7b22/,
        );
        return true;
      },
    );
    assert.throws(
      () => read(unknown),
      /schema id 99 is not in the Schema Registry at test registry \(subject 'people-value'\): Schema 99 not found/,
    );
    assert.throws(
      () => read(incompatible),
      /schema id 5 \(subject 'people-value', version 50\) cannot be read into the columns: AGE is string in the writer schema, which cannot be read as INTEGER/,
    );
    assert.throws(() => read(truncated), /schema id 6: the data ends early/);
  });

  test('refuses to write a null into a field the schema requires, naming it', () => {
    const schema = JSON.stringify({
      type: 'record',
      name: 'P',
      fields: [{ name: 'page_name', type: 'string' }],
    });
    const write = avroFormat.createSerializer([{ name: 'PAGE_NAME', type: STRING }], { schema, schemaId: 1 });
    assert.throws(
      () => write([null]),
      /Invalid value: null used for required field: "page_name", schema type: string/,
    );
  });
});
