import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadServerConfig } from '../config/index.js';
import { passwordLine } from '../server/client/index.js';
import { type RunningServer, startServer } from './server-process.js';

let dir: string;
let server: RunningServer;
let registry: string;

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-registry-auth-'));
  const passwordFile = join(dir, 'users.txt');
  writeFileSync(
    passwordFile,
    `${await passwordLine('ann', 'admin', 'ann-pw')}\n${await passwordLine('rita', 'reader', 'rita-pw')}\n`,
  );
  server = await startServer(
    loadServerConfig({
      flags: {
        listeners: 'http://127.0.0.1:0',
        'sluice.data.dir': join(dir, 'data'),
        'sluice.kafka.listeners': '',
        'authentication.method': 'BASIC',
        'sluice.authentication.password.file': passwordFile,
        'ksql.connect.url': 'http://127.0.0.1:1',
      },
      env: {},
    }),
  );
  registry = server.schemaRegistryUrl ?? assert.fail('the registry listens');
});
after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("with authentication.method=BASIC the Schema Registry asks for the password file's users and applies their roles", async () => {
  assert.equal((await fetch(`${registry}/subjects`)).status, 401);
  const register = (authorization: string) =>
    fetch(`${registry}/subjects/a-value/versions`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: '"string"' }),
    });
  assert.equal((await register(basic('rita', 'rita-pw'))).status, 403);
  const admin = await register(basic('ann', 'ann-pw'));
  assert.equal(admin.status, 200, await admin.clone().text());
  assert.deepEqual(await admin.json(), { id: 1, version: 1 });
  const read = await fetch(`${registry}/subjects`, { headers: { authorization: basic('rita', 'rita-pw') } });
  assert.deepEqual(await read.json(), ['a-value']);
});
