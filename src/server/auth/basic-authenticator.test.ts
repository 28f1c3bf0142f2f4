import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  PasswordFileError,
  parsePasswordFile,
  passwordLine,
  verifyPassword,
  withUserLine,
} from '../client/index.js';
import { BasicAuthenticator } from './basic-authenticator.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-passwords-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

test('a password line holds a salted scrypt hash, different each time, that verifies only the password', async () => {
  const a = await passwordLine('ann', 'admin', 'pw');
  const b = await passwordLine('ann', 'admin', 'pw');
  assert.notEqual(a, b, 'a fresh salt per line');
  assert.ok(!a.includes('pw:') && !a.endsWith(':pw'));
  const entry = parsePasswordFile(a, 'f').get('ann') ?? assert.fail();
  assert.equal(await verifyPassword(entry, 'pw'), true);
  assert.equal(await verifyPassword(entry, 'pw '), false);
});

test('a broken password file names the line', () => {
  assert.throws(
    () => parsePasswordFile('# users\nann:admin:plain', 'users'),
    (err: Error) => {
      assert.ok(err instanceof PasswordFileError);
      assert.match(err.message, /users line 2 is not a password entry/);
      return true;
    },
  );
  assert.throws(
    () => parsePasswordFile('ann:root:scrypt:16384:8:1:AA==:AA==', 'users'),
    /unknown role 'root'/,
  );
});

test('withUserLine replaces or removes one user and keeps the rest', () => {
  const text = '# users\nann:x\nbob:y\n';
  assert.equal(withUserLine(text, 'ann', 'ann:z'), '# users\nann:z\nbob:y\n');
  assert.equal(withUserLine(text, 'bob', undefined), '# users\nann:x\n');
  assert.equal(withUserLine(text, 'cy', 'cy:w'), '# users\nann:x\nbob:y\ncy:w\n');
});

test('the authenticator refuses a start without users, and follows the file as it changes', async () => {
  const file = join(dir, 'users');
  writeFileSync(file, '# nobody yet\n');
  assert.throws(
    () => new BasicAuthenticator({ passwordFile: file, realm: '', allowedRoles: ['*'] }),
    /has no users: add one with 'sluice passwd/,
  );
  assert.throws(
    () => new BasicAuthenticator({ passwordFile: join(dir, 'missing'), realm: '', allowedRoles: ['*'] }),
    /Cannot read the password file sluice.authentication.password.file=/,
  );
  writeFileSync(file, `${await passwordLine('ann', 'admin', 'pw')}\n`);
  const auth = new BasicAuthenticator({ passwordFile: file, realm: '', allowedRoles: ['*'] });
  assert.equal(auth.challenge, 'Basic realm="Sluice"');
  assert.deepEqual(await auth.authenticate(basic('ann', 'pw')), {
    ok: true,
    principal: { user: 'ann', role: 'admin' },
  });
  // Removing the user takes effect on the next request, even though her credentials were cached.
  writeFileSync(file, `${await passwordLine('bob', 'reader', 'pw2')}\n# ann removed, file grown\n`);
  const removed = await auth.authenticate(basic('ann', 'pw'));
  assert.equal(removed.ok, false);
  assert.equal(removed.ok ? 0 : removed.status, 401);
  assert.equal((await auth.authenticate(basic('bob', 'pw2'))).ok, true);
  // A file that becomes unreadable refuses everyone.
  writeFileSync(file, 'garbage that is longer than before, so the change is seen\n');
  const broken = await auth.authenticate(basic('bob', 'pw2'));
  assert.equal(broken.ok ? 0 : broken.status, 500);
  assert.ok(readFileSync(file, 'utf8').startsWith('garbage'));
});

test('authentication.roles admits only the listed roles', async () => {
  const file = join(dir, 'roles');
  writeFileSync(file, `${await passwordLine('rita', 'reader', 'pw')}\n`);
  const auth = new BasicAuthenticator({
    passwordFile: file,
    realm: 'R',
    allowedRoles: ['admin', 'developer'],
  });
  const result = await auth.authenticate(basic('rita', 'pw'));
  assert.equal(result.ok ? 0 : result.status, 403);
  assert.match(
    result.ok ? '' : result.message,
    /reader role, which authentication.roles \(admin, developer\) does not admit/,
  );
});
