import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SegmentLog } from '../../log/index.js';
import { JsonTopicStore } from './json-topic-store.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-json-topic-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('overlapping catch-ups hand each record to onRecord once, and the later one reports no change', async () => {
  const log = await SegmentLog.open({ dataDir: join(dir, 'data'), cleanerIntervalMs: 0 });
  try {
    const store = new JsonTopicStore(log, 'configs', 1);
    await store.load();
    const heard: string[] = [];
    store.onRecord = (key) => heard.push(key);
    await log.append(
      'configs',
      ['a', 'b', 'c'].map((k) => ({ key: Buffer.from(k), value: Buffer.from('{"v":1}') })),
    );
    // A distributed worker's tail and its leader's assign can both read at once.
    const [first, second] = await Promise.all([store.catchUp(), store.catchUp()]);
    assert.deepEqual(heard, ['a', 'b', 'c'], 'each restart request or config read once');
    assert.deepEqual([first, second], [true, false]);
    assert.equal(store.position, 3);
  } finally {
    await log.close();
  }
});
