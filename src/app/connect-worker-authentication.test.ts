import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadServerConfig } from '../config/index.js';
import { passwordLine } from '../server/client/index.js';
import { type StandaloneWorker, startStandaloneWorker } from './connect-process.js';
import { startServer } from './server-process.js';

let dir: string;
let passwordFile: string;
let worker: StandaloneWorker;
let url: string;

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-connect-auth-'));
  passwordFile = join(dir, 'users.txt');
  writeFileSync(
    passwordFile,
    `${await passwordLine('ann', 'admin', 'ann-pw')}\n${await passwordLine('rita', 'reader', 'rita-pw')}\n`,
  );
  worker = await startStandaloneWorker({
    properties: { listeners: 'http://127.0.0.1:0', 'sluice.authentication.password.file': passwordFile },
    dataDir: join(dir, 'worker-data'),
  });
  url = worker.worker.restUrl ?? assert.fail('the worker listens');
});
after(async () => {
  await worker?.close();
  rmSync(dir, { recursive: true, force: true });
});

const connector = {
  name: 'gen',
  config: {
    'connector.class': 'DatagenConnector',
    'kafka.topic': 'gen',
    quickstart: 'users',
    'max.interval': '1000',
  },
};

test("sluice connect's REST API asks for the password file's users and applies their roles", async () => {
  const none = await fetch(`${url}/connectors`);
  assert.equal(none.status, 401);
  assert.match(none.headers.get('www-authenticate') ?? '', /^Basic realm=/);
  const wrong = await fetch(`${url}/connectors`, { headers: { authorization: basic('ann', 'nope') } });
  assert.equal(wrong.status, 401);
  const reader = await fetch(`${url}/connectors`, { headers: { authorization: basic('rita', 'rita-pw') } });
  assert.equal(reader.status, 200);
  const readerCreate = await fetch(`${url}/connectors`, {
    method: 'POST',
    headers: { authorization: basic('rita', 'rita-pw'), 'content-type': 'application/json' },
    body: JSON.stringify(connector),
  });
  assert.equal(readerCreate.status, 403, await readerCreate.text());
  // Open to all, as the server's own health endpoints are.
  assert.equal((await fetch(`${url}/health`)).status < 500, true);
});

test('a server sends ksql.connect.basic.auth credentials from a file to an external worker that asks for them', async () => {
  const credentials = join(dir, 'connect-credentials.properties');
  writeFileSync(credentials, 'username=ann\npassword=ann-pw\n');
  const start = (extra: Record<string, string>, name: string) =>
    startServer(
      loadServerConfig({
        flags: {
          listeners: 'http://127.0.0.1:0',
          'sluice.data.dir': join(dir, name),
          'sluice.kafka.listeners': '',
          'ksql.connect.url': url,
          ...extra,
        },
        env: {},
      }),
    );
  const ksql = async (server: { url: string }, statement: string) => {
    const res = await fetch(`${server.url}/ksql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ksql: statement }),
    });
    return { status: res.status, text: await res.text() };
  };
  const without = await start({}, 'server-without');
  try {
    const refused = await ksql(without, 'SHOW CONNECTORS;');
    assert.notEqual(refused.status, 200, refused.text);
    assert.match(refused.text, /Unauthorized/);
  } finally {
    await without.close();
  }
  const withCredentials = await start(
    {
      'ksql.connect.basic.auth.credentials.source': 'FILE',
      'ksql.connect.basic.auth.credentials.file': credentials,
    },
    'server-with',
  );
  try {
    const created = await ksql(
      withCredentials,
      "CREATE SOURCE CONNECTOR gen WITH ('connector.class'='DatagenConnector', 'kafka.topic'='gen', 'quickstart'='users', 'max.interval'='1000');",
    );
    assert.equal(created.status, 200, created.text);
    const shown = await ksql(withCredentials, 'SHOW CONNECTORS;');
    assert.equal(shown.status, 200, shown.text);
    assert.match(shown.text, /"name":"GEN"/);
  } finally {
    await withCredentials.close();
  }
  await assert.rejects(
    start(
      {
        'ksql.connect.basic.auth.credentials.source': 'FILE',
        'ksql.connect.basic.auth.credentials.file': join(dir, 'absent.properties'),
      },
      'server-absent',
    ),
    /Cannot read the Connect credentials file ksql.connect.basic.auth.credentials.file=/,
  );
});

test('a sluice connect whose password file is missing does not start', async () => {
  await assert.rejects(
    startStandaloneWorker({
      properties: {
        listeners: 'http://127.0.0.1:0',
        'sluice.authentication.password.file': join(dir, 'absent.txt'),
      },
      dataDir: join(dir, 'absent-data'),
    }),
    /absent\.txt/,
  );
});
