import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import type { SegmentLog } from '../../log/index.js';
import { secretPlugin } from './secret-plugin.fixture.js';
import { startTestWorker } from './test-worker.fixture.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const KEY = randomBytes(32).toString('base64');
const SECRET = 'pl41n-t0ken-value';
const CONFIG = {
  'connector.class': 'com.example.SecretSourceConnector',
  token: SECRET,
  'connection.password': 'undeclared-but-named-pw',
  endpoint: 'https://example.com/api',
};

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-config-encryption-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function start(dir: string, properties: Record<string, string> = {}) {
  const worker = await startTestWorker(dir, { properties, connectors: [secretPlugin] });
  cleanup.push(worker.close);
  return worker;
}

/** Every record of the config topic as raw bytes read back as text, key=value per line. */
async function rawConfigTopic(log: SegmentLog): Promise<{ key: string; value: string }[]> {
  const out: { key: string; value: string }[] = [];
  let offset = await log.beginningOffset('connect-configs', 0);
  while (offset < (await log.endOffset('connect-configs', 0))) {
    const r = await log.read('connect-configs', 0, offset);
    for (const rec of r.records)
      out.push({ key: rec.key?.toString('latin1') ?? '', value: rec.value?.toString('latin1') ?? '' });
    offset = r.nextOffset;
  }
  return out;
}

test('with a key, secret settings are encrypted in the config topic and read back after a restart with the same key', async () => {
  const dir = tempDir();
  const first = await start(dir, { 'sluice.config.encryption.key': KEY });
  await first.herder.createConnector('sec', CONFIG);
  const raw = await rawConfigTopic(first.log);
  const text = raw.map((r) => `${r.key}=${r.value}`).join('\n');
  for (const secret of [SECRET, 'undeclared-but-named-pw'])
    assert.ok(!text.includes(secret), `${secret} in plain text in the config topic:\n${text}`);
  // What is not secret stays readable, and the records say what is encrypted.
  assert.ok(text.includes('https://example.com/api'), text);
  const connectorRecord = JSON.parse(raw.find((r) => r.key === 'connector-sec')!.value);
  assert.deepEqual(connectorRecord['sluice.encryption'].keys.sort(), ['connection.password', 'token']);
  assert.equal(connectorRecord['sluice.encryption'].version, 1);
  assert.ok(
    raw.some((r) => r.key === 'task-sec-0' && r.value.includes('sluice.encryption')),
    text,
  );
  await first.close();

  const again = await start(dir, { 'sluice.config.encryption.key': KEY });
  assert.equal(again.herder.connectorConfig('sec').token, SECRET);
  assert.equal(again.herder.connectorConfig('sec')['connection.password'], 'undeclared-but-named-pw');
  assert.equal(again.herder.taskConfigs('sec')[0].config.token, SECRET);
  assert.equal(again.herder.maskedConfig(again.herder.connectorConfig('sec')).token, '[hidden]');
});

test('a restart with another key, or none, is refused naming the connector, the setting and what to do', async () => {
  const dir = tempDir();
  const first = await start(dir, { 'sluice.config.encryption.key': KEY });
  await first.herder.createConnector('sec', CONFIG);
  await first.close();
  await assert.rejects(
    start(dir, { 'sluice.config.encryption.key': randomBytes(32).toString('hex') }),
    /Connector sec's setting (token|connection.password) in the config topic connect-configs was encrypted with another key \(fingerprint [0-9a-f]+\) than the one sluice.config.encryption.key gives/,
  );
  await assert.rejects(
    start(dir),
    /Connector sec's setting (token|connection.password) in the config topic connect-configs is encrypted, but no sluice.config.encryption.key or sluice.config.encryption.key.file is set/,
  );
  // The same key from a file reads it.
  const keyFile = join(dir, 'config.key');
  writeFileSync(keyFile, `${KEY}\n`);
  const fromFile = await start(dir, { 'sluice.config.encryption.key.file': keyFile });
  assert.equal(fromFile.herder.connectorConfig('sec').token, SECRET);
});

test('a record altered in the topic is refused, not read as another value', async () => {
  const dir = tempDir();
  const first = await start(dir, { 'sluice.config.encryption.key': KEY });
  await first.herder.createConnector('sec', CONFIG);
  const record = JSON.parse((await rawConfigTopic(first.log)).find((r) => r.key === 'connector-sec')!.value);
  // A ciphertext moved to another setting does not decrypt there.
  [record.properties.token, record.properties['connection.password']] = [
    record.properties['connection.password'],
    record.properties.token,
  ];
  await first.log.append('connect-configs', [
    { key: Buffer.from('connector-sec'), value: Buffer.from(JSON.stringify(record)) },
  ]);
  await first.close();
  await assert.rejects(
    start(dir, { 'sluice.config.encryption.key': KEY }),
    /Connector sec's setting (token|connection.password) in the config topic connect-configs cannot be read: it does not decrypt/,
  );
});

test('records written in plain text before a key was set still load, and are rewritten encrypted', async () => {
  const dir = tempDir();
  const first = await start(dir);
  await first.herder.createConnector('old', CONFIG);
  assert.ok(
    (await rawConfigTopic(first.log)).some((r) => r.key === 'connector-old' && r.value.includes(SECRET)),
    'without a key the secret is stored as given',
  );
  await first.close();
  const withKey = await start(dir, { 'sluice.config.encryption.key': KEY });
  assert.equal(withKey.herder.connectorConfig('old').token, SECRET);
  const latest = new Map((await rawConfigTopic(withKey.log)).map((r) => [r.key, r.value]));
  assert.ok(!latest.get('connector-old')!.includes(SECRET), latest.get('connector-old'));
  assert.ok(!latest.get('task-old-0')!.includes(SECRET), latest.get('task-old-0'));
  await withKey.close();
  const again = await start(dir, { 'sluice.config.encryption.key': KEY });
  assert.equal(again.herder.taskConfigs('old')[0].config.token, SECRET);
});

test('a key that is not 256 bits, or both a key and a key file, is refused at start', async () => {
  const dir = tempDir();
  await assert.rejects(
    start(dir, { 'sluice.config.encryption.key': 'hunter2' }),
    /sluice.config.encryption.key must be a 256-bit key: 32 bytes in base64 \(44 characters\) or hex \(64 characters\)/,
  );
  await assert.rejects(
    start(dir, { 'sluice.config.encryption.key': KEY, 'sluice.config.encryption.key.file': '/x' }),
    /Set either sluice.config.encryption.key or sluice.config.encryption.key.file, not both/,
  );
});

test('a reference to a secret elsewhere is stored as written, not encrypted', async () => {
  const dir = tempDir();
  const secrets = join(dir, 's.properties');
  writeFileSync(secrets, 'token=from-file\n');
  const worker = await start(dir, {
    'sluice.config.encryption.key': KEY,
    'config.providers': 'file',
    'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
  });
  const reference = `\${file:${secrets}:token}`;
  await worker.herder.createConnector('ref', { ...CONFIG, token: reference });
  const record = JSON.parse((await rawConfigTopic(worker.log)).find((r) => r.key === 'connector-ref')!.value);
  assert.equal(record.properties.token, reference);
  assert.deepEqual(record['sluice.encryption'].keys, ['connection.password']);
});

test('a key is changed by giving the old one in sluice.config.encryption.previous.keys for one start, which rewrites the secrets with the new one', async () => {
  const dir = tempDir();
  const first = await start(dir, { 'sluice.config.encryption.key': KEY });
  await first.herder.createConnector('sec', CONFIG);
  await first.close();
  const newKey = randomBytes(32).toString('hex');
  await assert.rejects(
    start(dir, { 'sluice.config.encryption.key': newKey }),
    /was encrypted with another key .*give that one in sluice.config.encryption.previous.keys/,
  );
  const rotating = await start(dir, {
    'sluice.config.encryption.key': newKey,
    'sluice.config.encryption.previous.keys': KEY,
  });
  assert.equal(rotating.herder.connectorConfig('sec').token, SECRET);
  await rotating.close();
  // Rewritten: the new key alone reads it now, and the old one no longer does.
  const rotated = await start(dir, { 'sluice.config.encryption.key': newKey });
  assert.equal(rotated.herder.connectorConfig('sec').token, SECRET);
  assert.equal(rotated.herder.taskConfigs('sec')[0].config.token, SECRET);
  await rotated.close();
  await assert.rejects(start(dir, { 'sluice.config.encryption.key': KEY }), /was encrypted with another key/);
  await assert.rejects(
    start(dir, { 'sluice.config.encryption.previous.keys': KEY }),
    /sluice.config.encryption.previous.keys is set without sluice.config.encryption.key/,
  );
});
