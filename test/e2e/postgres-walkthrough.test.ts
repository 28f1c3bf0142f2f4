import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningServer, startServer } from '../../src/app/index.js';
import { loadServerConfig } from '../../src/config/index.js';
import { startTestPostgres, type TestPostgres } from '../../src/connectors/postgres/test-postgres.fixture.js';
import { type Backend, onEachBackend } from './backends.fixture.js';

// The walkthrough in docs/postgres-walkthrough.md, run for real: a PostgreSQL table → the CDC
// connector → a table in Sluice → a persistent query that filters and reshapes → the JDBC sink
// into another PostgreSQL table, checked row by row through inserts, updates, deletes and a
// server restart in the middle.

let db: TestPostgres;
let dir: string;
before(async () => {
  db = await startTestPostgres();
  dir = mkdtempSync(join(tmpdir(), 'sluice-walkthrough-'));
});
after(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

function start(backend: Backend, dataDir: string): Promise<RunningServer> {
  return startServer(
    loadServerConfig({
      flags: { listeners: 'http://127.0.0.1:0', 'sluice.data.dir': dataDir },
      env: {
        ...backend.env(),
        KSQL_CONNECT_LISTENERS: 'http://127.0.0.1:0',
        KSQL_CONNECT_OFFSET_FLUSH_INTERVAL_MS: '200',
      },
    }),
  );
}

async function ksql(server: RunningServer, statement: string): Promise<unknown[]> {
  const res = await fetch(`${server.url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ksql: statement, streamsProperties: { 'auto.offset.reset': 'earliest' } }),
  });
  const body = (await res.json()) as unknown[];
  assert.equal(res.status, 200, `${statement}\n→ ${JSON.stringify(body)}`);
  return body;
}

type Row = { id: string; name: string; email: string };

async function euCustomers(): Promise<Row[] | undefined> {
  const exists = await db.query("select to_regclass('public.eu_customers') as t");
  if (exists[0].t === null) return undefined;
  return db.query<Row>('select id::text as id, name, email from eu_customers order by id::int');
}

async function until(what: string, expected: Row[], ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  let last: Row[] | undefined;
  while (Date.now() < deadline) {
    last = await euCustomers();
    if (JSON.stringify(last) === JSON.stringify(expected)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(last, expected, `timed out waiting for ${what}`);
}

onEachBackend('the PostgreSQL walkthrough', { timeout: 600_000 }, (backend) => {
  test('PostgreSQL → CDC → filter and reshape → JDBC sink, through updates, deletes and a restart', async () => {
    // The other backend's run may have gone first on the same PostgreSQL.
    await db.query('drop table if exists customers, eu_customers');
    await db.query(
      "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = 'walkthrough'",
    );
    await db.query(`create table customers (
      id integer primary key, name text not null, email text, country text not null)`);
    await db.query(`insert into customers values
      (1, 'Ada', 'ada@example.com', 'FR'), (2, 'Bo', 'bo@example.com', 'US'), (3, 'Cy', null, 'DE')`);

    const dataDir = join(dir, backend.kind);
    let server = await start(backend, dataDir);
    try {
      await ksql(
        server,
        `CREATE SOURCE CONNECTOR customers_cdc WITH (
          'connector.class' = 'io.debezium.connector.postgresql.PostgresConnector',
          'database.hostname' = '127.0.0.1',
          'database.port' = '${db.port}',
          'database.user' = '${db.user}',
          'database.password' = '${db.password}',
          'database.dbname' = '${db.database}',
          'topic.prefix' = 'shop',
          'plugin.name' = 'pgoutput',
          'slot.name' = 'walkthrough',
          'table.include.list' = 'public.customers',
          'transforms' = 'unwrap,key',
          'transforms.unwrap.type' = 'io.debezium.transforms.ExtractNewRecordState',
          'transforms.key.type' = 'org.apache.kafka.connect.transforms.ExtractField$Key',
          'transforms.key.field' = 'id'
        );`,
      );
      await ksql(
        server,
        `CREATE TABLE customers (id VARCHAR PRIMARY KEY, name VARCHAR, email VARCHAR, country VARCHAR)
           WITH (KAFKA_TOPIC='shop.public.customers', VALUE_FORMAT='JSON', PARTITIONS=1);`,
      );
      await ksql(
        server,
        `CREATE TABLE eu_customers WITH (KAFKA_TOPIC='eu_customers', VALUE_FORMAT='JSON') AS
           SELECT id, UCASE(name) AS \`name\`, COALESCE(email, 'unknown') AS \`email\`
           FROM customers WHERE country = 'FR' OR country = 'DE' EMIT CHANGES;`,
      );
      await ksql(
        server,
        `CREATE SINK CONNECTOR eu_customers_sink WITH (
          'connector.class' = 'io.confluent.connect.jdbc.JdbcSinkConnector',
          'connection.url' = '${db.jdbcUrl}',
          'connection.user' = '${db.user}',
          'connection.password' = '${db.password}',
          'topics' = 'eu_customers',
          'insert.mode' = 'upsert',
          'pk.mode' = 'record_key',
          'pk.fields' = 'id',
          'delete.enabled' = 'true',
          'auto.create' = 'true'
        );`,
      );
      // The snapshot: only European customers, reshaped.
      await until('the snapshot', [
        { id: '1', name: 'ADA', email: 'ada@example.com' },
        { id: '3', name: 'CY', email: 'unknown' },
      ]);

      // Streamed changes: an insert, an update, a move out of the filter, and a delete.
      await db.query("insert into customers values (4, 'Di', 'di@example.com', 'DE')");
      await db.query("update customers set email = 'ada@new.example' where id = 1");
      await db.query("update customers set country = 'US' where id = 3");
      await db.query("update customers set country = 'FR' where id = 2");
      await db.query('delete from customers where id = 4');
      await until('the streamed changes', [
        { id: '1', name: 'ADA', email: 'ada@new.example' },
        { id: '2', name: 'BO', email: 'bo@example.com' },
      ]);

      // The server stops; changes made meanwhile are picked up after it starts again.
      await server.close();
      await db.query("insert into customers values (5, 'Ed', 'ed@example.com', 'FR')");
      await db.query('delete from customers where id = 1');
      await db.query("update customers set name = 'Bob' where id = 2");
      server = await start(backend, backend.restartDir(dataDir));
      await until('the changes made while the server was down', [
        { id: '2', name: 'BOB', email: 'bo@example.com' },
        { id: '5', name: 'ED', email: 'ed@example.com' },
      ]);
    } finally {
      await server.close();
    }
  });
});
