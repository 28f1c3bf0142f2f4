import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { LogError } from '../errors.js';
import { PartitionLog } from './partition-log.js';
import { SegmentLog } from './segment-log.js';

const fixture = new URL('./crash-transaction.fixture.js', import.meta.url).pathname;
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function openLog(dataDir = tempDir()): Promise<SegmentLog> {
  const log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
  cleanup.push(() => log.close());
  return log;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-transaction-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function values(log: SegmentLog, topic: string, partition: number): Promise<string[]> {
  const out: string[] = [];
  let offset = await log.beginningOffset(topic, partition);
  while (offset < (await log.endOffset(topic, partition))) {
    const r = await log.read(topic, partition, offset);
    for (const rec of r.records) out.push(rec.value!.toString());
    offset = r.nextOffset;
  }
  return out;
}

const text = (s: string) => Buffer.from(s);

test('a transaction makes its records and offsets visible together at commit, and nothing before', async () => {
  const log = await openLog();
  await log.createTopic('out', { partitions: 2 });
  await log.createTopic('in');
  const tx = log.beginTransaction('q1');
  tx.append('out', [
    { key: text('k1'), value: text('v1'), partition: 0 },
    { key: text('k2'), value: text('v2'), partition: 1 },
  ]);
  tx.commitOffsets('g', [{ topic: 'in', partition: 0, offset: 0 }]);
  assert.equal(tx.size, 2);
  assert.equal(tx.bytes, 8);
  assert.equal(await log.endOffset('out', 0), 0, 'nothing visible before the commit');
  assert.deepEqual(await log.committedOffsets('g'), []);
  await tx.commit();
  assert.deepEqual(await values(log, 'out', 0), ['v1']);
  assert.deepEqual(await values(log, 'out', 1), ['v2']);
  assert.equal((await log.committedOffsets('g'))[0].offset, 0);
  assert.throws(() => tx.append('out', [{ value: text('late') }]), /already committed/);
});

test('an aborted transaction leaves nothing behind', async () => {
  const log = await openLog();
  await log.createTopic('out');
  const tx = log.beginTransaction('q1');
  tx.append('out', [{ value: text('v') }]);
  tx.commitOffsets('g', [{ topic: 'out', partition: 0, offset: 1 }]);
  await tx.abort();
  assert.equal(await log.endOffset('out', 0), 0);
  assert.deepEqual(await log.committedOffsets('g'), []);
});

test('a record that can never be written is refused when added, naming its index, and nothing of that append is added', async () => {
  const log = await openLog();
  await log.createTopic('small', { config: { 'max.message.bytes': '100' } });
  const tx = log.beginTransaction('q1');
  assert.throws(
    () => tx.append('small', [{ value: text('ok') }, { value: Buffer.alloc(200) }]),
    (err: unknown) => err instanceof LogError && err.code === 'RECORD_TOO_LARGE' && err.recordIndex === 1,
  );
  assert.equal(tx.size, 0);
});

test('a newer transaction with the same id fences the older one', async () => {
  const log = await openLog();
  await log.createTopic('out');
  const old = log.beginTransaction('q1');
  old.append('out', [{ value: text('stale') }]);
  const fresh = log.beginTransaction('q1');
  fresh.append('out', [{ value: text('fresh') }]);
  await assert.rejects(
    old.commit(),
    (err: unknown) => err instanceof LogError && err.code === 'PRODUCER_FENCED',
  );
  await fresh.commit();
  assert.deepEqual(await values(log, 'out', 0), ['fresh']);
});

test('a commit that fails half-way (a full disk) takes back the batches already written and commits no offset', async () => {
  const dir = tempDir();
  const log = await openLog(dir);
  await log.createTopic('a', { config: { 'segment.bytes': '200' } });
  await log.createTopic('b');
  await log.append('a', [{ value: text('before') }]);
  const append = PartitionLog.prototype.append;
  PartitionLog.prototype.append = function (this: PartitionLog, ...args: Parameters<PartitionLog['append']>) {
    if (this.topic === 'b') throw new LogError('DISK_FULL', 'The disk is full (ENOSPC).');
    append.apply(this, args);
  };
  try {
    const tx = log.beginTransaction('q1');
    tx.append('a', [{ value: Buffer.alloc(300, 'x') }]);
    tx.append('b', [{ value: text('b') }]);
    tx.commitOffsets('g', [{ topic: 'a', partition: 0, offset: 1 }]);
    await assert.rejects(tx.commit(), /disk is full/);
  } finally {
    PartitionLog.prototype.append = append;
  }
  assert.deepEqual(await values(log, 'a', 0), ['before'], 'the batch written to a was taken out');
  assert.equal((await log.describeTopic('a')).partitions[0].segments, 1, 'with the segment it rolled to');
  assert.deepEqual(await log.committedOffsets('g'), []);
  await log.append('a', [{ value: text('after') }]);
  assert.deepEqual(await values(log, 'a', 0), ['before', 'after']);
  await log.close();
  const again = await openLog(dir);
  assert.deepEqual(await values(again, 'a', 0), ['before', 'after']);
  assert.deepEqual(again.openReport.abortedTransactions, [], 'the abort was recorded at once');
});

/** Runs the fixture until it kills itself; returns what it said at start. */
function runFixture(dataDir: string, killIn: number, killAfterWrite: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fixture, dataDir, String(killIn), String(killAfterWrite)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`fixture exited without being killed: ${out}`));
      else resolve(out);
    });
  });
}

// One prepare record, five batches (a-0, a-1, a-2, b-0, b-1), then the commit batch.
const WRITES_PER_TRANSACTION = 7;

test('a SIGKILL at any point of a commit leaves the transaction wholly committed or wholly absent', async () => {
  const dataDir = tempDir();
  let expected = 0;
  for (let killAfter = 1; killAfter <= WRITES_PER_TRANSACTION; killAfter++) {
    // Two transactions commit, the third is killed after its killAfter-th write.
    const killIn = expected + 2;
    await runFixture(dataDir, killIn, killAfter);
    const log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
    try {
      const committedTx = killAfter === WRITES_PER_TRANSACTION;
      expected = killIn + (committedTx ? 1 : 0);
      const want = Array.from({ length: expected }, (_, i) => String(i));
      assert.equal(
        (await log.committedOffsets('g', 'a'))[0]?.offset,
        expected,
        `killed after write ${killAfter}`,
      );
      for (const [topic, partitions] of [
        ['a', 3],
        ['b', 2],
      ] as const) {
        for (let p = 0; p < partitions; p++) {
          assert.deepEqual(
            await values(log, topic, p),
            want,
            `${topic}-${p}, killed after write ${killAfter}`,
          );
        }
      }
      // Killed after its prepare and before its commit batch, it was taken out on opening.
      assert.equal(
        log.openReport.abortedTransactions.length,
        committedTx ? 0 : 1,
        `killed after write ${killAfter}`,
      );
    } finally {
      await log.close();
    }
  }
});
