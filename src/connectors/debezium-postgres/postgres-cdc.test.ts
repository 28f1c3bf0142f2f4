import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import type { SourceRecord, Struct } from '../../connect/api/index.js';
import { clientConfig } from '../postgres/connection.js';
import { startTestPostgres, type TestPostgres } from '../postgres/test-postgres.fixture.js';
import { Catalog } from './catalog.js';
import {
  cdcProps,
  confirmedFlush,
  currentWalLsn,
  dropIdleSlots,
  field,
  MemoryOffsets,
  plain,
  startTask,
  until,
} from './cdc-harness.fixture.js';
import { readCdcConfig } from './config.js';
import { CaptureFilter } from './filters.js';
import { createSlotWithSnapshot } from './replication-setup.js';
import { SnapshotReader } from './snapshot-reader.js';
import { tableSchemaOf } from './table-schema.js';
import { SlotGoneError, WalStream } from './wal-stream.js';

let db: TestPostgres;
before(async () => {
  db = await startTestPostgres();
});
afterEach(async () => {
  await dropIdleSlots(db);
});
after(async () => {
  await db?.close();
});

const ops = (records: SourceRecord[]) =>
  records.map((r) => (r.value === null ? 'tombstone' : field(r, 'op')));

test('snapshot rows (op r) then streamed inserts, updates and deletes, in Debezium envelopes', async () => {
  await db.query(`create table customers (id int primary key, name text not null, email text)`);
  await db.query(`insert into customers values (1, 'Ann', 'ann@example.com'), (2, 'Bob', null)`);
  const run = await startTask(cdcProps(db, 'shop'));
  try {
    const snapshot = await run.take(2);
    assert.deepEqual(ops(snapshot), ['r', 'r']);
    const [first, last] = snapshot;
    assert.equal(first.topic, 'shop.public.customers');
    assert.equal(first.keySchema?.name, 'shop.public.customers.Key');
    assert.deepEqual(plain(first.key), { id: 1 });
    assert.equal(first.valueSchema?.name, 'shop.public.customers.Envelope');
    assert.deepEqual(
      first.valueSchema?.fields?.map((f) => [f.name, f.schema.name ?? f.schema.type, f.schema.optional]),
      [
        ['before', 'shop.public.customers.Value', true],
        ['after', 'shop.public.customers.Value', true],
        ['source', 'io.debezium.connector.postgresql.Source', false],
        ['transaction', 'event.block', true],
        ['op', 'STRING', false],
        ['ts_ms', 'INT64', true],
        ['ts_us', 'INT64', true],
        ['ts_ns', 'INT64', true],
      ],
    );
    assert.equal(first.valueSchema?.version, 2);
    const valueFields = first.valueSchema?.fields?.[1].schema.fields ?? [];
    assert.deepEqual(
      valueFields.map((f) => [f.name, f.schema.type, f.schema.optional]),
      [
        ['id', 'INT32', false],
        ['name', 'STRING', false],
        ['email', 'STRING', true],
      ],
    );
    assert.equal(field(first, 'before'), null);
    assert.deepEqual(field(first, 'after'), { id: 1, name: 'Ann', email: 'ann@example.com' });
    const source = field(first, 'source') as Record<string, unknown>;
    assert.deepEqual(Object.keys(source), [
      'version',
      'connector',
      'name',
      'ts_ms',
      'snapshot',
      'db',
      'sequence',
      'ts_us',
      'ts_ns',
      'schema',
      'table',
      'txId',
      'lsn',
      'xmin',
      'origin',
      'origin_lsn',
    ]);
    assert.equal(source.connector, 'postgresql');
    assert.equal(source.name, 'shop');
    assert.equal(source.db, 'postgres');
    assert.equal(source.schema, 'public');
    assert.equal(source.table, 'customers');
    assert.equal(source.snapshot, 'first');
    assert.equal((field(last, 'source') as Record<string, unknown>).snapshot, 'last');
    // Debezium 3's context headers, on every record.
    assert.deepEqual(
      first.headers.map((h) => [h.key, h.key.endsWith('runId') ? typeof h.value : h.value]),
      [
        ['__debezium.context.connectorLogicalName', 'shop'],
        ['__debezium.context.taskId', '0'],
        ['__debezium.context.connectorName', 'postgresql'],
        ['__debezium.context.runId', 'string'],
      ],
    );
    assert.deepEqual(first.sourcePartition, { server: 'shop' });
    assert.equal(first.sourceOffset.snapshot, true);
    assert.equal(first.sourceOffset.last_snapshot_record, false);
    assert.equal(last.sourceOffset.last_snapshot_record, true);

    await db.query(`insert into customers values (3, 'Cy', 'cy@example.com')`);
    await db.query(`update customers set email = 'bob@example.com' where id = 2`);
    await db.query(`delete from customers where id = 1`);
    const changes = await run.take(4);
    assert.deepEqual(ops(changes), ['c', 'u', 'd', 'tombstone']);
    const [insert, update, del, tombstone] = changes;
    assert.equal(insert.topic, 'shop.public.customers');
    assert.deepEqual(plain(insert.key), { id: 3 });
    assert.equal(field(insert, 'before'), null);
    assert.deepEqual(field(insert, 'after'), { id: 3, name: 'Cy', email: 'cy@example.com' });
    const s = field(insert, 'source') as Record<string, unknown>;
    assert.equal(s.snapshot, 'false');
    assert.equal(typeof s.txId, 'number');
    assert.equal(typeof s.lsn, 'number');
    assert.equal(s.lsn, insert.sourceOffset.lsn);
    assert.equal(s.txId, insert.sourceOffset.txId);
    assert.equal(typeof insert.sourceOffset.lsn_commit, 'number');
    assert.equal(typeof insert.sourceOffset.ts_usec, 'number');
    assert.equal(insert.sourceOffset.snapshot, undefined);
    // Default replica identity: no old row on an update that keeps the key.
    assert.equal(field(update, 'before'), null);
    assert.deepEqual(field(update, 'after'), { id: 2, name: 'Bob', email: 'bob@example.com' });
    assert.deepEqual(plain(update.key), { id: 2 });
    // A delete carries the key columns of the old row; a NOT NULL column PostgreSQL did not
    // send gets Debezium's zero value, a nullable one null.
    assert.deepEqual(field(del, 'before'), { id: 1, name: '', email: null });
    assert.equal(field(del, 'after'), null);
    assert.deepEqual(plain(tombstone.key), { id: 1 });
    assert.equal(tombstone.value, null);
    assert.equal(tombstone.valueSchema, null);
    assert.equal(tombstone.topic, 'shop.public.customers');
  } finally {
    await run.stop();
  }
});

test('REPLICA IDENTITY FULL gives the whole old row; a key change is a delete, tombstone and create', async () => {
  await db.query(`create table items (id int primary key, label text, qty int not null)`);
  await db.query(`insert into items values (1, 'one', 1), (2, 'two', 2)`);
  const run = await startTask(
    cdcProps(db, 'full', { 'snapshot.mode': 'never', 'table.include.list': 'public.items' }),
  );
  try {
    await db.query(`update items set qty = 10 where id = 1`);
    await db.query(`alter table items replica identity full`);
    await db.query(`update items set qty = 20, label = 'TWO' where id = 2`);
    await db.query(`delete from items where id = 1`);
    await db.query(`update items set id = 3 where id = 2`);
    const records = await run.take(7);
    assert.deepEqual(ops(records), ['u', 'u', 'd', 'tombstone', 'd', 'tombstone', 'c']);
    assert.equal(field(records[0], 'before'), null);
    assert.deepEqual(field(records[1], 'before'), { id: 2, label: 'two', qty: 2 });
    assert.deepEqual(field(records[1], 'after'), { id: 2, label: 'TWO', qty: 20 });
    assert.deepEqual(field(records[2], 'before'), { id: 1, label: 'one', qty: 10 });
    assert.deepEqual(plain(records[4].key), { id: 2 });
    assert.deepEqual(field(records[4], 'before'), { id: 2, label: 'TWO', qty: 20 });
    assert.deepEqual(plain(records[5].key), { id: 2 });
    assert.deepEqual(plain(records[6].key), { id: 3 });
    assert.deepEqual(field(records[6], 'after'), { id: 3, label: 'TWO', qty: 20 });
    // Each side of a key change names the other key, as Debezium's headers do.
    const keyHeaders = (r: SourceRecord) =>
      r.headers.filter((h) => !h.key.startsWith('__debezium.context.')).map((h) => [h.key, h.value]);
    assert.deepEqual(keyHeaders(records[4]), [['__debezium.newkey', '{"id":3}']]);
    assert.deepEqual(keyHeaders(records[5]), [['__debezium.newkey', '{"id":3}']]);
    assert.deepEqual(keyHeaders(records[6]), [['__debezium.oldkey', '{"id":2}']]);
    assert.deepEqual(keyHeaders(records[2]), []);
  } finally {
    await run.stop();
  }
});

test("snapshot in table.include.list's order, with Debezium's markers: first, last of each table, first of the next, last", async () => {
  await db.query(`create table mark_a (id int primary key)`);
  await db.query(`create table mark_b (id int primary key)`);
  await db.query(`insert into mark_a values (1), (2), (3)`);
  await db.query(`insert into mark_b values (1), (2), (3)`);
  // Batches of two: the markers do not depend on where a batch ends.
  const run = await startTask(
    cdcProps(db, 'marks', { 'table.include.list': 'public.mark_b,public.mark_a', 'max.batch.size': '2' }),
  );
  try {
    const snapshot = await run.take(6);
    assert.deepEqual(
      snapshot.map((r) => [r.topic, (field(r, 'source') as { snapshot: string }).snapshot]),
      [
        ['marks.public.mark_b', 'first'],
        ['marks.public.mark_b', 'true'],
        ['marks.public.mark_b', 'last_in_data_collection'],
        ['marks.public.mark_a', 'first_in_data_collection'],
        ['marks.public.mark_a', 'true'],
        ['marks.public.mark_a', 'last'],
      ],
    );
  } finally {
    await run.stop();
  }
});

test('rows written while the snapshot is taken are neither lost nor doubled', async () => {
  await db.query(`create table ticks (id serial primary key, note text)`);
  await db.query(`insert into ticks (note) select 'before' from generate_series(1, 500)`);
  // Writers commit one row after another while the slot is created and the snapshot read.
  let writing = true;
  let written = 500;
  const writeRows = async () => {
    const c = await db.client();
    try {
      while (writing) {
        await c.query(`insert into ticks (note) values ('during')`);
        written++;
      }
    } finally {
      await c.end();
    }
  };
  const writer = Promise.all([writeRows(), writeRows(), writeRows()]);
  await until('the writers to start', () => written > 550);
  const run = await startTask(
    cdcProps(db, 'ticks', { 'table.include.list': 'public.ticks', 'max.batch.size': '50' }),
  );
  try {
    const early = await run.pollUntil('the snapshot and some streamed rows', (r) =>
      r.some((x) => field(x, 'op') === 'c'),
    );
    writing = false;
    await writer;
    const rest = await run.pollUntil('every row', (r) => early.length + r.length >= written);
    const all = [...early, ...rest];
    const ids = all.map((r) => (field(r, 'after') as { id: number }).id);
    assert.equal(new Set(ids).size, ids.length, 'no row twice');
    assert.equal(ids.length, written, 'every row');
    const firstChange = all.findIndex((r) => field(r, 'op') === 'c');
    assert.ok(
      all.slice(0, firstChange).every((r) => field(r, 'op') === 'r'),
      'the snapshot comes first',
    );
    assert.ok(all.slice(firstChange).every((r) => field(r, 'op') === 'c'));
    assert.ok(firstChange >= 500, 'the snapshot has at least the rows committed before the start');
  } finally {
    writing = false;
    await writer;
    await run.stop();
  }
});

test('decimal.handling.mode: precise (Decimal, VariableScaleDecimal), double and string', async () => {
  await db.query(`create table prices (id int primary key, amount numeric(10,2), free numeric, cash money)`);
  await db.query(`insert into prices values (1, 1234.5, -0.0125, 12.34)`);
  const after = async (mode: string) => {
    const run = await startTask(
      cdcProps(db, `dec_${mode}`, {
        'table.include.list': 'public.prices',
        'snapshot.mode': 'initial_only',
        'decimal.handling.mode': mode,
      }),
    );
    try {
      const [record] = await run.take(1);
      const value = (record.value as Struct).get('after') as Struct;
      return { value, schema: value.schema };
    } finally {
      await run.stop();
    }
  };
  const precise = await after('precise');
  assert.deepEqual(precise.value.get('amount'), { unscaled: 123450n, scale: 2 });
  const amountSchema = precise.schema.fields?.find((f) => f.name === 'amount')?.schema;
  assert.equal(amountSchema?.name, 'org.apache.kafka.connect.data.Decimal');
  assert.deepEqual(amountSchema?.parameters, { scale: '2', 'connect.decimal.precision': '10' });
  const free = precise.value.get('free') as Struct;
  assert.equal(free.schema.name, 'io.debezium.data.VariableScaleDecimal');
  assert.equal(free.get('scale'), 4);
  assert.deepEqual([...(free.get('value') as Uint8Array)], [0x83]); // -125
  assert.deepEqual(precise.value.get('cash'), { unscaled: 1234n, scale: 2 });

  const double = await after('double');
  assert.deepEqual(plain(double.value), { id: 1, amount: 1234.5, free: -0.0125, cash: 12.34 });
  assert.equal(double.schema.fields?.find((f) => f.name === 'amount')?.schema.type, 'FLOAT64');

  const string = await after('string');
  assert.deepEqual(plain(string.value), { id: 1, amount: '1234.50', free: '-0.0125', cash: '12.34' });
});

test('table and schema include/exclude lists choose the tables captured, in snapshot and stream', async () => {
  await db.query(`create schema inv`);
  await db.query(`create table inv.parts (id int primary key)`);
  await db.query(`create table inv.secret (id int primary key)`);
  await db.query(`create table public.other (id int primary key)`);
  await db.query(
    `insert into inv.parts values (1); insert into inv.secret values (1); insert into public.other values (1)`,
  );
  const topicsOf = (records: SourceRecord[]) => [...new Set(records.map((r) => r.topic))].sort();

  const included = await startTask(cdcProps(db, 'inc', { 'table.include.list': 'inv\\.p.*,public\\.other' }));
  try {
    const snap = await included.take(2);
    assert.deepEqual(topicsOf(snap), ['inc.inv.parts', 'inc.public.other']);
    await db.query(
      `insert into inv.secret values (2); insert into inv.parts values (2); insert into public.other values (2)`,
    );
    const streamed = await included.take(2);
    assert.deepEqual(topicsOf(streamed), ['inc.inv.parts', 'inc.public.other']);
  } finally {
    await included.stop();
  }

  const excluded = await startTask(
    cdcProps(db, 'exc', { 'schema.include.list': 'inv', 'table.exclude.list': 'inv\\.secret' }),
  );
  try {
    const snap = await excluded.take(2);
    assert.deepEqual(topicsOf(snap), ['exc.inv.parts']);
    await db.query(
      `insert into inv.secret values (3); insert into public.other values (3); insert into inv.parts values (3)`,
    );
    const streamed = await excluded.take(1);
    assert.deepEqual(topicsOf(streamed), ['exc.inv.parts']);
    assert.deepEqual(field(streamed[0], 'after'), { id: 3 });
  } finally {
    await excluded.stop();
  }
});

test('snapshot.mode=never streams only new changes; initial_only snapshots and creates no slot', async () => {
  await db.query(`create table notes (id int primary key, body text)`);
  await db.query(`insert into notes values (1, 'old')`);
  const never = await startTask(
    cdcProps(db, 'nev', { 'snapshot.mode': 'never', 'table.include.list': 'public.notes' }),
  );
  try {
    await db.query(`insert into notes values (2, 'new')`);
    const [record] = await never.take(1);
    assert.equal(field(record, 'op'), 'c');
    assert.deepEqual(field(record, 'after'), { id: 2, body: 'new' });
  } finally {
    await never.stop();
  }
  const only = await startTask(
    cdcProps(db, 'only', { 'snapshot.mode': 'initial_only', 'table.include.list': 'public.notes' }),
  );
  try {
    const records = await only.take(2);
    assert.deepEqual(ops(records), ['r', 'r']);
    await db.query(`insert into notes values (3, 'later')`);
    assert.equal(await only.task.poll(), null);
    assert.equal(await only.task.poll(), null);
    const slots = await db.query(`select 1 from pg_replication_slots where slot_name = 'slot_only'`);
    assert.equal(slots.length, 0);
  } finally {
    await only.stop();
  }
});

test('tombstones.on.delete=false emits the delete alone', async () => {
  await db.query(`create table gone (id int primary key)`);
  const run = await startTask(
    cdcProps(db, 'notomb', { 'table.include.list': 'public.gone', 'tombstones.on.delete': 'false' }),
  );
  try {
    await db.query(`insert into gone values (1)`);
    await db.query(`delete from gone where id = 1`);
    await db.query(`insert into gone values (2)`);
    const records = await run.take(3);
    assert.deepEqual(ops(records), ['c', 'd', 'c']);
  } finally {
    await run.stop();
  }
});

test('a new column (a new Relation message) changes the value schema of later events', async () => {
  await db.query(`create table evolving (id int primary key, a text)`);
  const run = await startTask(cdcProps(db, 'evo', { 'table.include.list': 'public.evolving' }));
  try {
    await db.query(`insert into evolving values (1, 'x')`);
    const [first] = await run.take(1);
    await db.query(`alter table evolving add column b int not null default 7`);
    await db.query(`insert into evolving values (2, 'y', 8)`);
    const [second] = await run.take(1);
    assert.deepEqual(field(first, 'after'), { id: 1, a: 'x' });
    assert.deepEqual(field(second, 'after'), { id: 2, a: 'y', b: 8 });
    const b = (second.value as Struct).schema.fields?.[1].schema.fields?.find((f) => f.name === 'b');
    assert.deepEqual([b?.schema.type, b?.schema.optional], ['INT32', false]);
  } finally {
    await run.stop();
  }
});

test('records the runtime never committed are delivered again after a restart; committed ones are not', async () => {
  await db.query(`create table orders (id int primary key)`);
  const offsets = new MemoryOffsets();
  const props = cdcProps(db, 'redo', { 'table.include.list': 'public.orders', 'snapshot.mode': 'never' });
  const first = await startTask(props, { offsets });
  await db.query(`insert into orders values (1)`);
  await first.take(1);
  await first.stop();
  // The next run polls but "crashes" before writing anything.
  const crashed = await startTask(props, { offsets, write: false });
  await db.query(`insert into orders values (2), (3)`);
  await db.query(`insert into orders values (4)`);
  assert.equal((await crashed.take(3)).length, 3);
  await crashed.stop();
  const again = await startTask(props, { offsets });
  try {
    const records = await again.take(3);
    assert.deepEqual(
      records.map((r) => (field(r, 'after') as { id: number }).id),
      [2, 3, 4],
    );
    assert.equal(await again.task.poll(), null);
  } finally {
    await again.stop();
  }
});

test('the snapshot reads the state the slot was exported at, not the state when reading starts', async () => {
  await db.query(`create table exported (id int primary key)`);
  await db.query(`insert into exported values (1)`);
  const props = cdcProps(db, 'exp', { 'table.include.list': 'public.exported' });
  const pgConfig = clientConfig(
    { host: db.host, port: db.port, database: db.database, user: db.user, password: db.password, ssl: false },
    'test',
  );
  await db.query(`create publication pub_exp for all tables`);
  const slot = await createSlotWithSnapshot(pgConfig, 'slot_exp');
  // Committed after the slot's consistent point, before the snapshot is read: a change to stream.
  await db.query(`insert into exported values (2)`);
  const catalog = await db.client();
  try {
    const [table] = await new Catalog(catalog).tables((id) => id.table === 'exported');
    const description = await new Catalog(catalog).describe(table.oid);
    const schema = tableSchemaOf(description!, {
      prefix: 'exp',
      filter: new CaptureFilter(readCdcConfig(props)),
      modes: readCdcConfig(props).modes,
    });
    const reader = await SnapshotReader.open(pgConfig, slot.snapshotName, [schema]);
    await slot.replication.end();
    const { rows, done } = await reader.next(10);
    await reader.close();
    assert.deepEqual(
      rows.map((r) => r.values.id),
      ['1'],
    );
    assert.equal(done, true);
  } finally {
    await catalog.end();
  }
  // Streaming from the slot gives the later row, once.
  const run = await startTask({ ...props, 'snapshot.mode': 'never' });
  try {
    const [record] = await run.take(1);
    assert.deepEqual([field(record, 'op'), field(record, 'after')], ['c', { id: 2 }]);
  } finally {
    await run.stop();
  }
});

test('a restart inside a partly written transaction resumes after its last committed record', async () => {
  await db.query(`create table batch (id int primary key)`);
  const offsets = new MemoryOffsets();
  const props = cdcProps(db, 'part', { 'table.include.list': 'public.batch', 'snapshot.mode': 'never' });
  const first = await startTask(props, { offsets, write: false });
  await db.query(`insert into batch values (1), (2), (3)`);
  const records = await first.take(3);
  // The runtime wrote and committed the first two records of the transaction only.
  for (const r of records.slice(0, 2)) first.task.commitRecord(r);
  offsets.committed.set(JSON.stringify(records[1].sourcePartition), records[1].sourceOffset);
  first.task.commit();
  await first.stop();
  assert.equal(records[1].sourceOffset.event_serial_no, 2);

  const again = await startTask(props, { offsets });
  try {
    await db.query(`insert into batch values (4)`);
    const rest = await again.take(2);
    assert.deepEqual(
      rest.map((r) => (field(r, 'after') as { id: number }).id),
      [3, 4],
    );
  } finally {
    await again.stop();
  }
});

test('temporal, text, JSON, UUID, array and enum columns read the same from the snapshot and the stream', async () => {
  await db.query(`create type mood as enum ('sad', 'ok', 'happy')`);
  await db.query(`create domain positive as int check (value > 0)`);
  await db.query(`create table kinds (
    id int primary key, d date, t time, t3 time(3), ts timestamp, ts3 timestamp(3), tstz timestamptz, ttz timetz,
    iv interval, j jsonb, u uuid, tags text[], m mood, p positive, b bytea, flag bit(1), bits varbit, big bigint,
    f real, x xml)`);
  const row = `(1, '2024-02-29', '13:14:15.123456', '13:14:15.123', '2024-02-29 13:14:15.123456',
    '2024-02-29 13:14:15.123', '2024-02-29 13:14:15.5+02', '10:00:00+02', '1 year 2 months 3 days 04:05:06.5',
    '{"a": [1, 2]}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{x,"y z",NULL}', 'happy', 5, '\\x0102', B'1', B'101',
    9007199254740993, 1.5, '<a>b</a>')`;
  await db.query(`insert into kinds values ${row}`);
  const run = await startTask(cdcProps(db, 'kinds', { 'table.include.list': 'public.kinds' }));
  try {
    const [snapshot] = await run.take(1);
    await db.query(`insert into kinds values ${row.replace('(1,', '(2,')}`);
    const [streamed] = await run.take(1);
    const expected = {
      id: 1,
      d: 19782,
      t: 47655123456,
      t3: 47655123,
      ts: 1709212455123456,
      ts3: 1709212455123,
      tstz: '2024-02-29T11:14:15.500000Z',
      ttz: '08:00:00Z',
      iv: Math.round(((14 * 365.25) / 12 + 3) * 86_400_000_000) + ((4 * 60 + 5) * 60 + 6.5) * 1_000_000,
      j: '{"a": [1, 2]}',
      u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      tags: ['x', 'y z', null],
      m: 'happy',
      p: 5,
      b: new Uint8Array([1, 2]),
      flag: true,
      bits: new Uint8Array([5]),
      big: 9007199254740993n,
      f: 1.5,
      x: '<a>b</a>',
    };
    assert.deepEqual(field(snapshot, 'after'), expected);
    assert.deepEqual(field(streamed, 'after'), { ...expected, id: 2 });
    const names = Object.fromEntries(
      ((snapshot.value as Struct).get('after') as Struct).schema.fields!.map((f) => [
        f.name,
        [f.schema.type, f.schema.name ?? null, f.schema.parameters ?? null],
      ]),
    );
    assert.deepEqual(names.d, ['INT32', 'io.debezium.time.Date', null]);
    assert.deepEqual(names.t, ['INT64', 'io.debezium.time.MicroTime', null]);
    assert.deepEqual(names.t3, ['INT32', 'io.debezium.time.Time', null]);
    assert.deepEqual(names.ts, ['INT64', 'io.debezium.time.MicroTimestamp', null]);
    assert.deepEqual(names.ts3, ['INT64', 'io.debezium.time.Timestamp', null]);
    assert.deepEqual(names.tstz, ['STRING', 'io.debezium.time.ZonedTimestamp', null]);
    assert.deepEqual(names.ttz, ['STRING', 'io.debezium.time.ZonedTime', null]);
    assert.deepEqual(names.iv, ['INT64', 'io.debezium.time.MicroDuration', null]);
    assert.deepEqual(names.j, ['STRING', 'io.debezium.data.Json', null]);
    assert.deepEqual(names.u, ['STRING', 'io.debezium.data.Uuid', null]);
    assert.deepEqual(names.tags, ['ARRAY', null, null]);
    assert.deepEqual(names.m, ['STRING', 'io.debezium.data.Enum', { allowed: 'sad,ok,happy' }]);
    assert.deepEqual(names.p, ['INT32', null, null]);
    assert.deepEqual(names.bits, ['BYTES', 'io.debezium.data.Bits', { length: '2147483647' }]);
    assert.deepEqual(names.x, ['STRING', 'io.debezium.data.Xml', null]);
  } finally {
    await run.stop();
  }
});

test('a runtime slower than the WAL holds back reading (max.queue.size) and loses nothing', async () => {
  await db.query(`create table flood (id int primary key)`);
  const run = await startTask(
    cdcProps(db, 'flood', {
      'table.include.list': 'public.flood',
      'snapshot.mode': 'never',
      'max.queue.size': '50',
      'max.batch.size': '20',
    }),
  );
  try {
    await db.query(`insert into flood select generate_series(1, 3000)`);
    await until('the buffer to fill', () => run.task.buffered >= 50);
    // Nobody polls for a while: reading must stay paused rather than buffer the whole transaction.
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(run.task.buffered <= 50, `${run.task.buffered} records buffered`);
    const records = await run.pollUntil('every row', (r) => r.length >= 3000);
    assert.deepEqual(
      records.map((r) => (field(r, 'after') as { id: number }).id),
      Array.from({ length: 3000 }, (_, i) => i + 1),
    );
  } finally {
    await run.stop();
  }
});

test('an interrupted snapshot starts over on the next start, still meeting the stream exactly', async () => {
  await db.query(`create table restock (id int primary key)`);
  await db.query(`insert into restock select generate_series(1, 5)`);
  const offsets = new MemoryOffsets();
  const props = cdcProps(db, 'restock', { 'table.include.list': 'public.restock', 'max.batch.size': '2' });
  const first = await startTask(props, { offsets });
  const partial = await first.take(2);
  assert.deepEqual(ops(partial), ['r', 'r']);
  await first.stop();
  assert.equal(offsets.committed.get(JSON.stringify({ server: 'restock' }))?.last_snapshot_record, false);
  await db.query(`insert into restock values (6)`);

  const again = await startTask(props, { offsets });
  try {
    const snapshot = await again.take(6);
    assert.deepEqual(ops(snapshot), ['r', 'r', 'r', 'r', 'r', 'r']);
    assert.equal((field(snapshot[5], 'source') as { snapshot: string }).snapshot, 'last');
    await db.query(`insert into restock values (7)`);
    const [next] = await again.take(1);
    assert.deepEqual(
      [field(next, 'op'), field(next, 'after')],
      ['c', { id: 7 }],
      'row 6 is not streamed again',
    );
  } finally {
    await again.stop();
  }
});

test('snapshot.mode=always snapshots on every start, then streams the changes not yet delivered', async () => {
  await db.query(`create table again (id int primary key)`);
  const offsets = new MemoryOffsets();
  const props = cdcProps(db, 'always', { 'table.include.list': 'public.again', 'snapshot.mode': 'always' });
  const first = await startTask(props, { offsets });
  await db.query(`insert into again values (1)`);
  assert.deepEqual(ops(await first.take(1)), ['c']);
  await first.stop();
  await db.query(`insert into again values (2)`);
  const second = await startTask(props, { offsets });
  try {
    const records = await second.take(3);
    assert.deepEqual(
      records.map((r) => [field(r, 'op'), (field(r, 'after') as { id: number }).id]),
      [
        ['r', 1],
        ['r', 2],
        ['c', 2],
      ],
    );
  } finally {
    await second.stop();
  }
});

test('after a reconnect, changes not committed by the runtime come again and the slot is confirmed past them', async () => {
  await db.query(`create table resumed (id int primary key)`);
  const offsets = new MemoryOffsets();
  const slot = 'slot_resumed';
  const props = cdcProps(db, 'resumed', {
    'table.include.list': 'public.resumed',
    'snapshot.mode': 'never',
    'retriable.restart.connector.wait.ms': '100',
    'status.update.interval.ms': '100',
  });
  const run = await startTask(props, { offsets, write: false });
  const { task } = run;
  const write = (records: SourceRecord[]) => {
    for (const r of records) {
      task.commitRecord(r);
      offsets.committed.set(JSON.stringify(r.sourcePartition), r.sourceOffset);
    }
    task.commit();
  };
  const id = (r: SourceRecord) => (field(r, 'after') as { id: number }).id;
  try {
    await db.query(`insert into resumed values (1)`);
    await db.query(`insert into resumed values (2)`);
    const [first, second] = await run.take(2);
    // Only the first is written and committed when the connection is lost.
    write([first]);
    const [{ pid }] = await db.query<{ pid: number }>(
      'select active_pid as pid from pg_replication_slots where slot_name = $1',
      [slot],
    );
    await db.query('select pg_terminate_backend($1)', [pid]);
    await db.query(`insert into resumed values (3)`);
    const walAfter = await currentWalLsn(db);
    const again = await run.pollUntil('the rest', (r) => r.some((x) => id(x) === 3));
    assert.deepEqual(again.map(id), [2, 3]);
    // The runtime writes the record it had in flight only now: harmless to the new session.
    write([second]);
    write(again);
    await until(
      'the slot to be confirmed past the last row',
      async () => (await confirmedFlush(db, slot)) >= walAfter,
    );
  } finally {
    await run.stop();
  }
});

test('with errors.max.retries=0 a lost stream fails the task at once', async () => {
  await db.query(`create table fragile (id int primary key)`);
  const slot = 'slot_fragile';
  const run = await startTask(
    cdcProps(db, 'fragile', {
      'table.include.list': 'public.fragile',
      'snapshot.mode': 'never',
      'errors.max.retries': '0',
    }),
  );
  try {
    await db.query(`insert into fragile values (1)`);
    await run.take(1);
    await db.query('select pg_terminate_backend(active_pid) from pg_replication_slots where slot_name = $1', [
      slot,
    ]);
    await assert.rejects(
      run.pollUntil('the failure', () => false),
      /terminating connection/,
    );
  } finally {
    await run.stop();
  }
});

test('a snapshot connection lost midway reconnects and takes the snapshot again, then streams', async () => {
  await db.query(`create table bulk (id int primary key)`);
  await db.query(`insert into bulk select generate_series(1, 50)`);
  const run = await startTask(
    cdcProps(db, 'bulk', {
      'table.include.list': 'public.bulk',
      'max.batch.size': '10',
      'retriable.restart.connector.wait.ms': '100',
    }),
  );
  const id = (r: SourceRecord) => (field(r, 'after') as { id: number }).id;
  try {
    const first = await run.take(10);
    assert.deepEqual(ops(first), Array(10).fill('r'));
    // The snapshot reader is the connector's connection inside a transaction.
    const killed = await db.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
        where application_name = 'sluice-debezium-postgres' and xact_start is not null and pid <> pg_backend_pid()`,
    );
    assert.equal(killed.length, 1);
    // Committed before or after the new snapshot: read in it, or streamed after it.
    await db.query(`insert into bulk values (51)`);
    await run.pollUntil('every row', (r) => new Set([...first, ...r].map(id)).size === 51);
    await db.query(`insert into bulk values (52)`);
    const later = await run.pollUntil('a later insert', (r) => r.some((x) => id(x) === 52));
    assert.deepEqual(
      [field(later.at(-1) as SourceRecord, 'op'), id(later.at(-1) as SourceRecord)],
      ['c', 52],
    );
  } finally {
    await run.stop();
  }
});

test('a slot dropped just before START_REPLICATION is reported as gone, not as an unknown object', async () => {
  const pgConfig = clientConfig(
    { host: db.host, port: db.port, database: db.database, user: db.user, password: db.password, ssl: false },
    'test',
  );
  await db.query(`create publication pub_gone for all tables`);
  // The slot the task found a moment ago is dropped before the stream asks for it.
  await db.query(`select pg_create_logical_replication_slot('slot_gone', 'pgoutput')`);
  await db.query(`select pg_drop_replication_slot('slot_gone')`);
  const stream = new WalStream(pgConfig, 'slot_gone', 'pub_gone', 0n, 1000, {
    message: async () => {},
    keepalive: () => {},
    failed: () => {},
  });
  try {
    await assert.rejects(stream.start(0n), (err: Error) => {
      assert.ok(err instanceof SlotGoneError, String(err));
      assert.match(err.message, /^Replication slot slot_gone no longer exists \(was it dropped\?\)/);
      assert.match(String((err.cause as Error)?.message), /slot_gone/);
      return true;
    });
  } finally {
    await stream.stop();
  }
});
