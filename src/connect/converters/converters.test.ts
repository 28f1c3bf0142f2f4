import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataException, Schemas, Struct, structSchema } from '../api/index.js';
import { converterByClass, converterClassNames } from './index.js';

const hex = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString('hex'));

function make(className: string, configs: Record<string, string> = {}) {
  const c = converterByClass(className);
  c.configure(configs, false);
  return c;
}

test('StringConverter writes String.valueOf and reads an optional string', () => {
  const c = make('org.apache.kafka.connect.storage.StringConverter');
  assert.equal(Buffer.from(c.fromConnectData('t', Schemas.FLOAT64, 1) ?? []).toString(), '1.0');
  assert.equal(Buffer.from(c.fromConnectData('t', null, 'héllo') ?? []).toString(), 'héllo');
  const s = structSchema([
    { name: 'a', schema: Schemas.INT32 },
    { name: 'b', schema: Schemas.OPTIONAL_STRING },
  ]);
  assert.equal(
    Buffer.from(c.fromConnectData('t', s, new Struct(s).put('a', 1)) ?? []).toString(),
    'Struct{a=1}',
  );
  assert.deepEqual(c.toConnectData('t', new Uint8Array(Buffer.from('x'))), {
    schema: Schemas.OPTIONAL_STRING,
    value: 'x',
  });
  assert.deepEqual(c.toConnectData('t', null), { schema: Schemas.OPTIONAL_STRING, value: null });
  assert.equal(c.fromConnectData('t', Schemas.OPTIONAL_STRING, null), null);
});

test('StringConverter honours converter.encoding and rejects unknown encodings by key', () => {
  const c = make('org.apache.kafka.connect.storage.StringConverter', { 'converter.encoding': 'UTF-16BE' });
  assert.equal(hex(c.fromConnectData('t', null, 'hi')), '00680069');
  assert.equal(c.toConnectData('t', new Uint8Array([0, 0x68, 0, 0x69])).value, 'hi');
  const latin = make('org.apache.kafka.connect.storage.StringConverter', {
    'converter.encoding': 'ISO-8859-1',
  });
  assert.equal(hex(latin.fromConnectData('t', null, 'é€')), 'e93f');
  assert.throws(
    () => make('org.apache.kafka.connect.storage.StringConverter', { 'converter.encoding': 'EBCDIC' }),
    /converter\.encoding: Invalid value EBCDIC/,
  );
});

test('ByteArrayConverter passes bytes through and refuses other schemas and values', () => {
  const c = make('org.apache.kafka.connect.converters.ByteArrayConverter');
  const bytes = new Uint8Array([1, 2, 3]);
  assert.equal(c.fromConnectData('t', Schemas.BYTES, bytes), bytes);
  assert.deepEqual(c.toConnectData('t', bytes), { schema: Schemas.OPTIONAL_BYTES, value: bytes });
  assert.throws(
    () => c.fromConnectData('t', Schemas.STRING, 'x'),
    /Invalid schema type for ByteArrayConverter: STRING/,
  );
  assert.throws(
    () => c.fromConnectData('t', null, 'x'),
    /ByteArrayConverter is not compatible with objects of type string/,
  );
});

test('the numeric converters write Kafka serializer bytes, big-endian', () => {
  const cases: [string, unknown, string][] = [
    ['LongConverter', 1, '0000000000000001'],
    ['LongConverter', -2n, 'fffffffffffffffe'],
    ['IntegerConverter', 258, '00000102'],
    ['ShortConverter', -1, 'ffff'],
    ['FloatConverter', 1.5, '3fc00000'],
    ['DoubleConverter', 1.5, '3ff8000000000000'],
    ['BooleanConverter', true, '01'],
  ];
  for (const [name, value, bytes] of cases) {
    const c = make(`org.apache.kafka.connect.converters.${name}`);
    assert.equal(hex(c.fromConnectData('t', null, value as never)), bytes, name);
    assert.deepEqual(
      c.toConnectData('t', new Uint8Array(Buffer.from(bytes, 'hex'))).value,
      typeof value === 'bigint' ? -2 : value,
    );
  }
});

test('numeric converters read with optional schemas, keep large longs exact and report wrong sizes', () => {
  const long = make('org.apache.kafka.connect.converters.LongConverter');
  assert.deepEqual(long.toConnectData('t', new Uint8Array(Buffer.from('7fffffffffffffff', 'hex'))), {
    schema: Schemas.OPTIONAL_INT64,
    value: 9223372036854775807n,
  });
  assert.deepEqual(long.toConnectData('t', null), { schema: Schemas.OPTIONAL_INT64, value: null });
  assert.throws(
    () => long.toConnectData('t', new Uint8Array(3)),
    (err: Error) =>
      err instanceof DataException && /Size of data received by LongDeserializer is not 8/.test(err.message),
  );
  assert.throws(
    () => make('org.apache.kafka.connect.converters.IntegerConverter').fromConnectData('t', null, 2 ** 31),
    /Failed to serialize to integer/,
  );
  const bool = make('org.apache.kafka.connect.converters.BooleanConverter');
  assert.throws(
    () => bool.toConnectData('t', new Uint8Array([2])),
    /Unexpected byte received by BooleanDeserializer: 2/,
  );
  assert.throws(
    () => bool.fromConnectData('t', Schemas.INT8, 1),
    /Invalid schema type for BooleanConverter: INT8/,
  );
});

test('converters are found by class name or alias, and an unknown class lists the known ones', () => {
  assert.equal(converterClassNames().length, 12);
  assert.ok(converterByClass('JsonConverter'));
  assert.ok(converterByClass('StringConverter'));
  assert.throws(
    () => converterByClass('com.example.AvroConverter'),
    /Converter class com\.example\.AvroConverter could not be found\. Known converters: org\.apache\.kafka\.connect\.storage\.StringConverter, /,
  );
});
