import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startTestWorker, until } from '../../connect/worker/test-worker.fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-file-source-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a file that stops growing is read to its end, past batch.size lines per poll', {
  timeout: 60_000,
}, async () => {
  const worker = await startTestWorker(dir);
  try {
    const file = join(dir, 'in.txt');
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    await worker.herder.createConnector('file-in', {
      'connector.class': 'FileStreamSource',
      file,
      topic: 'lines',
    });
    // Nothing is appended after the connector starts: every line must still arrive.
    await until(
      '5000 lines',
      async () => (await worker.log.hasTopic('lines')) && (await worker.log.endOffset('lines', 0)) === 5000,
      50_000,
    );
    const last = await worker.log.read('lines', 0, 4999);
    assert.equal(last.records[0].value?.toString(), 'line 4999');
  } finally {
    await worker.close();
  }
});
