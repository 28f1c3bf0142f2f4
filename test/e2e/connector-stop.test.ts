import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { onEachBackend } from './backends.fixture.js';
import { killServerChildren, ksqlRequest, startServerChild } from './server-child.fixture.js';

afterEach(killServerChildren);

type Entity = Record<string, unknown>;

async function sql(url: string, text: string): Promise<Entity> {
  const answer = await ksqlRequest(url, text);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return (answer.body as Entity[])[0];
}

async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

onEachBackend('stopped connectors', { timeout: 600_000 }, (backend) => {
  test('a STOPPED connector and its reset offsets survive a SIGKILL: the restarted server keeps it stopped, and RESUME re-reads from the start', {
    timeout: 120_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-connector-stop-'));
    try {
      const input = join(dir, 'in.txt');
      writeFileSync(input, 'a\nb\nc\n');
      const first = await startServerChild(['--data-dir', join(dir, 'data')], backend.env());
      await sql(
        first.url,
        `CREATE SOURCE CONNECTOR src WITH ('connector.class'='FileStreamSource', 'file'='${input}', 'topic'='lines');`,
      );
      await eventually('the offset after the last line', async () => {
        const offsets = (await sql(first.url, 'SHOW CONNECTOR OFFSETS src;')).offsets as {
          offset: { position: number };
        }[];
        return offsets[0]?.offset.position === 6;
      });
      await sql(first.url, 'STOP CONNECTOR src;');
      await sql(first.url, 'ALTER CONNECTOR src RESET OFFSETS;');
      first.child.kill('SIGKILL');
      await first.exit;

      const second = await startServerChild(
        ['--data-dir', backend.restartDir(join(dir, 'data'))],
        backend.env(),
      );
      const listed = (await sql(second.url, 'SHOW CONNECTORS;')).connectors as { state: string }[];
      assert.equal(listed[0]?.state, 'STOPPED', second.output());
      assert.deepEqual((await sql(second.url, 'SHOW CONNECTOR OFFSETS src;')).offsets, []);
      await sql(second.url, 'RESUME CONNECTOR src;');
      await eventually('the file read again', async () => {
        const offsets = (await sql(second.url, 'SHOW CONNECTOR OFFSETS src;')).offsets as {
          offset: { position: number };
        }[];
        return offsets[0]?.offset.position === 6;
      });
      second.child.kill('SIGTERM');
      assert.equal(await second.exit, 0, second.output());

      const log = await backend.openLog(join(dir, 'data'));
      try {
        // Read once before the stop, nothing while stopped, once again after the reset.
        assert.equal(await log.endOffset('lines', 0), 6);
      } finally {
        await log.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
