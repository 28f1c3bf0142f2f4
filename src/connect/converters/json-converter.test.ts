import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  arraySchema,
  type ConnectValue,
  DataException,
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
import { JsonConverter } from './json-converter.js';

function converter(configs: Record<string, string> = {}): JsonConverter {
  const c = new JsonConverter();
  c.configure(configs, false);
  return c;
}

const text = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString('utf8'));
const bytesOf = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const write = (c: JsonConverter, schema: Schema | null, value: ConnectValue) =>
  text(c.fromConnectData('t', schema, value));

const userSchema = structSchema(
  [
    { name: 'name', schema: Schemas.STRING },
    { name: 'age', schema: Schemas.OPTIONAL_INT32 },
  ],
  { name: 'com.example.User' },
);

test('a struct is written in the schema/payload envelope with the documented key order', () => {
  const user = new Struct(userSchema).put('name', 'Ann').put('age', 75);
  assert.equal(
    write(converter(), userSchema, user),
    '{"schema":{"type":"struct","fields":[{"type":"string","optional":false,"field":"name"},' +
      '{"type":"int32","optional":true,"field":"age"}],"optional":false,"name":"com.example.User"},' +
      '"payload":{"name":"Ann","age":75}}',
  );
});

test('the envelope reads back to an equal schema and struct', () => {
  const c = converter();
  const user = new Struct(userSchema).put('name', 'Ann').put('age', 75);
  const back = c.toConnectData('t', c.fromConnectData('t', userSchema, user));
  assert.ok(back.value instanceof Struct);
  assert.equal(back.schema?.name, 'com.example.User');
  assert.equal(back.schema?.fields?.[1].schema.optional, true);
  assert.equal(back.value.get('name'), 'Ann');
  assert.equal(back.value.get('age'), 75);
});

test('primitive schemas use the names float and double, with version, doc and parameters after optional', () => {
  const c = converter();
  assert.equal(write(c, Schemas.FLOAT32, 1.5), '{"schema":{"type":"float","optional":false},"payload":1.5}');
  assert.equal(
    write(c, Schemas.OPTIONAL_FLOAT64, 1),
    '{"schema":{"type":"double","optional":true},"payload":1.0}',
  );
  const documented: Schema = {
    type: 'INT64',
    optional: false,
    name: 'n',
    version: 2,
    doc: 'd',
    parameters: { a: 'b' },
    defaultValue: 7,
  };
  assert.equal(
    write(c, documented, 1),
    '{"schema":{"type":"int64","optional":false,"name":"n","version":2,"doc":"d","parameters":{"a":"b"},"default":7},"payload":1}',
  );
});

test("plain JSON is refused with Kafka's message when schemas are enabled", () => {
  assert.throws(
    () => converter().toConnectData('t', bytesOf('{"name":"Ann"}')),
    (err: Error) =>
      err instanceof DataException &&
      err.message ===
        'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields.' +
          ' If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.',
  );
});

test('schemaless JSON infers INT64, FLOAT64, MAP and ARRAY, keeping 64-bit integers exact', () => {
  const { schema, value } = converter({ 'schemas.enable': 'false' }).toConnectData(
    't',
    bytesOf('{"small":1,"big":9223372036854775807,"f":1.5,"list":[true,"x",null],"nested":{"a":{}}}'),
  );
  assert.equal(schema, null);
  assert.ok(value instanceof Map);
  assert.equal(value.get('small'), 1);
  assert.equal(value.get('big'), 9223372036854775807n);
  assert.equal(value.get('f'), 1.5);
  assert.deepEqual(value.get('list'), [true, 'x', null]);
  assert.deepEqual(value.get('nested'), new Map([['a', new Map()]]));
});

test('schemaless values are written bare, maps with string keys as objects and others as pairs', () => {
  const c = converter({ 'schemas.enable': 'false' });
  assert.equal(write(c, null, { a: 1, b: [1.5, 'x'] }), '{"a":1,"b":[1.5,"x"]}');
  assert.equal(write(c, null, new Map<ConnectValue, ConnectValue>([[1, 'one']])), '[[1,"one"]]');
  assert.equal(write(c, null, 1234567890123456789n), '1234567890123456789');
});

test('a null value with no schema is a tombstone both ways', () => {
  const c = converter();
  assert.equal(c.fromConnectData('t', null, null), null);
  assert.deepEqual(c.toConnectData('t', null), { schema: null, value: null });
});

test('a schema envelope with a null schema reads its payload schemaless', () => {
  const { schema, value } = converter().toConnectData('t', bytesOf('{"schema":null,"payload":42}'));
  assert.equal(schema, null);
  assert.equal(value, 42);
});

test('bytes are base64 and maps with int keys are arrays of pairs under a schema', () => {
  const c = converter();
  assert.equal(
    write(c, Schemas.BYTES, new Uint8Array([1, 2, 255])),
    '{"schema":{"type":"bytes","optional":false},"payload":"AQL/"}',
  );
  const m = mapSchema(Schemas.INT32, Schemas.STRING);
  const json = write(c, m, new Map<ConnectValue, ConnectValue>([[1, 'a']]));
  assert.equal(
    json,
    '{"schema":{"type":"map","keys":{"type":"int32","optional":false},"values":{"type":"string","optional":false},"optional":false},"payload":[[1,"a"]]}',
  );
  const back = c.toConnectData('t', bytesOf(json ?? ''));
  assert.deepEqual(back.value, new Map([[1, 'a']]));
});

test('a decimal is base64 of its unscaled bytes by default and a number with decimal.format=NUMERIC', () => {
  const schema = decimalSchema(2);
  const value = { unscaled: 156n, scale: 2 };
  assert.equal(
    write(converter(), schema, value),
    '{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":"AJw="}',
  );
  const numeric = converter({ 'decimal.format': 'NUMERIC' });
  const json = write(numeric, schema, value);
  assert.match(json ?? '', /"payload":1\.56}$/);
  assert.deepEqual(numeric.toConnectData('t', bytesOf(json ?? '')).value, { unscaled: 156n, scale: 2 });
  assert.deepEqual(
    converter().toConnectData('t', bytesOf(write(converter(), schema, value) ?? '')).value,
    value,
  );
});

test('a decimal whose scale differs from the schema is refused as Kafka refuses it', () => {
  assert.throws(
    () => converter().fromConnectData('t', decimalSchema(2), { unscaled: 1n, scale: 3 }),
    /BigDecimal has mismatching scale value for given Decimal schema/,
  );
});

test('Date, Time and Timestamp are written as days, milliseconds of the day and epoch milliseconds', () => {
  const c = converter({ 'schemas.enable': 'false' });
  assert.equal(write(c, dateSchema(), new Date(Date.UTC(2024, 0, 2))), '19724');
  assert.equal(write(c, timeSchema(), new Date(3_600_000)), '3600000');
  assert.equal(write(c, timestampSchema(), new Date(1_700_000_000_123)), '1700000000123');
  assert.throws(
    () => write(c, dateSchema(), new Date(1)),
    /should not have any time fields set to non-zero values/,
  );
  const back = converter().toConnectData(
    't',
    bytesOf(
      '{"schema":{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Date","version":1},"payload":19724}',
    ),
  );
  assert.deepEqual(back.value, new Date(Date.UTC(2024, 0, 2)));
});

test('a required null takes the default unless replace.null.with.default is false', () => {
  const schema = structSchema([{ name: 'n', schema: { type: 'INT32', optional: true, defaultValue: 5 } }]);
  const json =
    '{"schema":{"type":"struct","fields":[{"type":"int32","optional":true,"default":5,"field":"n"}],"optional":false},"payload":{"n":null}}';
  assert.equal((converter().toConnectData('t', bytesOf(json)).value as Struct).get('n'), 5);
  assert.equal(
    (
      converter({ 'replace.null.with.default': 'false' }).toConnectData('t', bytesOf(json)).value as Struct
    ).get('n'),
    null,
  );
  assert.equal(
    write(converter({ 'schemas.enable': 'false' }), schema, new Struct(schema).put('n', null)),
    '{"n":5}',
  );
  assert.equal(
    write(
      converter({ 'schemas.enable': 'false', 'replace.null.with.default': 'false' }),
      schema,
      new Struct(schema).put('n', null),
    ),
    '{"n":null}',
  );
});

test("a required field without value or default fails with Kafka's messages", () => {
  const c = converter({ 'schemas.enable': 'false' });
  assert.throws(
    () => write(c, Schemas.INT32, null),
    /null value for field that is required and has no default value/,
  );
  assert.throws(
    () => c.toConnectData('t', bytesOf('x')),
    /Converting byte\[\] to Kafka Connect data failed due to serialization error/,
  );
  assert.throws(
    () =>
      converter().toConnectData('t', bytesOf('{"schema":{"type":"int32","optional":false},"payload":null}')),
    /Invalid null value for required INT32 field/,
  );
});

test('arrays of structs with defaults round-trip, and schemas read are shared between records', () => {
  const c = converter();
  const schema = arraySchema(Schemas.OPTIONAL_STRING);
  const json = c.fromConnectData('t', schema, ['a', null]);
  const first = c.toConnectData('t', json);
  const second = c.toConnectData('t', json);
  assert.deepEqual(first.value, ['a', null]);
  assert.equal(first.schema, second.schema);
});

test('a bad decimal.format is reported by key', () => {
  assert.throws(
    () => converter({ 'decimal.format': 'HEX' }),
    /decimal\.format: .*String must be one of: BASE64, NUMERIC/,
  );
});

test('control characters are escaped as Jackson escapes them', () => {
  assert.equal(
    write(converter({ 'schemas.enable': 'false' }), Schemas.STRING, 'a"\\\n\u0001é'),
    '"a\\"\\\\\\n\\u0001é"',
  );
});

test('flat schemaless objects of text write exactly what the general path writes', () => {
  const c = converter({ 'schemas.enable': 'false' });
  const plain = { name: 'a"\\é€ \u2028/<>', 'k"\\': null, ok: true, no: false };
  const control = { s: 'tab\there\u001f' };
  const surrogates = { s: 'x\ud800', emoji: '😀' };
  for (const value of [plain, control, surrogates]) {
    // A Map always takes the general path: the text must be the same.
    assert.equal(write(c, null, value), write(c, null, new Map(Object.entries(value))));
  }
  assert.equal(write(c, null, plain), '{"name":"a\\"\\\\é€ \u2028/<>","k\\"\\\\":null,"ok":true,"no":false}');
  assert.equal(write(c, null, control), '{"s":"tab\\there\\u001F"}');
  assert.equal(write(c, null, { n: 1e21 }), '{"n":1.0E21}');
});

test('structs of plain strings are written field by field in schema order, nulls included', () => {
  const c = converter({ 'schemas.enable': 'false' });
  const schema = structSchema([
    { name: 'name', schema: Schemas.OPTIONAL_STRING },
    { name: 'card"', schema: Schemas.OPTIONAL_STRING },
    { name: 'id', schema: Schemas.STRING },
  ]);
  const value = new Struct(schema).put('name', 'Zoë "Z" \\').put('id', 'x\u0001');
  assert.equal(write(c, schema, value), '{"name":"Zoë \\"Z\\" \\\\","card\\"":null,"id":"x\\u0001"}');
  // A required field left null fails as the general path fails.
  assert.throws(
    () => write(c, schema, new Struct(schema).put('name', 'a')),
    /null value for field that is required/,
  );
});
