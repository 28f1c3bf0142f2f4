import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { builtinConnectors } from '../../connectors/index.js';
import { SegmentLog } from '../../log/index.js';
import { startConnectWorker } from '../index.js';
import { logLevels } from '../worker/index.js';
import { secretPlugin } from '../worker/secret-plugin.fixture.js';
import { until } from '../worker/test-worker.fixture.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked field by field.
  body: any;
}

async function startWorker(properties: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-connect-rest-'));
  const log = await SegmentLog.open({ dataDir: join(dir, 'data'), cleanerIntervalMs: 0 });
  const worker = await startConnectWorker({
    log,
    properties: { listeners: 'http://127.0.0.1:0', 'offset.flush.interval.ms': '50', ...properties },
    connectors: [...builtinConnectors, secretPlugin],
    version: '0.1.0',
  });
  cleanup.push(async () => {
    await worker.close();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  });
  assert.ok(worker.restUrl, 'the worker listens');
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> => {
    const res = await fetch(`${worker.restUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
  };
  return { worker, log, dir, call, url: worker.restUrl };
}

async function topicRecords(log: SegmentLog, topic: string) {
  if (!(await log.hasTopic(topic))) return [];
  const out: Awaited<ReturnType<SegmentLog['read']>>['records'] = [];
  let offset = await log.beginningOffset(topic, 0);
  while (offset < (await log.endOffset(topic, 0))) {
    const r = await log.read(topic, 0, offset);
    out.push(...r.records);
    offset = r.nextOffset;
  }
  return out;
}

function fileSource(dir: string, lines = 'a\nb\n', topic = 'lines') {
  const file = join(dir, `in-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(file, lines);
  return { 'connector.class': 'FileStreamSource', file, topic };
}

test('GET / answers the server info and GET /health says the worker is healthy', async () => {
  const { call, log } = await startWorker();
  const root = await call('GET', '/');
  assert.equal(root.status, 200);
  assert.deepEqual(root.body, { version: '0.1.0', commit: 'sluice', kafka_cluster_id: log.clusterId });
  const health = await call('GET', '/health');
  assert.equal(health.status, 200);
  assert.equal(health.body.status, 'healthy');
  assert.equal(typeof health.body.message, 'string');
});

test('POST /connectors answers 201 with a Location header and the ConnectorInfo, and a second create is a 409', async () => {
  const { call, dir } = await startWorker();
  const config = fileSource(dir);
  const created = await call('POST', '/connectors', { name: 'src', config });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.headers.get('location'), '/connectors/src');
  assert.equal(created.body.name, 'src');
  assert.deepEqual(created.body.config, { ...config, name: 'src' });
  assert.equal(created.body.type, 'source');
  assert.ok(Array.isArray(created.body.tasks));

  const again = await call('POST', '/connectors', { name: 'src', config });
  assert.equal(again.status, 409);
  assert.deepEqual(again.body, { error_code: 409, message: 'Connector src already exists' });

  const info = await call('GET', '/connectors/src');
  assert.equal(info.status, 200);
  assert.deepEqual(info.body, {
    name: 'src',
    config: { ...config, name: 'src' },
    tasks: [{ connector: 'src', task: 0 }],
    type: 'source',
  });
  assert.deepEqual((await call('GET', '/connectors/src/config')).body, { ...config, name: 'src' });
  assert.deepEqual((await call('GET', '/connectors')).body, ['src']);
});

test('a connector can be created PAUSED or STOPPED with initial_state', async () => {
  const { call, dir } = await startWorker();
  const paused = await call('POST', '/connectors', {
    name: 'p',
    config: fileSource(dir),
    initial_state: 'paused',
  });
  assert.equal(paused.status, 201);
  const stopped = await call('POST', '/connectors', {
    name: 's',
    config: fileSource(dir),
    initial_state: 'STOPPED',
  });
  assert.equal(stopped.status, 201);
  assert.equal((await call('GET', '/connectors/p/status')).body.connector.state, 'PAUSED');
  assert.deepEqual(
    (await call('GET', '/connectors/p/status')).body.tasks.map((t: { state: string }) => t.state),
    ['PAUSED'],
  );
  const s = await call('GET', '/connectors/s/status');
  assert.equal(s.body.connector.state, 'STOPPED');
  assert.deepEqual(s.body.tasks, []);
});

test('an invalid config is a 400 listing every error the way Kafka Connect words it', async () => {
  const { call } = await startWorker();
  const bad = await call('POST', '/connectors', {
    name: 'bad',
    config: { 'connector.class': 'FileStreamSource', 'tasks.max': 'two' },
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error_code, 400);
  assert.deepEqual(bad.body.message.split('\n'), [
    'Connector configuration is invalid and contains the following 2 error(s):',
    'Invalid value two for configuration tasks.max: Not a number of type INT',
    'Missing required configuration "topic" which has no default value.',
    'You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`',
  ]);

  const noClass = await call('POST', '/connectors', { name: 'x', config: { topic: 't' } });
  assert.equal(noClass.status, 400);
  assert.match(noClass.body.message, /^Connector config .* contains no connector type$/);

  const mismatch = await call('POST', '/connectors', {
    name: 'x',
    config: { 'connector.class': 'FileStreamSource', topic: 't', name: 'y' },
  });
  assert.equal(mismatch.status, 400);
  assert.equal(
    mismatch.body.message,
    "Connector name configuration (y) doesn't match connector name in the URL (x)",
  );

  const nullValue = await call('POST', '/connectors', {
    name: 'x',
    config: { 'connector.class': 'FileStreamSource', topic: 't', 'batch.size': null },
  });
  assert.equal(nullValue.status, 400);
  assert.match(nullValue.body.message, /contains the following 1 error\(s\):\n/);
  assert.match(nullValue.body.message, /\nNull value can not be supplied as the configuration value\.\n/);

  const sink = await call('POST', '/connectors', {
    name: 'x',
    config: { 'connector.class': 'FileStreamSink' },
  });
  assert.equal(sink.status, 400);
  assert.match(sink.body.message, /\nMust configure one of topics or topics\.regex\n/);
  assert.deepEqual((await call('GET', '/connectors')).body, []);
});

test('an unknown connector is a 404 "Connector X not found" ("No status found for connector X" for its status), and for pause, resume and stop "Unknown connector X"', async () => {
  const { call } = await startWorker();
  for (const [method, path] of [
    ['GET', '/connectors/nope'],
    ['GET', '/connectors/nope/config'],
    ['GET', '/connectors/nope/tasks'],
    ['GET', '/connectors/nope/offsets'],
    ['GET', '/connectors/nope/metrics'],
    ['DELETE', '/connectors/nope'],
    ['DELETE', '/connectors/nope/offsets'],
    ['POST', '/connectors/nope/restart'],
    ['POST', '/connectors/nope/restart?includeTasks=true'],
  ] as const) {
    const res = await call(method, path);
    assert.equal(res.status, 404, `${method} ${path}`);
    assert.deepEqual(res.body, { error_code: 404, message: 'Connector nope not found' }, `${method} ${path}`);
  }
  const status = await call('GET', '/connectors/nope/status');
  assert.equal(status.status, 404);
  assert.deepEqual(status.body, { error_code: 404, message: 'No status found for connector nope' });
  const patch = await call('PATCH', '/connectors/nope/config', { a: 'b' });
  assert.equal(patch.status, 404);
  assert.equal(patch.body.message, 'Connector nope not found');
  for (const action of ['pause', 'resume', 'stop']) {
    const res = await call('PUT', `/connectors/nope/${action}`);
    assert.equal(res.status, 404, action);
    assert.deepEqual(res.body, { error_code: 404, message: 'Unknown connector nope' });
  }
  const task = await call('GET', '/connectors/nope/tasks/0/status');
  assert.equal(task.status, 404);
  assert.equal(task.body.message, 'No status found for task nope-0');
  const unknownPath = await call('GET', '/no/such/path');
  assert.equal(unknownPath.status, 404);
  assert.equal(unknownPath.body.error_code, 404);
});

test('GET /connectors?expand=status&expand=info answers each connector by name with its status and info', async () => {
  const { call, dir } = await startWorker();
  const config = fileSource(dir);
  await call('POST', '/connectors', { name: 'a', config });
  const both = await call('GET', '/connectors?expand=status&expand=info');
  assert.equal(both.status, 200);
  assert.deepEqual(Object.keys(both.body), ['a']);
  assert.deepEqual(both.body.a.info, {
    name: 'a',
    config: { ...config, name: 'a' },
    tasks: [{ connector: 'a', task: 0 }],
    type: 'source',
  });
  assert.equal(both.body.a.status.name, 'a');
  assert.equal(both.body.a.status.connector.state, 'RUNNING');
  assert.equal(both.body.a.status.type, 'source');
  const statusOnly = await call('GET', '/connectors?expand=status');
  assert.deepEqual(Object.keys(statusOnly.body.a), ['status']);
  const unknownExpand = await call('GET', '/connectors?expand=nothing');
  assert.deepEqual(unknownExpand.body, ['a']);
});

test('PUT /connectors/{c}/config creates with 201 and a Location, then updates with 200', async () => {
  const { call, dir } = await startWorker();
  const config = fileSource(dir);
  const created = await call('PUT', '/connectors/put-me/config', config);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.headers.get('location'), '/connectors/put-me');
  assert.equal(created.body.name, 'put-me');
  assert.equal(created.body.config.name, 'put-me');
  const updated = await call('PUT', '/connectors/put-me/config', { ...config, 'batch.size': '10' });
  assert.equal(updated.status, 200);
  assert.equal(updated.headers.get('location'), null);
  assert.equal(updated.body.config['batch.size'], '10');
  const mismatch = await call('PUT', '/connectors/put-me/config', { ...config, name: 'other' });
  assert.equal(mismatch.status, 400);
  assert.equal(
    mismatch.body.message,
    "Connector name configuration (other) doesn't match connector name in the URL (put-me)",
  );
  const invalid = await call('PUT', '/connectors/put-me/config', { ...config, 'batch.size': 'x' });
  assert.equal(invalid.status, 400);
  assert.match(
    invalid.body.message,
    /^Connector configuration is invalid and contains the following 1 error\(s\):/,
  );
  assert.equal((await call('GET', '/connectors/put-me/config')).body['batch.size'], '10');
});

test('PATCH /connectors/{c}/config changes the given keys and removes those set to null', async () => {
  const { call, dir } = await startWorker();
  const config = { ...fileSource(dir), 'batch.size': '5' };
  await call('POST', '/connectors', { name: 'p', config });
  const patched = await call('PATCH', '/connectors/p/config', { 'batch.size': null, 'tasks.max': '1' });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  const { 'batch.size': _removed, ...rest } = config;
  assert.deepEqual(patched.body.config, { ...rest, name: 'p', 'tasks.max': '1' });
  const stored = (await call('GET', '/connectors/p/config')).body;
  assert.equal('batch.size' in stored, false);
  assert.equal(stored['tasks.max'], '1');
  const invalid = await call('PATCH', '/connectors/p/config', { 'tasks.max': 'many' });
  assert.equal(invalid.status, 400);
  assert.match(invalid.body.message, /Invalid value many for configuration tasks\.max/);
});

test('GET /connectors/{c}/tasks lists task ids and configs, and a task has its own status endpoint', async () => {
  const { call, dir } = await startWorker();
  const config = fileSource(dir);
  await call('POST', '/connectors', { name: 't', config });
  const tasks = await call('GET', '/connectors/t/tasks');
  assert.equal(tasks.status, 200);
  assert.equal(tasks.body.length, 1);
  assert.deepEqual(tasks.body[0].id, { connector: 't', task: 0 });
  assert.equal(tasks.body[0].config.file, config.file);
  assert.equal(typeof tasks.body[0].config['task.class'], 'string');
  await until(
    'the task runs',
    async () => (await call('GET', '/connectors/t/tasks/0/status')).body.state === 'RUNNING',
  );
  const task = await call('GET', '/connectors/t/tasks/0/status');
  assert.deepEqual(Object.keys(task.body).sort(), ['id', 'state', 'worker_id']);
  assert.equal(task.body.id, 0);
  assert.match(task.body.worker_id, /^127\.0\.0\.1:\d+$/);
  const missing = await call('GET', '/connectors/t/tasks/3/status');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.message, 'No status found for task t-3');
  const restartMissing = await call('POST', '/connectors/t/tasks/3/restart');
  assert.equal(restartMissing.status, 404);
  assert.equal(restartMissing.body.message, 'Unknown task: t-3');
  const restarted = await call('POST', '/connectors/t/tasks/0/restart');
  assert.equal(restarted.status, 204);
  assert.equal(restarted.body, undefined);
});

test('restart answers 204 by default, and 202 with the connector and tasks to restart shown RESTARTING', async () => {
  const { call, dir } = await startWorker();
  await call('POST', '/connectors', { name: 'r', config: fileSource(dir) });
  const plain = await call('POST', '/connectors/r/restart');
  assert.equal(plain.status, 204);
  assert.equal(plain.body, undefined);
  const explicit = await call('POST', '/connectors/r/restart?includeTasks=false&onlyFailed=false');
  assert.equal(explicit.status, 204);

  const withTasks = await call('POST', '/connectors/r/restart?includeTasks=true');
  assert.equal(withTasks.status, 202);
  assert.equal(withTasks.body.name, 'r');
  assert.equal(withTasks.body.type, 'source');
  assert.equal(withTasks.body.connector.state, 'RESTARTING');
  assert.deepEqual(
    withTasks.body.tasks.map((t: { id: number; state: string }) => [t.id, t.state]),
    [[0, 'RESTARTING']],
  );
  await until('running again', async () => {
    const s = (await call('GET', '/connectors/r/status')).body;
    return s.connector.state === 'RUNNING' && s.tasks[0]?.state === 'RUNNING';
  });

  // Nothing has failed: nothing restarts, and the answer shows the current states.
  const onlyFailed = await call('POST', '/connectors/r/restart?includeTasks=true&onlyFailed=true');
  assert.equal(onlyFailed.status, 202);
  assert.equal(onlyFailed.body.connector.state, 'RUNNING');
  assert.deepEqual(
    onlyFailed.body.tasks.map((t: { state: string }) => t.state),
    ['RUNNING'],
  );
});

test('pause and resume answer 202 and move the connector and its tasks to PAUSED and back to RUNNING', async () => {
  const { call, dir } = await startWorker();
  await call('POST', '/connectors', { name: 'pr', config: fileSource(dir) });
  const paused = await call('PUT', '/connectors/pr/pause');
  assert.equal(paused.status, 202);
  assert.equal(paused.body, undefined);
  await until('PAUSED', async () => {
    const s = (await call('GET', '/connectors/pr/status')).body;
    return s.connector.state === 'PAUSED' && s.tasks.every((t: { state: string }) => t.state === 'PAUSED');
  });
  const resumed = await call('PUT', '/connectors/pr/resume');
  assert.equal(resumed.status, 202);
  await until('RUNNING', async () => {
    const s = (await call('GET', '/connectors/pr/status')).body;
    return s.connector.state === 'RUNNING' && s.tasks.length === 1 && s.tasks[0].state === 'RUNNING';
  });
});

test('pause, resume and stop accept an empty body sent as application/json, as curl users send it', async () => {
  const { url, dir, call } = await startWorker();
  await call('POST', '/connectors', { name: 'c', config: fileSource(dir) });
  for (const action of ['pause', 'resume', 'stop']) {
    const res = await fetch(`${url}/connectors/c/${action}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.status, action === 'stop' ? 204 : 202, `${action}: ${await res.text()}`);
  }
  const restart = await fetch(`${url}/connectors/c/restart`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(restart.status, 204);
});

test('stop answers 204; the connector is STOPPED with no tasks, and resume starts it with its tasks again', async () => {
  const { call, dir } = await startWorker();
  await call('POST', '/connectors', { name: 'st', config: fileSource(dir) });
  const stopped = await call('PUT', '/connectors/st/stop');
  assert.equal(stopped.status, 204);
  assert.equal(stopped.body, undefined);
  const status = (await call('GET', '/connectors/st/status')).body;
  assert.equal(status.connector.state, 'STOPPED');
  assert.deepEqual(status.tasks, []);
  assert.deepEqual((await call('GET', '/connectors/st/tasks')).body, []);
  assert.deepEqual((await call('GET', '/connectors/st')).body.tasks, []);

  // STOPPED → PAUSED → RUNNING: the tasks come back (paused, then running).
  assert.equal((await call('PUT', '/connectors/st/pause')).status, 202);
  await until('PAUSED with its task', async () => {
    const s = (await call('GET', '/connectors/st/status')).body;
    return s.connector.state === 'PAUSED' && s.tasks.length === 1 && s.tasks[0].state === 'PAUSED';
  });
  assert.equal((await call('PUT', '/connectors/st/resume')).status, 202);
  await until('RUNNING with its task', async () => {
    const s = (await call('GET', '/connectors/st/status')).body;
    return s.connector.state === 'RUNNING' && s.tasks.length === 1 && s.tasks[0].state === 'RUNNING';
  });
  assert.deepEqual((await call('GET', '/connectors/st')).body.tasks, [{ connector: 'st', task: 0 }]);

  const deleted = await call('DELETE', '/connectors/st');
  assert.equal(deleted.status, 204);
  assert.equal((await call('GET', '/connectors/st')).status, 404);
  assert.deepEqual((await call('GET', '/connectors')).body, []);
});

test('source offsets can be read in any state and altered or reset only while STOPPED, with Kafka Connect messages', async () => {
  const { call, dir } = await startWorker();
  const config = fileSource(dir, 'ab\ncd\n');
  await call('POST', '/connectors', { name: 'o', config });
  await until('offsets committed', async () => {
    const o = (await call('GET', '/connectors/o/offsets')).body;
    return o.offsets.length === 1 && o.offsets[0].offset.position === 6;
  });
  assert.deepEqual((await call('GET', '/connectors/o/offsets')).body, {
    offsets: [{ partition: { filename: config.file }, offset: { position: 6 } }],
  });
  const notStopped =
    "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/o/stop' endpoint";
  const patchRunning = await call('PATCH', '/connectors/o/offsets', {
    offsets: [{ partition: { filename: config.file }, offset: { position: 3 } }],
  });
  assert.equal(patchRunning.status, 400);
  assert.deepEqual(patchRunning.body, { error_code: 400, message: notStopped });
  const deleteRunning = await call('DELETE', '/connectors/o/offsets');
  assert.equal(deleteRunning.status, 400);
  assert.equal(deleteRunning.body.message, notStopped);
  const empty = await call('PATCH', '/connectors/o/offsets', { offsets: [] });
  assert.equal(empty.status, 400);
  assert.equal(empty.body.message, 'Partitions / offsets need to be provided for an alter offsets request');

  assert.equal((await call('PUT', '/connectors/o/stop')).status, 204);
  const altered = await call('PATCH', '/connectors/o/offsets', {
    offsets: [{ partition: { filename: config.file }, offset: { position: 3 } }],
  });
  assert.equal(altered.status, 200);
  assert.deepEqual(altered.body, {
    message: 'The offsets for this connector have been altered successfully',
  });
  assert.deepEqual((await call('GET', '/connectors/o/offsets')).body, {
    offsets: [{ partition: { filename: config.file }, offset: { position: 3 } }],
  });
  const reset = await call('DELETE', '/connectors/o/offsets');
  assert.equal(reset.status, 200);
  assert.deepEqual(reset.body, { message: 'The offsets for this connector have been reset successfully' });
  assert.deepEqual((await call('GET', '/connectors/o/offsets')).body, { offsets: [] });
});

test('sink offsets use the kafka_topic / kafka_partition / kafka_offset form, and a reset leaves none', async () => {
  const { call, dir, log } = await startWorker();
  await log.createTopic('in');
  await log.append('in', [{ value: Buffer.from('"x"') }, { value: Buffer.from('"y"') }]);
  const file = join(dir, 'out.txt');
  await call('POST', '/connectors', {
    name: 'k',
    config: { 'connector.class': 'FileStreamSink', file, topics: 'in' },
  });
  await until('committed', async () => {
    const o = (await call('GET', '/connectors/k/offsets')).body;
    return o.offsets.length === 1 && o.offsets[0].offset.kafka_offset === 2;
  });
  assert.deepEqual((await call('GET', '/connectors/k/offsets')).body, {
    offsets: [{ partition: { kafka_topic: 'in', kafka_partition: 0 }, offset: { kafka_offset: 2 } }],
  });
  await call('PUT', '/connectors/k/stop');
  const altered = await call('PATCH', '/connectors/k/offsets', {
    offsets: [{ partition: { kafka_topic: 'in', kafka_partition: 0 }, offset: { kafka_offset: '1' } }],
  });
  assert.equal(altered.status, 200, JSON.stringify(altered.body));
  assert.deepEqual((await call('GET', '/connectors/k/offsets')).body.offsets[0].offset, { kafka_offset: 1 });
  assert.equal((await call('DELETE', '/connectors/k/offsets')).status, 200);
  assert.deepEqual((await call('GET', '/connectors/k/offsets')).body, { offsets: [] });
  // Resumed with no committed offset, it reads the topic from the start again.
  await call('PUT', '/connectors/k/resume');
  await until('the topic written twice', () => readFileSync(file, 'utf8') === 'x\ny\nx\ny\n');
});

test('GET /connector-plugins lists connectors, and with connectorsOnly=false converters, transformations and predicates too', async () => {
  const { call } = await startWorker();
  const connectors = (await call('GET', '/connector-plugins')).body as { class: string; type: string }[];
  assert.deepEqual(
    connectors.find((p) => p.class === 'org.apache.kafka.connect.file.FileStreamSinkConnector'),
    { class: 'org.apache.kafka.connect.file.FileStreamSinkConnector', type: 'sink', version: '1.0.0' },
  );
  assert.ok(connectors.every((p) => p.type === 'source' || p.type === 'sink'));
  assert.ok(connectors.some((p) => p.class === 'io.mdrogalis.voluble.VolubleSourceConnector'));
  const all = (await call('GET', '/connector-plugins?connectorsOnly=false')).body as {
    class: string;
    type: string;
  }[];
  const types = new Set(all.map((p) => p.type));
  for (const t of ['source', 'sink', 'converter', 'transformation', 'predicate']) assert.ok(types.has(t), t);
  assert.ok(
    all.some((p) => p.class === 'org.apache.kafka.connect.json.JsonConverter' && p.type === 'converter'),
  );
  assert.ok(
    all.some(
      (p) =>
        p.class === 'org.apache.kafka.connect.transforms.InsertField$Value' && p.type === 'transformation',
    ),
  );
  assert.ok(
    all.some(
      (p) =>
        p.class === 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches' &&
        p.type === 'predicate',
    ),
  );
});

test("GET /connector-plugins/{p}/config lists the plugin's keys then the framework's, as ConfigKeyInfo", async () => {
  const { call } = await startWorker();
  const res = await call('GET', '/connector-plugins/FileStreamSource/config');
  assert.equal(res.status, 200);
  const names = (res.body as { name: string }[]).map((k) => k.name);
  assert.deepEqual(names.slice(0, 3), ['file', 'topic', 'batch.size']);
  assert.ok(names.includes('connector.class') && names.includes('tasks.max') && names.includes('transforms'));
  const batch = res.body.find((k: { name: string }) => k.name === 'batch.size');
  assert.deepEqual(batch, {
    name: 'batch.size',
    type: 'INT',
    required: false,
    default_value: '2000',
    importance: 'LOW',
    documentation:
      'The maximum number of records the source task can read from the file each time it is polled',
    group: null,
    order: -1,
    width: 'NONE',
    display_name: 'batch.size',
    dependents: [],
  });
  const topic = res.body.find((k: { name: string }) => k.name === 'topic');
  assert.equal(topic.required, true);
  assert.equal(topic.default_value, null);
  const full = await call(
    'GET',
    '/connector-plugins/org.apache.kafka.connect.file.FileStreamSinkConnector/config',
  );
  assert.equal(full.status, 200);
  assert.ok(full.body.some((k: { name: string }) => k.name === 'topics'));
  const converter = await call(
    'GET',
    '/connector-plugins/org.apache.kafka.connect.json.JsonConverter/config',
  );
  assert.equal(converter.status, 200);
  assert.ok(converter.body.some((k: { name: string }) => k.name === 'schemas.enable'));
  const transform = await call(
    'GET',
    `/connector-plugins/${encodeURIComponent('org.apache.kafka.connect.transforms.RegexRouter')}/config`,
  );
  assert.equal(transform.status, 200);
  assert.deepEqual(
    transform.body.map((k: { name: string }) => k.name),
    ['regex', 'replacement'],
  );
  const unknown = await call('GET', '/connector-plugins/NoSuchThing/config');
  assert.equal(unknown.status, 404);
  assert.deepEqual(unknown.body, { error_code: 404, message: 'Unknown plugin NoSuchThing.' });
});

test('validate answers ConfigInfos with errors in the body, hidden passwords, and 400 when the class does not match', async () => {
  const { call } = await startWorker();
  const res = await call('PUT', '/connector-plugins/FileStreamSource/config/validate', {
    'connector.class': 'FileStreamSource',
    name: 'v',
    'tasks.max': 'two',
  });
  assert.equal(res.status, 200);
  assert.equal(res.body.name, 'FileStreamSource');
  assert.equal(res.body.error_count, 2);
  for (const g of ['Common', 'Transforms', 'Predicates', 'Error Handling'])
    assert.ok(res.body.groups.includes(g), g);
  const byName = new Map(
    (res.body.configs as { definition: { name: string } | null; value: { name: string } }[]).map((c) => [
      c.value?.name ?? c.definition?.name,
      c,
    ]),
  );
  const tasksMax = byName.get('tasks.max') as {
    definition: Record<string, unknown>;
    value: Record<string, unknown>;
  };
  assert.equal(tasksMax.definition.type, 'INT');
  // As Kafka's ConfigDef: a value that does not parse is reported with the value null.
  assert.deepEqual(tasksMax.value, {
    name: 'tasks.max',
    value: null,
    recommended_values: [],
    errors: ['Invalid value two for configuration tasks.max: Not a number of type INT'],
    visible: true,
  });
  assert.deepEqual((byName.get('topic') as unknown as { value: { errors: string[] } }).value.errors, [
    'Missing required configuration "topic" which has no default value.',
  ]);

  // By full class name too; the answer's name is the connector.class given.
  const full = await call(
    'PUT',
    '/connector-plugins/org.apache.kafka.connect.file.FileStreamSourceConnector/config/validate',
    { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector', name: 'v', topic: 't' },
  );
  assert.equal(full.body.name, 'org.apache.kafka.connect.file.FileStreamSourceConnector');
  assert.equal(full.body.error_count, 0);

  const secret = await call('PUT', '/connector-plugins/com.example.SecretSourceConnector/config/validate', {
    'connector.class': 'com.example.SecretSourceConnector',
    name: 'v',
    token: 's3cr3t',
    'undefined.key': 'kept out',
    'nulled.key': null,
  });
  assert.equal(secret.status, 200);
  assert.ok(!JSON.stringify(secret.body).includes('s3cr3t'));
  const token = secret.body.configs.find(
    (c: { value: { name: string } | null }) => c.value?.name === 'token',
  );
  assert.equal(token.definition.type, 'PASSWORD');
  assert.equal(token.value.value, '[hidden]');
  // Kafka Connect reports only defined keys, and null values (with no definition when undefined).
  assert.equal(
    secret.body.configs.some((c: { value: { name: string } | null }) => c.value?.name === 'undefined.key'),
    false,
  );
  const nulled = secret.body.configs.find(
    (c: { value: { name: string } | null }) => c.value?.name === 'nulled.key',
  );
  assert.equal(nulled.definition, null);
  assert.deepEqual(nulled.value.errors, ['Null value can not be supplied as the configuration value.']);
  assert.equal(secret.body.error_count, 1);

  // Without a name, Kafka Connect reports it missing like any required key.
  const unnamed = await call('PUT', '/connector-plugins/FileStreamSource/config/validate', {
    'connector.class': 'FileStreamSource',
    topic: 't',
  });
  assert.equal(unnamed.body.error_count, 1);
  const name = unnamed.body.configs.find((c: { value: { name: string } | null }) => c.value?.name === 'name');
  assert.deepEqual(name.value.errors, ['Missing required configuration "name" which has no default value.']);

  const mismatch = await call('PUT', '/connector-plugins/FileStreamSink/config/validate', {
    'connector.class': 'FileStreamSource',
  });
  assert.equal(mismatch.status, 400);
  assert.equal(
    mismatch.body.message,
    'Included connector type FileStreamSource does not match request type FileStreamSink',
  );
  const missing = await call('PUT', '/connector-plugins/FileStreamSink/config/validate', { topics: 'x' });
  assert.equal(missing.status, 400);
  assert.match(missing.body.message, /contains no connector type/);
});

test('/admin/loggers lists and sets levels; a bad level is a 404 and a missing one a 400', async () => {
  const { call } = await startWorker();
  const saved = new Map(logLevels);
  cleanup.push(() => {
    logLevels.clear();
    for (const [k, v] of saved) logLevels.set(k, v);
  });
  const all = await call('GET', '/admin/loggers');
  assert.equal(all.status, 200);
  assert.deepEqual(all.body.root, { level: 'INFO', last_modified: null });
  const before = Date.now();
  const set = await call('PUT', '/admin/loggers/connector.src', { level: 'debug' });
  assert.equal(set.status, 200);
  assert.deepEqual(set.body, ['connector.src']);
  const one = await call('GET', '/admin/loggers/connector.src');
  assert.equal(one.status, 200);
  assert.equal(one.body.level, 'DEBUG');
  assert.ok(typeof one.body.last_modified === 'number' && one.body.last_modified >= before);
  assert.equal((await call('GET', '/admin/loggers')).body['connector.src'].level, 'DEBUG');
  const bad = await call('PUT', '/admin/loggers/root', { level: 'LOUD' });
  assert.equal(bad.status, 404);
  assert.deepEqual(bad.body, { error_code: 404, message: "invalid log level 'LOUD'." });
  const none = await call('PUT', '/admin/loggers/root', {});
  assert.equal(none.status, 400);
  assert.equal(none.body.message, "Desired 'level' parameter was not specified in request.");
  const cluster = await call('PUT', '/admin/loggers/connector.src?scope=cluster', { level: 'WARN' });
  assert.equal(cluster.status, 204);
  const missing = await call('GET', '/admin/loggers/no.such.logger');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.message, 'Logger no.such.logger not found.');
});

test('a sink task that cannot open its file is FAILED with its trace, and restart with onlyFailed restarts just that task', async () => {
  const { call, dir, log } = await startWorker();
  await log.createTopic('in');
  const directory = join(dir, 'a-directory');
  mkdirSync(directory);
  await call('POST', '/connectors', {
    name: 'broken',
    config: { 'connector.class': 'FileStreamSink', file: directory, topics: 'in' },
  });
  await until(
    'the task fails',
    async () => (await call('GET', '/connectors/broken/status')).body.tasks[0]?.state === 'FAILED',
  );
  const status = (await call('GET', '/connectors/broken/status')).body;
  assert.equal(status.connector.state, 'RUNNING');
  assert.equal('trace' in status.connector, false, 'no trace for a healthy connector');
  assert.equal(status.type, 'sink');
  assert.match(status.tasks[0].trace, /EISDIR/);
  const task = (await call('GET', '/connectors/broken/tasks/0/status')).body;
  assert.equal(task.state, 'FAILED');
  assert.match(task.trace, /EISDIR/);
  // The trace ends with what the task logged last, for a person reading DESCRIBE CONNECTOR.
  assert.match(task.trace, /Last log lines:\n.*ERROR Sink task failed/s);

  const listed = (await call('GET', '/connectors?expand=status')).body;
  assert.equal(listed.broken.status.tasks[0].state, 'FAILED');

  const restart = await call('POST', '/connectors/broken/restart?includeTasks=true&onlyFailed=true');
  assert.equal(restart.status, 202);
  assert.equal(restart.body.connector.state, 'RUNNING', 'the healthy connector is not restarted');
  assert.equal(restart.body.tasks[0].state, 'RESTARTING');
  // Fixed: the task runs once its file can be opened.
  rmSync(directory, { recursive: true });
  await call('POST', '/connectors/broken/restart?includeTasks=true&onlyFailed=true');
  await until(
    'the task runs',
    async () => (await call('GET', '/connectors/broken/status')).body.tasks[0]?.state === 'RUNNING',
  );
});

test('a source connector applies its transformation chain to the records it writes', async () => {
  const { call, dir, log } = await startWorker();
  const config = {
    ...fileSource(dir, 'one\ntwo\n', 'raw-lines'),
    transforms: 'hoist,origin,route',
    'transforms.hoist.type': 'org.apache.kafka.connect.transforms.HoistField$Value',
    'transforms.hoist.field': 'line',
    'transforms.origin.type': 'org.apache.kafka.connect.transforms.InsertField$Value',
    'transforms.origin.static.field': 'origin',
    'transforms.origin.static.value': 'file',
    'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
    'transforms.route.regex': 'raw-(.*)',
    'transforms.route.replacement': 'clean-$1',
  };
  const created = await call('POST', '/connectors', { name: 'xf', config });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  await until('two records', async () => (await topicRecords(log, 'clean-lines')).length === 2);
  const values = (await topicRecords(log, 'clean-lines')).map((r) => JSON.parse(r.value!.toString()));
  assert.deepEqual(values, [
    { line: 'one', origin: 'file' },
    { line: 'two', origin: 'file' },
  ]);
  assert.equal(await log.hasTopic('raw-lines'), false);
  assert.deepEqual((await call('GET', '/connectors/xf/topics')).body, { xf: { topics: ['clean-lines'] } });

  const badChain = await call('POST', '/connectors', {
    name: 'xf2',
    config: { ...fileSource(dir), transforms: 'x', 'transforms.x.type': 'NoSuchTransform' },
  });
  assert.equal(badChain.status, 400);
  assert.match(badChain.body.message, /contains the following 1 error\(s\):/);
});

test('errors.tolerance=all sends records the converter cannot read to the dead-letter queue, and the rest to the sink', async () => {
  const { call, dir, log } = await startWorker();
  await log.createTopic('mixed');
  const envelope = JSON.stringify({ schema: { type: 'string', optional: false }, payload: 'good' });
  await log.append('mixed', [
    { value: Buffer.from('{"plain": "json"}') },
    { value: Buffer.from(envelope) },
    { value: Buffer.from('not json at all') },
  ]);
  const file = join(dir, 'good.txt');
  const created = await call('POST', '/connectors', {
    name: 'dlq',
    config: {
      'connector.class': 'FileStreamSink',
      file,
      topics: 'mixed',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'true',
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': 'mixed-dlq',
      'errors.deadletterqueue.context.headers.enable': 'true',
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  await until('two dead letters', async () => (await topicRecords(log, 'mixed-dlq')).length === 2);
  await until('the good record written', () => {
    try {
      return readFileSync(file, 'utf8') === 'good\n';
    } catch {
      return false;
    }
  });
  const dead = await topicRecords(log, 'mixed-dlq');
  assert.deepEqual(
    dead.map((r) => r.value!.toString()),
    ['{"plain": "json"}', 'not json at all'],
  );
  const headers = Object.fromEntries(dead[0].headers.map((h) => [h.key, h.value?.toString()]));
  assert.equal(headers['__connect.errors.topic'], 'mixed');
  assert.equal(headers['__connect.errors.partition'], '0');
  assert.equal(headers['__connect.errors.offset'], '0');
  assert.equal(headers['__connect.errors.connector.name'], 'dlq');
  assert.equal(headers['__connect.errors.task.id'], '0');
  assert.equal(headers['__connect.errors.stage'], 'VALUE_CONVERTER');
  assert.match(headers['__connect.errors.exception.message'] ?? '', /schemas\.enable/);
  const status = (await call('GET', '/connectors/dlq/status')).body;
  assert.equal(status.tasks[0].state, 'RUNNING');
});

test('without errors.tolerance a record the converter cannot read fails the task with the stage in its trace', async () => {
  const { call, dir, log } = await startWorker();
  await log.createTopic('plain');
  await log.append('plain', [{ value: Buffer.from('{"plain": "json"}') }]);
  await call('POST', '/connectors', {
    name: 'strict',
    config: {
      'connector.class': 'FileStreamSink',
      file: join(dir, 'never.txt'),
      topics: 'plain',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'true',
    },
  });
  await until(
    'the task fails',
    async () => (await call('GET', '/connectors/strict/status')).body.tasks[0]?.state === 'FAILED',
  );
  const task = (await call('GET', '/connectors/strict/status')).body.tasks[0];
  assert.match(task.trace, /Tolerance exceeded in error handler/);
  assert.match(task.trace, /VALUE_CONVERTER/);
});

test('PASSWORD values never come back: not on create, info, config, tasks, expand=info or status', async () => {
  const { call } = await startWorker();
  const config = {
    'connector.class': 'com.example.SecretSourceConnector',
    token: 's3cr3t',
    'tasks.max': '1',
  };
  const answers: Answer[] = [];
  const created = await call('POST', '/connectors', { name: 'sec', config });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.config.token, '[hidden]');
  answers.push(created);
  answers.push(await call('GET', '/connectors/sec'));
  answers.push(await call('GET', '/connectors/sec/config'));
  answers.push(await call('GET', '/connectors/sec/tasks'));
  answers.push(await call('GET', '/connectors?expand=info&expand=status'));
  answers.push(await call('PUT', '/connectors/sec/config', { ...config, endpoint: 'https://other' }));
  answers.push(await call('PATCH', '/connectors/sec/config', { endpoint: 'https://third' }));
  for (const a of answers) {
    assert.ok(a.status < 300, JSON.stringify(a.body));
    assert.ok(!JSON.stringify(a.body).includes('s3cr3t'), JSON.stringify(a.body));
  }
  assert.equal((await call('GET', '/connectors/sec/config')).body.token, '[hidden]');
  assert.equal((await call('GET', '/connectors/sec/tasks')).body[0].config.token, '[hidden]');
});

test('a declared key is secret by its PASSWORD type alone: a PASSWORD default is hidden, an INT named token.count shown', async () => {
  const { call } = await startWorker();
  const keys = (await call('GET', '/connector-plugins/com.example.SecretSourceConnector/config')).body as {
    name: string;
    default_value: string | null;
  }[];
  assert.equal(keys.find((k) => k.name === 'fallback.token')?.default_value, '[hidden]');
  assert.equal(keys.find((k) => k.name === 'token.count')?.default_value, '1');
  const config = {
    'connector.class': 'com.example.SecretSourceConnector',
    token: 's3cr3t',
    'token.count': '3',
    'fallback.token': 'other',
  };
  const created = await call('POST', '/connectors', { name: 'typed', config });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const shown = (await call('GET', '/connectors/typed/config')).body;
  assert.deepEqual(
    [shown.token, shown['fallback.token'], shown['token.count']],
    ['[hidden]', '[hidden]', '3'],
  );
});

test('a PUT that sends back a hidden PASSWORD value keeps the stored secret', async () => {
  const { call, worker } = await startWorker();
  const config = { 'connector.class': 'com.example.SecretSourceConnector', token: 's3cr3t' };
  await call('POST', '/connectors', { name: 'sec', config });
  const shown = (await call('GET', '/connectors/sec/config')).body;
  assert.equal(shown.token, '[hidden]');
  const put = await call('PUT', '/connectors/sec/config', { ...shown, endpoint: 'https://changed' });
  assert.equal(put.status, 200);
  assert.equal(worker.herder.connectorConfig('sec').token, 's3cr3t');
  assert.equal(worker.herder.connectorConfig('sec').endpoint, 'https://changed');
});

test('secrets Kafka clients keep (jaas configs, user info, tokens, API keys) and URL passwords never come back, and survive a PUT of what was shown', async () => {
  const { call, worker } = await startWorker();
  const config = {
    'connector.class': 'com.example.SecretSourceConnector',
    'tasks.max': '1',
    'connection.url': 'postgresql://app:hunter2@db.example:5432/shop',
    'jdbc.url': 'jdbc:sqlserver://db;user=app;password=swordfish;encrypt=true',
    'producer.override.sasl.jaas.config': 'PlainLoginModule required username="u" password="jaaspw";',
    'schema.registry.basic.auth.user.info': 'u:userinfopw',
    'bearer.auth.token': 'tokpw',
    'api.key': 'keypw',
    token: 'declaredpw',
  };
  const created = await call('POST', '/connectors', { name: 'leaky', config });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const shown = (await call('GET', '/connectors/leaky/config')).body;
  const answers = [
    created,
    await call('GET', '/connectors/leaky'),
    await call('GET', '/connectors/leaky/tasks'),
  ];
  for (const a of answers) {
    for (const secret of ['hunter2', 'swordfish', 'jaaspw', 'userinfopw', 'tokpw', 'keypw', 'declaredpw'])
      assert.ok(!JSON.stringify(a.body).includes(secret), `${secret} in ${JSON.stringify(a.body)}`);
  }
  assert.equal(shown['connection.url'], 'postgresql://app:[hidden]@db.example:5432/shop');
  assert.equal(shown['jdbc.url'], 'jdbc:sqlserver://db;user=app;password=[hidden];encrypt=true');
  assert.equal(shown['api.key'], '[hidden]');
  const put = await call('PUT', '/connectors/leaky/config', shown);
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.deepEqual(worker.herder.connectorConfig('leaky'), { ...config, name: 'leaky' });
});
