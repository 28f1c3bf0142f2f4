// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${topic} is table.name.format's placeholder, not a template.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RetriableException, type SinkRecord, type TopicPartition } from '../../connect/api/index.js';
import { startTestPostgres, type TestPostgres } from '../postgres/test-postgres.fixture.js';
import { sinkRecord, startTask } from './sink-task.fixture.js';

let db: TestPostgres;
before(async () => {
  db = await startTestPostgres();
});
after(async () => {
  await db.close();
});

const tp: TopicPartition = { topic: 'events', partition: 0 };

/** Records with ids from..to at offsets from..to of events-0. */
const batch = (from: number, to: number): SinkRecord[] =>
  Array.from({ length: to - from + 1 }, (_, i) =>
    sinkRecord({ offset: from + i, value: { id: from + i, note: `n${from + i}` } }),
  );

const retriable = (err: unknown) => err instanceof RetriableException;

test('a database that stops mid-run: offsets stop at the first unwritten record, put turns retriable, and once it is back every row is there once', async () => {
  const sink = await startTask(db, {
    'auto.create': 'true',
    'table.name.format': 'survives',
    'retry.backoff.ms': '250',
    'connection.attempts': '2',
    'connection.backoff.ms': '10',
  });
  await sink.put(batch(1, 100));
  assert.deepEqual(await sink.task.preCommit(new Map([[tp, 101]])), new Map([[tp, 101]]));
  await db.stop();
  // Accepted, then refused by the stopped server: nothing past offset 100 may be committed.
  await sink.task.put(batch(101, 200));
  await sink.task.flush();
  assert.deepEqual(await sink.task.preCommit(new Map([[tp, 201]])), new Map([[tp, 101]]));
  // The next put says so, retriably, and asks for retry.backoff.ms before its redelivery.
  await assert.rejects(sink.task.put(batch(201, 300)), retriable);
  assert.deepEqual(sink.timeouts, [250]);
  assert.ok(
    sink.logs.some((l) =>
      l.startsWith('WARN Writing to PostgreSQL failed; retrying with the redelivered batch in 250 ms'),
    ),
  );
  await db.start();
  // The redelivery: the kept records are written first, then the batch.
  await sink.put(batch(201, 300));
  assert.deepEqual(await sink.task.preCommit(new Map([[tp, 301]])), new Map([[tp, 301]]));
  await sink.stop();
  assert.deepEqual(
    await db.query(
      'select count(*)::int as n, count(distinct id)::int as ids, min(id)::int as lo, max(id)::int as hi from survives',
    ),
    [{ n: 300, ids: 300, lo: 1, hi: 300 }],
  );
});

test('a session lost halfway through a write commits none of it, so the retry writes each row once (insert mode, COPY)', async () => {
  await db.query('create table cut_short (id bigint, note text)');
  // Row 30 ends the session, after rows 1 to 29 went in within the same transaction.
  await db.query(`create function end_session() returns trigger language plpgsql as $$
    begin perform pg_terminate_backend(pg_backend_pid()); return new; end $$`);
  await db.query(
    'create trigger cut before insert on cut_short for each row when (new.id = 30) execute function end_session()',
  );
  const sink = await startTask(db, { 'table.name.format': 'cut_short', 'retry.backoff.ms': '0' });
  await sink.put(batch(1, 60));
  assert.deepEqual(await db.query('select count(*)::int as n from cut_short'), [{ n: 0 }]);
  assert.deepEqual(await sink.task.preCommit(new Map([[tp, 61]])), new Map([[tp, 1]]));
  await db.query('drop trigger cut on cut_short');
  await assert.rejects(sink.task.put([]), retriable);
  await sink.put([]);
  await sink.stop();
  assert.deepEqual(
    await db.query('select count(*)::int as n, count(distinct id)::int as ids from cut_short'),
    [{ n: 60, ids: 60 }],
  );
});

test('records for several tables in one write commit together or not at all (upsert mode)', async () => {
  await db.query('create table left_side (id bigint primary key, note text)');
  await db.query('create table right_side (id bigint primary key, note text)');
  await db.query(
    'create trigger cut before insert on right_side for each row execute function end_session()',
  );
  const sink = await startTask(db, {
    'table.name.format': '${topic}',
    'insert.mode': 'upsert',
    'pk.mode': 'record_value',
    'pk.fields': 'id',
    'retry.backoff.ms': '0',
  });
  await sink.put([
    ...batch(1, 20).map((r) => ({ ...r, topic: 'left_side' })),
    ...batch(21, 30).map((r) => ({ ...r, topic: 'right_side' })),
  ]);
  assert.deepEqual(await db.query('select count(*)::int as n from left_side'), [{ n: 0 }]);
  await db.query('drop trigger cut on right_side');
  await sink.task.flush();
  await sink.stop();
  assert.deepEqual(await db.query('select count(*)::int as n from left_side'), [{ n: 20 }]);
  assert.deepEqual(await db.query('select count(*)::int as n from right_side'), [{ n: 10 }]);
});

test('max.retries bounds consecutive retriable puts (a successful write gives them back); then the task fails, saying why', async () => {
  const sink = await startTask(db, {
    'auto.create': 'true',
    'table.name.format': 'gives_up',
    'max.retries': '1',
    'retry.backoff.ms': '0',
    'connection.attempts': '1',
  });
  const refusedWhileDown = async (records: SinkRecord[]) => {
    await sink.task.put(records);
    await sink.task.flush();
  };
  await sink.put(batch(1, 1));
  await db.stop();
  await refusedWhileDown(batch(2, 2));
  await assert.rejects(sink.task.put(batch(3, 3)), retriable);
  await db.start();
  await sink.put(batch(3, 3));
  await db.stop();
  try {
    await refusedWhileDown(batch(4, 4));
    await assert.rejects(sink.task.put(batch(5, 5)), retriable);
    await refusedWhileDown(batch(5, 5));
    await assert.rejects(sink.task.put(batch(6, 6)), (err: unknown) => {
      assert.ok(!(err instanceof RetriableException));
      assert.match((err as Error).message, /^Writing to PostgreSQL failed after 1 retries: .*ECONNREFUSED/);
      return true;
    });
  } finally {
    await db.start();
  }
  await sink.stop();
  assert.deepEqual(await db.query('select id::int from gives_up order by id'), [
    { id: 1 },
    { id: 2 },
    { id: 3 },
  ]);
});
