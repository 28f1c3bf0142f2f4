import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Herder } from '../../connect/worker/index.js';
import { recentLogLines } from '../../connect/worker/index.js';
import { startTestWorker, type TestWorker, until } from '../../connect/worker/test-worker.fixture.js';
import type { SegmentLog } from '../../log/index.js';
import { startTestPostgres, type TestPostgres } from '../postgres/test-postgres.fixture.js';
import { plugins } from './index.js';

// The sink in the real worker: records produced to the log as JSON, converted, handed to put,
// committed; the database stopped and started under it.

let db: TestPostgres;
let dir: string;
let worker: TestWorker;
let log: SegmentLog;
let herder: Herder;

before(async () => {
  db = await startTestPostgres();
  dir = mkdtempSync(join(tmpdir(), 'sluice-jdbc-sink-'));
  // What a KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON' stream writes: string keys, plain JSON values.
  worker = await startTestWorker(dir, {
    properties: {
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
    },
    connectors: plugins,
  });
  ({ log, herder } = worker);
});

after(async () => {
  await worker.close();
  rmSync(dir, { recursive: true, force: true });
  await db.close();
});

async function produce(topic: string, records: [string | null, unknown][]): Promise<void> {
  if (!(await log.hasTopic(topic))) await log.createTopic(topic, { partitions: 1 });
  await log.append(
    topic,
    records.map(([key, value]) => ({
      key: key === null ? null : Buffer.from(key),
      value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    })),
  );
}

async function committed(name: string): Promise<number | undefined> {
  const o = await herder.connectorOffsets(name);
  return (o.offsets[0]?.offset as { kafka_offset?: number } | undefined)?.kafka_offset;
}

const connection = () => ({
  'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
  'connection.url': db.jdbcUrl,
  'connection.user': db.user,
  'connection.password': db.password,
});

test('JSON records from a topic are upserted and deleted; a bad record goes to the dead-letter queue; the offsets are committed', async () => {
  await db.query('create table orders (id text primary key, item text, qty int, details jsonb)');
  await produce('orders', [
    ['o1', { item: 'pen', qty: 2, details: { color: 'red' } }],
    ['o2', { item: 'ink', qty: 'lots' }],
    ['o3', { item: 'pad', qty: 1 }],
    ['o1', { item: 'pen', qty: 5, details: { color: 'blue' } }],
    ['o3', null],
  ]);
  await herder.createConnector('orders-sink', {
    ...connection(),
    topics: 'orders',
    'insert.mode': 'upsert',
    'pk.mode': 'record_key',
    'pk.fields': 'id',
    'delete.enabled': 'true',
    'errors.tolerance': 'all',
    'errors.deadletterqueue.topic.name': 'orders-dlq',
  });
  await until('offsets committed after the five records', async () => (await committed('orders-sink')) === 5);
  assert.deepEqual(await db.query('select id, item, qty, details from orders order by id'), [
    { id: 'o1', item: 'pen', qty: 5, details: { color: 'blue' } },
  ]);
  const dlq = await log.read('orders-dlq', 0, 0);
  assert.deepEqual(
    dlq.records.map((r) => r.key?.toString()),
    ['o2'],
  );
  assert.equal(herder.connectorStatus('orders-sink').tasks[0].state, 'RUNNING');
  await herder.deleteConnector('orders-sink');
});

test('records with schemas (JsonConverter envelopes) create their table, decimals exact; the task rides out a database restart', async () => {
  const schema = {
    type: 'struct',
    name: 'payment',
    optional: false,
    fields: [
      { field: 'id', type: 'int64', optional: false },
      { field: 'payer', type: 'string', optional: true },
      {
        field: 'amount',
        type: 'bytes',
        optional: false,
        name: 'org.apache.kafka.connect.data.Decimal',
        version: 1,
        parameters: { scale: '2' },
      },
      {
        field: 'at',
        type: 'int64',
        optional: false,
        name: 'org.apache.kafka.connect.data.Timestamp',
        version: 1,
      },
    ],
  };
  // 12345 (123.45) as big-endian two's complement bytes, base64.
  const payment = (id: number, amountBase64: string) =>
    JSON.stringify({
      schema,
      payload: { id, payer: `p${id}`, amount: amountBase64, at: 1_700_000_000_000 + id },
    });
  await produce('payments', [
    [null, payment(1, 'MDk=')],
    [null, payment(2, '/w==')],
  ]);
  await herder.createConnector('payments-sink', {
    ...connection(),
    topics: 'payments',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'true',
    'auto.create': 'true',
    'insert.mode': 'upsert',
    'pk.mode': 'record_value',
    'pk.fields': 'id',
    'retry.backoff.ms': '100',
    'connection.attempts': '1',
    'max.retries': '1000',
  });
  await until('two payments', async () => (await committed('payments-sink')) === 2);
  await db.stop();
  await produce('payments', [
    [null, payment(3, 'AQ==')],
    [null, payment(2, 'AMg=')],
  ]);
  const logged = (start: string) => recentLogLines('payments-sink-0').some((l) => l.startsWith(start));
  await until('a refused write', () => logged('WARN Writing to PostgreSQL failed; the records are kept'));
  // The next put finds the database away: a RetriableException, and the runtime redelivers.
  await produce('payments', [[null, payment(4, 'AA==')]]);
  await until('a redelivery after a retriable error', () => logged('WARN Retriable error from put'));
  assert.equal(await committed('payments-sink'), 2, 'nothing committed while the database is down');
  await db.start();
  await until('five records committed', async () => (await committed('payments-sink')) === 5);
  assert.deepEqual(
    await db.query(
      `select id::int, payer, amount::text, (extract(epoch from at) * 1000)::bigint::text as at from payments order by id`,
    ),
    [
      { id: 1, payer: 'p1', amount: '123.45', at: '1700000000001' },
      { id: 2, payer: 'p2', amount: '2.00', at: '1700000000002' },
      { id: 3, payer: 'p3', amount: '0.01', at: '1700000000003' },
      { id: 4, payer: 'p4', amount: '0.00', at: '1700000000004' },
    ],
  );
  assert.deepEqual(
    await db.query(
      `select column_name, data_type, numeric_scale from information_schema.columns where table_name = 'payments' and column_name = 'amount'`,
    ),
    [{ column_name: 'amount', data_type: 'numeric', numeric_scale: 2 }],
  );
  assert.equal(herder.connectorStatus('payments-sink').tasks[0].state, 'RUNNING');
  await herder.deleteConnector('payments-sink');
});

test('the worker refuses a config the sink cannot run, listing every problem', async () => {
  await assert.rejects(
    herder.createConnector('bad-sink', {
      'connector.class': 'JdbcSink',
      topics: 'x',
      'connection.url': 'jdbc:mysql://h/db',
      'insert.mode': 'merge',
      'pk.mode': 'none',
      'delete.enabled': 'true',
    }),
    (err: Error) => {
      assert.match(err.message, /contains the following 3 error\(s\)/);
      assert.match(
        err.message,
        /Invalid value jdbc:mysql:\/\/h\/db for configuration connection\.url: Invalid connection URL/,
      );
      assert.match(
        err.message,
        /Invalid value merge for configuration insert\.mode: String must be one of: insert, upsert, update/,
      );
      assert.match(err.message, /Deletes need pk\.mode=record_key/);
      return true;
    },
  );
});

test('the sink checks its database when it starts: a wrong password, a missing table or a missing grant fail the start, naming the server and never the password', async () => {
  // SQL's CREATE … CONNECTOR: a connector that cannot start is refused and removed.
  const create = (name: string, config: Record<string, string>) =>
    herder.createConnector(name, config, 'STARTED', { requireStart: true });
  const server = db.jdbcUrl.replace(/^jdbc:postgresql:\/\//, '').replaceAll('.', '\\.');
  await assert.rejects(
    create('wrong-password', {
      ...connection(),
      'connection.password': 'not-the-password',
      topics: 'start_a',
      'auto.create': 'true',
    }),
    (err: Error) => {
      assert.match(
        err.message,
        new RegExp(
          `could not start: Could not connect to PostgreSQL at ${server} \\(connection\\.url\\): password authentication failed .*\\(SQLSTATE 28P01\\)\\. Check connection\\.url, connection\\.user and connection\\.password\\.`,
        ),
      );
      assert.doesNotMatch(err.message, /not-the-password/);
      return true;
    },
  );
  await assert.rejects(
    create('no-table', { ...connection(), topics: 'start_absent' }),
    new RegExp(
      `Table start_absent \\(topic start_absent\\) does not exist in PostgreSQL at ${server} \\(connection\\.url\\) and auto\\.create is disabled: create the table, or set auto\\.create=true\\.`,
    ),
  );
  await db.query("create role start_writer login password 'writer-pw'");
  await db.query('create schema start_locked');
  await db.query('grant usage on schema start_locked to start_writer');
  await db.query('create table start_readonly (id int)');
  const asWriter = { ...connection(), 'connection.user': 'start_writer', 'connection.password': 'writer-pw' };
  await assert.rejects(
    create('no-create', {
      ...asWriter,
      topics: 'start_b',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: table.name.format's placeholder.
      'table.name.format': 'start_locked.${topic}',
      'auto.create': 'true',
    }),
    /Table start_locked\.start_b \(topic start_b\) does not exist in .*, and user start_writer may not create it in schema start_locked \(auto\.create=true\): grant CREATE on the schema, or create the table\./,
  );
  await assert.rejects(
    create('no-insert', { ...asWriter, topics: 'start_readonly' }),
    /User start_writer may not INSERT table start_readonly \(topic start_readonly\) in PostgreSQL at .*: grant INSERT on it, or connect as another user\./,
  );
  assert.deepEqual(
    herder
      .connectorNames()
      .filter((n) => ['wrong-password', 'no-table', 'no-create', 'no-insert'].includes(n)),
    [],
  );
  // Granted, the same sink starts.
  await db.query('grant insert on start_readonly to start_writer');
  await create('granted', { ...asWriter, topics: 'start_readonly' });
  await herder.deleteConnector('granted');
});
