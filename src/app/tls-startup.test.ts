import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runSluice } from '../cli/run-sluice.fixture.js';
import { loadServerConfig } from '../config/index.js';
import { makeKeystore } from '../server/keystore.fixture.js';
import { startServer } from './server-process.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : assert.fail();
}

/** True when something accepts connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(true));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
  });
}

// The test's own timeout catches a process that does not exit: a half-started server keeps running.
test('a keystore whose password is wrong stops the start: a message, a non-zero exit, no lock and no port left', {
  timeout: 120_000,
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-tls-start-'));
  try {
    const keystore = makeKeystore(dir);
    if (keystore === undefined) return t.skip('needs the openssl command to make a test certificate');
    const dataDir = join(dir, 'data');
    for (const [label, env] of [
      ['the REST listener', { KSQL_LISTENERS: 'https://127.0.0.1:0', KSQL_SSL_KEYSTORE_PASSWORD: 'wrong' }],
      [
        'the Connect listener',
        {
          KSQL_LISTENERS: 'http://127.0.0.1:0',
          KSQL_CONNECT_SSL_KEYSTORE_LOCATION: keystore,
          KSQL_CONNECT_SSL_KEYSTORE_PASSWORD: 'wrong',
        },
      ],
    ] as const) {
      const connectPort = await freePort();
      const run = await runSluice(['server', '--data-dir', dataDir], {
        env: {
          ...env,
          KSQL_SSL_KEYSTORE_LOCATION: keystore,
          KSQL_CONNECT_LISTENERS: `${label === 'the Connect listener' ? 'https' : 'http'}://127.0.0.1:${connectPort}`,
        },
      });
      assert.equal(run.code, 1, `${label}: ${run.stderr}`);
      assert.match(run.stderr, /Cannot open .*keystore.*the password is wrong/, label);
      assert.doesNotMatch(run.stdout, /is ready/, label);
      assert.ok(!existsSync(join(dataDir, '.lock')), `${label}: the data dir is not left locked`);
      assert.equal(await listening(connectPort), false, `${label}: the Connect port is free`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an https:// Connect listener serves TLS with the worker keystore, not plain HTTP', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-connect-tls-'));
  try {
    const keystore = makeKeystore(dir);
    if (keystore === undefined) return t.skip('needs the openssl command to make a test certificate');
    const server = await startServer(
      loadServerConfig({
        flags: { listeners: 'http://127.0.0.1:0', 'sluice.data.dir': join(dir, 'data') },
        env: {
          KSQL_CONNECT_LISTENERS: 'https://127.0.0.1:0',
          KSQL_CONNECT_SSL_KEYSTORE_LOCATION: keystore,
          KSQL_CONNECT_SSL_KEYSTORE_PASSWORD: 's3cret',
        },
      }),
    );
    try {
      const url = server.connectUrl ?? assert.fail('the Connect REST API listens');
      assert.match(url, /^https:\/\//);
      const body = await new Promise<string>((resolve, reject) => {
        const req = request(`${url}/connectors`, { rejectUnauthorized: false }, (res) => {
          let text = '';
          res.on('data', (c) => {
            text += c;
          });
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(body, '[]');
      await assert.rejects(fetch(url.replace('https:', 'http:') + '/connectors'));
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
