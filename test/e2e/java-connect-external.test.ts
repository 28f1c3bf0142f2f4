// External mode against a real Apache Kafka Connect worker: `sluice server` with ksql.connect.url at a
// Java ConnectDistributed worker (no embedded worker) whose bootstrap.servers is Sluice's own Kafka
// listener. Connector statements in Sluice's SQL run Kafka's Java FileStreamSource/FileStreamSink
// connectors; their rows reach Sluice streams and back out to a file, and every connector statement
// gives the entity shapes embedded mode gives for the same statement.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort } from '../../src/connect/free-port.js';
import { until } from '../../src/connect/worker/test-worker.fixture.js';
import { shape } from './connector-entities.fixture.js';
import {
  type JavaConnectWorker,
  javaConnectMissing,
  startJavaConnectWorker,
} from './java-connect-worker.fixture.js';
import {
  killServerChildren,
  ksqlRequest,
  type ServerChild,
  startServerChild,
} from './server-child.fixture.js';

let dir: string;
let worker: JavaConnectWorker | undefined;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-java-connect-'));
});

after(() => {
  worker?.child.kill('SIGKILL');
  killServerChildren();
  rmSync(dir, { recursive: true, force: true });
});

async function ok(url: string, sql: string): Promise<Record<string, unknown>> {
  const res = await ksqlRequest(url, sql);
  assert.equal(res.status, 200, `${sql}\n${JSON.stringify(res.body)}`);
  return (res.body as Record<string, unknown>[])[0];
}

/** Runs a push query to its LIMIT and returns the rows' columns. */
async function pushRows(url: string, sql: string): Promise<unknown[][]> {
  const res = await fetch(`${url}/query-stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.ksqlapi.delimited.v1' },
    body: JSON.stringify({ sql, properties: { 'auto.offset.reset': 'earliest' } }),
  });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => JSON.parse(line) as unknown[])
    .filter((row) => Array.isArray(row));
}

/** The connector statements whose entities the two modes must shape alike, for a connector named N. */
const lifecycle = (name: string) => [
  'SHOW CONNECTORS;',
  `DESCRIBE CONNECTOR ${name};`,
  `PAUSE CONNECTOR ${name};`,
  `RESUME CONNECTOR ${name};`,
  `RESTART CONNECTOR ${name};`,
  `ALTER CONNECTOR ${name} SET ('batch.size' = '10');`,
  `STOP CONNECTOR ${name};`,
  `RESUME CONNECTOR ${name};`,
];

test('SQL on sluice server manages Java FileStream connectors on a real Kafka Connect worker', {
  skip: javaConnectMissing,
  timeout: 300_000,
}, async () => {
  const restPort = await freePort();
  // External mode: ksql.connect.url set, no KSQL_CONNECT_* variables, so no embedded worker.
  const server: ServerChild = await startServerChild(['--data-dir', join(dir, 'external')], {
    KSQL_CONNECT_LISTENERS: undefined,
    KSQL_KSQL_CONNECT_URL: `http://127.0.0.1:${restPort}`,
    // A distributed worker answers writes once its config topic has them back: slow on a loaded machine.
    KSQL_KSQL_CONNECT_REQUEST_TIMEOUT_MS: '60000',
  });
  // The server names the Connect REST API it drives: the Java worker's, not one of its own.
  assert.equal(server.connectUrl, `http://127.0.0.1:${restPort}`, server.output());
  const bootstrap = /Kafka listener: PLAINTEXT:\/\/(\S+)/.exec(server.output())?.[1];
  assert.ok(bootstrap, server.output());
  worker = await startJavaConnectWorker({ dir, bootstrap, groupId: 'sluice-java-external', restPort });

  // Source: lines of a file through the Java FileStreamSource into a Sluice stream.
  const input = join(dir, 'input.txt');
  writeFileSync(input, 'first line\nsecond line\nthird line\n');
  const created = await ok(
    server.url,
    `CREATE SOURCE CONNECTOR file_in WITH ('connector.class' = 'org.apache.kafka.connect.file.FileStreamSourceConnector', 'file' = '${input}', 'topic' = 'java_lines', 'tasks.max' = '1');`,
  );
  assert.equal(created['@type'], 'connector_info', JSON.stringify(created));
  await ok(
    server.url,
    "CREATE STREAM java_lines (line VARCHAR) WITH (kafka_topic = 'java_lines', value_format = 'KAFKA', partitions = 1);",
  );
  const rows = await pushRows(server.url, 'SELECT line FROM java_lines EMIT CHANGES LIMIT 3;');
  assert.deepEqual(rows, [['first line'], ['second line'], ['third line']]);

  // Sink: rows inserted into a Sluice stream, out through the Java FileStreamSink to a file.
  await ok(
    server.url,
    "CREATE STREAM java_out (line VARCHAR) WITH (kafka_topic = 'java_out', value_format = 'KAFKA', partitions = 1);",
  );
  await ok(server.url, "INSERT INTO java_out (line) VALUES ('alpha');");
  await ok(server.url, "INSERT INTO java_out (line) VALUES ('beta');");
  const output = join(dir, 'output.txt');
  await ok(
    server.url,
    `CREATE SINK CONNECTOR file_out WITH ('connector.class' = 'org.apache.kafka.connect.file.FileStreamSinkConnector', 'file' = '${output}', 'topics' = 'java_out');`,
  );
  await until(
    'the sink writing both rows',
    () => existsSync(output) && readFileSync(output, 'utf8') === 'alpha\nbeta\n',
    120_000,
  );

  const external = [];
  for (const sql of lifecycle('FILE_IN')) external.push(await ok(server.url, sql));
  const shown = external[0] as { connectors: { name: string; type: string; className: string }[] };
  assert.deepEqual(shown.connectors.map((c) => [c.name, c.type, c.className]).sort(), [
    ['FILE_IN', 'source', 'org.apache.kafka.connect.file.FileStreamSourceConnector'],
    ['FILE_OUT', 'sink', 'org.apache.kafka.connect.file.FileStreamSinkConnector'],
  ]);
  const described = external[1] as { status: { connector: { worker_id: string } }; topics: string[] };
  assert.equal(described.status.connector.worker_id, `127.0.0.1:${restPort}`);
  // ALTER reached the worker: the Java worker's own config has the new key beside the old ones.
  const config = (await (await fetch(`${worker.restUrl}/connectors/FILE_IN/config`)).json()) as Record<
    string,
    string
  >;
  assert.equal(config['batch.size'], '10');
  assert.equal(config.file, input);
  external.push(await ok(server.url, 'DROP CONNECTOR FILE_IN;'));
  await ok(server.url, 'DROP CONNECTOR FILE_OUT;');
  assert.deepEqual((await ok(server.url, 'SHOW CONNECTORS;')).connectors, []);

  // The same statements in embedded mode, with Sluice's own FileStreamSource, shape their entities alike.
  const embedded = await startServerChild(['--data-dir', join(dir, 'embedded')]);
  await ok(
    embedded.url,
    `CREATE SOURCE CONNECTOR file_in WITH ('connector.class' = 'org.apache.kafka.connect.file.FileStreamSourceConnector', 'file' = '${input}', 'topic' = 'java_lines', 'tasks.max' = '1');`,
  );
  await ok(
    embedded.url,
    "CREATE STREAM java_lines (line VARCHAR) WITH (kafka_topic = 'java_lines', value_format = 'KAFKA', partitions = 1);",
  );
  await until('the embedded connector running', async () => {
    const d = (await ksqlRequest(embedded.url, 'DESCRIBE CONNECTOR FILE_IN;')).body as {
      status?: { connector?: { state?: string }; tasks?: unknown[] };
    }[];
    return d[0]?.status?.connector?.state === 'RUNNING' && (d[0].status.tasks?.length ?? 0) > 0;
  });
  const local = [];
  for (const sql of lifecycle('FILE_IN')) local.push(await ok(embedded.url, sql));
  local.push(await ok(embedded.url, 'DROP CONNECTOR FILE_IN;'));
  for (const [i, entity] of external.entries())
    assert.deepEqual(
      shape(entity),
      shape(local[i]),
      `${JSON.stringify(entity)}\nvs embedded\n${JSON.stringify(local[i])}`,
    );
});
