import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { SegmentLog } from '../../log/index.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { encodeProducedBatch } from '../records/record-batch.js';
import { PRODUCER_STATES_TOPIC, ProducerStates } from './producer-states.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function withLog<T>(dir: string, use: (log: SegmentLog) => Promise<T>): Promise<T> {
  const log = await SegmentLog.open({ dataDir: dir, cleanerIntervalMs: 0 });
  try {
    return await use(log);
  } finally {
    await log.close();
  }
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-producers-'));
  dirs.push(dir);
  return dir;
}

test('producer ids come from blocks reserved in the log: a reopened log never hands one out again', async () => {
  const dir = tempDir();
  const before = await withLog(dir, async (log) => {
    const states = await ProducerStates.open(log);
    return Promise.all([
      states.allocateProducerId(),
      states.allocateProducerId(),
      states.allocateProducerId(),
    ]);
  });
  assert.equal(new Set(before).size, 3);
  const afterReopen = await withLog(dir, async (log) =>
    (await ProducerStates.open(log)).allocateProducerId(),
  );
  assert.ok(afterReopen > Math.max(...before), `${afterReopen} after ${before.join(', ')}`);
});

test('sequence state comes back after a reopen, and a producer silent for a day is forgotten', async () => {
  const dir = tempDir();
  const now = Date.now();
  await withLog(dir, async (log) => {
    const states = await ProducerStates.open(log, now);
    await log.createTopic('t');
    const [first] = await log.append(
      't',
      [0, 1, 2].map((i) => ({ value: Buffer.from(`v${i}`) })),
    );
    await states.appended('t', 0, 7, 0, 0, 3, first.offset);
  });
  await withLog(dir, async (log) => {
    const states = await ProducerStates.open(log, now);
    assert.deepEqual(states.check('t', 0, 7, 0, 0, 3), { kind: 'duplicate', baseOffset: 0 });
    assert.equal(
      (states.check('t', 0, 7, 0, 9, 1) as { code: number }).code,
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    );
  });
  await withLog(dir, async (log) => {
    const states = await ProducerStates.open(log, now + 2 * 86_400_000);
    assert.deepEqual(states.check('t', 0, 7, 0, 9, 1), { kind: 'append' });
    const tail = await log.read(
      PRODUCER_STATES_TOPIC,
      0,
      (await log.endOffset(PRODUCER_STATES_TOPIC, 0)) - 1,
    );
    assert.equal(tail.records[0].value, null, 'the forgotten state is tombstoned');
  });
});

/** A batch as an idempotent producer sends it: `count` records from `sequence`. */
function produced(producerId: number, sequence: number, count: number): Buffer {
  return encodeProducedBatch({
    baseTimestamp: Date.now(),
    producerId,
    producerEpoch: 0,
    baseSequence: sequence,
    records: Array.from({ length: count }, (_, i) => ({ key: null, value: Buffer.from(`r${sequence + i}`) })),
  });
}

test('a batch stored without its state record (a crash between the two) is recognised from its header after a reopen', async () => {
  const dir = tempDir();
  const retriedAt = await withLog(dir, async (log) => {
    const states = await ProducerStates.open(log);
    await log.createTopic('t');
    await states.appended('t', 0, 7, 0, 0, 2, await log.appendKafkaBatch('t', 0, produced(7, 0, 2)));
    // The next batch is stored, and the process dies before its state is written.
    return log.appendKafkaBatch('t', 0, produced(7, 2, 3));
  });
  await withLog(dir, async (log) => {
    const states = await ProducerStates.open(log);
    assert.deepEqual(states.check('t', 0, 7, 0, 2, 3), { kind: 'duplicate', baseOffset: retriedAt });
    assert.deepEqual(states.check('t', 0, 7, 0, 5, 1), { kind: 'append' });
  });
  await withLog(dir, async (log) => {
    // The recovered state was written back: it holds without scanning again.
    const states = await ProducerStates.open(log);
    assert.deepEqual(states.check('t', 0, 7, 0, 2, 3), { kind: 'duplicate', baseOffset: retriedAt });
  });
});

test('a state record whose batch was lost (past the partition end) is dropped, so a retry is appended again', async () => {
  const dir = tempDir();
  await withLog(dir, async (log) => {
    const states = await ProducerStates.open(log);
    await log.createTopic('t');
    await states.appended('t', 0, 7, 0, 0, 2, await log.appendKafkaBatch('t', 0, produced(7, 0, 2)));
    // The state of a batch at the end offset, whose bytes the crash lost.
    await states.appended('t', 0, 7, 0, 2, 3, await log.endOffset('t', 0));
  });
  await withLog(dir, async (log) => {
    const states = await ProducerStates.open(log);
    assert.deepEqual(states.check('t', 0, 7, 0, 2, 3), { kind: 'append' }, 'not a duplicate of nothing');
    assert.deepEqual(states.check('t', 0, 7, 0, 0, 2), { kind: 'duplicate', baseOffset: 0 });
  });
  await withLog(dir, async (log) => {
    await log.deleteTopic('t');
    const states = await ProducerStates.open(log);
    assert.deepEqual(
      states.check('t', 0, 7, 0, 0, 2),
      { kind: 'append' },
      "a deleted topic's producers are forgotten",
    );
  });
});
