import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningServer, startServer } from '../app/index.js';
import { loadServerConfig } from '../config/index.js';

let server: RunningServer;
let dataDir: string;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sluice-server-'));
  const config = loadServerConfig({
    flags: { listeners: 'http://127.0.0.1:0', 'sluice.data.dir': dataDir },
    env: {},
  });
  server = await startServer(config);
});

after(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(server.url + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : JSON.parse(text) };
}

test('GET /info answers with ksqlDB KsqlServerInfo', async () => {
  const { status, json } = await call('GET', '/info');
  assert.equal(status, 200);
  const info = (json as { KsqlServerInfo: Record<string, string> }).KsqlServerInfo;
  assert.equal(info.kafkaClusterId, server.log.clusterId);
  assert.equal(info.ksqlServiceId, 'default_');
  assert.equal(info.serverStatus, 'RUNNING');
});

test('GET /healthcheck reports a healthy server', async () => {
  const { status, json } = await call('GET', '/healthcheck');
  assert.equal(status, 200);
  assert.equal((json as { isHealthy: boolean }).isHealthy, true);
});

test('serves HTTP/2 with prior knowledge on the same port as HTTP/1.1', async () => {
  const session = connect(server.url);
  try {
    const body = await new Promise<string>((resolve, reject) => {
      const req = session.request({ ':method': 'GET', ':path': '/info' });
      let data = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => {
        data += chunk;
      });
      req.on('end', () => resolve(data));
      req.on('error', reject);
      req.end();
    });
    assert.equal(JSON.parse(body).KsqlServerInfo.serverStatus, 'RUNNING');
  } finally {
    session.close();
  }
});

test('REST Proxy v3: creates a topic and produces JSON, STRING and BINARY records with headers and timestamp', async () => {
  const cluster = server.log.clusterId;
  const clusters = await call('GET', '/v3/clusters');
  assert.equal((clusters.json as { data: { cluster_id: string }[] }).data[0].cluster_id, cluster);
  const created = await call('POST', `/v3/clusters/${cluster}/topics`, {
    topic_name: 'hooks',
    partitions_count: 2,
  });
  assert.equal(created.status, 201);
  assert.equal((created.json as { partitions_count: number }).partitions_count, 2);

  const produced = await call('POST', `/v3/clusters/${cluster}/topics/hooks/records`, {
    key: { type: 'STRING', data: 'user-1' },
    value: { type: 'JSON', data: { page: 'home', n: 1 } },
    headers: [{ name: 'source', value: Buffer.from('webhook').toString('base64') }],
    timestamp: '2024-01-02T03:04:05.000Z',
  });
  assert.equal(produced.status, 200);
  const result = produced.json as Record<string, unknown>;
  assert.equal(result.error_code, 200);
  assert.equal(result.topic_name, 'hooks');
  assert.equal(result.timestamp, '2024-01-02T03:04:05.000Z');
  assert.deepEqual(result.key, { type: 'STRING', size: 6 });
  const { records } = await server.log.read('hooks', result.partition_id as number, result.offset as number);
  assert.equal(records[0].key!.toString(), 'user-1');
  assert.deepEqual(JSON.parse(records[0].value!.toString()), { page: 'home', n: 1 });
  assert.equal(records[0].headers[0].value!.toString(), 'webhook');
  assert.equal(records[0].timestamp, Date.parse('2024-01-02T03:04:05Z'));

  const binary = await call('POST', `/v3/clusters/${cluster}/topics/hooks/records`, {
    partition_id: 1,
    value: { type: 'BINARY', data: Buffer.from([0, 1, 2]).toString('base64') },
  });
  assert.equal((binary.json as { partition_id: number }).partition_id, 1);
});

test('REST Proxy v3: several objects in one body are produced in order, one result line each', async () => {
  const cluster = server.log.clusterId;
  await call('POST', `/v3/clusters/${cluster}/topics`, { topic_name: 'stream-in' });
  const body = '{"value":{"data":1}}\n{"value":{"data":2}}{"value":{"type":"AVRO","data":3}}';
  const res = await fetch(`${server.url}/v3/clusters/${cluster}/topics/stream-in/records`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const lines = (await res.text())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    lines.map((l) => l.offset),
    [0, 1, undefined],
  );
  assert.equal(lines[2].error_code, 40002);
  assert.match(lines[2].message, /AVRO is not supported/);
});

test('REST Proxy v3: an unknown topic is a 404 with a message naming it', async () => {
  const res = await call('POST', `/v3/clusters/${server.log.clusterId}/topics/nope/records`, {
    value: { data: 1 },
  });
  assert.equal(res.status, 404);
  assert.match((res.json as { message: string }).message, /'nope' does not exist/);
  const badCluster = await call('GET', '/v3/clusters/wrong/topics');
  assert.equal(badCluster.status, 404);
});

test('malformed JSON gets a 400 with ksqlDB error body', async () => {
  const res = await call('POST', '/ksql', '{"ksql": ');
  assert.equal(res.status, 400);
  const body = res.json as { '@type': string; error_code: number; message: string };
  assert.equal(body.error_code, 40000);
  assert.match(body.message, /Invalid JSON in request/);
});

test('POST /ksql runs statements and answers with ksqlDB entities', async () => {
  const res = await call('POST', '/ksql', {
    ksql: "CREATE STREAM clicks (id STRING KEY, url STRING) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=1); SHOW STREAMS;",
    streamsProperties: {},
  });
  assert.equal(res.status, 200);
  const [created, listed] = res.json as Record<string, unknown>[];
  assert.equal(created['@type'], 'currentStatus');
  assert.equal(listed['@type'], 'streams');
  assert.equal((listed.streams as { name: string }[])[0].name, 'CLICKS');
});

test('POST /ksql: a request failing validation gives a statement_error for the failing statement, with no entities', async () => {
  const res = await call('POST', '/ksql', { ksql: 'SHOW TOPICS; DESCRIBE nothing_here;' });
  assert.equal(res.status, 400);
  const body = res.json as {
    '@type': string;
    error_code: number;
    statementText: string;
    entities: unknown[];
  };
  assert.equal(body['@type'], 'statement_error');
  assert.equal(body.error_code, 40001);
  assert.equal(body.statementText, 'DESCRIBE nothing_here;');
  assert.deepEqual(body.entities, []);
});

test('POST /ksql rejects unknown fields and a missing ksql field with a clear message', async () => {
  const unknown = await call('POST', '/ksql', { ksql: 'SHOW STREAMS;', sql: 'x' });
  assert.equal(unknown.status, 400);
  assert.match((unknown.json as { message: string }).message, /Unrecognized field "sql"/);
  const missing = await call('POST', '/ksql', { streamsProperties: {} });
  assert.equal(missing.status, 400);
  assert.match((missing.json as { message: string }).message, /needs a "ksql" field/);
});

test('GET /status lists command statuses and /status/{type}/{entity}/{action} answers one', async () => {
  await call('POST', '/ksql', {
    ksql: "CREATE STREAM statuses (a INT) WITH (KAFKA_TOPIC='statuses', VALUE_FORMAT='JSON', PARTITIONS=1);",
  });
  const all = await call('GET', '/status');
  assert.equal(
    (all.json as { commandStatuses: Record<string, string> }).commandStatuses['stream/`STATUSES`/create'],
    'SUCCESS',
  );
  const one = await call('GET', `/status/stream/${encodeURIComponent('`STATUSES`')}/create`);
  assert.equal((one.json as { status: string }).status, 'SUCCESS');
  const none = await call('GET', '/status/stream/x/create');
  assert.equal(none.status, 404);
});
