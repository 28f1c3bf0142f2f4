// The connector in the real Connect worker: records converted by JsonConverter and appended to
// the log, offsets committed by the runtime and read back after a restart.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { ConnectError } from '../../connect/worker/index.js';
import { startTestWorker, type TestWorker, until } from '../../connect/worker/test-worker.fixture.js';
import type { SegmentLog } from '../../log/index.js';
import { startTestPostgres, type TestPostgres } from '../postgres/test-postgres.fixture.js';
import { plugins } from './index.js';

let db: TestPostgres;
before(async () => {
  db = await startTestPostgres();
});
after(async () => {
  await db.close();
});

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function startWorker(existing?: string) {
  const dir = existing ?? mkdtempSync(join(tmpdir(), 'sluice-jdbc-source-'));
  if (existing === undefined) cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const worker = await startTestWorker(dir, {
    properties: {
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'true',
    },
    connectors: plugins,
  });
  cleanup.push(worker.close);
  return worker;
}

interface JsonRecord {
  schema: {
    type: string;
    name?: string;
    fields: { field: string; type: string; optional: boolean; name?: string }[];
  };
  payload: Record<string, unknown>;
}

async function topicRecords(log: SegmentLog, topic: string): Promise<JsonRecord[]> {
  if (!(await log.hasTopic(topic))) return [];
  const out: JsonRecord[] = [];
  let offset = 0;
  while (offset < (await log.endOffset(topic, 0))) {
    const r = await log.read(topic, 0, offset);
    out.push(...r.records.map((x) => JSON.parse(x.value!.toString()) as JsonRecord));
    offset = r.nextOffset;
  }
  return out;
}

/**
 * Waits on the log (no deadline, no reading the topic over and over) until `topic` holds `count`
 * records; a task of `connector` that fails ends the wait at once with its trace.
 */
async function untilRecords(
  worker: TestWorker,
  connector: string,
  topic: string,
  count: number,
): Promise<void> {
  const failed = () => {
    const task = worker.herder.connectorStatus(connector).tasks.find((t) => t.state === 'FAILED');
    if (task !== undefined) assert.fail(`task ${connector}-${task.id} failed: ${task.trace}`);
  };
  // Until the first record, the topic does not exist: check it at each tick of the test worker's own pace.
  await until(
    `topic ${topic}`,
    async () => {
      failed();
      return worker.log.hasTopic(topic);
    },
    Number.POSITIVE_INFINITY,
  );
  // Woken by the append that reaches `count`; the periodic wake-up only looks at the task's state.
  while (!(await worker.log.waitForData(topic, 0, count - 1, 1000))) failed();
}

/** A Connect Decimal's base64 bytes as its unscaled integer (two's complement, big-endian). */
function unscaled(base64: string): bigint {
  const bytes = Buffer.from(base64, 'base64');
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return BigInt.asIntN(bytes.length * 8, v);
}

function connectorConfig(extra: Record<string, string>): Record<string, string> {
  return {
    'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
    'connection.url': db.jdbcUrl,
    'connection.user': db.user,
    'connection.password': db.password,
    'topic.prefix': 'pg-',
    'poll.interval.ms': '20',
    ...extra,
  };
}

// The timeout only stops a hang: the waits below end on the rows themselves, however loaded the machine.
test('a restarted worker resumes each table from its committed offset: every row exactly once, in order', {
  timeout: 300_000,
}, async () => {
  await db.query(
    'CREATE TABLE payments (id bigserial PRIMARY KEY, amount numeric(12,2) NOT NULL, paid_at timestamptz NOT NULL)',
  );
  await db.query(
    "INSERT INTO payments (amount, paid_at) SELECT g / 100.0, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' FROM generate_series(1, 3000) g",
  );
  const first = await startWorker();
  await first.herder.createConnector('payments-source', {
    ...connectorConfig({
      mode: 'incrementing',
      'incrementing.column.name': 'id',
      'table.whitelist': 'payments',
    }),
    'batch.max.rows': '7',
  });
  // Stopped while it is still reading, most likely in the middle of the table.
  await untilRecords(first, 'payments-source', 'pg-payments', 100);
  await first.close();
  await db.query(
    'INSERT INTO payments (amount, paid_at) SELECT -g / 100.0, now() FROM generate_series(3001, 3500) g',
  );

  const again = await startWorker(first.dir);
  await untilRecords(again, 'payments-source', 'pg-payments', 3500);
  const records = await topicRecords(again.log, 'pg-payments');
  assert.deepEqual(
    records.map((r) => r.payload.id),
    Array.from({ length: 3500 }, (_, i) => i + 1),
    'nothing repeated, nothing lost',
  );
  const [one] = records;
  assert.equal(one.schema.name, 'payments');
  assert.deepEqual(
    one.schema.fields.map((f) => [f.field, f.type, f.optional, f.name ?? null]),
    [
      ['id', 'int64', false, null],
      ['amount', 'bytes', false, 'org.apache.kafka.connect.data.Decimal'],
      ['paid_at', 'int64', false, 'org.apache.kafka.connect.data.Timestamp'],
    ],
  );
  assert.equal(unscaled(one.payload.amount as string), 1n, '0.01 exactly');
  assert.equal(one.payload.paid_at, Date.UTC(2024, 0, 1, 0, 0, 1));
  assert.equal(unscaled(records[3499].payload.amount as string), -3500n);
  await until('the last offset committed', async () => {
    const o = await again.herder.connectorOffsets('payments-source');
    return (o.offsets[0]?.offset as { incrementing?: number } | undefined)?.incrementing === 3500;
  });
  assert.deepEqual((await again.herder.connectorOffsets('payments-source')).offsets, [
    { partition: { protocol: '1', table: 'postgres.public.payments' }, offset: { incrementing: 3500 } },
  ]);
});

test('tables are spread over tasks.max tasks in the worker, each table to its own topic', async () => {
  for (const t of ['w_a', 'w_b', 'w_c']) {
    await db.query(`CREATE TABLE ${t} (id int PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())`);
    await db.query(`INSERT INTO ${t} (id) SELECT generate_series(1, 5)`);
  }
  const { herder, log } = await startWorker();
  await herder.createConnector('spread', {
    ...connectorConfig({
      mode: 'timestamp+incrementing',
      'timestamp.column.name': 'at',
      'incrementing.column.name': 'id',
      'table.include.list': 'public\\.w_.*',
    }),
    'tasks.max': '2',
  });
  await until('every topic', async () => {
    for (const t of ['pg-w_a', 'pg-w_b', 'pg-w_c']) if ((await topicRecords(log, t)).length < 5) return false;
    return true;
  });
  assert.deepEqual(
    herder.connectorStatus('spread').tasks.map((t) => t.state),
    ['RUNNING', 'RUNNING'],
  );
  assert.deepEqual(
    herder.taskConfigs('spread').map((t) => JSON.parse(t.config.tables)),
    [
      [
        ['public', 'w_a'],
        ['public', 'w_b'],
      ],
      [['public', 'w_c']],
    ],
  );
  assert.deepEqual(herder.connectorTopics('spread'), ['pg-w_a', 'pg-w_b', 'pg-w_c']);
});

test('the worker refuses a config with problems before starting anything, listing them by key', async () => {
  const { herder } = await startWorker();
  await assert.rejects(
    herder.createConnector('bad', {
      ...connectorConfig({ mode: 'incrementing', query: 'SELECT * FROM x', 'table.whitelist': 'x' }),
      'connection.url': 'mysql://localhost/db',
    }),
    (err: unknown) => {
      assert.ok(err instanceof ConnectError);
      assert.equal(err.status, 400);
      assert.match(err.message, /contains the following 4 error\(s\)/);
      assert.match(err.message, /\nIncrementing column name must be set for mode incrementing\n/);
      assert.match(err.message, /\nquery may not be combined with whole-table copying settings\n/);
      assert.match(err.message, /Invalid value mysql:\/\/localhost\/db for configuration connection\.url/);
      return true;
    },
  );
  assert.deepEqual(herder.connectorNames(), []);
});

test('a database that stays down past connection.attempts fails the task, with the reason in its trace', async () => {
  await db.query('CREATE TABLE outage (id int PRIMARY KEY)');
  await db.query('INSERT INTO outage VALUES (1)');
  const { herder, log } = await startWorker();
  await herder.createConnector('outage', {
    ...connectorConfig({
      mode: 'incrementing',
      'incrementing.column.name': 'id',
      'table.whitelist': 'outage',
    }),
    'connection.attempts': '2',
    'connection.backoff.ms': '10',
  });
  await until('the first row', async () => (await topicRecords(log, 'pg-outage')).length === 1);
  await db.stop();
  try {
    await until('the task failed', () => herder.connectorStatus('outage').tasks[0]?.state === 'FAILED');
    assert.match(
      herder.connectorStatus('outage').tasks[0].trace ?? '',
      new RegExp(`Could not connect to PostgreSQL at 127\\.0\\.0\\.1:${db.port}/postgres after 2 attempt`),
    );
    assert.equal(herder.connectorStatus('outage').connector.state, 'RUNNING');
  } finally {
    await db.start();
  }
});
