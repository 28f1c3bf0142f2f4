import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningServer, startServer } from '../../app/index.js';
import { loadServerConfig } from '../../config/index.js';
import { passwordLine } from '../client/index.js';
import { FailedLoginLimiter } from './failed-login-limiter.js';

let server: RunningServer;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-failed-logins-'));
  const file = join(dir, 'users');
  writeFileSync(
    file,
    `${await passwordLine('ann', 'admin', 'ann-pw')}\n${await passwordLine('bob', 'reader', 'bob-pw')}\n`,
  );
  server = await startServer(
    loadServerConfig({
      flags: {
        listeners: 'http://127.0.0.1:0',
        'sluice.data.dir': join(dir, 'data'),
        'sluice.kafka.listeners': '',
        'authentication.method': 'BASIC',
        'sluice.authentication.password.file': file,
        'sluice.authentication.max.failed.logins': '3',
        'sluice.authentication.failed.login.window.seconds': '600',
      },
      env: { KSQL_CONNECT_LISTENERS: 'http://127.0.0.1:0' },
    }),
  );
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** GET /ksql/… as `user` from a loopback address of its own, so each test is its own client. */
function get(
  base: string,
  path: string,
  from: string,
  user: string,
  password: string,
): Promise<{ status: number; retryAfter: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      {
        localAddress: from,
        headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
      },
      (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('a client address that failed too often is answered 429 with Retry-After, even with right credentials; other addresses are not', async () => {
  for (const user of ['x1', 'x2', 'x3'])
    assert.equal((await get(server.url, '/status', '127.0.0.2', user, 'guess')).status, 401);
  const refused = await get(server.url, '/status', '127.0.0.2', 'ann', 'ann-pw');
  assert.equal(refused.status, 429, refused.body);
  assert.ok(Number(refused.retryAfter) > 0 && Number(refused.retryAfter) <= 600, refused.retryAfter);
  const body = JSON.parse(refused.body);
  assert.equal(body.error_code, 42900);
  assert.match(
    body.message,
    /Too many failed logins from .*127\.0\.0\.2 \(3 within 600 s\): try again in \d+ s/,
  );
  assert.equal((await get(server.url, '/status', '127.0.0.3', 'ann', 'ann-pw')).status, 200);
  // The embedded Connect REST API counts with the same limiter.
  const connect = await get(server.connectUrl!, '/connectors', '127.0.0.2', 'ann', 'ann-pw');
  assert.equal(connect.status, 429);
  assert.ok(connect.retryAfter !== undefined);
});

test('a user name guessed at from many addresses is paused, but not for credentials that logged in before', async () => {
  for (const from of ['127.0.0.4', '127.0.0.5', '127.0.0.6'])
    assert.equal((await get(server.url, '/status', from, 'bob', 'wrong')).status, 401);
  const bob = await get(server.url, '/status', '127.0.0.7', 'bob', 'bob-pw');
  assert.equal(bob.status, 429, bob.body);
  assert.match(JSON.parse(bob.body).message, /Too many failed logins for user 'bob'/);

  assert.equal((await get(server.url, '/status', '127.0.0.8', 'ann', 'ann-pw')).status, 200);
  for (const from of ['127.0.0.9', '127.0.0.10', '127.0.0.11'])
    assert.equal((await get(server.url, '/status', from, 'ann', 'wrong')).status, 401);
  assert.equal((await get(server.url, '/status', '127.0.0.12', 'ann', 'ann-pw')).status, 200);
  assert.equal((await get(server.url, '/status', '127.0.0.12', 'ann', 'wrong-again')).status, 429);
});

test('failures are forgotten a window after the last one', () => {
  let now = 0;
  const limiter = new FailedLoginLimiter({ maxFailures: 2, windowMs: 1000 }, () => now);
  limiter.recordFailure('a', 'u');
  now = 500;
  limiter.recordFailure('a', 'u');
  assert.deepEqual(limiter.blocked('a', undefined), { retryAfterMs: 1000, what: 'from a' });
  now = 1499;
  assert.equal(limiter.blocked('a', 'v')?.retryAfterMs, 1);
  now = 1500;
  assert.equal(limiter.blocked('a', 'u'), undefined);
  // An old failure alone does not count with a new one.
  limiter.recordFailure('b', undefined);
  now = 2600;
  limiter.recordFailure('b', undefined);
  assert.equal(limiter.blocked('b', undefined), undefined);
  assert.equal(new FailedLoginLimiter({ maxFailures: 0, windowMs: 1000 }).blocked('a', 'u'), undefined);
});
