import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { LogError } from '../errors.js';
import { SegmentLog } from './segment-log.js';

const writer = new URL('./crash-writer.fixture.js', import.meta.url).pathname;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-recovery-'));
  dirs.push(dir);
  return dir;
}

/** Starts the writer, lets it acknowledge at least `minAcks` appends, kills it with SIGKILL. */
function runAndKill(
  dataDir: string,
  durability: string,
  minAcks: number,
): Promise<{ lastAck: number; start: number }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [writer, dataDir, durability, '300'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffered = '';
    let acks = 0;
    let lastAck = -1;
    let start = -1;
    const killAfter = minAcks + Math.floor(Math.random() * minAcks);
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const [word, n] = line.split(' ');
        if (word === 'start') start = Number(n);
        if (word === 'ack') {
          lastAck = Number(n);
          if (++acks === killAfter) child.kill('SIGKILL');
        }
      }
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited without being killed (${signal})`));
      else resolve({ lastAck, start });
    });
  });
}

async function readAll(dataDir: string): Promise<{ values: string[]; log: SegmentLog }> {
  const log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
  const values: string[] = [];
  let offset = 0;
  while (offset < (await log.endOffset('seq', 0))) {
    const r = await log.read('seq', 0, offset);
    for (const rec of r.records) values.push(rec.value!.toString().split(':')[0]);
    offset = r.nextOffset;
  }
  return { values, log };
}

for (const durability of ['interval', 'fsync']) {
  test(`keeps every acknowledged record, in order, exactly once, across repeated SIGKILLs (${durability})`, async () => {
    const dataDir = tempDir();
    let acknowledged = -1;
    const rounds = durability === 'fsync' ? 8 : 20;
    for (let round = 0; round < rounds; round++) {
      const { lastAck, start } = await runAndKill(dataDir, durability, 5 + (round % 4) * 10);
      // Each restart continues right after what the last one acknowledged, never before it.
      assert.ok(
        start > acknowledged,
        `round ${round}: restart at ${start} lost acknowledged ${acknowledged}`,
      );
      acknowledged = Math.max(acknowledged, lastAck);
    }
    const { values, log } = await readAll(dataDir);
    try {
      assert.ok(
        values.length > acknowledged,
        `only ${values.length} records, acknowledged up to ${acknowledged}`,
      );
      values.forEach((v, i) => {
        if (v !== String(i)) assert.fail(`record at offset ${i} holds ${v}`);
      });
    } finally {
      await log.close();
    }
  });
}

function lastSegment(dataDir: string, topic: string): string {
  const dir = join(dataDir, 'topics', topic, '0');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort();
  return join(dir, files[files.length - 1]);
}

/** Writes records in a child that exits without closing the log: an unclean shutdown. */
function writeAndExitUncleanly(dataDir: string, batches: number): void {
  const script = `
    import { SegmentLog } from ${JSON.stringify(new URL('./segment-log.js', import.meta.url).href)};
    const log = await SegmentLog.open({ dataDir: ${JSON.stringify(dataDir)}, cleanerIntervalMs: 0 });
    if (!await log.hasTopic('t')) await log.createTopic('t');
    for (let b = 0; b < ${batches}; b++) {
      await log.append('t', Array.from({ length: 10 }, (_, i) => ({ value: Buffer.from('v' + (b * 10 + i)) })));
    }
    process.exit(0);`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
}

test('cuts a half-written batch off the tail on start and keeps everything before it', async () => {
  const dataDir = tempDir();
  writeAndExitUncleanly(dataDir, 5);
  const segment = lastSegment(dataDir, 't');
  const whole = readFileSync(segment);
  const size = statSync(segment).size;
  // A torn write: the first 60 bytes of a copy of the last batch.
  appendFileSync(segment, whole.subarray(size - 200, size - 140));
  const log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
  try {
    assert.equal(log.openReport.recovered, true);
    assert.equal(log.openReport.truncatedBytes, 60);
    assert.equal(await log.endOffset('t', 0), 50);
    const { records } = await log.read('t', 0, 0, { maxRecords: 100 });
    assert.deepEqual(
      records.map((r) => r.value!.toString()),
      Array.from({ length: 50 }, (_, i) => `v${i}`),
    );
    const [next] = await log.append('t', [{ value: Buffer.from('v50') }]);
    assert.equal(next.offset, 50);
  } finally {
    await log.close();
  }
});

test('cuts a last batch whose checksum does not match', async () => {
  const dataDir = tempDir();
  writeAndExitUncleanly(dataDir, 3);
  const segment = lastSegment(dataDir, 't');
  const bytes = readFileSync(segment);
  bytes[bytes.length - 3] ^= 0xff;
  writeFileSync(segment, bytes);
  const log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
  try {
    assert.equal(await log.endOffset('t', 0), 20);
    assert.ok(log.openReport.truncatedBytes > 0);
  } finally {
    await log.close();
  }
});

test('a corrupt segment in the middle of a log gives a typed error while the rest keeps serving', async () => {
  const dataDir = tempDir();
  let log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
  await log.createTopic('t', { config: { 'segment.bytes': '1024' } });
  await log.createTopic('other');
  for (let i = 0; i < 40; i++) await log.append('t', [{ value: Buffer.alloc(100, i) }]);
  await log.append('other', [{ value: Buffer.from('fine') }]);
  await log.close();
  const dir = join(dataDir, 'topics', 't', '0');
  const first = join(
    dir,
    readdirSync(dir)
      .filter((f) => f.endsWith('.log'))
      .sort()[0],
  );
  const bytes = readFileSync(first);
  bytes[200] ^= 0xff;
  writeFileSync(first, bytes);
  log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
  try {
    await assert.rejects(log.read('t', 0, 0), (err: unknown) => {
      assert.ok(err instanceof LogError);
      assert.equal(err.code, 'CORRUPT_RECORD');
      assert.match(err.message, /t-0 at offset/);
      assert.match(err.message, /read from offset \d+ to skip/);
      return true;
    });
    const later = await log.read('t', 0, 30);
    assert.equal(later.records[0].value![0], 30);
    assert.equal((await log.read('other', 0, 0)).records[0].value!.toString(), 'fine');
    await log.append('t', [{ value: Buffer.from('still writable') }]);
  } finally {
    await log.close();
  }
});

test('a crash during a segment roll loses nothing', async () => {
  const dataDir = tempDir();
  writeAndExitUncleanly(dataDir, 2);
  // A roll that crashed after creating the new (empty) segment file.
  const segment = lastSegment(dataDir, 't');
  writeFileSync(join(segment, '..', `${String(20).padStart(20, '0')}.log`), '');
  const log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
  try {
    assert.equal(await log.endOffset('t', 0), 20);
    const [next] = await log.append('t', [{ value: Buffer.from('v20') }]);
    assert.equal(next.offset, 20);
  } finally {
    await log.close();
  }
});

test('a full disk gives DISK_FULL, leaves no partial batch, and the log works again once space is freed', async (t) => {
  const mountPoint = tempDir();
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint]);
  if (mounted.status !== 0) {
    t.skip('needs permission to mount a small tmpfs (run as root) to fill a real disk');
    return;
  }
  try {
    const log = await SegmentLog.open({ dataDir: join(mountPoint, 'data'), cleanerIntervalMs: 0 });
    await log.createTopic('filler');
    await log.createTopic('t');
    let filled = false;
    for (let i = 0; i < 100 && !filled; i++) {
      try {
        await log.append('filler', [{ value: Buffer.alloc(64 * 1024) }]);
      } catch (err) {
        assert.ok(err instanceof LogError);
        assert.equal(err.code, 'DISK_FULL');
        assert.match(err.message, /disk is full.*free space/);
        filled = true;
      }
    }
    assert.ok(filled, 'the disk never filled');
    const end = await log.endOffset('filler', 0);
    await assert.rejects(log.append('t', [{ value: Buffer.alloc(200 * 1024) }]), /DISK_FULL|disk is full/);
    assert.equal(await log.endOffset('t', 0), 0);
    const { records } = await log.read('filler', 0, 0, { maxRecords: 1000, maxBytes: 64 * 1024 * 1024 });
    assert.equal(records.length, end);
    await log.deleteTopic('filler');
    const [p] = await log.append('t', [{ value: Buffer.from('after') }]);
    assert.equal(p.offset, 0);
    await log.close();
    const again = await SegmentLog.open({ dataDir: join(mountPoint, 'data'), cleanerIntervalMs: 0 });
    assert.equal((await again.read('t', 0, 0)).records[0].value!.toString(), 'after');
    await again.close();
  } finally {
    spawnSync('umount', [mountPoint]);
  }
});

test('two logs in one process cannot share a data dir', async () => {
  const dataDir = tempDir();
  const log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
  try {
    await assert.rejects(SegmentLog.open({ dataDir }), /already open in this process/);
  } finally {
    await log.close();
  }
});
