import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ConnectError } from '../../connect/worker/index.js';
import { startTestWorker } from '../../connect/worker/test-worker.fixture.js';
import type { SegmentLog } from '../../log/index.js';
import { startTestPostgres, type TestPostgres } from '../postgres/test-postgres.fixture.js';
import { cdcProps, confirmedFlush, currentWalLsn, until } from './cdc-harness.fixture.js';
import { plugins } from './index.js';

// The connector in the real worker: records written to the log through JsonConverter, offsets
// committed by the runtime, restarts from those offsets and the slot.

const CLASS = 'io.debezium.connector.postgresql.PostgresConnector';

let db: TestPostgres;
const dirs: string[] = [];
before(async () => {
  db = await startTestPostgres();
});
after(async () => {
  await db?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function startWorker(dir: string, flushMs: number) {
  return startTestWorker(dir, {
    properties: {
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'offset.flush.interval.ms': String(flushMs),
    },
    connectors: plugins,
  });
}

interface Event {
  key: unknown;
  op: string | null;
  after: Record<string, unknown> | null;
  before: Record<string, unknown> | null;
}

/** The topic's records as JsonConverter wrote them ({schema, payload}); tombstones have op null. */
async function events(log: SegmentLog, topic: string): Promise<Event[]> {
  if (!(await log.hasTopic(topic))) return [];
  const out: Event[] = [];
  let offset = 0;
  while (offset < (await log.endOffset(topic, 0))) {
    const r = await log.read(topic, 0, offset);
    for (const x of r.records) {
      const key = x.key === null ? null : JSON.parse(x.key.toString()).payload;
      const value = x.value === null ? null : JSON.parse(x.value.toString()).payload;
      out.push({ key, op: value?.op ?? null, after: value?.after ?? null, before: value?.before ?? null });
    }
    offset = r.nextOffset;
  }
  return out;
}

async function slotActive(slot: string): Promise<boolean> {
  const rows = await db.query(`select 1 from pg_replication_slots where slot_name = $1 and active`, [slot]);
  return rows.length === 1;
}

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sluice-cdc-'));
  dirs.push(d);
  return d;
}

test('changes made while the connector is stopped are delivered after a restart, once', async () => {
  await db.query(`create table accounts (id int primary key, balance int not null)`);
  await db.query(`insert into accounts values (1, 10), (2, 20)`);
  const dir = tempDir();
  const config = {
    'connector.class': CLASS,
    ...cdcProps(db, 'bank', { 'table.include.list': 'public.accounts' }),
  };
  const topic = 'bank.public.accounts';

  const first = await startWorker(dir, 50);
  await first.herder.createConnector('bank', config);
  await until('the snapshot', async () => (await events(first.log, topic)).length === 2);
  await db.query(`insert into accounts values (3, 30)`);
  await until('the insert', async () => (await events(first.log, topic)).length === 3);
  assert.equal(first.herder.connectorStatus('bank').tasks[0].state, 'RUNNING');
  await first.close();

  await db.query(`insert into accounts values (4, 40)`);
  await db.query(`update accounts set balance = 21 where id = 2`);
  await db.query(`delete from accounts where id = 1`);

  const second = await startWorker(dir, 50);
  try {
    await until('the changes made while stopped', async () => (await events(second.log, topic)).length >= 7);
    // Anything repeated would have arrived with the others; one more committed change proves the
    // stream is past them.
    await db.query(`insert into accounts values (5, 50)`);
    await until('a later insert', async () => (await events(second.log, topic)).length >= 8);
    const all = await events(second.log, topic);
    assert.deepEqual(
      all.map((e) => [e.op, e.key]),
      [
        ['r', { id: 1 }],
        ['r', { id: 2 }],
        ['c', { id: 3 }],
        ['c', { id: 4 }],
        ['u', { id: 2 }],
        ['d', { id: 1 }],
        [null, { id: 1 }],
        ['c', { id: 5 }],
      ],
    );
    assert.deepEqual(all[4].after, { id: 2, balance: 21 });
  } finally {
    await second.close();
  }
});

test("SHOW CONNECTOR STATUS metrics carry the replication slot's lag in bytes: it grows while the connector is paused and falls once it resumes", async () => {
  await db.query(`create table lagged (id int primary key, pad text not null)`);
  const dir = tempDir();
  const worker = await startWorker(dir, 50);
  try {
    await worker.herder.createConnector('lag', {
      'connector.class': CLASS,
      ...cdcProps(db, 'lagdb', {
        'table.include.list': 'public.lagged',
        'slot.name': 'lag_slot',
        'status.update.interval.ms': '100',
      }),
    });
    await until('the task runs', () => worker.herder.connectorStatus('lag').tasks[0]?.state === 'RUNNING');
    const lagBytes = async () => (await worker.herder.connectorMetrics('lag')).tasks[0]?.lag_bytes;
    await until('a lag is known', async () => typeof (await lagBytes()) === 'number');
    await worker.herder.pauseConnector('lag');
    await db.query(`insert into lagged select g, repeat('x', 1000) from generate_series(1, 200) g`);
    // The slot cannot be confirmed past changes the paused task has not handed over.
    await until('the lag covers the insert', async () => ((await lagBytes()) ?? 0) >= 200_000);
    const paused = (await lagBytes()) as number;
    // What the task reports is the slot's lag: never more than PostgreSQL's own figure measured after it.
    assert.ok(paused <= Number((await currentWalLsn(db)) - (await confirmedFlush(db, 'lag_slot'))));
    await worker.herder.resumeConnector('lag');
    await until(
      'the lag falls once the changes are delivered',
      async () => ((await lagBytes()) ?? paused) < 200_000,
    );
    // A sink-style record count means nothing for a CDC source.
    assert.equal((await worker.herder.connectorMetrics('lag')).tasks[0]?.lag, null);
  } finally {
    await worker.close();
  }
});

test('the slot is confirmed only past records whose offsets the runtime committed', async () => {
  await db.query(`create table ledger (id int primary key)`);
  const dir = tempDir();
  const slot = 'slot_ledger';
  const config = {
    'connector.class': CLASS,
    ...cdcProps(db, 'ledger', {
      'table.include.list': 'public.ledger',
      'snapshot.mode': 'never',
      // Report the confirmed position often, so a wrong one would show at once.
      'status.update.interval.ms': '100',
    }),
  };
  const topic = 'ledger.public.ledger';
  // Offsets are committed only on stop.
  const first = await startWorker(dir, 3_600_000);
  await first.herder.createConnector('ledger', config);
  await until('the slot to be streamed', () => slotActive(slot));
  const walBefore = await currentWalLsn(db);
  await db.query(`insert into ledger values (1)`);
  await db.query(`insert into ledger values (2)`);
  await db.query(`insert into ledger values (3)`);
  await until('three records in the log', async () => (await events(first.log, topic)).length === 3);
  // A later transaction arrives after the first three are written (but their offsets are not committed).
  await db.query(`insert into ledger values (4)`);
  await until('four records in the log', async () => (await events(first.log, topic)).length === 4);
  // Keepalives and status updates go by meanwhile; none may confirm the uncommitted changes.
  await new Promise((r) => setTimeout(r, 1_000));
  assert.ok((await confirmedFlush(db, slot)) <= walBefore, 'not confirmed past uncommitted records');
  await first.close();

  // The offsets committed at stop are ahead of the slot: the restart resumes from them, without repeats.
  const second = await startWorker(dir, 50);
  try {
    await db.query(`insert into ledger values (5)`);
    const walAfter = await currentWalLsn(db);
    await until(
      'the slot to be confirmed past the new record',
      async () => (await confirmedFlush(db, slot)) >= walAfter,
    );
    assert.deepEqual(
      (await events(second.log, topic)).map((e) => e.after),
      [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }, { id: 5 }],
    );
  } finally {
    await second.close();
  }
});

test('a bad config is refused by key before anything starts', async () => {
  const { herder, close } = await startWorker(tempDir(), 50);
  try {
    await assert.rejects(
      herder.createConnector('bad', {
        'connector.class': CLASS,
        'database.port': '5432',
        'plugin.name': 'decoderbufs',
        'snapshot.mode': 'sometimes',
      }),
      (err: unknown) => {
        assert.ok(err instanceof ConnectError);
        assert.equal(err.status, 400);
        for (const key of ['database.hostname', 'database.user', 'database.dbname', 'topic.prefix'])
          assert.match(err.message, new RegExp(`Missing required configuration "${key}"`));
        assert.match(err.message, /plugin\.name: Only plugin\.name=pgoutput is supported/);
        assert.match(err.message, /Invalid value sometimes for configuration snapshot\.mode/);
        return true;
      },
    );
    assert.deepEqual(herder.connectorNames(), []);
  } finally {
    await close();
  }
});

test('with errors.max.retries=0, losing the server fails the task; restarting it after the server is back loses nothing', async () => {
  await db.query(`create table outage (id int primary key)`);
  const dir = tempDir();
  const config = {
    'connector.class': CLASS,
    ...cdcProps(db, 'outage', {
      'table.include.list': 'public.outage',
      'snapshot.mode': 'never',
      'errors.max.retries': '0',
      'retriable.restart.connector.wait.ms': '200',
    }),
  };
  const topic = 'outage.public.outage';
  const worker = await startWorker(dir, 50);
  try {
    await worker.herder.createConnector('outage', config);
    await until('streaming', () => slotActive('slot_outage'));
    await db.query(`insert into outage values (1)`);
    await until('the first row', async () => (await events(worker.log, topic)).length === 1);
    await db.stop();
    await until(
      'the task to fail',
      () => worker.herder.connectorStatus('outage').tasks[0].state === 'FAILED',
    );
    await db.start();
    await db.query(`insert into outage values (2)`);
    await worker.herder.restartTask('outage', 0);
    await until('the row written while failed', async () => (await events(worker.log, topic)).length === 2);
    assert.deepEqual(
      (await events(worker.log, topic)).map((e) => e.after),
      [{ id: 1 }, { id: 2 }],
    );
  } finally {
    await worker.close();
  }
});

/** The ids of the topic's records, in log order (repeats included). */
async function ids(log: SegmentLog, topic: string): Promise<number[]> {
  return (await events(log, topic)).map((e) => (e.after as { id: number }).id);
}

/** Each id of `expected` arrived at least once, and first arrived in that order. */
function assertAllInOrder(got: readonly number[], expected: readonly number[]): void {
  const firsts = [...new Set(got)];
  assert.deepEqual(firsts, expected, `first arrivals in order (got ${got.join(', ')})`);
}

async function walsenderPid(slot: string): Promise<number | null> {
  const rows = await db.query<{ pid: number }>(
    'select active_pid as pid from pg_replication_slots where slot_name = $1 and active',
    [slot],
  );
  return rows[0]?.pid ?? null;
}

test('the task reconnects by itself when the server restarts, and loses nothing', async () => {
  await db.query(`create table restarts (id int primary key)`);
  const dir = tempDir();
  const slot = 'slot_restarts';
  const config = {
    'connector.class': CLASS,
    ...cdcProps(db, 'restarts', {
      'table.include.list': 'public.restarts',
      'snapshot.mode': 'never',
      'retriable.restart.connector.wait.ms': '200',
      'status.update.interval.ms': '100',
    }),
  };
  const topic = 'restarts.public.restarts';
  const worker = await startWorker(dir, 50);
  const state = () => worker.herder.connectorStatus('restarts').tasks[0].state;
  try {
    await worker.herder.createConnector('restarts', config);
    await until('streaming', () => slotActive(slot));
    for (const id of [1, 2, 3]) await db.query(`insert into restarts values (${id})`);
    await until('the first rows', async () => (await ids(worker.log, topic)).length >= 3);
    await db.stop();
    // Several reconnect attempts fail while the server is down; the task keeps running.
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(state(), 'RUNNING');
    }
    await db.start();
    await until('streaming again', () => slotActive(slot));
    for (const id of [4, 5, 6]) await db.query(`insert into restarts values (${id})`);
    const walAfter = await currentWalLsn(db);
    await until('every row', async () => new Set(await ids(worker.log, topic)).size === 6);
    assertAllInOrder(await ids(worker.log, topic), [1, 2, 3, 4, 5, 6]);
    await until(
      'the slot to be confirmed past the later rows',
      async () => (await confirmedFlush(db, slot)) >= walAfter,
    );
    assert.equal(state(), 'RUNNING');
  } finally {
    await worker.close();
  }
});

test('the task reconnects by itself when its walsender is terminated, and loses nothing', async () => {
  await db.query(`create table terminated (id int primary key)`);
  const dir = tempDir();
  const slot = 'slot_terminated';
  const config = {
    'connector.class': CLASS,
    ...cdcProps(db, 'terminated', {
      'table.include.list': 'public.terminated',
      'snapshot.mode': 'never',
      'retriable.restart.connector.wait.ms': '200',
      'status.update.interval.ms': '100',
    }),
  };
  const topic = 'terminated.public.terminated';
  const worker = await startWorker(dir, 50);
  const state = () => worker.herder.connectorStatus('terminated').tasks[0].state;
  try {
    await worker.herder.createConnector('terminated', config);
    await until('streaming', () => slotActive(slot));
    await db.query(`insert into terminated values (1)`);
    await db.query(`insert into terminated values (2)`);
    await until('the first rows', async () => (await ids(worker.log, topic)).length >= 2);
    const pid = await walsenderPid(slot);
    assert.notEqual(pid, null);
    await db.query('select pg_terminate_backend($1)', [pid]);
    // Committed while the task reconnects (or already after): streamed all the same.
    await db.query(`insert into terminated values (3)`);
    await until('a new walsender', async () => {
      const now = await walsenderPid(slot);
      return now !== null && now !== pid;
    });
    await db.query(`insert into terminated values (4)`);
    const walAfter = await currentWalLsn(db);
    await until('every row', async () => new Set(await ids(worker.log, topic)).size === 4);
    assertAllInOrder(await ids(worker.log, topic), [1, 2, 3, 4]);
    await until(
      'the slot to be confirmed past the later rows',
      async () => (await confirmedFlush(db, slot)) >= walAfter,
    );
    assert.equal(state(), 'RUNNING');
  } finally {
    await worker.close();
  }
});

test('a slot dropped while the task reconnects fails the task with a clear message', async () => {
  await db.query(`create table dropped (id int primary key)`);
  const dir = tempDir();
  const slot = 'slot_dropped';
  const config = {
    'connector.class': CLASS,
    ...cdcProps(db, 'dropped', {
      'table.include.list': 'public.dropped',
      'snapshot.mode': 'never',
      // Short on purpose: a reconnect that wins the race against the drop below is cut off again.
      'retriable.restart.connector.wait.ms': '500',
    }),
  };
  const worker = await startWorker(dir, 50);
  const status = () => worker.herder.connectorStatus('dropped').tasks[0];
  try {
    await worker.herder.createConnector('dropped', config);
    await until('streaming', () => slotActive(slot));
    // The task reconnects on its own once its wait is over, however long the drop takes under load:
    // whichever walsender holds the slot is ended, until the slot is free to drop.
    await until('the slot to be dropped', async () => {
      const pid = await walsenderPid(slot);
      if (pid !== null) await db.query('select pg_terminate_backend($1)', [pid]);
      try {
        await db.query('select pg_drop_replication_slot($1)', [slot]);
        return true;
      } catch {
        return false; // still active until the walsender exits
      }
    });
    await until('the task to fail', () => status().state === 'FAILED');
    assert.match(status().trace ?? '', /Replication slot slot_dropped no longer exists/);
  } finally {
    await worker.close();
  }
});
