import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { SegmentLog } from '../../src/log/index.js';
import { onEachBackend } from './backends.fixture.js';

const bin = new URL('../../../bin/sluice.js', import.meta.url).pathname;

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
}

/** Starts `sluice server` as a real process and waits for its ready line. */
const children = new Set<ChildProcess>();
afterEach(() => {
  // A failed assertion must not leave a server running and the test run hanging.
  for (const child of children) child.kill('SIGKILL');
  children.clear();
});

function startServer(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'server', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const ready = /Sluice (http:\/\/\S+) is ready/.exec(out);
      if (ready) resolve({ child, url: ready[1], output: () => out });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

onEachBackend('the server process', { timeout: 600_000 }, (backend) => {
  test('sluice server starts, serves REST, and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-e2e-'));
    try {
      const { child, url, output } = await startServer(['--port', '0', '--data-dir', dataDir], backend.env());
      assert.equal(output().match(/Effective configuration:/g)?.length, 1, 'the config is logged once');
      assert.match(output(), /sluice\.data\.dir\s+= /);
      assert.equal(
        output().match(/NOTE connector secrets \(PASSWORD settings\) are stored in plain text/g)?.length,
        1,
        'without a key, the server says once that connector secrets are stored in plain text',
      );
      assert.match(output(), /sluice\.config\.encryption\.key, KSQL_CONNECT_SLUICE_CONFIG_ENCRYPTION_KEY/);
      const info = (await (await fetch(`${url}/info`)).json()) as {
        KsqlServerInfo: { kafkaClusterId: string };
      };
      const cluster = info.KsqlServerInfo.kafkaClusterId;
      const created = await fetch(`${url}/v3/clusters/${cluster}/topics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ topic_name: 'events' }),
      });
      assert.equal(created.status, 201);
      const produced = await fetch(`${url}/v3/clusters/${cluster}/topics/events/records`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ value: { type: 'STRING', data: 'hello' } }),
      });
      assert.equal(produced.status, 200);
      const exit = exited(child);
      child.kill('SIGTERM');
      assert.equal(await exit, 0);
      assert.match(output(), /Sluice stopped/);
      const log = await backend.openLog(dataDir);
      try {
        if (log instanceof SegmentLog)
          assert.equal(log.openReport.recovered, false, 'SIGTERM should close the log cleanly');
        assert.equal((await log.read('events', 0, 0)).records[0].value!.toString(), 'hello');
      } finally {
        await log.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('a second server on the same data dir fails with a clear message', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-e2e-'));
    try {
      const first = await startServer(['--port', '0', '--data-dir', dataDir], backend.env());
      const second = spawn(process.execPath, [bin, 'server', '--port', '0', '--data-dir', dataDir], {
        env: { ...process.env, ...backend.env() },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      second.stderr!.on('data', (c: Buffer) => {
        err += c.toString();
      });
      assert.equal(await exited(second), 1);
      assert.match(err, /in use by another Sluice process/);
      const exit = exited(first.child);
      first.child.kill('SIGTERM');
      assert.equal(await exit, 0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

test('sluice server takes its listener from KSQL_LISTENERS and masks secrets in the logged config', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-e2e-'));
  try {
    const { child, url, output } = await startServer(['--data-dir', dataDir], {
      KSQL_LISTENERS: 'http://127.0.0.1:0',
      KSQL_SSL_KEYSTORE_PASSWORD: 'hunter2',
    });
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.doesNotMatch(output(), /hunter2/);
    const exit = exited(child);
    child.kill('SIGTERM');
    assert.equal(await exit, 0);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('sluice server reads a properties file given with --config, with flags taking precedence', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-e2e-'));
  try {
    const { writeFileSync } = await import('node:fs');
    const file = join(dataDir, 'server.properties');
    writeFileSync(
      file,
      `# a ksqlDB-style file\nlisteners=http://127.0.0.1:0\nksql.service.id=from_file_\nsluice.data.dir=${join(dataDir, 'ignored')}\n`,
    );
    const { child, url } = await startServer(['--config', file, '--data-dir', join(dataDir, 'data')]);
    const info = (await (await fetch(`${url}/info`)).json()) as { KsqlServerInfo: { ksqlServiceId: string } };
    assert.equal(info.KsqlServerInfo.ksqlServiceId, 'from_file_');
    const exit = exited(child);
    child.kill('SIGTERM');
    assert.equal(await exit, 0);
    const { existsSync } = await import('node:fs');
    assert.ok(existsSync(join(dataDir, 'data', 'topics')), '--data-dir wins over the file');
    assert.ok(!existsSync(join(dataDir, 'ignored')));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
