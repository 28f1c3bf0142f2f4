import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningServer, startServer } from '../app/index.js';
import { loadServerConfig } from '../config/index.js';

// One request that declares a registry-format stream with columns, then creates another over the
// same topic with its columns inferred from the registry: the request's validation (a sandbox that
// registers nothing) must answer the second statement's read of the schema the first would register,
// as ksqlDB's SandboxedSchemaRegistryClient does.
let server: RunningServer;
let dataDir: string;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sluice-sr-sandbox-'));
  server = await startServer(
    loadServerConfig({ flags: { listeners: 'http://127.0.0.1:0', 'sluice.data.dir': dataDir }, env: {} }),
  );
});

after(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function post(path: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

async function describeColumns(name: string): Promise<string[]> {
  const { status, json } = await post('/ksql', { ksql: `DESCRIBE ${name};` });
  assert.equal(status, 200, JSON.stringify(json));
  const fields = (
    json as { sourceDescription: { fields: { name: string; schema: { type: string } }[] } }[]
  )[0].sourceDescription.fields;
  return fields.map((f) => `${f.name} ${f.schema.type}`);
}

for (const format of ['AVRO', 'PROTOBUF', 'JSON_SR']) {
  test(`one request creates a ${format} stream with columns, then one inferring them from the registry`, async () => {
    const topic = `same_request_${format.toLowerCase()}`;
    const { status, json } = await post('/ksql', {
      ksql:
        `CREATE STREAM ${topic}_a (id INT, name STRING, amount DOUBLE) WITH (KAFKA_TOPIC='${topic}', VALUE_FORMAT='${format}', PARTITIONS=1);` +
        `CREATE STREAM ${topic}_b WITH (KAFKA_TOPIC='${topic}', VALUE_FORMAT='${format}');`,
    });
    assert.equal(status, 200, JSON.stringify(json));
    assert.deepEqual(await describeColumns(`${topic}_b`), ['ID INTEGER', 'NAME STRING', 'AMOUNT DOUBLE']);
  });
}

test('one request creates an AVRO stream as a query, then one inferring its columns from the registry', async () => {
  const { status, json } = await post('/ksql', {
    ksql:
      "CREATE STREAM csas_src (k STRING KEY, v BIGINT) WITH (KAFKA_TOPIC='csas_src', VALUE_FORMAT='JSON', PARTITIONS=1);" +
      "CREATE STREAM csas_out WITH (KAFKA_TOPIC='csas_out', VALUE_FORMAT='AVRO') AS SELECT k, v * 2 AS doubled FROM csas_src;" +
      "CREATE STREAM csas_again WITH (KAFKA_TOPIC='csas_out', VALUE_FORMAT='AVRO');",
  });
  assert.equal(status, 200, JSON.stringify(json));
  assert.deepEqual(await describeColumns('csas_again'), ['DOUBLED BIGINT']);
});
