import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningServer, startServer } from '../app/index.js';
import { loadServerConfig } from '../config/index.js';

// KEY_FORMAT='PROTOBUF' CREATE without columns: the key column comes from the one-field message
// under <topic>-key (ksqlDB wraps a single PROTOBUF key column in a message), names upper-cased;
// a key message of several fields is refused with ksqlDB's message.
let server: RunningServer;
let dataDir: string;
let registry: string;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sluice-pb-key-'));
  server = await startServer(
    loadServerConfig({
      flags: { listeners: 'http://127.0.0.1:0', 'sluice.data.dir': dataDir, 'sluice.kafka.listeners': '' },
      env: {},
    }),
  );
  registry = server.schemaRegistryUrl ?? assert.fail('the registry listens');
});

after(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function register(subject: string, schema: string): Promise<number> {
  const res = await fetch(`${registry}/subjects/${subject}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schemaType: 'PROTOBUF', schema }),
  });
  const json = (await res.json()) as { id: number };
  assert.equal(res.status, 200, JSON.stringify(json));
  return json.id;
}

async function ksql(statements: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${server.url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      ksql: statements,
      streamsProperties: { 'ksql.streams.auto.offset.reset': 'earliest' },
    }),
  });
  return { status: res.status, json: await res.json() };
}

async function describe(name: string): Promise<string[]> {
  const { status, json } = await ksql(`DESCRIBE ${name};`);
  assert.equal(status, 200, JSON.stringify(json));
  const fields = (
    json as { sourceDescription: { fields: { name: string; type?: string; schema: { type: string } }[] } }[]
  )[0].sourceDescription.fields;
  return fields.map((f) => `${f.name} ${f.schema.type}${f.type === 'KEY' ? ' KEY' : ''}`);
}

/** The first `limit` rows of a push query from the earliest offset. */
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

test('KEY_FORMAT=PROTOBUF without columns takes the key column from the one-field message under <topic>-key', async () => {
  await register(
    'pb_keyed-key',
    'syntax = "proto3";\npackage shop;\nmessage OrderKey {\n  int64 order_id = 1;\n}\n',
  );
  await register(
    'pb_keyed-value',
    'syntax = "proto3";\npackage shop;\nmessage Order {\n  string customer = 1;\n  double amount = 2;\n}\n',
  );
  const created = await ksql(
    "CREATE STREAM pb_keyed WITH (KAFKA_TOPIC='pb_keyed', KEY_FORMAT='PROTOBUF', VALUE_FORMAT='PROTOBUF', PARTITIONS=1);",
  );
  assert.equal(created.status, 200, JSON.stringify(created.json));
  assert.deepEqual(await describe('pb_keyed'), ['ORDER_ID BIGINT KEY', 'CUSTOMER STRING', 'AMOUNT DOUBLE']);
  // Written with the registered key and value schemas, and read back through them.
  const inserted = await ksql("INSERT INTO pb_keyed (order_id, customer, amount) VALUES (42, 'ann', 9.5);");
  assert.equal(inserted.status, 200, JSON.stringify(inserted.json));
  assert.deepEqual(await rows('SELECT * FROM pb_keyed', 1), [[42, 'ann', 9.5]]);
});

test("FORMAT='PROTOBUF' without columns over a CSAS's topic infers the key the CSAS registered", async () => {
  const created = await ksql(
    "CREATE STREAM pb_src (sensor STRING KEY, temp DOUBLE) WITH (KAFKA_TOPIC='pb_src', FORMAT='JSON', PARTITIONS=1);" +
      "CREATE STREAM pb_out WITH (KAFKA_TOPIC='pb_out', FORMAT='PROTOBUF') AS SELECT sensor, temp FROM pb_src;" +
      "CREATE STREAM pb_again WITH (KAFKA_TOPIC='pb_out', FORMAT='PROTOBUF');",
  );
  assert.equal(created.status, 200, JSON.stringify(created.json));
  assert.deepEqual(await describe('pb_again'), ['SENSOR STRING KEY', 'TEMP DOUBLE']);
});

test('a PROTOBUF key message of several fields is refused with ksqlDB’s message', async () => {
  await register(
    'pb_wide-key',
    'syntax = "proto3";\nmessage WideKey {\n  int64 a = 1;\n  string b = 2;\n}\n',
  );
  await register('pb_wide-value', 'syntax = "proto3";\nmessage V {\n  string c = 1;\n}\n');
  const refused = await ksql(
    "CREATE STREAM pb_wide WITH (KAFKA_TOPIC='pb_wide', FORMAT='PROTOBUF', PARTITIONS=1);",
  );
  assert.equal(refused.status, 400);
  assert.match(
    (refused.json as { message: string }).message,
    /The key schema for topic: pb_wide contains multiple columns, which is not supported by ksqlDB at this time\./,
  );
});
