import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { SegmentLog } from '../../log/index.js';
import { ErrorCode } from '../protocol/error-codes.js';
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
    await states.appended('t', 0, 7, 0, 0, 3, 40);
  });
  await withLog(dir, async (log) => {
    const states = await ProducerStates.open(log, now);
    assert.deepEqual(states.check('t', 0, 7, 0, 0, 3), { kind: 'duplicate', baseOffset: 40 });
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
