import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Schemas, Struct, structSchema } from '../api/index.js';
import { predicateByClass } from './registry.js';
import { fieldNames, record, transform } from './test-records.fixture.js';

test('RegexRouter rewrites a wholly matching topic with Java replaceFirst groups', () => {
  const t = transform('RegexRouter', { regex: '(.*)-(\\d+)', replacement: '$1_v$2' });
  assert.equal(t.apply(record({ topic: 'orders-12' }))?.topic, 'orders_v12');
  assert.equal(t.apply(record({ topic: 'orders' }))?.topic, 'orders');
  const documented = transform('RegexRouter', { regex: '([^.]+)\\.([^.]+)\\.([^.]+)', replacement: '$3' });
  assert.equal(documented.apply(record({ topic: 'server.db.table' }))?.topic, 'table');
  const literal = transform('RegexRouter', { regex: 'a(b)', replacement: '\\$1-$1' });
  assert.equal(literal.apply(record({ topic: 'ab' }))?.topic, '$1-b');
  assert.throws(
    () => transform('RegexRouter', { regex: '(', replacement: 'x' }),
    /regex: Invalid value \( for configuration regex: Invalid regex/,
  );
});

test('InsertHeader adds a header whose schema is inferred from the literal', () => {
  const t = transform('InsertHeader', { header: 'source', 'value.literal': 'db1' });
  const out = t.apply(record({ headers: [{ key: 'a', schema: null, value: 1 }] }));
  assert.deepEqual(out?.headers, [
    { key: 'a', schema: null, value: 1 },
    { key: 'source', schema: Schemas.STRING, value: 'db1' },
  ]);
  assert.deepEqual(
    transform('InsertHeader', { header: 'n', 'value.literal': '42' }).apply(record())?.headers[0].schema,
    Schemas.INT8,
  );
});

test('DropHeaders removes every header with a listed name', () => {
  const t = transform('DropHeaders', { headers: 'a,b' });
  const headers = ['a', 'c', 'b', 'a'].map((key) => ({ key, schema: null, value: key }));
  assert.deepEqual(
    t.apply(record({ headers }))?.headers.map((h) => h.key),
    ['c'],
  );
});

test('HeaderFrom copies or moves fields into headers, carrying field schemas', () => {
  const schema = structSchema([
    { name: 'id', schema: Schemas.INT64 },
    { name: 'tenant', schema: Schemas.STRING },
  ]);
  const value = new Struct(schema).put('id', 1).put('tenant', 'acme');
  const moved = transform('HeaderFrom$Value', {
    fields: 'tenant',
    headers: 'x-tenant',
    operation: 'move',
  }).apply(record({ valueSchema: schema, value }));
  assert.deepEqual(moved?.headers, [{ key: 'x-tenant', schema: Schemas.STRING, value: 'acme' }]);
  assert.deepEqual(fieldNames(moved?.valueSchema ?? null), ['id']);
  const copied = transform('HeaderFrom$Value', { fields: 'a', headers: 'h', operation: 'copy' }).apply(
    record({ value: { a: 1, b: 2 } }),
  );
  assert.deepEqual(
    [copied?.value, copied?.headers],
    [{ a: 1, b: 2 }, [{ key: 'h', schema: null, value: 1 }]],
  );
  assert.throws(
    () => transform('HeaderFrom$Value', { fields: 'a,b', headers: 'h', operation: 'copy' }),
    /'fields' config must have the same number of elements as 'headers' config\./,
  );
});

test('the predicates match topic names wholly, header keys and tombstones', () => {
  const topic = predicateByClass('org.apache.kafka.connect.transforms.predicates.TopicNameMatches');
  topic.configure({ pattern: 'ord.*' });
  assert.deepEqual(
    [topic.test(record({ topic: 'orders' })), topic.test(record({ topic: 'xorders' }))],
    [true, false],
  );
  const header = predicateByClass('HasHeaderKey');
  header.configure({ name: 'h' });
  assert.equal(header.test(record({ headers: [{ key: 'h', schema: null, value: null }] })), true);
  const tombstone = predicateByClass('RecordIsTombstone');
  tombstone.configure({});
  assert.deepEqual(
    [tombstone.test(record({ value: null })), tombstone.test(record({ value: 1 }))],
    [true, false],
  );
});
