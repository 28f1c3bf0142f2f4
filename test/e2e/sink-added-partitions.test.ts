// A sink connector's tasks read partitions added to their topics while they run (no restart): each
// task follows its topics every consumer.override.metadata.max.age.ms and takes the new partitions
// that are its own. On both backends.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type RunningServer, startServer } from '../../src/app/index.js';
import { loadServerConfig } from '../../src/config/index.js';
import { onEachBackend } from './backends.fixture.js';
import { eventually } from './sluice-server.fixture.js';

async function ksql(server: RunningServer, statement: string): Promise<void> {
  const res = await fetch(`${server.url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ksql: statement }),
  });
  assert.equal(res.status, 200, await res.text());
}

const lines = (file: string) =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .sort()
    : [];

onEachBackend('sink tasks and added partitions', { timeout: 600_000 }, (backend) => {
  test('a sink with two tasks reads partitions added to its topic without a restart, each partition once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-sink-partitions-'));
    const server = await startServer(
      loadServerConfig({
        flags: { listeners: 'http://127.0.0.1:0', 'sluice.data.dir': join(dir, 'data') },
        env: { ...backend.env(), KSQL_CONNECT_LISTENERS: 'http://127.0.0.1:0' },
      }),
    );
    try {
      const out = join(dir, 'out.txt');
      await server.log.createTopic('words', { partitions: 1 });
      await server.log.append('words', [{ value: Buffer.from('"a"'), partition: 0 }]);
      await ksql(
        server,
        `CREATE SINK CONNECTOR snk WITH ('connector.class'='FileStreamSink', 'file'='${out}', 'topics'='words',
          'tasks.max'='2', 'consumer.override.metadata.max.age.ms'='200');`,
      );
      await eventually('the first word', async () => (lines(out).length === 1 ? true : undefined));
      await server.log.createPartitions('words', 3);
      await server.log.append('words', [
        { value: Buffer.from('"b"'), partition: 1 },
        { value: Buffer.from('"c"'), partition: 2 },
      ]);
      await eventually('the words of the added partitions', async () =>
        lines(out).length >= 3 ? true : undefined,
      );
      await eventually('the commits of every partition', async () => {
        const committed = await server.log.committedOffsets('connect-SNK', 'words');
        return committed.map((c) => `${c.partition}:${c.offset}`).join(',') === '0:1,1:1,2:1'
          ? true
          : undefined;
      });
      assert.deepEqual(lines(out), ['a', 'b', 'c'], 'each record once');
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
