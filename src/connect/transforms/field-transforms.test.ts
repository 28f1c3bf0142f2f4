import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ConfigException,
  DataException,
  LOGICAL,
  type Schema,
  Schemas,
  Struct,
  structSchema,
} from '../api/index.js';
import { fieldNames, record, sinkRecord, transform } from './test-records.fixture.js';

const person = structSchema(
  [
    { name: 'id', schema: Schemas.INT64 },
    { name: 'name', schema: Schemas.STRING },
    { name: 'ssn', schema: Schemas.OPTIONAL_STRING },
    { name: 'age', schema: Schemas.OPTIONAL_INT32 },
  ],
  { name: 'com.example.Person', version: 1 },
);
function structOf(value: unknown): Struct {
  assert.ok(value instanceof Struct);
  return value;
}

const ann = () => new Struct(person).put('id', 1).put('name', 'Ann').put('ssn', '123-45').put('age', 75);

test('InsertField adds topic, partition, timestamp and a static field to a schemaless value', () => {
  const t = transform('InsertField$Value', {
    'topic.field': 'topic',
    'partition.field': 'partition',
    'timestamp.field': 'ts',
    'static.field': 'source',
    'static.value': 'db1',
  });
  const out = t.apply(record({ value: { id: 1 } }));
  assert.deepEqual(out?.value, {
    id: 1,
    topic: 'orders',
    partition: 0,
    ts: 1_700_000_000_000,
    source: 'db1',
  });
});

test('InsertField extends a struct schema, with ! making a field required and the timestamp a Timestamp', () => {
  const t = transform('InsertField$Value', { 'topic.field': 'topic!', 'timestamp.field': 'ts' });
  const out = t.apply(record({ valueSchema: person, value: ann() }));
  assert.deepEqual(fieldNames(out?.valueSchema ?? null), ['id', 'name', 'ssn', 'age', 'topic', 'ts']);
  const fields = out?.valueSchema?.fields ?? [];
  assert.equal(fields[4].schema.optional, false);
  assert.equal(fields[5].schema.name, LOGICAL.timestamp);
  assert.equal(out?.valueSchema?.name, 'com.example.Person');
  assert.deepEqual(structOf(out?.value).get('ts'), new Date(1_700_000_000_000));
});

test('InsertField passes tombstones through and inserts offsets only on sink records', () => {
  const t = transform('InsertField$Value', { 'offset.field': 'offset' });
  const tombstone = record({ value: null });
  assert.equal(t.apply(tombstone), tombstone);
  assert.deepEqual(t.apply(sinkRecord({ value: { a: 1 } }))?.value, { a: 1, offset: 42 });
  assert.throws(
    () => t.apply(record({ value: { a: 1 } })),
    /Only SinkRecord supported for \[field insertion\], found: ConnectRecord/,
  );
  assert.throws(
    () => t.apply(record({ value: 'text' })),
    /Only Map objects supported in absence of schema for \[field insertion\], found: string/,
  );
});

test('InsertField$Key works on the key and leaves the value alone', () => {
  const out = transform('InsertField$Key', { 'topic.field': 't' }).apply(
    record({ key: new Map([['k', 1]]), value: 'v' }),
  );
  assert.deepEqual(
    out?.key,
    new Map<string, unknown>([
      ['k', 1],
      ['t', 'orders'],
    ]),
  );
  assert.equal(out?.value, 'v');
});

test('ReplaceField excludes before including and renames, with or without a schema', () => {
  const t = transform('ReplaceField$Value', {
    exclude: 'ssn',
    include: 'id,name,ssn',
    renames: 'name:full_name',
  });
  assert.deepEqual(t.apply(record({ value: { id: 1, name: 'Ann', ssn: 'x', age: 75 } }))?.value, {
    id: 1,
    full_name: 'Ann',
  });
  const out = t.apply(record({ valueSchema: person, value: ann() }));
  assert.deepEqual(fieldNames(out?.valueSchema ?? null), ['id', 'full_name']);
  assert.equal(structOf(out?.value).get('full_name'), 'Ann');
});

test('ReplaceField rejects a rename without a colon, by key', () => {
  assert.throws(
    () => transform('ReplaceField$Value', { renames: 'a:b,c' }),
    (err: Error) =>
      err instanceof ConfigException &&
      err.problems[0].key === 'renames' &&
      /Invalid rename mapping: c/.test(err.message),
  );
});

test('MaskField empties fields by type, or uses the replacement for strings and numbers', () => {
  const masked = transform('MaskField$Value', { fields: 'name,ssn,age' }).apply(
    record({ valueSchema: person, value: ann() }),
  );
  const v = masked?.value as Struct;
  assert.deepEqual([v.get('id'), v.get('name'), v.get('ssn'), v.get('age')], [1, '', '', 0]);
  const replaced = transform('MaskField$Value', { fields: 'ssn,age', replacement: '9' }).apply(
    record({ value: { ssn: 'x', age: 75, flag: true } }),
  );
  assert.deepEqual(replaced?.value, { ssn: '9', age: 9, flag: true });
  assert.throws(
    () =>
      transform('MaskField$Value', { fields: 'flag', replacement: 'x' }).apply(
        record({ value: { flag: true } }),
      ),
    /Cannot mask value of type boolean with custom replacement/,
  );
  assert.throws(
    () => transform('MaskField$Value', { fields: '' }),
    /fields: Invalid value {2}for configuration fields: Empty list/,
  );
});

test('Cast changes field types with Java conversions, and casts bytes to base64 text', () => {
  const t = transform('Cast$Value', { spec: 'id:int8,name:string,age:float64,ssn:boolean' });
  const out = t.apply(record({ valueSchema: person, value: ann().put('id', 300) }));
  const v = out?.value as Struct;
  assert.equal(v.get('id'), 44); // (byte) 300
  assert.equal(v.get('age'), 75);
  assert.equal(v.get('ssn'), false);
  assert.equal(out?.valueSchema?.fields?.[0].schema.type, 'INT8');
  assert.equal(out?.valueSchema?.fields?.[3].schema.optional, true);
  const whole = transform('Cast$Value', { spec: 'string' }).apply(
    record({ valueSchema: Schemas.BYTES, value: new Uint8Array([1, 2]) }),
  );
  assert.deepEqual([whole?.valueSchema?.type, whole?.value], ['STRING', 'AQI=']);
  assert.equal(
    transform('Cast$Value', { spec: 'string' }).apply(record({ valueSchema: Schemas.FLOAT64, value: 1 }))
      ?.value,
    '1.0',
  );
});

test('Cast on schemaless maps parses text, and reports values out of range', () => {
  const t = transform('Cast$Value', { spec: 'a:int32,b:float32,c:int64' });
  assert.deepEqual(t.apply(record({ value: { a: '12', b: '1.5', c: true } }))?.value, {
    a: 12,
    b: 1.5,
    c: 1,
  });
  assert.throws(
    () => t.apply(record({ value: { a: '1.5' } })),
    /Value \(1\.5\) was out of range for requested data type/,
  );
});

test("Cast specs are checked when configured, with Kafka's messages", () => {
  assert.throws(
    () => transform('Cast$Value', { spec: 'a:bytes' }),
    /Cast transformation does not support casting to BYTES/,
  );
  assert.throws(
    () => transform('Cast$Value', { spec: 'a:varchar' }),
    /Invalid type found in casting spec: varchar/,
  );
  assert.throws(
    () => transform('Cast$Value', { spec: 'int8,a:int16' }),
    /may ony specify a single cast in their spec/,
  );
  assert.throws(
    () => transform('Cast$Value', { spec: 'int8' }).apply(record({ value: { a: 1 } })),
    /does not support casting from MAP/,
  );
});

test('ValueToKey builds the key from value fields and names a missing field', () => {
  const t = transform('ValueToKey', { fields: 'id,name' });
  const out = t.apply(record({ valueSchema: person, value: ann() }));
  assert.deepEqual(fieldNames(out?.keySchema ?? null), ['id', 'name']);
  assert.equal(structOf(out?.key).get('name'), 'Ann');
  assert.deepEqual(t.apply(record({ value: { id: 1, x: 2 } }))?.key, { id: 1, name: null });
  assert.throws(
    () => transform('ValueToKey', { fields: 'nope' }).apply(record({ valueSchema: person, value: ann() })),
    /Field does not exist: nope/,
  );
});

test('ExtractField takes one field, and with field.syntax.version=V2 a nested one', () => {
  const key = transform('ExtractField$Key', { field: 'id' }).apply(record({ keySchema: person, key: ann() }));
  assert.deepEqual([key?.keySchema, key?.key], [Schemas.INT64, 1]);
  const nested = transform('ExtractField$Value', { field: 'a.`b.c`', 'field.syntax.version': 'V2' });
  assert.equal(nested.apply(record({ value: { a: { 'b.c': 7 } } }))?.value, 7);
  assert.equal(
    transform('ExtractField$Value', { field: 'a.b' }).apply(record({ value: { 'a.b': 8 } }))?.value,
    8,
  );
  assert.throws(
    () =>
      transform('ExtractField$Value', { field: 'zip' }).apply(record({ valueSchema: person, value: ann() })),
    /Unknown field: zip/,
  );
});

test('HoistField wraps a value in a one-field struct or map', () => {
  const out = transform('HoistField$Value', { field: 'line' }).apply(
    record({ valueSchema: Schemas.STRING, value: 'hello' }),
  );
  assert.deepEqual(fieldNames(out?.valueSchema ?? null), ['line']);
  assert.equal(structOf(out?.value).get('line'), 'hello');
  assert.deepEqual(
    transform('HoistField$Key', { field: 'k' }).apply(record({ key: 5 }))?.key,
    new Map([['k', 5]]),
  );
});

test('Flatten joins nested names with the delimiter, making fields under an optional parent optional', () => {
  const address: Schema = structSchema([{ name: 'city', schema: Schemas.STRING }], { optional: true });
  const schema = structSchema([
    { name: 'id', schema: Schemas.INT64 },
    { name: 'address', schema: address },
  ]);
  const value = new Struct(schema).put('id', 1).put('address', new Struct(address).put('city', 'Oslo'));
  const out = transform('Flatten$Value', { delimiter: '_' }).apply(record({ valueSchema: schema, value }));
  assert.deepEqual(fieldNames(out?.valueSchema ?? null), ['id', 'address_city']);
  assert.equal(out?.valueSchema?.fields?.[1].schema.optional, true);
  assert.equal(structOf(out?.value).get('address_city'), 'Oslo');
  const schemaless = transform('Flatten$Value').apply(
    record({ value: { a: { b: { c: 1 } }, list: [1, { x: 2 }] } }),
  );
  assert.deepEqual(schemaless?.value, { 'a.b.c': 1, list: [1, { x: 2 }] });
});

test('SetSchemaMetadata renames the schema and rebuilds the struct on it', () => {
  const out = transform('SetSchemaMetadata$Value', {
    'schema.name': 'com.example.Human',
    'schema.version': '3',
  }).apply(record({ valueSchema: person, value: ann() }));
  assert.deepEqual([out?.valueSchema?.name, out?.valueSchema?.version], ['com.example.Human', 3]);
  assert.equal(structOf(out?.value).schema, out?.valueSchema);
  assert.throws(() => transform('SetSchemaMetadata$Value', {}), /Neither schema name nor version configured/);
  assert.throws(
    () => transform('SetSchemaMetadata$Value', { 'schema.name': 'x' }).apply(record({ value: 1 })),
    (err: Error) =>
      err instanceof DataException && err.message === 'Schema required for [updating schema metadata]',
  );
});
