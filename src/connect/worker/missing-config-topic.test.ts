import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SegmentLog } from '../../log/index.js';
import { startTestWorker } from './test-worker.fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-config-topic-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a worker whose config topic was deleted behind its back does not start with no connectors unless told to', async () => {
  const file = join(dir, 'in.txt');
  writeFileSync(file, 'one\n');
  const first = await startTestWorker(dir);
  await first.herder.createConnector('src', { 'connector.class': 'FileStreamSource', file, topic: 't' });
  await first.close();
  const log = await SegmentLog.open({ dataDir: join(dir, 'data'), cleanerIntervalMs: 0 });
  await log.deleteTopic('connect-configs');
  await log.close();

  await assert.rejects(startTestWorker(dir), {
    message:
      /^The Connect config topic connect-configs is missing, though its status topic connect-status is here.*sluice\.allow\.missing\.config\.topic=true/,
  });
  const empty = await startTestWorker(dir, { properties: { 'sluice.allow.missing.config.topic': 'true' } });
  try {
    assert.deepEqual(empty.herder.connectorNames(), [], 'started with no connectors, as asked');
  } finally {
    await empty.close();
  }
  // The config topic exists again: later starts need no setting.
  await (await startTestWorker(dir)).close();
});
