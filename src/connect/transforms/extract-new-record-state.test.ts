import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Schema, Schemas, Struct, structSchema } from '../api/index.js';
import { record, transform } from './test-records.fixture.js';

const UNWRAP = 'io.debezium.transforms.ExtractNewRecordState';

const row = structSchema(
  [
    { name: 'id', schema: Schemas.INT32 },
    { name: 'name', schema: Schemas.OPTIONAL_STRING },
  ],
  { name: 'pg.public.customers.Value', optional: true },
);
const source = structSchema(
  [
    { name: 'table', schema: Schemas.STRING },
    { name: 'lsn', schema: Schemas.OPTIONAL_INT64 },
  ],
  { name: 'io.debezium.connector.postgresql.Source' },
);
const envelope: Schema = structSchema(
  [
    { name: 'before', schema: row },
    { name: 'after', schema: row },
    { name: 'source', schema: source },
    { name: 'op', schema: Schemas.STRING },
    { name: 'ts_ms', schema: Schemas.OPTIONAL_INT64 },
  ],
  { name: 'pg.public.customers.Envelope' },
);

function change(op: string, before: Struct | null, after: Struct | null) {
  const value = new Struct(envelope)
    .put('before', before)
    .put('after', after)
    .put('source', new Struct(source).put('table', 'customers').put('lsn', 42n))
    .put('op', op)
    .put('ts_ms', 1_700_000_000_000n);
  return record({ topic: 'pg.public.customers', key: 1, valueSchema: envelope, value });
}

const customer = (name: string) => new Struct(row).put('id', 1).put('name', name);

test('a create or update becomes its after state, with the after schema', () => {
  const t = transform(UNWRAP);
  const out = t.apply(change('u', customer('old'), customer('new')))!;
  assert.equal(out.valueSchema, row);
  assert.equal((out.value as Struct).get('name'), 'new');
  assert.equal(out.key, 1);
});

test('by default a delete becomes a tombstone and the tombstone that follows is dropped', () => {
  const t = transform(UNWRAP);
  const deleted = t.apply(change('d', customer('gone'), null))!;
  assert.equal(deleted.value, null);
  assert.equal(deleted.key, 1);
  assert.equal(t.apply(record({ key: 1, value: null })), null);
});

test('the older settings keep their meaning: drop, none, and drop.tombstones=false', () => {
  const drop = transform(UNWRAP, { 'delete.handling.mode': 'drop' });
  assert.equal(drop.apply(change('d', customer('gone'), null)), null);
  assert.equal(drop.apply(record({ value: null })), null);
  const keep = transform(UNWRAP, { 'delete.handling.mode': 'none', 'drop.tombstones': 'false' });
  assert.equal(keep.apply(change('d', customer('gone'), null))!.value, null);
  assert.notEqual(keep.apply(record({ value: null })), null, 'tombstones kept');
});

test('rewrite turns a delete into its before state with __deleted, and add.fields copies metadata', () => {
  const t = transform(UNWRAP, {
    'delete.tombstone.handling.mode': 'rewrite',
    'add.fields': 'op,table,source.lsn',
  });
  const out = t.apply(change('d', customer('gone'), null))!;
  const value = out.value as Struct;
  assert.deepEqual(
    out.valueSchema?.fields?.map((f) => f.name),
    ['id', 'name', '__op', '__table', '__source_lsn', '__deleted'],
  );
  assert.equal(value.get('name'), 'gone');
  assert.equal(value.get('__op'), 'd');
  assert.equal(value.get('__table'), 'customers');
  assert.equal(value.get('__source_lsn'), 42n);
  assert.equal(value.get('__deleted'), 'true');
  const created = t.apply(change('c', null, customer('new')))!.value as Struct;
  assert.equal(created.get('__deleted'), 'false');
  assert.equal(t.apply(record({ value: null })), null);
});

test('schemaless envelopes (JSON without schemas) unwrap too; other values pass unchanged', () => {
  const t = transform(UNWRAP, { 'add.headers': 'op' });
  const out = t.apply(
    record({ value: { before: null, after: { id: 7, name: 'x' }, op: 'c', source: { table: 't' } } }),
  )!;
  assert.deepEqual(out.value, { id: 7, name: 'x' });
  assert.deepEqual(
    out.headers.map((h) => [h.key, h.value]),
    [['__op', 'c']],
  );
  const plain = record({ value: { id: 7 } });
  assert.equal(t.apply(plain), plain);
});

test('an unknown handling mode is refused when configured', () => {
  assert.throws(
    () => transform(UNWRAP, { 'delete.tombstone.handling.mode': 'keep' }),
    /delete\.tombstone\.handling\.mode/,
  );
});
