import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SinkRecord, SinkTaskContext } from '../../connect/api/index.js';
import { FileStreamSinkConnector } from './file-stream-sink.js';

function record(value: string | null, offset: number): SinkRecord {
  return {
    topic: 't',
    kafkaPartition: 0,
    kafkaOffset: offset,
    keySchema: null,
    key: null,
    valueSchema: null,
    value,
    timestamp: null,
    timestampType: 'CreateTime',
    headers: [],
    originalTopic: 't',
    originalKafkaPartition: 0,
    originalKafkaOffset: offset,
  };
}

test('lines of any text and any batch size reach the file exactly, one per record', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-file-sink-'));
  try {
    const file = join(dir, 'out.txt');
    const task = new FileStreamSinkConnector().createTask();
    task.initialize({} as SinkTaskContext);
    task.start({ file });
    const texts = ['plain', 'é and ü', '€ ≠ ∞', 'emoji 😀 and a lone \ud800 half', '', 'x'.repeat(300_000)];
    await task.put(texts.map((t, i) => record(t, i)));
    // A second, larger batch than the first: the reused buffer grows.
    const many = Array.from({ length: 5000 }, (_, i) => `line ${i} ✓`);
    await task.put(many.map((t, i) => record(t, i + texts.length)));
    await task.flush?.(new Map());
    await task.stop();
    const expected = [...texts.map((t) => t.replace('\ud800', '\ufffd')), ...many]
      .map((t) => `${t}\n`)
      .join('');
    assert.equal(readFileSync(file, 'utf8'), expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
