import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import protobuf from 'protobufjs';
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
  type SqlValue,
  STRING,
  struct,
  TIME,
  TIMESTAMP,
} from '../types/index.js';
import type { SerdeColumn } from './format.js';
import { protobufFormat, protobufNoSrFormat, protobufWriterSchema } from './protobuf-format.js';
import { compileProtobufSchema } from './protobuf-schema.js';
import { protobufDatumText } from './protobuf-text.js';
import { columnsFromProtobuf, protobufSchemaForColumns } from './protobuf-translation.js';
import { messageIndexBytes } from './protobuf-wire.js';
import {
  type RegistrySchema,
  type RegistrySubjectVersion,
  type SchemaRegistryClient,
  SchemaRegistryError,
} from './schema-registry-client.js';
import { SerdeError } from './serde-error.js';

/** A registry held in maps: schemas by id, subjects' versions by name. */
class MapRegistry implements SchemaRegistryClient {
  readonly location = 'test registry';
  readonly schemas = new Map<number, RegistrySchema>();
  readonly subjects = new Map<string, RegistrySubjectVersion[]>();
  add(
    id: number,
    schema: string,
    subject = 't-value',
    references: RegistrySchema['references'] = [],
  ): number {
    const s: RegistrySchema = { schemaType: 'PROTOBUF', schema, references };
    this.schemas.set(id, s);
    const versions = this.subjects.get(subject) ?? [];
    versions.push({ ...s, subject, version: versions.length + 1, id });
    this.subjects.set(subject, versions);
    return id;
  }
  cachedSchemaById(): RegistrySchema | undefined {
    return undefined;
  }
  async schemaById(id: number): Promise<RegistrySchema> {
    const found = this.schemas.get(id);
    if (found === undefined) throw new SchemaRegistryError(`Schema ${id} not found`, 404, 40403);
    return found;
  }
  async subjectVersion(subject: string, version: number | 'latest'): Promise<RegistrySubjectVersion> {
    const versions = this.subjects.get(subject) ?? [];
    const found = version === 'latest' ? versions.at(-1) : versions[version - 1];
    if (found === undefined) throw new SchemaRegistryError(`Subject '${subject}' not found.`, 404, 40401);
    return found;
  }
  async register(): Promise<never> {
    throw new Error('not used');
  }
  async lookup(subject: string, schema: RegistrySchema): Promise<RegistrySubjectVersion> {
    const found = (this.subjects.get(subject) ?? []).find((v) => v.schema === schema.schema);
    if (found === undefined) throw new SchemaRegistryError('Schema not found', 404, 40403);
    return found;
  }
  async deleteSubject(): Promise<number[]> {
    return [];
  }
}

const ALL: SerdeColumn[] = [
  { name: 'I', type: INTEGER },
  { name: 'L', type: BIGINT },
  { name: 'D', type: DOUBLE },
  { name: 'B', type: BOOLEAN },
  { name: 'S', type: STRING },
  { name: 'BY', type: BYTES },
  { name: 'DEC', type: decimal(6, 2) },
  { name: 'DT', type: DATE },
  { name: 'TM', type: TIME },
  { name: 'TS', type: TIMESTAMP },
  { name: 'ARR', type: array(STRING) },
  { name: 'NUMS', type: array(BIGINT) },
  { name: 'M', type: map(STRING, INTEGER) },
  {
    name: 'ADDR',
    type: struct([
      { name: 'CITY', type: STRING },
      { name: 'ZIP', type: INTEGER },
    ]),
  },
];

const ROW: SqlValue[] = [
  -7,
  -(2n ** 40n),
  2.5,
  true,
  'héllo',
  Buffer.from([1, 2, 255]),
  { unscaled: -12345n, scale: 2 },
  19_000,
  45_296_789,
  1_700_000_000_123,
  ['a', 'b'],
  [1n, 300n, -1n],
  new Map([
    ['x', 1],
    ['y', 0],
  ]),
  { CITY: 'Oslo', ZIP: 150 },
];

describe('the .proto ksqlDB registers', () => {
  test('message ConnectDefault1, tags in column order, logical types as well-known messages', () => {
    assert.equal(
      protobufSchemaForColumns(ALL).text,
      `syntax = "proto3";

import "confluent/meta.proto";
import "confluent/type/decimal.proto";
import "google/protobuf/timestamp.proto";
import "google/type/date.proto";
import "google/type/timeofday.proto";

message ConnectDefault1 {
  int32 I = 1;
  int64 L = 2;
  double D = 3;
  bool B = 4;
  string S = 5;
  bytes BY = 6;
  confluent.type.Decimal DEC = 7 [(confluent.field_meta) = { params: [ { key: "precision", value: "6" }, { key: "scale", value: "2" } ] }];
  google.type.Date DT = 8;
  google.type.TimeOfDay TM = 9;
  google.protobuf.Timestamp TS = 10;
  repeated string ARR = 11;
  repeated int64 NUMS = 12;
  map<string, int32> M = 13;
  ConnectDefault2 ADDR = 14;

  message ConnectDefault2 {
    string CITY = 1;
    int32 ZIP = 2;
  }
}
`,
    );
  });

  test('a full name gives the package and message; nullable representations', () => {
    const cols = [{ name: 'A', type: INTEGER }];
    assert.equal(
      protobufSchemaForColumns(cols, { fullName: 'io.x.Thing' }).text,
      'syntax = "proto3";\npackage io.x;\n\nmessage Thing {\n  int32 A = 1;\n}\n',
    );
    assert.match(protobufSchemaForColumns(cols, { nullable: 'OPTIONAL' }).text, /optional int32 A = 1;/);
    assert.match(
      protobufSchemaForColumns(cols, { nullable: 'WRAPPER' }).text,
      /import "google\/protobuf\/wrappers.proto";[\s\S]*google.protobuf.Int32Value A = 1;/,
    );
  });

  test('MAP keys other than STRING are refused with ksqlDB’s message', () => {
    assert.throws(
      () => protobufSchemaForColumns([{ name: 'M', type: map(INTEGER, STRING) }]),
      /PROTOBUF format only supports MAP types with STRING keys/,
    );
  });
});

describe('PROTOBUF_NOSR', () => {
  test('every SQL type round-trips; protobufjs reads the same bytes', () => {
    const ser = protobufNoSrFormat.createSerializer(ALL);
    const de = protobufNoSrFormat.createDeserializer(ALL);
    const bytes = ser(ROW) as Buffer;
    assert.deepEqual(de(bytes), ROW);
    const root = compileProtobufSchema(protobufSchemaForColumns(ALL).text).root;
    const type = root.lookupType('ConnectDefault1');
    const decoded = type.toObject(type.decode(bytes), { longs: String, defaults: false }) as Record<
      string,
      unknown
    >;
    assert.equal(decoded.I, -7);
    assert.equal(decoded.L, String(-(2n ** 40n)));
    assert.equal(decoded.S, 'héllo');
    assert.deepEqual(decoded.NUMS, ['1', '300', '-1']);
    assert.deepEqual(decoded.ADDR, { CITY: 'Oslo', ZIP: 150 });
    assert.deepEqual(decoded.TS, { seconds: '1700000000', nanos: 123_000_000 });
    assert.deepEqual(decoded.DT, { year: 2022, month: 1, day: 8 });
    assert.deepEqual(decoded.M, { x: 1, y: 0 });
  });

  test('null columns read back as proto3 defaults, messages as null', () => {
    const ser = protobufNoSrFormat.createSerializer(ALL);
    const de = protobufNoSrFormat.createDeserializer(ALL);
    const row = de(ser(ALL.map(() => null)));
    assert.deepEqual(row, [
      0,
      0n,
      0,
      false,
      '',
      new Uint8Array(0),
      null,
      null,
      null,
      null,
      [],
      [],
      new Map(),
      null,
    ]);
  });

  test('WRAP_SINGLE_VALUE=false: the bare value as a one-field message', () => {
    const cols = [{ name: 'V', type: STRING }];
    const ser = protobufNoSrFormat.createSerializer(cols, { wrapSingleValue: false });
    const bytes = ser(['abc']) as Buffer;
    assert.deepEqual([...bytes], [0x0a, 3, 0x61, 0x62, 0x63]);
    assert.deepEqual(protobufNoSrFormat.createDeserializer(cols, { wrapSingleValue: false })(bytes), ['abc']);
    assert.equal(ser([null]), null);
  });

  test('garbage is a SerdeError naming the format', () => {
    const de = protobufNoSrFormat.createDeserializer([{ name: 'S', type: STRING }]);
    assert.throws(
      () => de(Buffer.from([0x0a, 9, 1])),
      (err: unknown) => {
        assert.ok(err instanceof SerdeError);
        assert.match(err.message, /Cannot deserialize value as PROTOBUF_NOSR: .*ends inside a field/);
        return true;
      },
    );
  });
});

describe('PROTOBUF', () => {
  test('Confluent framing: magic byte, id, message indexes [0] as one 0 byte', async () => {
    const registry = new MapRegistry();
    const id = registry.add(7, protobufWriterSchema(ALL, undefined));
    const ser = protobufFormat.createSerializer(ALL, { schemaId: id });
    const bytes = ser(ROW) as Buffer;
    assert.deepEqual([...bytes.subarray(0, 6)], [0, 0, 0, 0, 7, 0]);
    const de = protobufFormat.createDeserializer(ALL, { schemaRegistry: registry, topic: 't' });
    await de.prepare?.([bytes]);
    assert.deepEqual(de(bytes), ROW);
  });

  test('reads the message the indexes name, by field name in any case, with wrappers, enums, oneofs and maps', async () => {
    const registry = new MapRegistry();
    const schema = `syntax = "proto3";
package shop;
import "google/protobuf/wrappers.proto";
import "google/protobuf/timestamp.proto";
message Unused { string x = 1; }
message Order {
  enum Status { NEW = 0; PAID = 1; }
  message Line { string sku = 1; uint32 qty = 2; }
  int64 order_id = 1;
  google.protobuf.StringValue note = 2;
  Status status = 3;
  repeated Line lines = 4;
  map<int32, string> tags = 5;
  oneof payment { string card = 6; int64 voucher = 7; }
  google.protobuf.Timestamp at = 8;
  optional int32 maybe = 9;
}`;
    const id = registry.add(3, schema, 'orders-value');
    const compiled = compileProtobufSchema(schema);
    const order = compiled.root.lookupType('shop.Order');
    const { columns } = columnsFromProtobuf(order, { upperCase: true });
    assert.deepEqual(
      columns.map((c) => c.name),
      // A oneof stands where its first member is, as ProtobufData places it.
      ['ORDER_ID', 'NOTE', 'STATUS', 'LINES', 'TAGS', 'PAYMENT', 'AT', 'MAYBE'],
    );
    assert.deepEqual(
      columns.find((c) => c.name === 'LINES')?.type,
      array(
        struct([
          { name: 'SKU', type: STRING },
          { name: 'QTY', type: BIGINT },
        ]),
      ),
    );
    assert.deepEqual(columns.find((c) => c.name === 'TAGS')?.type, map(STRING, STRING));
    assert.deepEqual(
      columns.find((c) => c.name === 'PAYMENT')?.type,
      struct([
        { name: 'CARD', type: STRING },
        { name: 'VOUCHER', type: BIGINT },
      ]),
    );
    const body = order
      .encode(
        order.fromObject({
          order_id: '42',
          status: 'PAID',
          lines: [{ sku: 'k1', qty: 3 }],
          tags: { 5: 'five' },
          voucher: '9',
          at: { seconds: '10', nanos: 5_000_000 },
        }),
      )
      .finish();
    const bytes = Buffer.concat([Buffer.from([0, 0, 0, 0, id]), messageIndexBytes([1]), body]);
    assert.deepEqual([...bytes.subarray(5, 7)], [2, 2]);
    const de = protobufFormat.createDeserializer(columns, { schemaRegistry: registry, topic: 'orders' });
    await de.prepare?.([bytes]);
    assert.deepEqual(de(bytes), [
      42n,
      null,
      'PAID',
      [{ SKU: 'k1', QTY: 3n }],
      new Map([['5', 'five']]),
      { CARD: null, VOUCHER: 9n },
      10_005,
      null,
    ]);
  });

  test('unknown id, wrong magic byte and wrong message index are SerdeErrors naming subject and version', async () => {
    const registry = new MapRegistry();
    registry.add(1, 'syntax = "proto3";\nmessage A { string s = 1; }\n', 'x-value');
    const cols = [{ name: 'S', type: STRING }];
    const de = protobufFormat.createDeserializer(cols, { schemaRegistry: registry, topic: 'x' });
    const unknown = Buffer.from([0, 0, 0, 0, 9, 0]);
    const badIndex = Buffer.from([0, 0, 0, 0, 1, 2, 4]);
    const badMagic = Buffer.from([1, 0, 0, 0, 1, 0]);
    await de.prepare?.([unknown, badIndex, badMagic]);
    assert.throws(
      () => de(unknown),
      /schema id 9 is not in the Schema Registry at test registry \(subject 'x-value'\)/,
    );
    assert.throws(
      () => de(badIndex),
      /Invalid message indexes: \[2\] name no message of schema id 1 \(subject 'x-value', version 1\), which defines A/,
    );
    assert.throws(() => de(badMagic), /Unknown magic byte! Expected 0/);
    const good = Buffer.concat([Buffer.from([0, 0, 0, 0, 1, 0]), Buffer.from([0x0a, 1, 0x7a])]);
    assert.deepEqual(de(good), ['z']);
  });

  test('imports resolve through the registry’s references', async () => {
    const registry = new MapRegistry();
    registry.add(
      1,
      'syntax = "proto3";\npackage common;\nmessage Money { int64 cents = 1; string currency = 2; }\n',
      'common/money.proto',
    );
    const id = registry.add(
      2,
      'syntax = "proto3";\nimport "common/money.proto";\nmessage Sale { common.Money price = 1; }\n',
      'sales-value',
      [{ name: 'common/money.proto', subject: 'common/money.proto', version: 1 }],
    );
    const cols = [
      {
        name: 'PRICE',
        type: struct([
          { name: 'CENTS', type: BIGINT },
          { name: 'CURRENCY', type: STRING },
        ]),
      },
    ];
    const de = protobufFormat.createDeserializer(cols, { schemaRegistry: registry, topic: 'sales' });
    const money = protobuf
      .parse('syntax = "proto3"; message M { int64 cents = 1; string currency = 2; }')
      .root.lookupType('M');
    const inner = money.encode(money.fromObject({ cents: '250', currency: 'EUR' })).finish();
    const bytes = Buffer.concat([Buffer.from([0, 0, 0, 0, id, 0, 0x0a, inner.length]), inner]);
    await de.prepare?.([bytes]);
    assert.deepEqual(de(bytes), [{ CENTS: 250n, CURRENCY: 'EUR' }]);
  });

  test("WRAP_SINGLE_VALUE=false is refused with ksqlDB's message", () => {
    assert.throws(
      () => protobufFormat.createSerializer([{ name: 'V', type: STRING }], { wrapSingleValue: false }),
      /Format 'PROTOBUF' does not support 'WRAP_SINGLE_VALUE' set to 'false'./,
    );
  });
});

describe('PRINT text', () => {
  test("protobuf-java's shortDebugString: fields by number, defaults left out, strings escaped as octal UTF-8, nested and map entries in braces", () => {
    const schema = `syntax = "proto3";
message A { string x = 1; }
message B {
  enum E { ZERO = 0; ONE = 1; }
  message In { int32 v = 1; }
  map<string, In> m = 5;
  string s = 2;
  int64 n = 1;
  E e = 3;
  In in = 4;
  bytes raw = 6;
  int32 zero = 7;
}`;
    const compiled = compileProtobufSchema(schema);
    const type = compiled.root.lookupType('B');
    const body = type
      .encode(
        type.fromObject({
          n: '-5',
          s: 'é"',
          e: 'ONE',
          in: {},
          m: { k: { v: 2 } },
          raw: Buffer.from([0, 65]),
        }),
      )
      .finish();
    const bytes = Buffer.concat([Buffer.from([0, 0, 0, 0, 1]), messageIndexBytes([1]), body]);
    assert.equal(
      protobufDatumText(compiled, bytes),
      'n: -5 s: "\\303\\251\\"" e: ONE in { } m { key: "k" value { v: 2 } } raw: "\\000A"',
    );
  });
});

describe('nullable representations', () => {
  for (const nullable of ['OPTIONAL', 'WRAPPER'] as const)
    test(`${nullable}: a null primitive reads back as null, a zero as zero`, () => {
      const cols = [
        { name: 'N', type: INTEGER },
        { name: 'S', type: STRING },
      ];
      const ser = protobufNoSrFormat.createSerializer(cols, { protobufNullable: nullable });
      const de = protobufNoSrFormat.createDeserializer(cols, { protobufNullable: nullable });
      assert.deepEqual(de(ser([null, null])), [null, null]);
      assert.deepEqual(de(ser([0, ''])), [0, '']);
      assert.deepEqual(de(ser([5, 'x'])), [5, 'x']);
    });
});

describe('a pinned schema (*_SCHEMA_ID)', () => {
  test('rows are written as the message *_SCHEMA_FULL_NAME names, with its index path, enums by name', async () => {
    const schema = `syntax = "proto3";
package p;
message First { string a = 1; }
message Outer {
  message Inner { enum Kind { K0 = 0; K1 = 1; } int64 id = 1; Kind kind = 2; string label = 3; }
}`;
    const cols = [
      { name: 'ID', type: BIGINT },
      { name: 'KIND', type: STRING },
      { name: 'LABEL', type: STRING },
    ];
    const ser = protobufFormat.createSerializer(cols, {
      schema,
      schemaId: 4,
      schemaFullName: 'p.Outer.Inner',
    });
    const bytes = ser([7n, 'K1', 'x']) as Buffer;
    // [1, 0]: count 2, then 1 and 0, zig-zag encoded.
    assert.deepEqual([...bytes.subarray(0, 8)], [0, 0, 0, 0, 4, 4, 2, 0]);
    const registry = new MapRegistry();
    registry.add(4, schema);
    const de = protobufFormat.createDeserializer(cols, { schemaRegistry: registry });
    await de.prepare?.([bytes]);
    assert.deepEqual(de(bytes), [7n, 'K1', 'x']);
    assert.throws(() => ser([1n, 'K9', '']), /'K9' is not a value of the enum Kind/);
  });
});

test("a pinned schema's imports come from schemaReferences; without them the serializer says which import is missing", () => {
  const schema =
    'syntax = "proto3";\nimport "common/money.proto";\nmessage Sale { common.Money price = 1; }\n';
  const money = 'syntax = "proto3";\npackage common;\nmessage Money { int64 cents = 1; }\n';
  const cols = [{ name: 'PRICE', type: struct([{ name: 'CENTS', type: BIGINT }]) }];
  const ser = protobufFormat.createSerializer(cols, {
    schema,
    schemaId: 2,
    schemaReferences: [{ name: 'common/money.proto', schema: money }],
  });
  assert.deepEqual([...(ser([{ CENTS: 5n }]) as Buffer)], [0, 0, 0, 0, 2, 0, 0x0a, 2, 0x08, 5]);
  assert.throws(
    () => protobufFormat.createSerializer(cols, { schema, schemaId: 2 }),
    /imports common\/money.proto, which is neither a well-known type nor one of the schema's references/,
  );
});
