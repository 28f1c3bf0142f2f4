import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunningServer } from '../app/index.js';
import { RemoteLog } from './client/index.js';
import { serverForTests } from './test-server.fixture.js';

// The state a restart rebuilds from lives in topics; no REST request may delete, write or reconfigure them.
let server: RunningServer;
let topics: string;

serverForTests({}, async (s) => {
  server = s;
  topics = `${server.url}/v3/clusters/${server.log.clusterId}/topics`;
});

async function call(method: string, url: string, body?: unknown) {
  const res = await fetch(url, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : JSON.parse(text) };
}

const internal = [
  ['_confluent-ksql-default__command_topic', /the command topic/],
  ['default_ksql_processing_log', /the processing log/],
  ['connect-configs', /config topic, which defines every connector/],
  ['connect-offsets', /offset topic/],
  ['connect-status', /status topic/],
  ['__consumer_offsets', /internal to the log/],
] as const;

test('internal topics cannot be deleted through REST Proxy, and stay', async () => {
  for (const [name, role] of internal) {
    assert.ok(await server.log.hasTopic(name), `${name} exists to begin with`);
    const res = await call('DELETE', `${topics}/${name}`);
    assert.equal(res.status, 403, name);
    assert.equal(res.json.error_code, 40301);
    assert.match(res.json.message, role);
    assert.match(res.json.message, new RegExp(`Topic '${name}' is .*refuses to delete it`));
    assert.ok(await server.log.hasTopic(name), `${name} is still there`);
  }
});

test('internal topics cannot be written or reconfigured through REST Proxy', async () => {
  for (const [name] of internal) {
    const end = await server.log.endOffset(name, 0);
    const produced = await call('POST', `${topics}/${name}/records`, { value: { type: 'JSON', data: {} } });
    assert.equal(produced.status, 403, name);
    assert.match(produced.json.message, /refuses to write to it/);
    const altered = await call('POST', `${topics}/${name}/configs:alter`, {
      data: [{ name: 'retention.ms', value: '1' }],
    });
    assert.equal(altered.status, 403, name);
    assert.match(altered.json.message, /refuses to change the configs of it/);
    assert.equal(await server.log.endOffset(name, 0), end, `nothing was written to ${name}`);
    assert.notEqual((await server.log.describeTopic(name)).config['retention.ms'], '1');
  }
});

test("a user topic's configs change through REST Proxy's documented configs:alter route and Sluice's client", async () => {
  await server.log.createTopic('plain', { partitions: 1 });
  const altered = await call('POST', `${topics}/plain/configs:alter`, {
    data: [{ name: 'retention.ms', value: '60000' }],
  });
  assert.equal(altered.status, 204, JSON.stringify(altered.json));
  assert.equal((await server.log.describeTopic('plain')).config['retention.ms'], '60000');

  const remote = await RemoteLog.connect(server.url);
  try {
    const described = await remote.alterTopicConfig('plain', { 'cleanup.policy': 'compact' });
    assert.equal(described.config['cleanup.policy'], 'compact');
    assert.equal(described.config['retention.ms'], '60000');
    await assert.rejects(remote.deleteTopic('connect-configs'), { code: 'INTERNAL_TOPIC' });
  } finally {
    await remote.close();
  }
});

test('SQL may read internal topics but not write into or delete them', async () => {
  const ksql = (sql: string) => call('POST', `${server.url}/ksql`, { ksql: sql });
  const created = await ksql(
    "CREATE STREAM cmd (statement STRING) WITH (KAFKA_TOPIC='_confluent-ksql-default__command_topic', VALUE_FORMAT='JSON');" +
      "CREATE STREAM src (x INT) WITH (KAFKA_TOPIC='src', VALUE_FORMAT='JSON', PARTITIONS=1);",
  );
  assert.equal(created.status, 200, JSON.stringify(created.json));
  const refused = [
    ["INSERT INTO cmd (statement) VALUES ('DROP STREAM src;');", /command topic.*refuses to write to it/],
    ['DROP STREAM cmd DELETE TOPIC;', /command topic.*refuses to delete it/],
    ['INSERT INTO cmd SELECT CAST(x AS STRING) AS statement FROM src;', /refuses to write to it/],
    [
      "CREATE STREAM evil WITH (KAFKA_TOPIC='connect-configs', VALUE_FORMAT='JSON') AS SELECT * FROM src;",
      /config topic, which defines every connector.*refuses to write to it/,
    ],
  ] as const;
  for (const [sql, message] of refused) {
    const res = await ksql(sql);
    assert.equal(res.status, 403, sql);
    assert.equal(res.json.error_code, 40300);
    assert.match(res.json.message, message);
  }
  const inserts = await fetch(`${server.url}/inserts-stream`, {
    method: 'POST',
    body: `${JSON.stringify({ target: 'CMD' })}\n${JSON.stringify({ STATEMENT: 'DROP STREAM src;' })}\n`,
  });
  assert.equal(inserts.status, 403);
  assert.ok(await server.log.hasTopic('_confluent-ksql-default__command_topic'));
  const { records } = await server.log.read('_confluent-ksql-default__command_topic', 0, 0);
  const inserted = records.filter((r) => r.value?.toString().includes('"STATEMENT":"DROP STREAM src;"'));
  assert.deepEqual(inserted, [], 'no row was written into the command topic');
  assert.equal(await server.log.hasTopic('EVIL'), false);
  const listed = await ksql('SHOW QUERIES;');
  assert.deepEqual(listed.json[0].queries, [], 'no query was started');
});
