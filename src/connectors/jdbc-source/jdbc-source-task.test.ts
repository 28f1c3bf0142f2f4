import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { LOGICAL, type SourceRecord, type Struct } from '../../connect/api/index.js';
import { startTestPostgres, type TestPostgres } from '../postgres/test-postgres.fixture.js';
import { lastOffsets, startTask } from './task-harness.fixture.js';

let db: TestPostgres;
before(async () => {
  db = await startTestPostgres();
});
after(async () => {
  await db.close();
});

function props(extra: Record<string, string>): Record<string, string> {
  return {
    'connection.url': db.jdbcUrl,
    'connection.user': db.user,
    'connection.password': db.password,
    'topic.prefix': 'pg-',
    'poll.interval.ms': '60000',
    ...extra,
  };
}

/** The task config the connector gives a task reading these public tables. */
function tables(...names: string[]): string {
  return JSON.stringify(names.map((n) => ['public', n]));
}

const field = (r: SourceRecord, name: string) => (r.value as Struct).get(name);
const ids = (rs: readonly SourceRecord[]) => rs.map((r) => Number(field(r, 'id')));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

test('bulk mode reads every row each round, with a struct schema from the columns and exact values', async () => {
  await db.query(`CREATE TABLE types (
    id int PRIMARY KEY, big bigint NOT NULL, price numeric(20,3) NOT NULL, ratio double precision,
    at timestamptz NOT NULL, local_at timestamp, day date, note text, flag boolean, raw bytea, tags int[])`);
  await db.query(`INSERT INTO types VALUES
    (1, 9007199254740993, 12345678901234567.125, 0.5, '2024-03-01 10:00:00.123456+02', '2024-03-01 10:00:00',
     '2024-03-01', 'hello', true, '\\x0102', '{1,2}'),
    (2, -1, -0.5, null, '1999-12-31 23:59:59+00', null, null, null, null, null, null),
    (3, 0, 0, 1e300, '2024-01-01 00:00:00+00', null, null, 'x', false, null, '{}')`);
  const h = await startTask(props({ mode: 'bulk', 'batch.max.rows': '2', tables: tables('types') }));
  try {
    const first = await h.task.poll();
    assert.equal(first?.length, 2, 'a page is at most batch.max.rows');
    const rest = await h.task.poll();
    const rows = [...(first ?? []), ...(rest ?? [])];
    assert.deepEqual(ids(rows).sort(), [1, 2, 3]);
    const one = rows.find((r) => field(r, 'id') === 1)!;
    assert.equal(one.topic, 'pg-types');
    assert.deepEqual(one.sourcePartition, { protocol: '1', table: 'postgres.public.types' });
    assert.equal(one.key, null);
    const schema = one.valueSchema!;
    assert.equal(schema.type, 'STRUCT');
    assert.equal(schema.name, 'types');
    const f = Object.fromEntries((schema.fields ?? []).map((x) => [x.name, x.schema]));
    assert.deepEqual(
      (schema.fields ?? []).map((x) => x.name),
      ['id', 'big', 'price', 'ratio', 'at', 'local_at', 'day', 'note', 'flag', 'raw', 'tags'],
    );
    assert.deepEqual([f.id.type, f.id.optional], ['INT32', false]);
    assert.deepEqual([f.big.type, f.big.optional], ['INT64', false]);
    assert.equal(f.price.name, LOGICAL.decimal);
    assert.equal(f.price.parameters?.scale, '3');
    assert.equal(f.price.optional, false);
    assert.deepEqual([f.ratio.type, f.ratio.optional], ['FLOAT64', true]);
    assert.deepEqual([f.at.name, f.at.optional], [LOGICAL.timestamp, false]);
    assert.equal(f.day.name, LOGICAL.date);
    assert.deepEqual([f.note.type, f.note.optional], ['STRING', true]);
    assert.equal(f.tags.type, 'ARRAY');
    assert.equal(field(one, 'big'), 9007199254740993n);
    assert.deepEqual(field(one, 'price'), { unscaled: 12345678901234567125n, scale: 3 });
    assert.deepEqual(field(one, 'at'), new Date('2024-03-01T08:00:00.123Z'));
    assert.deepEqual(field(one, 'local_at'), new Date('2024-03-01T10:00:00Z'));
    assert.deepEqual(field(one, 'day'), new Date('2024-03-01T00:00:00Z'));
    assert.deepEqual(field(one, 'raw'), new Uint8Array([1, 2]));
    assert.deepEqual(field(one, 'tags'), [1, 2]);
    assert.equal(field(one, 'flag'), true);
    const two = rows.find((r) => field(r, 'id') === 2)!;
    assert.deepEqual(field(two, 'price'), { unscaled: -500n, scale: 3 });
    assert.equal(field(two, 'note'), null);
    assert.equal(await h.task.poll(), null, 'the round is over until poll.interval.ms has passed');
  } finally {
    await h.task.stop();
  }
  const again = await startTask(props({ mode: 'bulk', 'poll.interval.ms': '1', tables: tables('types') }));
  try {
    assert.deepEqual(ids(await again.records(6)).sort(), [1, 1, 2, 2, 3, 3], 'every round reads every row');
  } finally {
    await again.task.stop();
  }
});

test('incrementing mode pages by batch.max.rows in id order, reads only new rows, and resumes after an offset', async () => {
  await db.query('CREATE TABLE inc (id bigint PRIMARY KEY, name text NOT NULL)');
  await db.query("INSERT INTO inc SELECT g, 'n' || g FROM generate_series(1, 250) g");
  const config = props({
    mode: 'incrementing',
    'incrementing.column.name': 'id',
    'batch.max.rows': '100',
    'poll.interval.ms': '1',
    tables: tables('inc'),
  });
  const h = await startTask(config);
  let seen: SourceRecord[];
  try {
    const pages = [await h.task.poll(), await h.task.poll(), await h.task.poll()];
    assert.deepEqual(
      pages.map((p) => p?.length),
      [100, 100, 50],
    );
    seen = pages.flatMap((p) => p ?? []);
    assert.deepEqual(ids(seen), range(1, 250));
    assert.deepEqual(seen[99].sourceOffset, { incrementing: 100 });
    assert.equal(field(seen[0], 'name'), 'n1');
    await db.query("INSERT INTO inc VALUES (251, 'late'), (300, 'later')");
    assert.deepEqual(ids(await h.records(2)), [251, 300], 'only rows after the last id');
  } finally {
    await h.task.stop();
  }
  const resumed = await startTask(config, lastOffsets(seen.slice(0, 120)));
  try {
    assert.deepEqual(
      ids(await resumed.records(132)),
      [...range(121, 251), 300],
      'resumes right after id 120',
    );
  } finally {
    await resumed.task.stop();
  }
});

test('timestamp mode reads new and updated rows, keeps runs of equal timestamps whole across pages, and stays behind the delay', async () => {
  await db.query('CREATE TABLE ts (id int PRIMARY KEY, updated timestamptz NOT NULL)');
  await db.query(`INSERT INTO ts VALUES
    (1, '2024-01-01 00:00:00.000001+00'), (2, '2024-01-01 00:00:01+00'), (3, '2024-01-01 00:00:01+00'),
    (4, '2024-01-01 00:00:01+00'), (5, '2024-01-01 00:00:01+00'), (6, '2024-01-01 00:00:02.5+00'),
    (7, now() + interval '1 hour')`);
  const config = props({
    mode: 'timestamp',
    'timestamp.column.name': 'updated',
    'batch.max.rows': '3',
    'poll.interval.ms': '1',
    tables: tables('ts'),
  });
  const h = await startTask(config);
  try {
    const read = await h.records(6);
    assert.deepEqual(ids(read).slice(0, 1), [1]);
    assert.deepEqual(ids(read).sort(), [1, 2, 3, 4, 5, 6], 'the run at 00:00:01 came whole, no row twice');
    assert.deepEqual(read[0].sourceOffset, { timestamp: Date.UTC(2024, 0, 1), timestamp_nanos: 1000 });
    assert.deepEqual(read[5].sourceOffset, {
      timestamp: Date.UTC(2024, 0, 1, 0, 0, 2, 500),
      timestamp_nanos: 500_000_000,
    });
    assert.deepEqual(await h.drain(), [], 'a row stamped in the future is not read yet');
    await db.query("UPDATE ts SET updated = now() - interval '1 second' WHERE id = 3");
    assert.deepEqual(ids(await h.records(1)), [3], 'an updated row is read again');
  } finally {
    await h.task.stop();
  }
  const delayed = await startTask({ ...config, 'timestamp.delay.interval.ms': '3600000' });
  try {
    await db.query("UPDATE ts SET updated = now() - interval '1 second' WHERE id = 4");
    const rows = await delayed.drain();
    assert.deepEqual(ids(rows).sort(), [1, 2, 5, 6], 'rows 3 and 4, newer than now() - delay, wait');
  } finally {
    await delayed.task.stop();
  }
});

test('timestamp+incrementing mode orders by (COALESCE of timestamps, id), resumes inside a run of equal timestamps, and sees updates', async () => {
  await db.query(
    'CREATE TABLE tsi (id int PRIMARY KEY, modified timestamptz, created timestamptz NOT NULL, v text)',
  );
  await db.query(`INSERT INTO tsi VALUES
    (1, null, '2024-01-01 00:00:00+00', 'a'), (2, null, '2024-01-01 00:00:00+00', 'b'),
    (3, '2024-01-01 00:00:05+00', '2024-01-01 00:00:00+00', 'c'), (4, null, '2024-01-01 00:00:01+00', 'd'),
    (5, null, '2024-01-01 00:00:00+00', 'e')`);
  const config = props({
    mode: 'timestamp+incrementing',
    'timestamp.column.name': 'modified,created',
    'incrementing.column.name': 'id',
    'batch.max.rows': '2',
    'poll.interval.ms': '1',
    tables: tables('tsi'),
  });
  const h = await startTask(config);
  let read: SourceRecord[];
  try {
    read = await h.records(5);
    assert.deepEqual(ids(read), [1, 2, 5, 4, 3], 'ordered by the first non-null timestamp, then id');
    assert.deepEqual(read[1].sourceOffset, {
      timestamp: Date.UTC(2024, 0, 1),
      timestamp_nanos: 0,
      incrementing: 2,
    });
    await db.query("UPDATE tsi SET modified = now() - interval '1 second', v = 'b2' WHERE id = 2");
    const update = await h.records(1);
    assert.deepEqual([ids(update), field(update[0], 'v')], [[2], 'b2']);
  } finally {
    await h.task.stop();
  }
  const resumed = await startTask(config, lastOffsets(read.slice(0, 2)));
  try {
    assert.deepEqual(
      ids(await resumed.records(4)),
      [5, 4, 3, 2],
      'after (00:00:00, id 2): id 5 of the same second first',
    );
  } finally {
    await resumed.task.stop();
  }
});

test('timestamp.initial starts a timestamp mode without offsets after that instant; -1 after the current time', async () => {
  await db.query('CREATE TABLE since (id int PRIMARY KEY, at timestamptz NOT NULL)');
  await db.query(`INSERT INTO since VALUES (1, '2020-01-01 00:00:00+00'), (2, '2023-06-01 00:00:00+00'),
    (3, now() - interval '1 minute')`);
  const config = props({ mode: 'timestamp', 'timestamp.column.name': 'at', tables: tables('since') });
  const from2022 = await startTask({ ...config, 'timestamp.initial': String(Date.UTC(2022, 0, 1)) });
  try {
    assert.deepEqual(ids(await from2022.drain()), [2, 3]);
  } finally {
    await from2022.task.stop();
  }
  const fromNow = await startTask({ ...config, 'timestamp.initial': '-1', 'poll.interval.ms': '1' });
  try {
    assert.deepEqual(await fromNow.drain(), []);
    await db.query("INSERT INTO since VALUES (4, now() - interval '1 millisecond')");
    assert.deepEqual(ids(await fromNow.records(1)), [4]);
  } finally {
    await fromNow.task.stop();
  }
});

test('a column added to the table shows in the records read after it, with the new schema', async () => {
  await db.query('CREATE TABLE growing (id int PRIMARY KEY)');
  await db.query('INSERT INTO growing VALUES (1)');
  const h = await startTask(
    props({
      mode: 'incrementing',
      'incrementing.column.name': 'id',
      'poll.interval.ms': '1',
      tables: tables('growing'),
    }),
  );
  try {
    const [before] = await h.records(1);
    assert.deepEqual(
      before.valueSchema?.fields?.map((f) => f.name),
      ['id'],
    );
    await db.query("ALTER TABLE growing ADD COLUMN label text NOT NULL DEFAULT 'x'");
    await db.query("INSERT INTO growing VALUES (2, 'two')");
    const [after] = await h.records(1);
    assert.deepEqual(
      after.valueSchema?.fields?.map((f) => [f.name, f.schema.optional]),
      [
        ['id', false],
        ['label', false],
      ],
    );
    assert.equal(field(after, 'label'), 'two');
  } finally {
    await h.task.stop();
  }
});

test('a custom query gets WHERE/ORDER BY appended, writes to topic.prefix with the query partition and an unnamed struct', async () => {
  await db.query(
    'CREATE TABLE orders (id int PRIMARY KEY, customer int NOT NULL, total numeric(10,2) NOT NULL)',
  );
  await db.query('CREATE TABLE customers (cid int PRIMARY KEY, name text NOT NULL)');
  await db.query("INSERT INTO customers VALUES (1, 'ann'), (2, 'bob')");
  await db.query('INSERT INTO orders VALUES (1, 1, 9.99), (2, 2, 100), (3, 1, 0.01)');
  const h = await startTask(
    props({
      mode: 'incrementing',
      'incrementing.column.name': 'id',
      query:
        'SELECT o.id, c.name, o.total, o.total * 2 AS doubled FROM orders o JOIN customers c ON c.cid = o.customer;',
      'topic.prefix': 'order-lines',
      'poll.interval.ms': '1',
    }),
  );
  try {
    const rows = await h.records(3);
    assert.deepEqual(ids(rows), [1, 2, 3]);
    assert.deepEqual(
      rows.map((r) => field(r, 'name')),
      ['ann', 'bob', 'ann'],
    );
    assert.equal(rows[0].topic, 'order-lines');
    assert.deepEqual(rows[0].sourcePartition, { query: 'query' });
    assert.deepEqual(rows[2].sourceOffset, { incrementing: 3 });
    assert.equal(rows[0].valueSchema?.name, undefined);
    const f = Object.fromEntries((rows[0].valueSchema?.fields ?? []).map((x) => [x.name, x.schema]));
    assert.equal(f.total.optional, false, 'a table column keeps NOT NULL');
    assert.equal(f.doubled.optional, true, 'a computed column is optional');
    assert.deepEqual(field(rows[0], 'total'), { unscaled: 999n, scale: 2 });
    await db.query('INSERT INTO orders VALUES (4, 2, 1)');
    assert.deepEqual(ids(await h.records(1)), [4]);
  } finally {
    await h.task.stop();
  }
});

test('numeric.mapping maps NUMERIC by precision and scale as Confluent does', async () => {
  await db.query(`CREATE TABLE nums (id int PRIMARY KEY, p2 numeric(2,0), p4 numeric(4,0), p9 numeric(9,0),
    p18 numeric(18,0), p19 numeric(19,0), s2 numeric(10,2), s2big numeric(30,2), free numeric)`);
  await db.query(
    'INSERT INTO nums VALUES (1, 12, 1234, 123456789, 123456789012345678, 1234567890123456789, 12.5, 12.25, 1.5)',
  );
  const types = async (mapping: string) => {
    const h = await startTask(props({ mode: 'bulk', 'numeric.mapping': mapping, tables: tables('nums') }));
    try {
      const [r] = await h.records(1);
      const schema = r.valueSchema!;
      return {
        types: Object.fromEntries(
          (schema.fields ?? [])
            .slice(1)
            .map((x) => [x.name, x.schema.name === LOGICAL.decimal ? 'Decimal' : x.schema.type]),
        ),
        record: r,
      };
    } finally {
      await h.task.stop();
    }
  };
  const none = await types('none');
  assert.deepEqual(none.types, {
    p2: 'Decimal',
    p4: 'Decimal',
    p9: 'Decimal',
    p18: 'Decimal',
    p19: 'Decimal',
    s2: 'Decimal',
    s2big: 'Decimal',
    free: 'STRING',
  });
  assert.equal(field(none.record, 'free'), '1.5', 'unconstrained NUMERIC keeps its exact text');
  assert.deepEqual((await types('precision_only')).types, {
    p2: 'INT8',
    p4: 'INT16',
    p9: 'INT32',
    p18: 'INT64',
    p19: 'Decimal',
    s2: 'Decimal',
    s2big: 'Decimal',
    free: 'STRING',
  });
  const best = await types('best_fit');
  assert.deepEqual(best.types, {
    p2: 'INT8',
    p4: 'INT16',
    p9: 'INT32',
    p18: 'INT64',
    p19: 'Decimal',
    s2: 'FLOAT64',
    s2big: 'Decimal',
    free: 'STRING',
  });
  assert.equal(field(best.record, 'p18'), 123456789012345678n);
  assert.equal(field(best.record, 'p9'), 123456789);
  assert.equal(field(best.record, 's2'), 12.5);
  assert.deepEqual((await types('best_fit_eager_double')).types, {
    p2: 'INT8',
    p4: 'INT16',
    p9: 'INT32',
    p18: 'INT64',
    p19: 'Decimal',
    s2: 'FLOAT64',
    s2big: 'FLOAT64',
    free: 'STRING',
  });
});

test('db.timezone reads TIMESTAMP (without zone) columns as wall-clock times in that zone, for values and offsets', async () => {
  await db.query('CREATE TABLE local_times (id int PRIMARY KEY, at timestamp NOT NULL)');
  await db.query(
    "INSERT INTO local_times VALUES (1, '2024-06-01 10:00:00'), (2, '2024-06-01 10:00:00.5'), (3, '2024-06-01 11:00:00')",
  );
  const config = props({
    mode: 'timestamp',
    'timestamp.column.name': 'at',
    'db.timezone': 'Asia/Kolkata',
    'batch.max.rows': '2',
    'poll.interval.ms': '1',
    tables: tables('local_times'),
  });
  const h = await startTask(config);
  let read: SourceRecord[];
  try {
    read = await h.records(3);
    assert.deepEqual(ids(read), [1, 2, 3]);
    assert.deepEqual(field(read[0], 'at'), new Date('2024-06-01T04:30:00Z'), '10:00 in Kolkata is 04:30 UTC');
    assert.deepEqual(read[1].sourceOffset, {
      timestamp: Date.parse('2024-06-01T04:30:00.5Z'),
      timestamp_nanos: 500_000_000,
    });
  } finally {
    await h.task.stop();
  }
  const resumed = await startTask(config, lastOffsets(read.slice(0, 1)));
  try {
    assert.deepEqual(
      ids(await resumed.drain()),
      [2, 3],
      'the stored instant compares right against local times',
    );
  } finally {
    await resumed.task.stop();
  }
});

test('validate.non.null fails a task whose incrementing column is nullable, unless turned off', async () => {
  await db.query('CREATE TABLE loose (id int, v text)');
  await db.query("INSERT INTO loose VALUES (1, 'a')");
  const config = props({ mode: 'incrementing', 'incrementing.column.name': 'id', tables: tables('loose') });
  const strict = await startTask(config);
  try {
    await assert.rejects(
      strict.task.poll(),
      /incrementing column id on postgres\.public\.loose because this column is nullable/,
    );
  } finally {
    await strict.task.stop();
  }
  const relaxed = await startTask({ ...config, 'validate.non.null': 'false' });
  try {
    assert.deepEqual(ids(await relaxed.records(1)), [1]);
  } finally {
    await relaxed.task.stop();
  }
});

test('a poll error that retrying cannot fix fails the task with the database message', async () => {
  const h = await startTask(
    props({ mode: 'incrementing', 'incrementing.column.name': 'id', query: 'SELECT * FROM no_such_table' }),
  );
  try {
    await assert.rejects(h.task.poll(), /relation "no_such_table" does not exist/);
  } finally {
    await h.task.stop();
  }
});

test('when the database goes down the task reconnects with backoff and goes on from where it was, nothing lost or repeated', async () => {
  await db.query('CREATE TABLE flaky (id int PRIMARY KEY)');
  await db.query('INSERT INTO flaky SELECT generate_series(1, 10)');
  const h = await startTask(
    props({
      mode: 'incrementing',
      'incrementing.column.name': 'id',
      'poll.interval.ms': '10',
      'connection.attempts': '1000',
      'connection.backoff.ms': '50',
      tables: tables('flaky'),
    }),
  );
  try {
    const before = await h.records(10);
    await db.stop();
    // Polls go on while it is down: they return nothing and log each failed attempt.
    for (let i = 0; i < 50 && !h.warnings.some((w) => /Connection attempt \d+ of 1000/.test(w)); i++) {
      assert.equal((await h.task.poll())?.length ?? 0, 0, 'no records while down');
    }
    assert.ok(
      h.warnings.some((w) => /Lost the connection/.test(w)),
      h.warnings.join('\n'),
    );
    assert.ok(
      h.warnings.some((w) => /Connection attempt \d+ of 1000/.test(w)),
      h.warnings.join('\n'),
    );
    await db.start();
    await db.query('INSERT INTO flaky SELECT generate_series(11, 15)');
    const after = await h.records(5);
    assert.deepEqual(ids([...before, ...after]), range(1, 15));
    assert.deepEqual(await h.drain(), []);
  } finally {
    await h.task.stop();
  }
});

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 1));
    });
  });
}

test('a database that stays down fails the task after connection.attempts, with a clear message', async () => {
  const port = await closedPort();
  const h = await startTask(
    props({
      'connection.url': `jdbc:postgresql://127.0.0.1:${port}/shop`,
      mode: 'bulk',
      'connection.attempts': '3',
      'connection.backoff.ms': '10',
      tables: tables('anything'),
    }),
  );
  try {
    let failure: unknown;
    for (let i = 0; i < 20 && failure === undefined; i++) await h.task.poll().catch((err) => (failure = err));
    assert.match(
      String(failure),
      new RegExp(`Could not connect to PostgreSQL at 127\\.0\\.0\\.1:${port}/shop after 3 attempt\\(s\\)`),
    );
    assert.equal(h.warnings.filter((w) => /Connection attempt/.test(w)).length, 2);
  } finally {
    await h.task.stop();
  }
});

test('stop ends a poll that is waiting for the next round', async (t) => {
  await db.query('CREATE TABLE idle (id int PRIMARY KEY)');
  const h = await startTask(
    props({ mode: 'incrementing', 'incrementing.column.name': 'id', tables: tables('idle') }),
  );
  assert.equal(await h.task.poll(), null, 'the first round found nothing');
  // With the clock frozen, the waiting poll could only end by stop.
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.now() });
  try {
    const waiting = h.task.poll();
    await h.task.stop();
    assert.equal(await waiting, null);
  } finally {
    t.mock.timers.reset();
  }
});
