// ListOffsets by time through the embedded log's time index: the first record at or after a
// timestamp, as a scan would find it, without reading the segments whose records are all older.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { LogError } from '../errors.js';
import { scanForTimestamp } from '../scan-for-timestamp.js';
import { SegmentLog } from './segment-log.js';

const dirs: string[] = [];
const logs: SegmentLog[] = [];

async function openLog(dataDir: string): Promise<SegmentLog> {
  const log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
  logs.push(log);
  return log;
}

afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const BASE = 1_700_000_000_000;

/** 3,000 records in batches of 10, timestamps rising by 10 ms with some out of order. */
async function fill(log: SegmentLog): Promise<void> {
  await log.createTopic('clicks', { config: { 'segment.bytes': '20000' } });
  for (let b = 0; b < 300; b++) {
    await log.append(
      'clicks',
      Array.from({ length: 10 }, (_, i) => {
        const n = b * 10 + i;
        return { value: Buffer.alloc(100, 'v'), timestamp: BASE + n * 10 + (n % 7 === 0 ? -35 : 0) };
      }),
    );
  }
}

const targets = [BASE - 1000, BASE, BASE + 5, BASE + 12_345, BASE + 20_000, BASE + 29_990, BASE + 40_000];

async function assertLikeScan(log: SegmentLog): Promise<void> {
  for (const t of targets) {
    assert.deepEqual(
      await log.offsetForTimestamp('clicks', 0, t),
      await scanForTimestamp(log, 'clicks', 0, t),
      `timestamp ${t - BASE} after the base`,
    );
  }
}

test('finds the first record at or after a time as a scan would, across segments, restarts and old index files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-time-index-'));
  dirs.push(dir);
  const log = await openLog(dir);
  await fill(log);
  assert.ok((await log.describeTopic('clicks')).partitions[0].segments > 5);
  await assertLikeScan(log);
  assert.equal(await log.offsetForTimestamp('clicks', 0, BASE + 40_000), undefined);
  await log.deleteRecords('clicks', 0, 1500);
  assert.deepEqual(await log.offsetForTimestamp('clicks', 0, BASE), {
    offset: 1500,
    timestamp: BASE + 15_000,
  });
  await log.close();

  await assertLikeScan(await openLog(dir));
  await logs.pop()?.close();
  // Index files written before the time index: searches still find the same records.
  const partitionDir = join(dir, 'topics', 'clicks', '0');
  for (const f of readdirSync(partitionDir).filter((name) => name.endsWith('.index'))) {
    const index = JSON.parse(readFileSync(join(partitionDir, f), 'utf8')) as Record<string, unknown>;
    delete index.timestampsBefore;
    writeFileSync(join(partitionDir, f), JSON.stringify(index));
  }
  await assertLikeScan(await openLog(dir));
});

test('skips the segments whose records are all older without reading them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-time-index-'));
  dirs.push(dir);
  await fill(await openLog(dir));
  await logs.pop()?.close();
  // Damage the first segment: a scan from the beginning meets it, the time index does not.
  const partitionDir = join(dir, 'topics', 'clicks', '0');
  const first = readdirSync(partitionDir)
    .filter((f) => f.endsWith('.log'))
    .sort()[0];
  const bytes = readFileSync(join(partitionDir, first));
  bytes.fill(0x55, 200, 400);
  writeFileSync(join(partitionDir, first), bytes);

  const log = await openLog(dir);
  await assert.rejects(
    scanForTimestamp(log, 'clicks', 0, BASE + 25_000),
    (err: unknown) => err instanceof LogError && err.code === 'CORRUPT_RECORD',
  );
  const found = await log.offsetForTimestamp('clicks', 0, BASE + 25_000);
  assert.deepEqual(found, { offset: 2500, timestamp: BASE + 25_000 });
});
