import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { runSluice } from '../../src/cli/run-sluice.fixture.js';
import { killServerChildren, SLUICE_BIN, startServerChild } from './server-child.fixture.js';

afterEach(killServerChildren);

test('sluice server stop stops the server holding the data dir and waits for its clean stop', {
  timeout: 60_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-stop-'));
  try {
    const dataDir = join(dir, 'data');
    const server = await startServerChild(['--data-dir', dataDir]);
    const stopped = await runSluice(['server', 'stop', '--data-dir', dataDir]);
    assert.equal(stopped.code, 0, stopped.stdout + stopped.stderr);
    assert.match(stopped.stdout, /Sluice stopped \(pid \d+\)/);
    // The command returned only once the server had exited, cleanly.
    assert.ok(!existsSync(join(dataDir, '.lock')));
    assert.equal(await server.exit, 0);
    assert.match(server.output(), /SIGTERM received, shutting down[\s\S]*Sluice stopped\./);

    const again = await runSluice(['server', 'stop', '--data-dir', dataDir]);
    assert.equal(again.code, 1);
    assert.match(again.stdout, /No Sluice server is running on .*data/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a server started through npm stops when npm is killed (npx sluice server &; kill $!)', {
  timeout: 60_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-stop-'));
  try {
    const dataDir = join(dir, 'data');
    // What npm exec leaves between itself and the server: a shell that waits for it. npm, told
    // to stop, ends that shell; the signal never reaches the server.
    const shell = spawn(
      'sh',
      ['-c', `"${process.execPath}" "${SLUICE_BIN}" server --port 0 --data-dir "${dataDir}"; exit $?`],
      {
        env: { ...process.env, npm_command: 'exec', KSQL_CONNECT_LISTENERS: 'http://127.0.0.1:0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    // The pipe closes once every process writing to it, the server among them, has exited.
    const closed = new Promise<void>((resolve) => shell.stdout.on('end', resolve));
    await new Promise<void>((resolve) => {
      shell.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if (/is ready/.test(out)) resolve();
      });
    });
    shell.kill('SIGTERM');
    await closed;
    assert.match(out, /exited; shutting down\.[\s\S]*Sluice stopped\./);
    assert.ok(!existsSync(join(dataDir, '.lock')), 'the server released its data dir');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('server --help says how to configure the embedded Connect worker and how to stop the server', async () => {
  for (const args of [
    ['server', '--help'],
    ['help', 'server'],
  ]) {
    const run = await runSluice(args);
    assert.equal(run.code, 0, run.stderr);
    for (const expected of [
      /KSQL_CONNECT_\*/,
      /KSQL_CONNECT_LISTENERS .*8083/,
      /ksql\.connect\.url/,
      /--data-dir DIR/,
      /sluice server stop/,
      /kill \$!/,
    ])
      assert.match(run.stdout, expected, args.join(' '));
  }
});
