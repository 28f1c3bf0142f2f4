// A server with authentication.method=BASIC serves Kafka clients only through SASL/PLAIN, against the
// same password file as its REST API: kcat with the right password reads and writes, without it not.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { passwordLine } from '../../src/server/client/index.js';
import { kcat, run } from './kafka-peers.fixture.js';
import { killServerChildren, type ServerChild, startServerChild } from './server-child.fixture.js';

let dir: string;
let server: ServerChild;
let bootstrap: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-kafka-sasl-'));
  const passwords = join(dir, 'passwords');
  writeFileSync(passwords, `${await passwordLine('ann', 'admin', 'ann-pw')}\n`);
  server = await startServerChild(['--data-dir', join(dir, 'data')], {
    KSQL_AUTHENTICATION_METHOD: 'BASIC',
    KSQL_SLUICE_AUTHENTICATION_PASSWORD_FILE: passwords,
  });
  const listener = /Kafka listener: SASL_PLAINTEXT:\/\/(\S+)/.exec(server.output())?.[1];
  assert.ok(listener, `no SASL_PLAINTEXT Kafka listener line in:\n${server.output()}`);
  bootstrap = listener;
});

after(() => {
  killServerChildren();
  rmSync(dir, { recursive: true, force: true });
});

const sasl = (user: string, password: string) => [
  '-X',
  'security.protocol=SASL_PLAINTEXT',
  '-X',
  'sasl.mechanisms=PLAIN',
  '-X',
  `sasl.username=${user}`,
  '-X',
  `sasl.password=${password}`,
];

describe('SASL/PLAIN with kcat', { skip: kcat.missing }, () => {
  test('a user of the password file produces and consumes', async () => {
    const produced = await run('kcat', ['-b', bootstrap, ...sasl('ann', 'ann-pw'), '-P', '-t', 'secured'], {
      input: 'one\ntwo\n',
    });
    assert.equal(produced.code, 0, produced.stderr);
    const consumed = await run('kcat', [
      '-b',
      bootstrap,
      ...sasl('ann', 'ann-pw'),
      '-C',
      '-t',
      'secured',
      '-o',
      'beginning',
      '-e',
    ]);
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.deepEqual(consumed.stdout.trim().split('\n'), ['one', 'two']);
  });

  test('a wrong password and no SASL at all are refused', async () => {
    const wrong = await run('kcat', ['-b', bootstrap, ...sasl('ann', 'nope'), '-L', '-m', '5']);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /Authentication failed|SASL authentication error/i);
    const plain = await run('kcat', ['-b', bootstrap, '-L', '-m', '5']);
    assert.notEqual(plain.code, 0);
    assert.match(server.output(), /before SASL authentication/);
  });
});
