import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import type { LogRecord } from '../types.js';
import { SegmentLog } from './segment-log.js';

const dirs: string[] = [];
const logs: SegmentLog[] = [];
afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function openLog(dataDir?: string): Promise<SegmentLog> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'sluice-cleaner-'));
  if (dataDir === undefined) dirs.push(dir);
  const log = await SegmentLog.open({ dataDir: dir, cleanerIntervalMs: 0 });
  logs.push(log);
  return log;
}

async function readAll(log: SegmentLog, topic: string): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  let offset = await log.beginningOffset(topic, 0);
  while (offset < (await log.endOffset(topic, 0))) {
    const r = await log.read(topic, 0, offset, { maxRecords: 3 });
    out.push(...r.records);
    offset = r.nextOffset;
  }
  return out;
}

const segmentConfig = { 'segment.bytes': '512' };

test('time retention deletes whole old segments and advances the beginning offset', async () => {
  const log = await openLog();
  await log.createTopic('t', { config: { ...segmentConfig, 'retention.ms': '60000' } });
  const now = Date.now();
  for (let i = 0; i < 30; i++)
    await log.append('t', [{ value: Buffer.alloc(100), timestamp: now - 3_600_000 }]);
  for (let i = 0; i < 5; i++) await log.append('t', [{ value: Buffer.alloc(100, 1), timestamp: now }]);
  await log.runCleaner(now);
  const begin = await log.beginningOffset('t', 0);
  assert.ok(begin > 0 && begin <= 30, `beginning offset ${begin}`);
  const records = await readAll(log, 't');
  assert.ok(records.every((r) => r.offset >= begin));
  assert.equal(records.filter((r) => r.timestamp === now).length, 5);
  await assert.rejects(log.read('t', 0, 0), /out of range/);
});

test('size retention keeps the newest segments under retention.bytes', async () => {
  const log = await openLog();
  await log.createTopic('t', { config: { ...segmentConfig, 'retention.bytes': '1500' } });
  for (let i = 0; i < 50; i++) await log.append('t', [{ value: Buffer.alloc(100, i) }]);
  await log.runCleaner();
  const d = await log.describeTopic('t');
  assert.ok(d.partitions[0].sizeBytes <= 1500 + 512, `size ${d.partitions[0].sizeBytes}`);
  const records = await readAll(log, 't');
  assert.equal(records.at(-1)!.value![0], 49);
  assert.equal(d.partitions[0].endOffset, 50);
});

test('compaction keeps the latest value per key with its original offset', async () => {
  const log = await openLog();
  await log.createTopic('t', { config: { ...segmentConfig, 'cleanup.policy': 'compact' } });
  for (let round = 0; round < 10; round++) {
    for (const key of ['a', 'b', 'c']) {
      await log.append('t', [{ key: Buffer.from(key), value: Buffer.from(`${key}${round}`) }]);
    }
  }
  await log.append('t', [{ key: Buffer.from('d'), value: Buffer.from('d0') }]);
  const before = await readAll(log, 't');
  await log.runCleaner();
  const after = await readAll(log, 't');
  assert.ok(after.length < before.length, 'nothing was compacted');
  const latest = new Map<string, LogRecord>();
  for (const r of before) latest.set(r.key!.toString(), r);
  const afterLatest = new Map<string, LogRecord>();
  for (const r of after) afterLatest.set(r.key!.toString(), r);
  for (const [key, r] of latest) {
    assert.equal(afterLatest.get(key)?.value?.toString(), r.value?.toString());
    assert.equal(afterLatest.get(key)?.offset, r.offset);
  }
  // Offsets stay increasing and the end offset does not move.
  assert.deepEqual(
    after.map((r) => r.offset),
    [...after.map((r) => r.offset)].sort((x, y) => x - y),
  );
  assert.equal(await log.endOffset('t', 0), before.length);
});

test('compaction keeps tombstones until delete.retention.ms has passed, then removes them', async () => {
  const log = await openLog();
  await log.createTopic('t', {
    config: { ...segmentConfig, 'cleanup.policy': 'compact', 'delete.retention.ms': '1000' },
  });
  const old = Date.now() - 10_000;
  for (let i = 0; i < 8; i++)
    await log.append('t', [{ key: Buffer.from('gone'), value: Buffer.alloc(100), timestamp: old }]);
  await log.append('t', [{ key: Buffer.from('gone'), value: null, timestamp: old }]);
  for (let i = 0; i < 8; i++) {
    await log.append('t', [{ key: Buffer.from(`k${i}`), value: Buffer.alloc(100), timestamp: old }]);
  }
  await log.runCleaner(old + 500);
  const kept = await readAll(log, 't');
  assert.ok(
    kept.some((r) => r.key!.toString() === 'gone' && r.value === null),
    'tombstone removed too early',
  );
  assert.ok(!kept.some((r) => r.key!.toString() === 'gone' && r.value !== null), 'old values survived');
  await log.runCleaner(Date.now());
  const later = await readAll(log, 't');
  assert.ok(!later.some((r) => r.key!.toString() === 'gone'), 'tombstone kept forever');
});

test('appends complete while compaction is still running', async () => {
  const log = await openLog();
  await log.createTopic('t', { config: { 'segment.bytes': '1048576', 'cleanup.policy': 'compact' } });
  const value = Buffer.alloc(200);
  for (let b = 0; b < 60; b++) {
    await log.append(
      't',
      Array.from({ length: 1000 }, (_, i) => ({ key: Buffer.from(`k${i % 500}`), value })),
    );
  }
  const order: string[] = [];
  const compaction = log.runCleaner().then(() => order.push('compaction'));
  const append = log.append('t', [{ key: Buffer.from('new'), value }]).then(() => order.push('append'));
  await Promise.all([compaction, append]);
  assert.deepEqual(order, ['append', 'compaction']);
  const records = await readAll(log, 't');
  assert.ok(records.length < 60_000);
  assert.equal(records.at(-1)!.key!.toString(), 'new');
});

test('compacted data survives a restart', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-cleaner-'));
  dirs.push(dataDir);
  const log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
  await log.createTopic('t', { config: { ...segmentConfig, 'cleanup.policy': 'compact' } });
  for (let i = 0; i < 40; i++)
    await log.append('t', [{ key: Buffer.from(`k${i % 4}`), value: Buffer.from(`v${i}`) }]);
  await log.runCleaner();
  const compacted = await readAll(log, 't');
  await log.close();
  const again = await openLog(dataDir);
  const reread = await readAll(again, 't');
  assert.deepEqual(
    reread.map((r) => [r.offset, r.value!.toString()]),
    compacted.map((r) => [r.offset, r.value!.toString()]),
  );
  assert.equal(await again.endOffset('t', 0), 40);
});
