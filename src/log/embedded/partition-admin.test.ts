// The embedded log's admin operations Kafka's tools reach through the listener: adding partitions,
// deleting records before an offset (the log start offset) and forgetting a group's offsets.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { LogError } from '../errors.js';
import { SegmentLog } from './segment-log.js';

const dirs: string[] = [];
const logs: SegmentLog[] = [];

async function openLog(dataDir: string): Promise<SegmentLog> {
  const log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
  logs.push(log);
  return log;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-admin-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const logError = (code: string, pattern: RegExp) => (err: unknown) => {
  assert.ok(err instanceof LogError, `expected a LogError, got ${String(err)}`);
  assert.equal(err.code, code);
  assert.match(err.message, pattern);
  return true;
};

const values = (records: readonly { value: Buffer | null }[]) => records.map((r) => r.value?.toString());

test('adds partitions that a restart keeps, and refuses a count that does not grow', async () => {
  const dir = tempDir();
  const log = await openLog(dir);
  await log.createTopic('orders', { partitions: 2 });
  await log.append('orders', [{ partition: 1, value: Buffer.from('old') }]);
  const grown = await log.createPartitions('orders', 4);
  assert.deepEqual(
    grown.partitions.map((p) => p.partition),
    [0, 1, 2, 3],
  );
  await log.append('orders', [{ partition: 3, value: Buffer.from('new') }]);
  await assert.rejects(log.createPartitions('orders', 4), logError('INVALID_PARTITION', /already has 4/));
  await assert.rejects(log.createPartitions('orders', 3), logError('INVALID_PARTITION', /cannot be removed/));
  await assert.rejects(log.createPartitions('nope', 3), logError('UNKNOWN_TOPIC', /nope/));
  await log.close();

  const again = await openLog(dir);
  assert.equal((await again.describeTopic('orders')).partitions.length, 4);
  assert.deepEqual(values((await again.read('orders', 1, 0)).records), ['old']);
  assert.deepEqual(values((await again.read('orders', 3, 0)).records), ['new']);
});

test('deleteRecords moves the log start offset for good: earlier reads fail, whole segments go, a restart keeps it', async () => {
  const dir = tempDir();
  const log = await openLog(dir);
  // segment.bytes=64: every batch of one record rolls a segment of its own.
  await log.createTopic('events', { config: { 'segment.bytes': '64' } });
  for (let i = 0; i < 10; i++) await log.append('events', [{ value: Buffer.from(`v${i}`) }]);
  // One batch of ten: the start can fall in the middle of a batch.
  await log.append(
    'events',
    Array.from({ length: 10 }, (_, i) => ({ value: Buffer.from(`v${10 + i}`) })),
  );
  const segmentFiles = () =>
    readdirSync(join(dir, 'topics', 'events', '0')).filter((f) => f.endsWith('.log'));
  const before = segmentFiles().length;

  assert.equal(await log.deleteRecords('events', 0, 7), 7);
  assert.equal(await log.beginningOffset('events', 0), 7);
  assert.equal((await log.describeTopic('events')).partitions[0].beginningOffset, 7);
  assert.equal(segmentFiles().length, before - 7);
  await assert.rejects(
    log.read('events', 0, 6),
    logError('OFFSET_OUT_OF_RANGE', /valid offsets are 7 to 20/),
  );
  assert.deepEqual(values((await log.read('events', 0, 7)).records), ['v7']);

  assert.equal(await log.deleteRecords('events', 0, 3), 7, 'an earlier offset changes nothing');
  await assert.rejects(
    log.deleteRecords('events', 0, 21),
    logError('OFFSET_OUT_OF_RANGE', /end offset is 20/),
  );
  assert.equal(await log.deleteRecords('events', 0, 15), 15);
  assert.deepEqual(values((await log.read('events', 0, 15, { maxRecords: 2 })).records), ['v15', 'v16']);
  await log.close();

  const again = await openLog(dir);
  assert.equal(await again.beginningOffset('events', 0), 15);
  await assert.rejects(
    again.read('events', 0, 14),
    logError('OFFSET_OUT_OF_RANGE', /valid offsets are 15 to 20/),
  );
  // Deleting up to the end keeps nothing, and appends go on from there.
  assert.equal(await again.deleteRecords('events', 0, 20), 20);
  assert.equal(segmentFiles().length, 1);
  const [at] = await again.append('events', [{ value: Buffer.from('after') }]);
  assert.equal(at.offset, 20);
  assert.deepEqual(values((await again.read('events', 0, 20)).records), ['after']);
});

test('deleteRecords refuses a compacted topic, whose records compaction keeps by key', async () => {
  const log = await openLog(tempDir());
  await log.createTopic('latest', { config: { 'cleanup.policy': 'compact' } });
  await log.append('latest', [{ key: Buffer.from('k'), value: Buffer.from('v') }]);
  await assert.rejects(
    log.deleteRecords('latest', 0, 1),
    logError('INVALID_CONFIG', /cleanup.policy is compact/),
  );
});

test("forgets a group's offsets, some partitions or all of them, and a restart does not bring them back", async () => {
  const dir = tempDir();
  const log = await openLog(dir);
  await log.createTopic('t', { partitions: 2 });
  await log.commitOffsets('g1', [
    { topic: 't', partition: 0, offset: 5 },
    { topic: 't', partition: 1, offset: 6 },
  ]);
  await log.commitOffsets('g2', [{ topic: 't', partition: 0, offset: 1 }]);
  await log.deleteCommittedOffsets('g1', [{ topic: 't', partition: 0 }]);
  assert.deepEqual(
    (await log.committedOffsets('g1')).map((o) => [o.partition, o.offset]),
    [[1, 6]],
  );
  await log.deleteCommittedOffsets('g1');
  await log.deleteCommittedOffsets('never-seen');
  assert.deepEqual(await log.committedOffsets('g1'), []);
  assert.deepEqual(await log.listGroups(), ['g2']);
  await log.close();

  const again = await openLog(dir);
  assert.deepEqual(await again.listGroups(), ['g2']);
  assert.deepEqual(await again.committedOffsets('g1'), []);
  assert.equal((await again.committedOffsets('g2'))[0].offset, 1);
});

test('a topic may ask for one replica, and more are refused naming what the embedded log keeps', async () => {
  const log = await openLog(tempDir());
  await log.createTopic('single', { replicas: 1 });
  assert.throws(
    () => log.validateTopic('copied', { replicas: 3 }),
    logError('INVALID_CONFIG', /one copy of every partition/),
  );
  await assert.rejects(log.createTopic('copied', { replicas: 3 }), logError('INVALID_CONFIG', /REPLICAS=1/));
  assert.equal(await log.hasTopic('copied'), false);
});
