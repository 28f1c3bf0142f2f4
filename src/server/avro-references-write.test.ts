import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningServer, startServer } from '../app/index.js';
import { loadServerConfig } from '../config/index.js';

// AVRO records written with a registered schema whose named types come from other subjects (Schema
// Registry references): the subject's latest version for a CREATE with columns followed by INSERT,
// and VALUE_SCHEMA_ID for a CSAS. The references are resolved as reading resolves them.
let server: RunningServer;
let dataDir: string;
let registry: string;
let orderId: number;

const ADDRESS = {
  type: 'record',
  name: 'Address',
  namespace: 'shop',
  fields: [
    { name: 'street', type: 'string' },
    { name: 'city', type: ['null', 'string'], default: null },
  ],
};
const ORDER = {
  type: 'record',
  name: 'Order',
  namespace: 'shop',
  fields: [
    { name: 'id', type: 'int' },
    { name: 'address', type: 'shop.Address' },
  ],
};

async function register(subject: string, body: unknown): Promise<number> {
  const res = await fetch(`${registry}/subjects/${subject}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { id: number };
  assert.equal(res.status, 200, JSON.stringify(json));
  return json.id;
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sluice-avro-refs-'));
  server = await startServer(
    loadServerConfig({
      flags: { listeners: 'http://127.0.0.1:0', 'sluice.data.dir': dataDir, 'sluice.kafka.listeners': '' },
      env: {},
    }),
  );
  registry = server.schemaRegistryUrl ?? assert.fail('the registry listens');
  await register('shop-address', { schema: JSON.stringify(ADDRESS) });
  orderId = await register('orders_refs-value', {
    schema: JSON.stringify(ORDER),
    references: [{ name: 'shop.Address', subject: 'shop-address', version: 1 }],
  });
});

after(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function ksql(statements: string): Promise<unknown> {
  const res = await fetch(`${server.url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ksql: statements }),
  });
  const json = await res.json();
  assert.equal(res.status, 200, JSON.stringify(json));
  return json;
}

/** The first `limit` rows of a push query from the earliest offset (the query ends after them). */
async function rows(sql: string, limit: number): Promise<unknown[][]> {
  const res = await fetch(`${server.url}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      ksql: `${sql} EMIT CHANGES LIMIT ${limit};`,
      streamsProperties: { 'ksql.streams.auto.offset.reset': 'earliest' },
    }),
  });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return (JSON.parse(text) as { row?: { columns: unknown[] } }[]).flatMap((e) =>
    e.row === undefined ? [] : [e.row.columns],
  );
}

test("CREATE with columns over a subject whose latest schema has references writes INSERT's rows with that schema", async () => {
  await ksql(
    "CREATE STREAM orders_refs (id INT, address STRUCT<street STRING, city STRING>) WITH (KAFKA_TOPIC='orders_refs', VALUE_FORMAT='AVRO', PARTITIONS=1);" +
      "INSERT INTO orders_refs (id, address) VALUES (1, STRUCT(street := 'Main St', city := 'Oslo'));",
  );
  // Nothing new was registered: the subject still has its one version.
  const versions = (await (
    await fetch(`${registry}/subjects/orders_refs-value/versions`)
  ).json()) as number[];
  assert.deepEqual(versions, [1]);
  // Read back with a stream inferring its columns from the subject (references resolved on read too).
  await ksql("CREATE STREAM orders_refs_read WITH (KAFKA_TOPIC='orders_refs', VALUE_FORMAT='AVRO');");
  assert.deepEqual(await rows('SELECT id, address FROM orders_refs_read', 1), [
    [1, { STREET: 'Main St', CITY: 'Oslo' }],
  ]);
});

test('CSAS with VALUE_SCHEMA_ID naming a schema that has references writes its rows with that schema', async () => {
  await ksql(
    "CREATE STREAM refs_src (id INT, street STRING, city STRING) WITH (KAFKA_TOPIC='refs_src', VALUE_FORMAT='JSON', PARTITIONS=1);" +
      `CREATE STREAM refs_out WITH (KAFKA_TOPIC='refs_out', VALUE_FORMAT='AVRO', VALUE_SCHEMA_ID=${orderId}) AS SELECT id, STRUCT(street := street, city := city) AS address FROM refs_src;`,
  );
  // After the query starts: it reads from the latest offset.
  await ksql("INSERT INTO refs_src (id, street, city) VALUES (7, 'Elm St', NULL);");
  await ksql(
    `CREATE STREAM refs_out_read WITH (KAFKA_TOPIC='refs_out', VALUE_FORMAT='AVRO', VALUE_SCHEMA_ID=${orderId});`,
  );
  assert.deepEqual(await rows('SELECT * FROM refs_out_read', 1), [[7, { street: 'Elm St', city: null }]]);
});
