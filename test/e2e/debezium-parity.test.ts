// Debezium parity, record by record: the real Debezium PostgreSQL connector (3.6.1.Final, from Maven
// Central) on a real Kafka Connect 4.1 worker, and Sluice's own io.debezium.connector.postgresql.
// PostgresConnector on the server's embedded worker, capture the same table of the same PostgreSQL
// (pgoutput) into Sluice's log: one through the Kafka listener, one in-process. Both use Kafka's
// JsonConverter with schemas, so each record's key and value carry their Connect schema as JSON, and
// the two topics must hold the same records: keys, envelopes (schema and payload), tombstones,
// headers and topic names, through a snapshot, inserts, updates, a key change, deletes, a column
// added and one dropped, and REPLICA IDENTITY FULL.
//
// What may differ, and is left out of the comparison (see IGNORED below): when each connector
// processed an event (the envelope's ts_ms/ts_us/ts_ns), the connector's version, the name each was
// given (topic.prefix, which also starts every schema name and topic: compared with it swapped), and
// for snapshot records where and when each snapshot was read (source.ts_*, lsn, txId, sequence,
// xmin): the two take their snapshots at different moments. Streamed changes share one WAL, so their
// source.lsn, txId, sequence and commit time must match too.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningServer, startServer } from '../../src/app/index.js';
import { loadServerConfig } from '../../src/config/index.js';
import { startTestPostgres, type TestPostgres } from '../../src/connectors/postgres/test-postgres.fixture.js';
import type { Log, LogRecord } from '../../src/log/index.js';
import {
  connectPluginMissing,
  connectPluginsDir,
  type JavaConnectWorker,
  javaConnectMissing,
  startJavaConnectWorker,
} from './java-connect-worker.fixture.js';

const missing = javaConnectMissing ?? connectPluginMissing('debezium-postgres');

let db: TestPostgres | undefined;
let dir: string;
let server: RunningServer | undefined;
let worker: JavaConnectWorker | undefined;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-debezium-parity-'));
});

after(async () => {
  worker?.child.kill('SIGKILL');
  await server?.close();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const JSON_CONVERTERS = {
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'key.converter.schemas.enable': 'true',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter.schemas.enable': 'true',
};

function connectorConfig(pg: TestPostgres, prefix: string): Record<string, string> {
  return {
    'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
    'tasks.max': '1',
    'database.hostname': pg.host,
    'database.port': String(pg.port),
    'database.user': pg.user,
    'database.password': pg.password,
    'database.dbname': pg.database,
    'topic.prefix': prefix,
    'plugin.name': 'pgoutput',
    'slot.name': `${prefix}_slot`,
    'publication.name': `${prefix}_pub`,
    'publication.autocreate.mode': 'filtered',
    'table.include.list': 'public.parity,public.parity_two,public.parity_kinds',
    ...JSON_CONVERTERS,
  };
}

/** Every record of a topic (one partition), once it holds `count`; fails after `ms`. */
async function readAll(log: Log, topic: string, count: number, ms: number): Promise<LogRecord[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const out: LogRecord[] = [];
    if (await log.hasTopic(topic)) {
      for (const { partition } of (await log.describeTopic(topic)).partitions) {
        let offset = await log.beginningOffset(topic, partition);
        const end = await log.endOffset(topic, partition);
        while (offset < end) {
          const r = await log.read(topic, partition, offset);
          out.push(...r.records);
          offset = r.nextOffset;
        }
      }
      if (out.length >= count) return out;
      if (Date.now() > deadline) assert.fail(`${topic} holds ${out.length} records, expected ${count}`);
      await log.waitForData(topic, 0, await log.endOffset(topic, 0), 500);
    } else {
      if (Date.now() > deadline) assert.fail(`${topic} does not exist`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/**
 * Fields that must differ between the two connectors, by path in the parsed JSON (schema paths name
 * the field in the schema's `fields`).
 */
const IGNORED_ALWAYS = ['payload.ts_ms', 'payload.ts_us', 'payload.ts_ns', 'payload.source.version'];
const IGNORED_IN_SNAPSHOT = [
  'payload.source.ts_ms',
  'payload.source.ts_us',
  'payload.source.ts_ns',
  'payload.source.lsn',
  'payload.source.txId',
  'payload.source.sequence',
  'payload.source.xmin',
];

/** A record as comparable data: prefix swapped out, ignored fields blanked. */
function comparable(record: LogRecord, prefix: string): unknown {
  const parse = (b: Buffer | null) =>
    b === null
      ? null
      : JSON.parse(
          b.toString('utf8').replaceAll(`"${prefix}.`, '"PREFIX.').replaceAll(`"${prefix}"`, '"PREFIX"'),
        );
  const value = parse(record.value) as { payload?: Record<string, unknown> } | null;
  if (value?.payload !== undefined) {
    const snapshot = (value.payload.source as Record<string, unknown> | undefined)?.snapshot;
    const ignored = [
      ...IGNORED_ALWAYS,
      ...(snapshot !== 'false' && snapshot !== undefined ? IGNORED_IN_SNAPSHOT : []),
    ];
    for (const path of ignored) {
      const parts = path.split('.');
      let at: Record<string, unknown> | undefined = value as Record<string, unknown>;
      for (const p of parts.slice(0, -1)) at = at?.[p] as Record<string, unknown> | undefined;
      if (at !== undefined && at !== null && parts.at(-1)! in at) at[parts.at(-1)!] = '(ignored)';
    }
  }
  return {
    key: parse(record.key),
    value,
    // The run id is random per start of each task: its presence is compared, not its value.
    headers: record.headers.map((h) => [
      h.key,
      h.key === '__debezium.context.runId'
        ? '(ignored)'
        : h.key === '__debezium.context.connectorLogicalName'
          ? h.value?.toString('utf8').replace(prefix, 'PREFIX')
          : h.value === null
            ? null
            : h.value.toString('utf8'),
    ]),
  };
}

/** Every path at which a and b differ, with both sides. */
function differences(a: unknown, b: unknown, path = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    if (Array.isArray(a) !== Array.isArray(b))
      return [`${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`];
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) =>
      differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`),
    );
  }
  return [`${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`];
}

async function post(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.ok(res.ok, `${url}: ${res.status} ${await res.text()}`);
}

async function ksql(url: string, statement: string): Promise<void> {
  const res = await fetch(`${url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ksql: statement }),
  });
  assert.equal(res.status, 200, `${statement}\n${await res.text()}`);
}

test('Sluice’s PostgreSQL CDC connector writes what the real Debezium connector writes', {
  skip: missing,
  timeout: 600_000,
}, async () => {
  db = await startTestPostgres();
  const pg = db;
  await pg.query(`create table public.parity (
    id integer primary key,
    name text not null,
    qty integer,
    price numeric(10,2),
    ratio double precision,
    active boolean,
    born date,
    seen timestamp,
    updated timestamptz,
    doc jsonb,
    uid uuid,
    tags text[],
    t0 timestamptz(0),
    t3 timestamptz(3),
    tt timetz,
    tt3 timetz(3)
  )`);
  await pg.query("create type parity_mood as enum ('sad', 'ok', 'happy')");
  await pg.query(`create table public.parity_kinds (
    id bigint primary key, s smallint, r real, m money, n numeric, b bytea, iv interval, mood parity_mood,
    t time, t3 time(3), ts3 timestamp(3), bit1 bit(1), vb varbit, ip inet, x xml, big text)`);
  // big is stored out of line (TOAST): an update that leaves it alone does not send it.
  await pg.query(`insert into public.parity_kinds values (1, 7, 1.5, 12.34, 3.14159, '\\x0102', '1 year 2 months 3 days 04:05:06.5',
    'happy', '13:14:15.123456', '13:14:15.123', '2024-02-29 13:14:15.123', B'1', B'101', '10.0.0.1/8', '<a>b</a>',
    (select string_agg(md5(i::text), '') from generate_series(1, 400) i))`);
  await pg.query('create table public.parity_two (code text primary key, n integer)');
  await pg.query("insert into public.parity_two values ('a', 1), ('b', 2), ('c', 3)");
  await pg.query(`insert into public.parity values
    (1, 'one', 10, 12.50, 0.25, true, '2024-02-29', '2024-02-29 11:14:15.123456', '2024-02-29 11:14:15.5+02', '{"a": 1}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{x,y}', '2024-02-29 11:14:15+02', '2024-02-29 11:14:15.5+02', '11:14:15.5+02', '11:14:15+02'),
    (2, 'two', null, null, null, null, null, null, null, null, null, null, null, null, null, null),
    (6, 'six', null, null, null, null, null, null, '2024-01-01 00:00:00+00', null, null, null, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00.12+00', '00:00:00+00', '00:00:00.12+00')`);

  server = await startServer(
    loadServerConfig({
      flags: { listeners: 'http://127.0.0.1:0', 'sluice.data.dir': join(dir, 'sluice') },
      env: { KSQL_CONNECT_LISTENERS: 'http://127.0.0.1:0', KSQL_CONNECT_OFFSET_FLUSH_INTERVAL_MS: '200' },
    }),
  );
  const bootstrap = server.kafkaUrl?.replace(/^PLAINTEXT:\/\//, '');
  assert.ok(bootstrap, 'the server has a Kafka listener');
  // One partition each, so both topics keep one order to compare.
  for (const topic of [
    'dbz.public.parity',
    'sluice.public.parity',
    'dbz.public.parity_two',
    'sluice.public.parity_two',
    'dbz.public.parity_kinds',
    'sluice.public.parity_kinds',
  ])
    await server.log.createTopic(topic, { partitions: 1 });

  worker = await startJavaConnectWorker({
    dir,
    bootstrap,
    groupId: 'sluice-debezium-parity',
    properties: { 'plugin.path': connectPluginsDir },
  });
  await post(`${worker.restUrl}/connectors`, { name: 'dbz', config: connectorConfig(pg, 'dbz') });
  const sluiceConfig = Object.entries(connectorConfig(pg, 'sluice'))
    .map(([k, v]) => `'${k}' = '${v}'`)
    .join(', ');
  await ksql(server.url, `CREATE SOURCE CONNECTOR sluice_cdc WITH (${sluiceConfig});`);

  // Both snapshots are in, so both slots exist and stream what follows.
  await readAll(server.log, 'dbz.public.parity_two', 3, 240_000);
  await readAll(server.log, 'sluice.public.parity_two', 3, 60_000);

  const changes = [
    "insert into public.parity (id, name, qty, price) values (3, 'three', 3, 3.33)",
    "update public.parity_two set n = 20 where code = 'b'",
    'update public.parity_kinds set s = 8 where id = 1',
    'insert into public.parity_kinds (id, s) values (2, 1), (3, 2)',
    "update public.parity set name = 'uno', qty = qty + 1 where id = 1",
    'update public.parity set id = 20 where id = 2',
    'delete from public.parity where id = 3',
    'alter table public.parity add column note varchar(20)',
    "insert into public.parity (id, name, note) values (4, 'four', 'added')",
    "update public.parity set note = 'changed' where id = 4",
    'alter table public.parity drop column ratio',
    "insert into public.parity (id, name) values (5, 'five')",
    'alter table public.parity replica identity full',
    "update public.parity set name = 'full' where id = 1",
    'delete from public.parity where id = 20',
  ];
  for (const sql of changes) await pg.query(sql);
  // A marker row: once both topics hold it, every change before it is in both.
  await pg.query("insert into public.parity (id, name) values (99, 'end')");

  const ends = async (topic: string) => {
    for (let want = 2; ; want++) {
      const records = await readAll(server!.log, topic, want, 120_000);
      const last = records.at(-1);
      if (last?.key !== null && JSON.parse(last!.key!.toString()).payload?.id === 99) return records;
    }
  };
  const dbz = await ends('dbz.public.parity');
  const sluice = await ends('sluice.public.parity');
  // The marker row was inserted after the change to parity_two: that change is in both by now.
  const dbzTwo = await readAll(server.log, 'dbz.public.parity_two', 4, 10_000);
  const sluiceTwo = await readAll(server.log, 'sluice.public.parity_two', 4, 10_000);
  const dbzKinds = await readAll(server.log, 'dbz.public.parity_kinds', 4, 10_000);
  const sluiceKinds = await readAll(server.log, 'sluice.public.parity_kinds', 4, 10_000);

  const found: string[] = [];
  for (const [table, a, b] of [
    ['parity', dbz, sluice],
    ['parity_two', dbzTwo, sluiceTwo],
    ['parity_kinds', dbzKinds, sluiceKinds],
  ] as const) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const x = a[i] === undefined ? undefined : comparable(a[i], 'dbz');
      const y = b[i] === undefined ? undefined : comparable(b[i], 'sluice');
      for (const d of differences(x, y)) found.push(`${table} record ${i}${d}`);
    }
  }
  assert.deepEqual(found, [], `Debezium ≠ Sluice:\n${found.join('\n')}`);
  assert.ok(dbz.length >= 16, `${dbz.length} records`);
});
