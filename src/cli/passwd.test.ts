import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { parsePasswordFile, verifyPassword } from '../server/client/index.js';
import { main } from './main.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-passwd-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[], stdin = '') {
  const input = new PassThrough();
  input.end(stdin);
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) => {
    const s = new PassThrough();
    s.on('data', (c) => append(String(c)));
    return s;
  };
  const code = await main(args, {
    stdin: input,
    stdout: sink((s) => {
      out += s;
    }),
    stderr: sink((s) => {
      err += s;
    }),
    env: {},
  });
  return { code, out, err };
}

test('sluice passwd adds a user from a piped password, in a file only its owner reads, and changes it', async () => {
  const file = join(dir, 'users');
  const added = await run(['passwd', file, 'ann', '--role', 'developer'], 'first secret\n');
  assert.equal(added.code, 0, added.err);
  assert.match(added.out, /Added user 'ann' with the developer role/);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const text = readFileSync(file, 'utf8');
  assert.ok(!text.includes('first secret'));
  const ann = parsePasswordFile(text, file).get('ann') ?? assert.fail();
  assert.equal(await verifyPassword(ann, 'first secret'), true);

  const changed = await run(['passwd', file, 'ann'], 'second\n');
  assert.equal(changed.code, 0, changed.err);
  const after = parsePasswordFile(readFileSync(file, 'utf8'), file).get('ann') ?? assert.fail();
  assert.equal(after.role, 'developer', 'the role is kept');
  assert.equal(await verifyPassword(after, 'second'), true);

  assert.equal((await run(['passwd', file, 'ann', '--delete'])).code, 0);
  assert.equal(parsePasswordFile(readFileSync(file, 'utf8'), file).size, 0);
});

test('sluice passwd refuses a new user without a role, an unknown role and an empty password', async () => {
  const file = join(dir, 'refusals');
  const noRole = await run(['passwd', file, 'bob'], 'pw\n');
  assert.equal(noRole.code, 2);
  assert.match(noRole.err, /--role is needed for a new user: one of admin, developer, reader/);
  assert.match((await run(['passwd', file, 'bob', '--role', 'root'], 'pw\n')).err, /Unknown role 'root'/);
  const empty = await run(['passwd', file, 'bob', '--role', 'reader'], '\n');
  assert.equal(empty.code, 1);
  assert.match(empty.err, /The password is empty/);
});
