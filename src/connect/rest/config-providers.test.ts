import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { SegmentLog } from '../../log/index.js';
import {
  ConfigDef,
  type ConnectorPlugin,
  type SourceConnector,
  type SourceRecord,
  type SourceTask,
} from '../api/index.js';
import { startConnectWorker } from '../index.js';
import { until } from '../worker/test-worker.fixture.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** What each started connector and task was given, to see that references were resolved. */
const given: { connector: Record<string, string>[]; task: Record<string, string>[] } = {
  connector: [],
  task: [],
};

/** A source with a PASSWORD key that copies its config to its tasks and records what it got. */
const capturePlugin: ConnectorPlugin = {
  className: 'com.example.CaptureSourceConnector',
  type: 'source',
  version: '1.0.0',
  create(): SourceConnector {
    let props: Readonly<Record<string, string>> = {};
    return {
      kind: 'source',
      version: () => '1.0.0',
      config: () =>
        new ConfigDef()
          .define({ name: 'token', type: 'PASSWORD', importance: 'HIGH', documentation: 'A token.' })
          .define({
            name: 'endpoint',
            type: 'STRING',
            defaultValue: 'https://example.com',
            importance: 'MEDIUM',
            documentation: 'Where.',
          })
          .define({
            name: 'batch',
            type: 'INT',
            defaultValue: 1,
            importance: 'LOW',
            documentation: 'How many.',
          }),
      initialize: () => {},
      start: (p) => {
        props = p;
        given.connector.push({ ...p });
      },
      taskConfigs: (max) => Array.from({ length: max }, () => ({ ...props })),
      stop: () => {},
      createTask(): SourceTask {
        let stopped = false;
        return {
          version: () => '1.0.0',
          initialize: () => {},
          start: (p) => {
            given.task.push({ ...p });
          },
          async poll(): Promise<SourceRecord[] | null> {
            if (!stopped) await new Promise((r) => setTimeout(r, 50));
            return null;
          },
          stop: () => {
            stopped = true;
          },
        };
      },
    };
  },
};

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked field by field.
  body: any;
}

const PROVIDERS = {
  'config.providers': 'file,env,directory',
  'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
  'config.providers.env.class': 'org.apache.kafka.common.config.provider.EnvVarConfigProvider',
  'config.providers.env.param.allowlist.pattern': 'SLUICE_TEST_.*',
  'config.providers.directory.class': 'org.apache.kafka.common.config.provider.DirectoryConfigProvider',
};

async function startWorker(dir: string, properties: Record<string, string> = PROVIDERS) {
  const log = await SegmentLog.open({ dataDir: join(dir, 'data'), cleanerIntervalMs: 0 });
  let worker: Awaited<ReturnType<typeof startConnectWorker>>;
  try {
    worker = await startConnectWorker({
      log,
      properties: { listeners: 'http://127.0.0.1:0', ...properties },
      connectors: [capturePlugin],
      version: '0.1.0',
    });
  } catch (err) {
    await log.close();
    throw err;
  }
  const close = async () => {
    await worker.close();
    await log.close();
  };
  cleanup.push(close);
  await worker.startConnectors();
  const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(`${worker.restUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
  };
  return { worker, log, call, close };
}

async function rawTopicText(log: SegmentLog, topic: string): Promise<string> {
  let text = '';
  let offset = await log.beginningOffset(topic, 0);
  while (offset < (await log.endOffset(topic, 0))) {
    const r = await log.read(topic, 0, offset);
    for (const rec of r.records) text += `${rec.key?.toString('latin1')}=${rec.value?.toString('latin1')}\n`;
    offset = r.nextOffset;
  }
  return text;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-config-providers-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('file, env and directory references resolve when the connector and its tasks start, and are stored and shown as written', async () => {
  const dir = tempDir();
  const secrets = join(dir, 'secrets.properties');
  writeFileSync(secrets, 'db.token = file-s3cr3t\n');
  const secretDir = join(dir, 'secret-dir');
  mkdirSync(secretDir);
  writeFileSync(join(secretDir, 'endpoint'), 'https://dir-s3cr3t.example');
  process.env.SLUICE_TEST_BATCH = '42';
  cleanup.push(() => {
    delete process.env.SLUICE_TEST_BATCH;
  });
  given.connector.length = 0;
  given.task.length = 0;
  const { worker, log, call, close } = await startWorker(dir);
  const config = {
    'connector.class': 'com.example.CaptureSourceConnector',
    token: `\${file:${secrets}:db.token}`,
    endpoint: `\${directory:${secretDir}:endpoint}`,
    batch: '${env:SLUICE_TEST_BATCH}',
  };
  const created = await call('POST', '/connectors', { name: 'cap', config });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  await until('the task started', () => given.task.length === 1);
  for (const got of [given.connector[0], given.task[0]]) {
    assert.equal(got.token, 'file-s3cr3t');
    assert.equal(got.endpoint, 'https://dir-s3cr3t.example');
    assert.equal(got.batch, '42');
  }
  // What is shown is what was written: the references, never what they point at.
  const shown = (await call('GET', '/connectors/cap/config')).body;
  assert.deepEqual(shown, { ...config, name: 'cap' });
  // GET /connectors/{name} is also what DESCRIBE CONNECTOR shows.
  assert.deepEqual((await call('GET', '/connectors/cap')).body.config, { ...config, name: 'cap' });
  const tasks = (await call('GET', '/connectors/cap/tasks')).body;
  assert.equal(tasks[0].config.token, config.token);
  assert.equal(tasks[0].config.endpoint, config.endpoint);
  const raw = await rawTopicText(log, worker.herder.worker.configTopic);
  assert.ok(raw.includes(`db.token}`), raw);
  for (const secret of ['file-s3cr3t', 'dir-s3cr3t'])
    assert.ok(!raw.includes(secret), `${secret} in the config topic: ${raw}`);

  // A secret changed in its file is what the next start gets.
  writeFileSync(secrets, 'db.token = rotated\n');
  await close();
  given.task.length = 0;
  await startWorker(dir);
  await until('the task started again', () => given.task.length === 1);
  assert.equal(given.task[0].token, 'rotated');
});

test('a reference to an undeclared provider, a missing key, file or variable, or a variable outside the allowlist is refused at creation, naming it', async () => {
  const dir = tempDir();
  const secrets = join(dir, 'secrets.properties');
  writeFileSync(secrets, 'db.token=x\n');
  process.env.SLUICE_OTHER_VAR = 'no';
  cleanup.push(() => {
    delete process.env.SLUICE_OTHER_VAR;
  });
  const { call, worker } = await startWorker(dir);
  const cases: [string, string][] = [
    ['${vault:secret/db:token}', 'no config provider vault is declared'],
    [`\${file:${secrets}:nope}`, `the file ${secrets} has no key nope`],
    [`\${file:${join(dir, 'absent')}:k}`, 'does not exist'],
    ['${env:SLUICE_TEST_UNSET}', 'the environment variable SLUICE_TEST_UNSET is not set'],
    ['${env:SLUICE_OTHER_VAR}', 'not allowed by config.providers.env.param.allowlist.pattern=SLUICE_TEST_.*'],
    [`\${directory:${dir}:missing}`, `the directory ${dir} has no file missing`],
  ];
  for (const [reference, reason] of cases) {
    const answer = await call('POST', '/connectors', {
      name: 'bad',
      config: { 'connector.class': 'com.example.CaptureSourceConnector', token: reference },
    });
    assert.equal(answer.status, 400, JSON.stringify(answer.body));
    assert.match(answer.body.message, new RegExp(`Cannot resolve ${regexQuoted(reference)} in token: `));
    assert.ok(answer.body.message.includes(reason), answer.body.message);
  }
  assert.deepEqual(worker.herder.connectorNames(), []);
  const validated = await call('PUT', '/connector-plugins/CaptureSourceConnector/config/validate', {
    'connector.class': 'com.example.CaptureSourceConnector',
    token: '${vault:x:y}',
  });
  const token = validated.body.configs.find((c: { value: { name: string } }) => c.value.name === 'token');
  assert.equal(token.value.value, '${vault:x:y}');
  assert.match(
    token.value.errors.join(),
    /Cannot resolve \$\{vault:x:y\} in token: no config provider vault/,
  );
});

test('a worker whose config.providers name an unknown class or none does not start', async () => {
  const dir = tempDir();
  await assert.rejects(
    startWorker(dir, {
      'config.providers': 'vault',
      'config.providers.vault.class': 'com.example.VaultProvider',
    }),
    /config.providers.vault.class=com.example.VaultProvider names a config provider Sluice does not have/,
  );
  await assert.rejects(
    startWorker(dir, { 'config.providers': 'file' }),
    /config.providers names file, but config.providers.file.class is not set/,
  );
});

test('a file provider with allowed.paths refuses files outside them', async () => {
  const dir = tempDir();
  const inside = join(dir, 'inside');
  mkdirSync(inside);
  writeFileSync(join(inside, 'ok.properties'), 'k=v\n');
  writeFileSync(join(dir, 'out.properties'), 'k=v\n');
  const { call } = await startWorker(dir, {
    'config.providers': 'file',
    'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
    'config.providers.file.param.allowed.paths': inside,
  });
  const outside = await call('POST', '/connectors', {
    name: 'out',
    config: {
      'connector.class': 'com.example.CaptureSourceConnector',
      token: `\${file:${inside}/../out.properties:k}`,
    },
  });
  assert.equal(outside.status, 400);
  assert.match(outside.body.message, /is outside the paths that config.providers.file.param.allowed.paths=/);
  const ok = await call('POST', '/connectors', {
    name: 'in',
    config: {
      'connector.class': 'com.example.CaptureSourceConnector',
      token: `\${file:${inside}/ok.properties:k}`,
    },
  });
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
});

function regexQuoted(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
