import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { onEachBackend } from './backends.fixture.js';
import { killServerChildren, ksqlRequest, startServerChild } from './server-child.fixture.js';

afterEach(killServerChildren);

type Offsets = { offsets: { offset: Record<string, number> }[] };

/** Waits until the connector's committed offsets (GET /connectors/{c}/offsets) satisfy `done`. */
async function untilCommitted(
  connectUrl: string,
  name: string,
  done: (o: Offsets) => boolean,
): Promise<void> {
  for (;;) {
    const res = await fetch(`${connectUrl}/connectors/${name}/offsets`);
    if (res.status === 200 && done((await res.json()) as Offsets)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

onEachBackend('connector offsets', { timeout: 600_000 }, (backend) => {
  test('with the default settings offsets are committed within about a second, so a SIGKILL replays nothing already committed', {
    timeout: 300_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-offsets-'));
    try {
      const input = join(dir, 'in.txt');
      const output = join(dir, 'out.txt');
      writeFileSync(input, `${Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n')}\n`);
      const first = await startServerChild(['--data-dir', join(dir, 'data')], backend.env());
      assert.ok(first.connectUrl, first.output());
      for (const sql of [
        `CREATE SOURCE CONNECTOR src WITH ('connector.class'='FileStreamSource', 'file'='${input}', 'topic'='lines');`,
        `CREATE SINK CONNECTOR snk WITH ('connector.class'='FileStreamSink', 'file'='${output}', 'topics'='lines');`,
      ]) {
        const created = await ksqlRequest(first.url, sql);
        assert.equal(created.status, 200, JSON.stringify(created.body));
      }
      const size = statSync(input).size;
      await untilCommitted(first.connectUrl, 'SRC', (o) => o.offsets[0]?.offset.position === size);
      await untilCommitted(first.connectUrl, 'SNK', (o) => o.offsets[0]?.offset.kafka_offset === 1000);
      first.child.kill('SIGKILL');
      await first.exit;

      const second = await startServerChild(
        ['--data-dir', backend.restartDir(join(dir, 'data'))],
        backend.env(),
      );
      assert.ok(second.connectUrl);
      appendFileSync(input, 'after the crash\n');
      await untilCommitted(second.connectUrl, 'SNK', (o) => o.offsets[0]?.offset.kafka_offset === 1001);
      second.child.kill('SIGTERM');
      assert.equal(await second.exit, 0, second.output());

      // Nothing was replayed: each line once in the topic and once in the sink's file.
      const log = await backend.openLog(join(dir, 'data'));
      try {
        assert.equal(await log.endOffset('lines', 0), 1001);
      } finally {
        await log.close();
      }
      const written = readFileSync(output, 'utf8').trimEnd().split('\n');
      assert.equal(written.length, 1001);
      assert.equal(written[1000], 'after the crash');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
