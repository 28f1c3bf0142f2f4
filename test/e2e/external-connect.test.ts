import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { startServer } from '../../src/app/index.js';
import { loadServerConfig } from '../../src/config/index.js';
import { freePort } from '../../src/connect/free-port.js';
import { until } from '../../src/connect/worker/test-worker.fixture.js';
import type { Log } from '../../src/log/index.js';

// External mode end to end: `sluice server` drives a `sluice connect` worker (a real process)
// through ksql.connect.url, and the worker keeps its topics on that server's log.

const bin = new URL('../../../bin/sluice.js', import.meta.url).pathname;
const children = new Set<ChildProcess>();
afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
});

function startWorker(
  args: string[],
): Promise<{ child: ChildProcess; restUrl: string; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'connect', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const ready = /Kafka Connect REST API (http:\/\/\S+) is ready/.exec(out);
      if (ready) resolve({ child, restUrl: ready[1], output: () => out });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`worker exited with ${code}:\n${out}`)));
  });
}

async function values(log: Log, topic: string): Promise<string[]> {
  if (!(await log.hasTopic(topic))) return [];
  const out: string[] = [];
  for (let offset = 0; offset < (await log.endOffset(topic, 0)); ) {
    const r = await log.read(topic, 0, offset);
    out.push(...r.records.map((x) => x.value!.toString()));
    offset = r.nextOffset;
  }
  return out;
}

test('a server in external mode manages connectors on a sluice connect worker that writes to its log', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-external-'));
  const port = await freePort();
  const server = await startServer(
    loadServerConfig({
      flags: {
        listeners: 'http://127.0.0.1:0',
        'sluice.data.dir': join(dir, 'server'),
        'ksql.connect.url': `http://127.0.0.1:${port}`,
      },
      env: {},
    }),
  );
  try {
    const input = join(dir, 'in.txt');
    writeFileSync(input, 'one\ntwo\n');
    const workerFile = join(dir, 'worker.properties');
    writeFileSync(
      workerFile,
      [
        `listeners=http://127.0.0.1:${port}`,
        'group.id=external-test',
        'key.converter=org.apache.kafka.connect.storage.StringConverter',
        'value.converter=org.apache.kafka.connect.storage.StringConverter',
        'offset.flush.interval.ms=100',
      ].join('\n'),
    );
    const connectorFile = join(dir, 'lines.properties');
    writeFileSync(
      connectorFile,
      `name=lines-in\nconnector.class=FileStreamSource\nfile=${input}\ntopic=lines\n`,
    );
    const ksql = async (statement: string) => {
      const res = await fetch(`${server.url}/ksql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ksql: statement }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown>[] };
    };

    const first = await startWorker([workerFile, connectorFile, '--bootstrap-server', server.url]);
    assert.equal(first.restUrl, `http://127.0.0.1:${port}`);
    await until(
      'the connector file created from its properties file',
      async () => (await values(server.log, 'lines')).length === 2,
    );
    assert.deepEqual(await values(server.log, 'lines'), ['one', 'two']);
    // The worker's own state lives on the server too.
    assert.ok(
      (await server.log.hasTopic('connect-configs')) && (await server.log.hasTopic('connect-offsets')),
    );

    // Connector SQL on the server reaches the worker.
    const made = await ksql(
      "CREATE SOURCE CONNECTOR more_lines WITH ('connector.class' = 'FileStreamSource', 'file' = '" +
        input +
        "', 'topic' = 'copies');",
    );
    assert.equal(made.status, 200, JSON.stringify(made.body));
    await until(
      'the SQL-made connector writing',
      async () => (await values(server.log, 'copies')).length === 2,
    );
    const shown = await ksql('SHOW CONNECTORS;');
    const list = (shown.body[0] as { connectors: { name: string; state: string }[] }).connectors;
    assert.deepEqual(list.map((c) => c.name).sort(), ['MORE_LINES', 'lines-in']);
    const described = await ksql('DESCRIBE CONNECTOR MORE_LINES;');
    assert.equal(described.status, 200, JSON.stringify(described.body));
    assert.equal(
      (described.body[0] as { status: { connector: { worker_id: string } } }).status.connector.worker_id,
      `127.0.0.1:${port}`,
    );

    // Stopped and started again, the worker resumes each connector from the offsets it kept on the server.
    first.child.kill('SIGTERM');
    await new Promise((r) => first.child.once('exit', r));
    appendFileSync(input, 'three\n');
    await startWorker([workerFile, connectorFile, '--bootstrap-server', server.url]);
    await until(
      'the new line in both topics',
      async () =>
        (await values(server.log, 'lines')).length === 3 && (await values(server.log, 'copies')).length === 3,
    );
    assert.deepEqual(await values(server.log, 'lines'), ['one', 'two', 'three']);
    assert.deepEqual(await values(server.log, 'copies'), ['one', 'two', 'three']);

    const dropped = await ksql('DROP CONNECTOR MORE_LINES;');
    assert.equal(dropped.status, 200, JSON.stringify(dropped.body));
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sluice connect with --data-dir keeps everything in its own log, and stops cleanly on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-standalone-'));
  try {
    const { child, restUrl, output } = await startWorker(['--data-dir', join(dir, 'data'), '--port', '0']);
    assert.match(output(), /Topics and worker state: .*data/);
    const plugins = (await (await fetch(`${restUrl}/connector-plugins`)).json()) as { class: string }[];
    assert.ok(plugins.some((p) => p.class === 'io.mdrogalis.voluble.VolubleSourceConnector'));
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.once('exit', r));
    assert.equal(code, 0, output());
    assert.match(output(), /Connect worker stopped\./);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a sluice connect worker whose Sluice server restarts retries and resumes, losing and repeating nothing', {
  timeout: 120_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-external-'));
  const port = await freePort();
  const config = loadServerConfig({
    // External mode (no worker of its own); connector statements are not used here.
    flags: {
      listeners: `http://127.0.0.1:${port}`,
      'sluice.kafka.listeners': '',
      'sluice.data.dir': join(dir, 'server'),
      'ksql.connect.url': 'http://127.0.0.1:9',
    },
    env: {},
  });
  let server = await startServer(config);
  try {
    const input = join(dir, 'in.txt');
    const output = join(dir, 'out.txt');
    writeFileSync(input, 'one\ntwo\n');
    const workerFile = join(dir, 'worker.properties');
    writeFileSync(
      workerFile,
      [
        'listeners=http://127.0.0.1:0',
        'group.id=restart-test',
        'key.converter=org.apache.kafka.connect.storage.StringConverter',
        'value.converter=org.apache.kafka.connect.storage.StringConverter',
        'errors.retry.delay.max.ms=500',
      ].join('\n'),
    );
    const source = join(dir, 'source.properties');
    writeFileSync(source, `name=lines-in\nconnector.class=FileStreamSource\nfile=${input}\ntopic=lines\n`);
    const sink = join(dir, 'sink.properties');
    writeFileSync(sink, `name=lines-out\nconnector.class=FileStreamSink\nfile=${output}\ntopics=lines\n`);
    const worker = await startWorker([workerFile, source, sink, '--bootstrap-server', server.url]);
    const lines = () =>
      readFileSync(output, 'utf8')
        .split('\n')
        .filter((l) => l !== '');
    await until('both lines through', () => existsSync(output) && lines().length === 2).catch((err) => {
      throw new Error(`${err.message}\n${worker.output()}`);
    });

    await server.close();
    appendFileSync(input, 'three\n');
    server = await startServer(config);
    await until('the new line through after the restart', () => lines().length === 3, 60_000);
    assert.deepEqual(lines(), ['one', 'two', 'three']);
    assert.deepEqual(await values(server.log, 'lines'), ['one', 'two', 'three']);
    assert.equal(worker.child.exitCode, null, worker.output());
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('in external mode a connector that fails to start fails its CREATE with the reason and is removed again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-external-'));
  const port = await freePort();
  const server = await startServer(
    loadServerConfig({
      flags: {
        listeners: 'http://127.0.0.1:0',
        'sluice.data.dir': join(dir, 'server'),
        'ksql.connect.url': `http://127.0.0.1:${port}`,
      },
      env: {},
    }),
  );
  try {
    const workerFile = join(dir, 'worker.properties');
    writeFileSync(workerFile, `listeners=http://127.0.0.1:${port}\ngroup.id=create-test\n`);
    await startWorker([workerFile, '--bootstrap-server', server.url]);
    const ksql = async (statement: string) => {
      const res = await fetch(`${server.url}/ksql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ksql: statement }),
      });
      return { status: res.status, body: (await res.json()) as { message?: string } };
    };
    // Voluble with nothing to generate passes validation and fails in its start.
    const failed = await ksql(
      "CREATE SOURCE CONNECTOR idle WITH ('connector.class'='io.mdrogalis.voluble.VolubleSourceConnector');",
    );
    assert.equal(failed.status, 400, JSON.stringify(failed.body));
    assert.match(
      failed.body.message ?? '',
      /^Failed to create connector: Connector IDLE could not start: .*No usable properties.*It was removed again: fix what the error names and run the statement again\.$/s,
    );
    assert.deepEqual(await (await fetch(`http://127.0.0.1:${port}/connectors`)).json(), []);

    // Fixed, the same statement runs.
    const made = await ksql(
      "CREATE SOURCE CONNECTOR idle WITH ('connector.class'='io.mdrogalis.voluble.VolubleSourceConnector', " +
        "'genkp.people.with'='#{Name.full_name}', 'global.throttle.ms'='1000');",
    );
    assert.equal(made.status, 200, JSON.stringify(made.body));
    assert.deepEqual(await (await fetch(`http://127.0.0.1:${port}/connectors`)).json(), ['IDLE']);
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
