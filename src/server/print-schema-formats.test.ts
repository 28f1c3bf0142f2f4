import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningServer, startServer } from '../app/index.js';
import { loadServerConfig } from '../config/index.js';

// PRINT over the REST API on records in Confluent's wire format, written by Sluice's AVRO and
// JSON_SR formats with the server's own Schema Registry: decoded, and named in the format lines.
let server: RunningServer;
let dataDir: string;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sluice-print-sr-'));
  server = await startServer(
    loadServerConfig({ flags: { listeners: 'http://127.0.0.1:0', 'sluice.data.dir': dataDir }, env: {} }),
  );
  // Persistent queries write AVRO and JSON_SR with their schema registered under <topic>-value.
  await ksql(
    "CREATE STREAM src (sensor STRING KEY, temp DOUBLE, tags ARRAY<STRING>, n BIGINT) WITH (KAFKA_TOPIC='src', VALUE_FORMAT='JSON', PARTITIONS=1);" +
      "CREATE STREAM av WITH (KAFKA_TOPIC='av', VALUE_FORMAT='AVRO') AS SELECT * FROM src;" +
      "CREATE STREAM js WITH (KAFKA_TOPIC='js', VALUE_FORMAT='JSON_SR') AS SELECT sensor, temp FROM src;" +
      "CREATE STREAM pb WITH (KAFKA_TOPIC='pb', VALUE_FORMAT='PROTOBUF') AS SELECT * FROM src;" +
      "INSERT INTO src (sensor, temp, tags, n) VALUES ('s1', 21.5, ARRAY['a', 'b\"c'], 7);" +
      "INSERT INTO src (sensor, n) VALUES ('s2', 8);" +
      // 999 * 2^32 as a KAFKA BIGINT: its bytes start 0x00 then the unregistered id 999.
      "CREATE STREAM big (sensor STRING KEY, n BIGINT) WITH (KAFKA_TOPIC='big', VALUE_FORMAT='KAFKA', PARTITIONS=1);" +
      "INSERT INTO big (sensor, n) VALUES ('s1', 4290672328704);",
  );
});

after(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function ksql(statements: string): Promise<void> {
  const res = await fetch(`${server.url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      ksql: statements,
      streamsProperties: { 'ksql.streams.auto.offset.reset': 'earliest' },
    }),
  });
  assert.equal(res.status, 200, await res.text());
}

async function print(topic: string, limit: number): Promise<string[]> {
  const res = await fetch(`${server.url}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ksql: `PRINT '${topic}' FROM BEGINNING LIMIT ${limit};` }),
  });
  assert.equal(res.status, 200);
  // Without the rowtime, which the server stamps.
  return (await res.text())
    .trim()
    .split('\n')
    .map((line) => line.replace(/^rowtime: [^,]*, /, ''));
}

test('PRINT shows AVRO values decoded as Avro prints them, and says the format is AVRO', async () => {
  const lines = await print('av', 2);
  assert.equal(lines[0], 'Key format: KAFKA_STRING');
  assert.match(lines[1], /^Value format: AVRO( or KAFKA_STRING)?$/);
  assert.deepEqual(lines.slice(2), [
    'key: s1, value: {"TEMP": 21.5, "TAGS": ["a", "b\\"c"], "N": 7}, partition: 0',
    'key: s2, value: {"TEMP": null, "TAGS": null, "N": 8}, partition: 0',
  ]);
});

test("PRINT shows PROTOBUF values as protobuf's TextFormat short debug string, and says the format is PROTOBUF", async () => {
  const lines = await print('pb', 2);
  assert.equal(lines[0], 'Key format: KAFKA_STRING');
  assert.match(lines[1], /^Value format: PROTOBUF( or KAFKA_STRING)?$/);
  assert.deepEqual(lines.slice(2), [
    'key: s1, value: TEMP: 21.5 TAGS: "a" TAGS: "b\\"c" N: 7, partition: 0',
    'key: s2, value: N: 8, partition: 0',
  ]);
});

test('PRINT shows JSON_SR values as their JSON, and says the format is JSON_SR', async () => {
  const lines = await print('js', 2);
  assert.equal(lines[0], 'Key format: KAFKA_STRING');
  assert.match(lines[1], /^Value format: JSON_SR( or KAFKA_STRING)?$/);
  assert.deepEqual(lines.slice(2), [
    'key: s1, value: {"TEMP":21.5}, partition: 0',
    'key: s2, value: {"TEMP":null}, partition: 0',
  ]);
});

test('bytes that start like the wire format but name no registered schema fall back to the other formats', async () => {
  const lines = await print('big', 1);
  assert.deepEqual(lines.slice(1), [
    'Value format: KAFKA_BIGINT or KAFKA_DOUBLE',
    'key: s1, value: 4290672328704, partition: 0',
  ]);
});
