// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${topic} is table.name.format's placeholder, not a template.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  type ConnectValue,
  dateSchema,
  decimalSchema,
  Schemas,
  Struct,
  structSchema,
  timeSchema,
  timestampSchema,
} from '../../connect/api/index.js';
import { startTestPostgres, type TestPostgres } from '../postgres/test-postgres.fixture.js';
import { sinkRecord, startTask } from './sink-task.fixture.js';

let db: TestPostgres;
before(async () => {
  db = await startTestPostgres();
});
after(async () => {
  await db.close();
});

const person = structSchema([
  { name: 'id', schema: Schemas.INT64 },
  { name: 'name', schema: Schemas.OPTIONAL_STRING },
  { name: 'age', schema: Schemas.OPTIONAL_INT32 },
]);

function personValue(id: number, name: string | null, age: number | null = null): Struct {
  return new Struct(person).put('id', id).put('name', name).put('age', age);
}

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return db.query(sql);
}

async function columnTypes(table: string): Promise<Record<string, string>> {
  const r = await db.query<{ column_name: string; type: string; is_nullable: string }>(
    `select a.attname as column_name, format_type(a.atttypid, a.atttypmod) as type,
            case when a.attnotnull then 'NO' else 'YES' end as is_nullable
       from pg_attribute a where a.attrelid = $1::regclass and a.attnum > 0 and not a.attisdropped order by a.attnum`,
    [table],
  );
  return Object.fromEntries(
    r.map((c) => [c.column_name, `${c.type}${c.is_nullable === 'NO' ? ' not null' : ''}`]),
  );
}

test('auto.create maps every Connect type to its column type, and values arrive exactly (decimals too)', async () => {
  const schema = structSchema([
    { name: 'i8', schema: Schemas.INT8 },
    { name: 'i16', schema: Schemas.INT16 },
    { name: 'i32', schema: Schemas.INT32 },
    { name: 'i64', schema: Schemas.INT64 },
    { name: 'f32', schema: Schemas.FLOAT32 },
    { name: 'f64', schema: Schemas.FLOAT64 },
    { name: 'flag', schema: Schemas.BOOLEAN },
    { name: 'text', schema: Schemas.STRING },
    { name: 'bytes', schema: Schemas.BYTES },
    { name: 'amount', schema: decimalSchema(3) },
    {
      name: 'price',
      schema: { ...decimalSchema(2, true), parameters: { scale: '2', 'connect.decimal.precision': '10' } },
    },
    { name: 'day', schema: dateSchema() },
    { name: 'at', schema: timeSchema() },
    { name: 'ts', schema: timestampSchema() },
    { name: 'maybe', schema: Schemas.OPTIONAL_STRING },
    { name: 'defaulted', schema: { ...Schemas.OPTIONAL_INT32, defaultValue: 42 } },
    { name: 'tags', schema: { type: 'ARRAY', optional: true, valueSchema: Schemas.STRING } },
  ]);
  const value = new Struct(schema)
    .put('i8', -128)
    .put('i16', 32767)
    .put('i32', -2147483648)
    .put('i64', 9007199254740993n)
    .put('f32', 1.5)
    .put('f64', 0.1)
    .put('flag', true)
    .put('text', 'tab\there, new\nline, back\\slash, quote\' "dq"')
    .put('bytes', new Uint8Array([0, 1, 254, 255]))
    .put('amount', { unscaled: -123456789012345678901234567890n, scale: 3 })
    .put('price', { unscaled: 1999n, scale: 2 })
    .put('day', new Date(Date.UTC(2024, 1, 29)))
    .put('at', new Date(Date.UTC(1970, 0, 1, 13, 45, 30, 250)))
    .put('ts', new Date(Date.UTC(2024, 5, 1, 12, 0, 0, 123)))
    .put('maybe', null)
    .put('tags', ['a', 'b"c']);
  const sink = await startTask(db, { 'auto.create': 'true', 'table.name.format': 'all_types' });
  await sink.put([sinkRecord({ topic: 'types', value, valueSchema: schema })]);
  await sink.stop();
  assert.deepEqual(await columnTypes('all_types'), {
    i8: 'smallint not null',
    i16: 'smallint not null',
    i32: 'integer not null',
    i64: 'bigint not null',
    f32: 'real not null',
    f64: 'double precision not null',
    flag: 'boolean not null',
    text: 'text not null',
    bytes: 'bytea not null',
    amount: 'numeric(1000,3) not null',
    price: 'numeric(10,2)',
    day: 'date not null',
    at: 'time without time zone not null',
    ts: 'timestamp with time zone not null',
    maybe: 'text',
    defaulted: 'integer',
    tags: 'jsonb',
  });
  const [row] = await rows(
    `select i8, i16, i32, i64::text, f32::text, f64::text, flag, text, encode(bytes, 'hex') as bytes,
            amount::text, price::text, day::text, at::text, to_char(ts at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') as ts,
            maybe, defaulted, tags::text from all_types`,
  );
  assert.deepEqual(row, {
    i8: -128,
    i16: 32767,
    i32: -2147483648,
    i64: '9007199254740993',
    f32: '1.5',
    f64: '0.1',
    flag: true,
    text: 'tab\there, new\nline, back\\slash, quote\' "dq"',
    bytes: '0001feff',
    amount: '-123456789012345678901234567.890',
    price: '19.99',
    day: '2024-02-29',
    at: '13:45:30.25',
    ts: '2024-06-01 12:00:00.123',
    maybe: null,
    defaulted: 42,
    tags: '["a", "b\\"c"]',
  });
  const [withDefault] = await rows(
    `select column_default from information_schema.columns where table_name = 'all_types' and column_name = 'defaulted'`,
  );
  assert.equal(withDefault.column_default, '42');
});

test('insert mode appends every record (COPY), without a key', async () => {
  const sink = await startTask(db, { 'auto.create': 'true', 'table.name.format': 'plain_inserts' });
  await sink.put([
    sinkRecord({ value: personValue(1, 'ann', 30), valueSchema: person }),
    sinkRecord({ value: personValue(1, 'ann again', null), valueSchema: person }),
  ]);
  await sink.put([sinkRecord({ value: personValue(2, null), valueSchema: person })]);
  await sink.stop();
  assert.deepEqual(await rows('select id::int, name, age from plain_inserts order by id, name'), [
    { id: 1, name: 'ann', age: 30 },
    { id: 1, name: 'ann again', age: null },
    { id: 2, name: null, age: null },
  ]);
  assert.deepEqual(await columnTypes('plain_inserts'), {
    id: 'bigint not null',
    name: 'text',
    age: 'integer',
  });
});

test('upsert with a primitive record key: the last record per key wins, within a batch and across batches', async () => {
  const sink = await startTask(db, {
    'auto.create': 'true',
    'table.name.format': 'upserted',
    'insert.mode': 'upsert',
    'pk.mode': 'record_key',
    'pk.fields': 'user_id',
  });
  const r = (key: string, name: string) =>
    sinkRecord({ key, keySchema: Schemas.STRING, value: personValue(0, name), valueSchema: person });
  await sink.put([r('a', 'first'), r('b', 'bee'), r('a', 'second'), r('a', 'third')]);
  await sink.put([r('b', 'bee 2'), r('c', 'sea')]);
  await sink.stop();
  assert.deepEqual(await rows('select user_id, name from upserted order by user_id'), [
    { user_id: 'a', name: 'third' },
    { user_id: 'b', name: 'bee 2' },
    { user_id: 'c', name: 'sea' },
  ]);
  const [pk] = await rows(
    `select string_agg(a.attname, ',') as cols from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
      where i.indrelid = 'upserted'::regclass and i.indisprimary`,
  );
  assert.equal(pk.cols, 'user_id');
});

test('update mode changes rows that exist and leaves the rest alone', async () => {
  await db.query('create table updated (id bigint primary key, name text, age int)');
  await db.query("insert into updated values (1, 'one', 1), (2, 'two', 2)");
  const sink = await startTask(db, {
    'table.name.format': 'updated',
    'insert.mode': 'update',
    'pk.mode': 'record_value',
    'pk.fields': 'id',
  });
  await sink.put([
    sinkRecord({ value: personValue(2, 'TWO', 22), valueSchema: person }),
    sinkRecord({ value: personValue(3, 'three', 3), valueSchema: person }),
    sinkRecord({ value: personValue(2, 'TWO again', null), valueSchema: person }),
  ]);
  await sink.stop();
  assert.deepEqual(await rows('select id::int, name, age from updated order by id'), [
    { id: 1, name: 'one', age: 1 },
    { id: 2, name: 'TWO again', age: null },
  ]);
});

test('pk.mode=kafka keys rows by topic, partition and offset, so a redelivered batch is not doubled', async () => {
  const sink = await startTask(db, {
    'auto.create': 'true',
    'table.name.format': 'by_offset',
    'insert.mode': 'upsert',
    'pk.mode': 'kafka',
  });
  const batch = [
    sinkRecord({
      topic: 'clicks',
      partition: 0,
      offset: 10,
      value: personValue(1, 'x'),
      valueSchema: person,
    }),
    sinkRecord({
      topic: 'clicks',
      partition: 1,
      offset: 10,
      value: personValue(2, 'y'),
      valueSchema: person,
    }),
  ];
  await sink.put(batch);
  await sink.put(batch);
  await sink.stop();
  assert.deepEqual(
    await rows(
      'select __connect_topic, __connect_partition, __connect_offset::int, id::int from by_offset order by 2',
    ),
    [
      { __connect_topic: 'clicks', __connect_partition: 0, __connect_offset: 10, id: 1 },
      { __connect_topic: 'clicks', __connect_partition: 1, __connect_offset: 10, id: 2 },
    ],
  );
  assert.deepEqual(await columnTypes('by_offset'), {
    __connect_topic: 'text not null',
    __connect_partition: 'integer not null',
    __connect_offset: 'bigint not null',
    id: 'bigint not null',
    name: 'text',
    age: 'integer',
  });
});

test('pk.mode=kafka takes its three column names from pk.fields', async () => {
  const sink = await startTask(db, {
    'auto.create': 'true',
    'table.name.format': 'by_offset_named',
    'pk.mode': 'kafka',
    'pk.fields': 't,p,o',
  });
  await sink.put([
    sinkRecord({ topic: 'x', partition: 3, offset: 7, value: personValue(1, 'a'), valueSchema: person }),
  ]);
  await sink.stop();
  assert.deepEqual(await rows('select t, p, o::int from by_offset_named'), [{ t: 'x', p: 3, o: 7 }]);
});

test('pk.mode=record_key with a struct key uses all its fields, which win over value fields of the same name', async () => {
  const keySchema = structSchema([
    { name: 'region', schema: Schemas.STRING },
    { name: 'id', schema: Schemas.INT64 },
  ]);
  const sink = await startTask(db, {
    'auto.create': 'true',
    'table.name.format': 'by_struct_key',
    'insert.mode': 'upsert',
    'pk.mode': 'record_key',
  });
  const r = (region: string, id: number, name: string) =>
    sinkRecord({
      key: new Struct(keySchema).put('region', region).put('id', id),
      keySchema,
      value: personValue(999, name),
      valueSchema: person,
    });
  await sink.put([r('eu', 1, 'a'), r('us', 1, 'b'), r('eu', 1, 'c')]);
  await sink.stop();
  assert.deepEqual(await rows('select region, id::int, name from by_struct_key order by region'), [
    { region: 'eu', id: 1, name: 'c' },
    { region: 'us', id: 1, name: 'b' },
  ]);
  assert.deepEqual(Object.keys(await columnTypes('by_struct_key')), ['region', 'id', 'name', 'age']);
});

test('pk.mode=record_value takes the named value fields as the key; fields.whitelist limits the other columns', async () => {
  const sink = await startTask(db, {
    'auto.create': 'true',
    'table.name.format': 'by_value_key',
    'insert.mode': 'upsert',
    'pk.mode': 'record_value',
    'pk.fields': 'id',
    'fields.whitelist': 'name',
  });
  await sink.put([
    sinkRecord({ value: personValue(1, 'a', 10), valueSchema: person }),
    sinkRecord({ value: personValue(1, 'b', 20), valueSchema: person }),
  ]);
  await sink.stop();
  assert.deepEqual(await columnTypes('by_value_key'), { id: 'bigint not null', name: 'text' });
  assert.deepEqual(await rows('select id::int, name from by_value_key'), [{ id: 1, name: 'b' }]);
});

test('pk.mode=record_value without pk.fields keys on every value field', async () => {
  const sink = await startTask(db, {
    'auto.create': 'true',
    'table.name.format': 'all_value_key',
    'insert.mode': 'upsert',
    'pk.mode': 'record_value',
  });
  const pair = structSchema([
    { name: 'a', schema: Schemas.INT32 },
    { name: 'b', schema: Schemas.STRING },
  ]);
  const v = (a: number, b: string) => new Struct(pair).put('a', a).put('b', b);
  await sink.put([
    sinkRecord({ value: v(1, 'x'), valueSchema: pair }),
    sinkRecord({ value: v(1, 'x'), valueSchema: pair }),
    sinkRecord({ value: v(1, 'y'), valueSchema: pair }),
  ]);
  await sink.stop();
  assert.deepEqual(await rows('select a, b from all_value_key order by b'), [
    { a: 1, b: 'x' },
    { a: 1, b: 'y' },
  ]);
});

test('schemaless JSON records: auto.create infers columns (jsonb for nested values), auto.evolve adds new ones', async () => {
  const sink = await startTask(db, {
    'auto.create': 'true',
    'auto.evolve': 'true',
    'table.name.format': 'json_events',
    'insert.mode': 'upsert',
    'pk.mode': 'record_key',
    'pk.fields': 'id',
  });
  await sink.put([
    sinkRecord({
      key: 'k1',
      value: new Map<string, ConnectValue>([
        ['count', 3],
        ['ratio', 0.5],
        ['ok', true],
        ['label', 'hello'],
        ['at', '2024-03-01T10:15:30.5Z'],
        ['big', 1234567890123456789n],
        [
          'nested',
          new Map<string, ConnectValue>([
            ['a', 1],
            ['b', [1, 2, { c: null }]],
          ]),
        ],
        ['list', ['x', 'y']],
        ['nothing', null],
      ]),
    }),
    // Whole and fractional numbers in one column: double precision.
    sinkRecord({
      key: 'k2',
      value: { count: 4, ratio: 2, ok: false, label: 'x', at: '2024-03-01 11:00:00+02:00' },
    }),
  ]);
  assert.deepEqual(await columnTypes('json_events'), {
    id: 'text not null',
    count: 'bigint',
    ratio: 'double precision',
    ok: 'boolean',
    label: 'text',
    at: 'timestamp with time zone',
    big: 'bigint',
    nested: 'jsonb',
    list: 'jsonb',
    nothing: 'text',
  });
  await sink.put([sinkRecord({ key: 'k3', value: { count: 5, extra: { deep: true }, more: 'new' } })]);
  await sink.stop();
  assert.deepEqual(
    await rows(
      `select id, count::int, ratio, ok, label, to_char(at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') as at, big::text,
              nested::text, list::text, extra::text, more from json_events order by id`,
    ),
    [
      {
        id: 'k1',
        count: 3,
        ratio: 0.5,
        ok: true,
        label: 'hello',
        at: '2024-03-01 10:15:30.500',
        big: '1234567890123456789',
        nested: '{"a": 1, "b": [1, 2, {"c": null}]}',
        list: '["x", "y"]',
        extra: null,
        more: null,
      },
      {
        id: 'k2',
        count: 4,
        ratio: 2,
        ok: false,
        label: 'x',
        at: '2024-03-01 09:00:00.000',
        big: null,
        nested: null,
        list: null,
        extra: null,
        more: null,
      },
      {
        id: 'k3',
        count: 5,
        ratio: null,
        ok: null,
        label: null,
        at: null,
        big: null,
        nested: null,
        list: null,
        extra: '{"deep": true}',
        more: 'new',
      },
    ],
  );
  assert.equal((await columnTypes('json_events')).extra, 'jsonb');
});

test('without auto.create or auto.evolve the records that need them fail, naming the table and the columns', async () => {
  await db.query('create table fixed_cols (id bigint, name text)');
  const sink = await startTask(db, { 'table.name.format': '${topic}' }, { reporter: true });
  await sink.put([
    sinkRecord({ topic: 'no_such_table', value: personValue(1, 'a'), valueSchema: person }),
    sinkRecord({ topic: 'fixed_cols', value: personValue(2, 'b', 5), valueSchema: person }),
    sinkRecord({ topic: 'fixed_cols', value: { id: 3, name: 'c' } }),
  ]);
  await sink.stop();
  assert.deepEqual(
    sink.reported.map((r) => r.error.message),
    [
      'Cannot write record no_such_table-0@' +
        sink.reported[0].record.kafkaOffset +
        ' to table no_such_table: Table no_such_table does not exist and auto.create is disabled.',
      'Cannot write record fixed_cols-0@' +
        sink.reported[1].record.kafkaOffset +
        ' to table fixed_cols: Table fixed_cols has no column(s) age and auto.evolve is disabled.',
    ],
  );
  assert.deepEqual(await rows('select id::int, name from fixed_cols'), [{ id: 3, name: 'c' }]);
});

test('tombstones delete by key; an upsert then a delete of one key in a batch deletes it, a delete then an upsert keeps it', async () => {
  const sink = await startTask(db, {
    'auto.create': 'true',
    'table.name.format': 'with_deletes',
    'insert.mode': 'upsert',
    'pk.mode': 'record_key',
    'pk.fields': 'k',
    'delete.enabled': 'true',
  });
  const up = (key: string, name: string) =>
    sinkRecord({ key, keySchema: Schemas.STRING, value: personValue(1, name), valueSchema: person });
  const tombstone = (key: string) => sinkRecord({ key, keySchema: Schemas.STRING, value: null });
  await sink.put([up('a', 'a1'), up('b', 'b1'), up('c', 'c1'), up('d', 'd1')]);
  await sink.put([
    up('a', 'a2'),
    tombstone('a'),
    tombstone('b'),
    up('b', 'b2'),
    tombstone('c'),
    up('e', 'e1'),
    tombstone('e'),
    tombstone('zz'),
  ]);
  await sink.stop();
  assert.deepEqual(await rows('select k, name from with_deletes order by k'), [
    { k: 'b', name: 'b2' },
    { k: 'd', name: 'd1' },
  ]);
});

test('insert mode with deletes keeps the order of inserts and deletes of a key', async () => {
  const sink = await startTask(db, {
    'auto.create': 'true',
    'table.name.format': 'insert_deletes',
    'pk.mode': 'record_key',
    'pk.fields': 'k',
    'delete.enabled': 'true',
  });
  const ins = (key: string, name: string) =>
    sinkRecord({ key, keySchema: Schemas.STRING, value: personValue(1, name), valueSchema: person });
  const tombstone = (key: string) => sinkRecord({ key, keySchema: Schemas.STRING, value: null });
  await sink.put([ins('a', 'first'), tombstone('a'), ins('a', 'second'), ins('b', 'b'), tombstone('b')]);
  await sink.stop();
  assert.deepEqual(await rows('select k, name from insert_deletes'), [{ k: 'a', name: 'second' }]);
});

test('a tombstone on a table that does not exist yet deletes nothing and creates nothing', async () => {
  const sink = await startTask(db, {
    'auto.create': 'true',
    'table.name.format': 'never_created',
    'insert.mode': 'upsert',
    'pk.mode': 'record_key',
    'pk.fields': 'k',
    'delete.enabled': 'true',
  });
  await sink.put([sinkRecord({ key: 'a', keySchema: Schemas.STRING, value: null })]);
  await sink.stop();
  assert.deepEqual(await rows("select to_regclass('never_created') as t"), [{ t: null }]);
});

test('unwritable records go to the errant record reporter and the rest of the batch is written', async () => {
  await db.query(
    'create table strict_people (id bigint primary key, name text not null, age int check (age >= 0))',
  );
  const sink = await startTask(
    db,
    {
      'table.name.format': 'strict_people',
      'insert.mode': 'upsert',
      'pk.mode': 'record_value',
      'pk.fields': 'id',
    },
    { reporter: true },
  );
  // Enough rows for the staging table path; the careful pass halves them down to VALUES statements.
  const good = Array.from({ length: 240 }, (_, i) =>
    sinkRecord({ value: { id: i + 1, name: `p${i + 1}`, age: i } }),
  );
  const badType = sinkRecord({ value: { id: 1000, name: 'typo', age: 'forty' } });
  const badCheck = sinkRecord({ value: { id: 1001, name: 'negative', age: -1 } });
  const badNull = sinkRecord({ value: { id: 1002, name: null, age: 1 } });
  const notAStruct = sinkRecord({ value: 'just text' });
  const tombstone = sinkRecord({ value: null });
  const batch = [
    ...good.slice(0, 10),
    badType,
    ...good.slice(10, 25),
    badCheck,
    notAStruct,
    badNull,
    tombstone,
    ...good.slice(25),
  ];
  await sink.put(batch);
  await sink.stop();
  const reported = new Map(sink.reported.map((r) => [r.record.kafkaOffset, r.error.message]));
  assert.deepEqual(
    [...reported.keys()].sort(),
    [badType, badCheck, notAStruct, badNull, tombstone].map((r) => r.kafkaOffset).sort(),
  );
  assert.match(
    reported.get(badType.kafkaOffset)!,
    /to table strict_people: invalid input syntax for type integer: "forty" \(SQLSTATE 22P02\)/,
  );
  assert.match(reported.get(badCheck.kafkaOffset)!, /violates check constraint .*\(SQLSTATE 23514\)/);
  assert.match(reported.get(badNull.kafkaOffset)!, /null value in column "name".*\(SQLSTATE 23502\)/);
  assert.match(reported.get(notAStruct.kafkaOffset)!, /must be a struct or a map of fields, not string/);
  assert.match(reported.get(tombstone.kafkaOffset)!, /tombstone .* delete\.enabled=false/);
  assert.deepEqual(
    (await rows('select id::int from strict_people order by id')).map((r) => r.id),
    Array.from({ length: 240 }, (_, i) => i + 1),
  );
});

test('without a reporter an unwritable record fails the task naming table, record and error, and nothing of the batch is written', async () => {
  await db.query('create table all_or_nothing (id bigint primary key, n int)');
  const sink = await startTask(db, { 'table.name.format': 'all_or_nothing' });
  const bad = sinkRecord({ topic: 'orders', partition: 2, offset: 41, value: { id: 2, n: 'NaN?' } });
  await assert.rejects(
    sink.put([sinkRecord({ value: { id: 1, n: 1 } }), bad, sinkRecord({ value: { id: 3, n: 3 } })]),
    (err: Error) => {
      assert.equal(
        err.message,
        'Cannot write record orders-2@41 to table all_or_nothing: invalid input syntax for type integer: "NaN?" (SQLSTATE 22P02)',
      );
      return true;
    },
  );
  await sink.stop();
  assert.deepEqual(await rows('select * from all_or_nothing'), []);
});

test('insert mode: a key inserted twice in one batch fails the second record only, as one-by-one inserts would', async () => {
  await db.query('create table unique_ids (id bigint primary key, name text)');
  const sink = await startTask(db, { 'table.name.format': 'unique_ids' }, { reporter: true });
  const second = sinkRecord({ value: { id: 1, name: 'second' } });
  await sink.put([
    sinkRecord({ value: { id: 1, name: 'first' } }),
    second,
    sinkRecord({ value: { id: 2, name: 'two' } }),
  ]);
  await sink.stop();
  assert.deepEqual(
    sink.reported.map((r) => r.record),
    [second],
  );
  assert.match(
    sink.reported[0].error.message,
    /duplicate key value violates unique constraint.*Key \(id\)=\(1\) already exists/,
  );
  assert.deepEqual(await rows('select id::int, name from unique_ids order by id'), [
    { id: 1, name: 'first' },
    { id: 2, name: 'two' },
  ]);
});

test('upsert: when the last record for a key is unwritable, the one before it is written', async () => {
  await db.query('create table fallback (id bigint primary key, n int)');
  const sink = await startTask(
    db,
    {
      'table.name.format': 'fallback',
      'insert.mode': 'upsert',
      'pk.mode': 'record_value',
      'pk.fields': 'id',
    },
    { reporter: true },
  );
  const bad = sinkRecord({ value: { id: 1, n: 'x' } });
  await sink.put([sinkRecord({ value: { id: 1, n: 1 } }), sinkRecord({ value: { id: 2, n: 2 } }), bad]);
  await sink.stop();
  assert.deepEqual(
    sink.reported.map((r) => r.record),
    [bad],
  );
  assert.deepEqual(await rows('select id::int, n from fallback order by id'), [
    { id: 1, n: 1 },
    { id: 2, n: 2 },
  ]);
});

test('statements are cut at 65535 parameters (update mode, 8 columns × 20,000 rows)', async () => {
  const wide = structSchema(
    Array.from({ length: 8 }, (_, i) => ({ name: `c${i}`, schema: i === 0 ? Schemas.INT64 : Schemas.INT32 })),
  );
  await db.query(
    'create table many_params as select g::bigint as c0, 0 as c1, 0 as c2, 0 as c3, 0 as c4, 0 as c5, 0 as c6, 0 as c7 from generate_series(0, 19999) g',
  );
  const sink = await startTask(db, {
    'table.name.format': 'many_params',
    'insert.mode': 'update',
    'pk.mode': 'record_value',
    'pk.fields': 'c0',
    'batch.size': '100000',
  });
  // 160,000 parameters: three statements.
  const records = Array.from({ length: 20_000 }, (_, n) => {
    const s = new Struct(wide);
    for (let i = 0; i < 8; i++) s.put(`c${i}`, i === 0 ? n : i);
    return sinkRecord({ value: s, valueSchema: wide });
  });
  await sink.put(records);
  await sink.stop();
  assert.deepEqual(await rows('select count(*)::int as n, sum(c7)::int as s from many_params'), [
    { n: 20_000, s: 140_000 },
  ]);
});

test('large upserts go through a staging table: the last record per key wins, batch after batch', async () => {
  const sink = await startTask(db, {
    'auto.create': 'true',
    'table.name.format': 'staged',
    'insert.mode': 'upsert',
    'pk.mode': 'record_value',
    'pk.fields': 'id',
  });
  const round = (r: number) =>
    Array.from({ length: 300 }, (_, n) =>
      sinkRecord({
        value: personValue(n % 100, `round ${r} pass ${Math.floor(n / 100)}`, n),
        valueSchema: person,
      }),
    );
  await sink.put(round(1));
  await sink.put(round(2));
  await sink.stop();
  assert.deepEqual(
    await rows(
      "select count(*)::int as n, count(*) filter (where name = 'round 2 pass 2')::int as last from staged",
    ),
    [{ n: 100, last: 100 }],
  );
  assert.deepEqual(await rows('select age from staged where id = 7'), [{ age: 207 }]);
});

test('batch.size caps the rows of one write: each write is its own transaction', async () => {
  const sink = await startTask(db, {
    'auto.create': 'true',
    'table.name.format': 'capped',
    'batch.size': '10',
  });
  await sink.put(Array.from({ length: 25 }, (_, i) => sinkRecord({ value: { id: i } })));
  await sink.stop();
  assert.deepEqual(
    await rows('select count(*)::int as n, count(distinct xmin::text)::int as transactions from capped'),
    [{ n: 25, transactions: 3 }],
  );
});

test('table.name.format with a schema, and quote.sql.identifiers=never folds names to lower case', async () => {
  await db.query('create schema sales');
  const sink = await startTask(db, {
    'auto.create': 'true',
    'table.name.format': 'sales.Kafka_${topic}',
    'quote.sql.identifiers': 'never',
  });
  await sink.put([sinkRecord({ topic: 'Orders', value: { OrderId: 7, Item: 'pen' } })]);
  await sink.stop();
  assert.deepEqual(await rows('select orderid::int, item from sales.kafka_orders'), [
    { orderid: 7, item: 'pen' },
  ]);

  const quoted = await startTask(db, { 'auto.create': 'true', 'table.name.format': 'sales.Kafka_${topic}' });
  await quoted.put([sinkRecord({ topic: 'Orders', value: { OrderId: 8 } })]);
  await quoted.stop();
  assert.deepEqual(await rows('select "OrderId"::int from sales."Kafka_Orders"'), [{ OrderId: 8 }]);
});

test('db.timezone: timestamps land in timestamp columns as wall-clock time of that zone, and exact in timestamptz', async () => {
  await db.query('create table zoned (id int, local_ts timestamp, exact_ts timestamptz)');
  const schema = structSchema([
    { name: 'id', schema: Schemas.INT32 },
    { name: 'local_ts', schema: timestampSchema() },
    { name: 'exact_ts', schema: timestampSchema() },
  ]);
  const instant = new Date(Date.UTC(2024, 6, 1, 12, 0, 0));
  const value = (id: number) =>
    new Struct(schema).put('id', id).put('local_ts', instant).put('exact_ts', instant);
  const paris = await startTask(db, { 'table.name.format': 'zoned', 'db.timezone': 'Europe/Paris' });
  await paris.put([sinkRecord({ value: value(1), valueSchema: schema })]);
  await paris.stop();
  const utc = await startTask(db, { 'table.name.format': 'zoned' });
  await utc.put([sinkRecord({ value: value(2), valueSchema: schema })]);
  await utc.stop();
  assert.deepEqual(
    await rows(
      `select id, local_ts::text, to_char(exact_ts at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as exact from zoned order by id`,
    ),
    [
      { id: 1, local_ts: '2024-07-01 14:00:00', exact: '2024-07-01 12:00' },
      { id: 2, local_ts: '2024-07-01 12:00:00', exact: '2024-07-01 12:00' },
    ],
  );
});

test('a column dropped behind the cached description is described again and added back', async () => {
  const sink = await startTask(db, {
    'auto.create': 'true',
    'auto.evolve': 'true',
    'table.name.format': 'changing',
  });
  await sink.put([sinkRecord({ value: { id: 1, note: 'a' } })]);
  await db.query('alter table changing drop column note');
  await sink.put([sinkRecord({ value: { id: 2, note: 'b' } })]);
  await sink.stop();
  assert.ok(sink.logs.includes('INFO Added column(s) note to table changing'));
  assert.deepEqual(await rows('select id::int, note from changing order by id'), [
    { id: 1, note: null },
    { id: 2, note: 'b' },
  ]);
});
