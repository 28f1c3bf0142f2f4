import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import { Consumer, type PartitionRecords } from './consumer.js';
import { SegmentLog } from './embedded/segment-log.js';
import { LogError } from './errors.js';
import { ReadCursor } from './read-cursor.js';
import { replayToEnd } from './replay.js';
import type { Log, LogRecord } from './types.js';

const dirs: string[] = [];
const logs: SegmentLog[] = [];

async function openLog(): Promise<SegmentLog> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-consumer-'));
  dirs.push(dataDir);
  const log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
  logs.push(log);
  return log;
}

afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const values = (n: number, prefix: string, partition: number) =>
  Array.from({ length: n }, (_, i) => ({ value: Buffer.from(`${prefix}${i}`), partition }));
const text = (batches: readonly PartitionRecords[]) =>
  batches.flatMap((b) => b.records.map((r) => r.value?.toString()));
const never = () => new AbortController().signal;

/** A log that counts the reads made through it. */
function countingReads(log: Log): { log: Log; reads: () => number } {
  let reads = 0;
  const counted = Object.create(log) as Log;
  counted.read = (...args) => {
    reads++;
    return log.read(...args);
  };
  return { log: counted, reads: () => reads };
}

test('starts at the beginning or at the end without a group, as autoOffsetReset says', async () => {
  const log = await openLog();
  await log.createTopic('t', { partitions: 2 });
  await log.append('t', [...values(3, 'a', 0), ...values(2, 'b', 1)]);
  const earliest = new Consumer(log, { autoOffsetReset: 'earliest' });
  await earliest.assignTopic('t');
  assert.deepEqual(
    earliest.positions().map((p) => p.offset),
    [0, 0],
  );
  assert.deepEqual(text(await earliest.poll(100, never())).sort(), ['a0', 'a1', 'a2', 'b0', 'b1']);

  const latest = new Consumer(log);
  await latest.assignTopic('t');
  assert.deepEqual(
    latest.positions().map((p) => p.offset),
    [3, 2],
  );
  assert.deepEqual(await latest.poll(100, never(), 0), []);
  await log.append('t', values(1, 'new', 1));
  assert.deepEqual(text(await latest.poll(100, never())), ['new0']);
});

test('starts at the group committed offsets and resumes there after a commit', async () => {
  const log = await openLog();
  await log.createTopic('t', { partitions: 2 });
  await log.append('t', [...values(5, 'a', 0), ...values(5, 'b', 1)]);
  const first = new Consumer(log, { group: 'g', autoOffsetReset: 'earliest' });
  await first.assignTopic('t');
  const got = await first.poll(3, never());
  assert.equal(text(got).length, 3);
  await first.commit();
  const committed = (await log.committedOffsets('g', 't')).map((c) => c.offset);
  assert.deepEqual(
    committed,
    first.positions().map((p) => p.offset),
  );

  // A new consumer of the group goes on where the first one committed: nothing twice, nothing lost.
  const second = new Consumer(log, { group: 'g', autoOffsetReset: 'earliest' });
  await second.assignTopic('t');
  assert.deepEqual(second.positions(), first.positions());
  const rest = text(await second.poll(100, never()));
  assert.deepEqual([...text(got), ...rest].sort(), [
    ...values(5, 'a', 0).map((v) => v.value.toString()),
    ...values(5, 'b', 1).map((v) => v.value.toString()),
  ]);

  // Explicit offsets commit too, and only those: partition 1 keeps what the first consumer committed.
  await second.commit([{ topic: 't', partition: 0, offset: 1 }]);
  const third = new Consumer(log, { group: 'g' });
  await third.assignTopic('t');
  assert.deepEqual(
    third.positions().map((p) => p.offset),
    [1, committed[1]],
  );
});

test('a committed offset no longer in the log starts from the reset position, and none refuses', async () => {
  const log = await openLog();
  await log.createTopic('t', { config: { 'segment.bytes': '512', 'retention.ms': '60000' } });
  const now = Date.now();
  for (let i = 0; i < 20; i++)
    await log.append('t', [{ value: Buffer.alloc(100), timestamp: now - 3_600_000 }]);
  await log.append('t', [{ value: Buffer.from('kept'), timestamp: now }]);
  await log.commitOffsets('g', [{ topic: 't', partition: 0, offset: 1 }]);
  await log.runCleaner(now);
  const begin = await log.beginningOffset('t', 0);
  assert.ok(begin > 1);

  const consumer = new Consumer(log, { group: 'g', autoOffsetReset: 'earliest' });
  await consumer.assignTopic('t');
  assert.equal(consumer.position({ topic: 't', partition: 0 }), begin);

  const strict = new Consumer(log, { group: 'other', autoOffsetReset: 'none' });
  await assert.rejects(strict.assignTopic('t'), (err: unknown) => {
    assert.ok(err instanceof LogError);
    assert.equal(err.code, 'OFFSET_OUT_OF_RANGE');
    assert.match(err.message, /no committed offset for group 'other'/);
    return true;
  });

  // A position that retention passes while reading moves to the beginning (earliest).
  const reader = new Consumer(log, { autoOffsetReset: 'earliest' });
  await reader.assignTopic('t');
  reader.seek({ topic: 't', partition: 0 }, 0);
  const got = await reader.poll(1000, never());
  assert.equal(got[0].records[0].offset, begin);
});

test('takes partitions in turn, so a backlog in one does not starve the others', async () => {
  const log = await openLog();
  await log.createTopic('t', { partitions: 3 });
  await log.append('t', values(1000, 'a', 0));
  await log.append('t', values(1000, 'b', 1));
  await log.append('t', values(2, 'c', 2));
  const consumer = new Consumer(log, { autoOffsetReset: 'earliest' });
  await consumer.assignTopic('t');
  const order: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const batches = await consumer.poll(100, never());
    assert.equal(
      batches.reduce((n, b) => n + b.records.length, 0),
      100,
    );
    order.push(batches.map((b) => b.partition));
  }
  // The first poll fills up from partition 0; each next poll starts at the partition after the last
  // one read, so partition 2's two records come by the third poll even with the backlogs.
  assert.deepEqual(order, [[0], [1], [2, 0], [1]]);
});

test('a poll with nothing to read waits without reading and wakes on an append', async () => {
  const log = await openLog();
  await log.createTopic('t', { partitions: 2 });
  const { log: counted, reads } = countingReads(log);
  const consumer = new Consumer(counted);
  await consumer.assignTopic('t');
  const polled = consumer.poll(10, never());
  await turn();
  // One look at each partition finds nothing: then nothing is read until the log says there is data.
  assert.equal(reads(), 2);
  for (let i = 0; i < 50; i++) await turn();
  assert.equal(reads(), 2);
  await log.append('t', values(1, 'x', 1));
  assert.deepEqual(text(await polled), ['x0']);
  assert.equal(reads(), 3, 'only the partition that woke is read');
});

test('an abort or a timeout ends a waiting poll with no records', async () => {
  const log = await openLog();
  await log.createTopic('t');
  const consumer = new Consumer(log);
  await consumer.assignTopic('t');
  const stop = new AbortController();
  const polled = consumer.poll(10, stop.signal);
  await turn();
  stop.abort();
  assert.deepEqual(await polled, []);
  assert.deepEqual(await consumer.poll(10, never(), 5), []);
  // Nothing was lost by giving up: the next poll gets what arrives.
  await log.append('t', values(2, 'x', 0));
  assert.deepEqual(text(await consumer.poll(10, never())), ['x0', 'x1']);
});

test('seek moves a position, and paused partitions are neither read nor waited on', async () => {
  const log = await openLog();
  await log.createTopic('t', { partitions: 2 });
  await log.append('t', [...values(5, 'a', 0), ...values(5, 'b', 1)]);
  const consumer = new Consumer(log, { autoOffsetReset: 'earliest' });
  await consumer.assignTopic('t');
  consumer.seek({ topic: 't', partition: 0 }, 3);
  consumer.pause([{ topic: 't', partition: 1 }]);
  assert.deepEqual(text(await consumer.poll(100, never())), ['a3', 'a4']);
  await log.append('t', values(1, 'late', 1));
  assert.deepEqual(await consumer.poll(100, never(), 5), []);
  consumer.resume([{ topic: 't', partition: 1 }]);
  assert.deepEqual(text(await consumer.poll(100, never())), ['b0', 'b1', 'b2', 'b3', 'b4', 'late0']);
  assert.equal(await consumer.caughtUp(), true);
  await consumer.seekToBeginning([{ topic: 't', partition: 0 }]);
  assert.equal(await consumer.lag(), 5);
  assert.throws(() => consumer.seek({ topic: 'other', partition: 0 }, 0), /not assigned/);
  await assert.rejects(new Consumer(log).commit(), /no group/);
});

test('readers with their own cursors interleave on one partition without mixing up places', async () => {
  const log = await openLog();
  await log.createTopic('t');
  await log.append('t', values(100, 'v', 0));
  const a = new ReadCursor();
  const b = new ReadCursor();
  let atA = 0;
  let atB = 50;
  const seenA: LogRecord[] = [];
  const seenB: LogRecord[] = [];
  // maxRecords smaller than the batch: each read stops inside it, where that reader goes on.
  while (atA < 50) {
    const ra = await log.read('t', 0, atA, { maxRecords: 7, cursor: a });
    const rb = await log.read('t', 0, atB, { maxRecords: 7, cursor: b });
    seenA.push(...ra.records);
    seenB.push(...rb.records);
    atA = ra.nextOffset;
    atB = rb.nextOffset;
  }
  assert.deepEqual(
    seenA.slice(0, 50).map((r) => r.offset),
    Array.from({ length: 50 }, (_, i) => i),
  );
  assert.deepEqual(
    seenB.map((r) => r.offset),
    Array.from({ length: 50 }, (_, i) => i + 50),
  );
});

test('replayToEnd hands over every record up to the end at the call, and nothing appended later', async () => {
  const log = await openLog();
  await log.createTopic('t', { partitions: 2, config: { 'cleanup.policy': 'compact' } });
  await log.append('t', [
    { key: Buffer.from('k'), value: Buffer.from('1'), partition: 0 },
    { key: Buffer.from('j'), value: Buffer.from('2'), partition: 1 },
    { key: Buffer.from('k'), value: Buffer.from('3'), partition: 0 },
  ]);
  const seen: string[] = [];
  const ends = await replayToEnd(log, 't', async (records, partition) => {
    for (const r of records) seen.push(`${partition}:${r.value?.toString()}`);
    // Appends during the replay are not part of it.
    if (seen.length === 1)
      await log.append('t', [{ key: Buffer.from('k'), value: Buffer.from('late'), partition: 0 }]);
  });
  assert.deepEqual(seen.sort(), ['0:1', '0:3', '1:2']);
  assert.deepEqual(ends, [2, 1]);
  await log.createTopic('empty');
  assert.deepEqual(await replayToEnd(log, 'empty', () => assert.fail('no records')), [0]);
});

test('replayToEnd can replay some partitions from given offsets, as a restore from a checkpoint does', async () => {
  const log = await openLog();
  await log.createTopic('t', { partitions: 3 });
  await log.append('t', [...values(5, 'a', 0), ...values(5, 'b', 1), ...values(5, 'c', 2)]);
  const seen: string[] = [];
  const ends = await replayToEnd(
    log,
    't',
    (records) => {
      for (const r of records) seen.push(String(r.value));
    },
    { partitions: [1, 2], from: (p) => (p === 1 ? 3 : 99) },
  );
  // Partition 1 from its checkpoint; partition 2's checkpoint is past its end: nothing to replay.
  assert.deepEqual(seen, ['b3', 'b4']);
  assert.deepEqual([ends[1], ends[2]], [5, 5]);
});

test('assignTopics reads partitions added later from their beginning, in a poll already waiting', async () => {
  const log = await openLog();
  await log.createTopic('t', { partitions: 1 });
  const consumer = new Consumer(log, { autoOffsetReset: 'latest', metadataMaxAgeMs: 20 });
  await consumer.assignTopics(['t']);
  const polled = consumer.poll(10, never());
  await log.createPartitions('t', 2);
  // Written before the consumer notices the partition: still read, as the partition is new to it.
  await log.append('t', values(2, 'new', 1));
  assert.deepEqual(text(await polled), ['new0', 'new1']);
  assert.deepEqual(consumer.assignment(), [
    { topic: 't', partition: 0 },
    { topic: 't', partition: 1 },
  ]);
  assert.equal(consumer.position({ topic: 't', partition: 1 }), 2);
});
