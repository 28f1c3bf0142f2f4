import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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
import { afterEach, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { crc32c } from '@node-rs/crc32';
import { compressFrameSync as lz4Frame } from 'lz4-napi';
import { compressSync as snappyCompress } from 'snappy';
import { LogError } from '../errors.js';
import type { LogRecord } from '../types.js';
import { SegmentLog } from './segment-log.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-kafka-batch-'));
  dirs.push(dir);
  return dir;
}

/*
 * The records section of a two-record batch, byte by byte (Kafka's DefaultRecord, zigzag varints):
 *   record 0: length 9 (12) | attributes 0 | timestampDelta 0 | offsetDelta 0 | key 'k0' (04 6b30)
 *             | value 'a' (02 61) | 0 headers
 *   record 1: length 11 (16) | attributes 0 | timestampDelta 5 (0a) | offsetDelta 1 (02) | key null (01)
 *             | value 'b' (02 62) | 1 header (02): key 'h' (02 68), value 'v' (02 76)
 */
const RECORDS = Buffer.from(
  [
    '12',
    '00',
    '00',
    '00',
    '04',
    '6b30',
    '02',
    '61',
    '00',
    '16',
    '00',
    '0a',
    '02',
    '01',
    '02',
    '62',
    '02',
    '02',
    '68',
    '02',
    '76',
  ].join(''),
  'hex',
);

/** A produced batch as a Kafka client sends it: base offset 0, the given codec and records section. */
function producedBatch(
  codec: number,
  section: Buffer,
  options: { attributes?: number; count?: number } = {},
): Buffer {
  const b = Buffer.alloc(61 + section.length);
  b.writeInt32BE(0, 0); // baseOffset, high
  b.writeInt32BE(0, 4); // baseOffset, low
  b.writeInt32BE(b.length - 12, 8); // batchLength
  b.writeInt32BE(0x53000007, 12); // partitionLeaderEpoch: starts with the log's own magic byte on purpose
  b.writeInt8(2, 16); // magic
  b.writeInt16BE(options.attributes ?? codec, 21);
  b.writeInt32BE((options.count ?? 2) - 1, 23); // lastOffsetDelta
  // baseTimestamp = maxTimestamp - 5 = 1_700_000_000_000, written as two int32 halves.
  b.writeInt32BE(Math.floor(1_700_000_000_000 / 2 ** 32), 27);
  b.writeUInt32BE(1_700_000_000_000 % 2 ** 32, 31);
  b.writeInt32BE(Math.floor(1_700_000_000_005 / 2 ** 32), 35);
  b.writeUInt32BE(1_700_000_000_005 % 2 ** 32, 39);
  b.writeInt32BE(0, 43); // producerId 7, high
  b.writeInt32BE(7, 47);
  b.writeInt16BE(3, 51); // producerEpoch
  b.writeInt32BE(11, 53); // baseSequence
  b.writeInt32BE(options.count ?? 2, 57);
  section.copy(b, 61);
  b.writeUInt32BE(crc32c(b.subarray(21)), 17);
  return b;
}

/** A zstd frame holding `data` in one raw (stored) block: what `zstd` writes for incompressible input. */
function zstdRawFrame(data: Buffer): Buffer {
  const header = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x00]); // magic, descriptor, window 1 KiB
  const block = Buffer.alloc(3);
  block.writeUIntLE((data.length << 3) | 1, 0, 3); // raw block, the last one
  return Buffer.concat([header, block, data]);
}

const shape = (records: LogRecord[]) =>
  records.map((r) => [
    r.offset,
    r.timestamp,
    r.key?.toString() ?? null,
    r.value?.toString() ?? null,
    r.headers.map((h) => `${h.key}=${h.value?.toString()}`),
  ]);

const EXPECTED = (base: number) => [
  [base, 1_700_000_000_000, 'k0', 'a', []],
  [base + 1, 1_700_000_000_005, null, 'b', ['h=v']],
];

function segmentFile(dataDir: string, topic: string): string {
  const dir = join(dataDir, 'topics', topic, '0');
  const name = readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .at(-1)!;
  return join(dir, name);
}

describe('Kafka batches stored as received', () => {
  test('the segment holds the producer bytes with only base offset and leader epoch rewritten; fetch and read agree', async () => {
    const dataDir = tempDir();
    const log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
    try {
      await log.createTopic('t');
      await log.append('t', [{ value: Buffer.from('own-0') }, { value: Buffer.from('own-1') }]);
      const sent = producedBatch(0, RECORDS);
      const before = statSync(segmentFile(dataDir, 't')).size;
      assert.equal(await log.appendKafkaBatch('t', 0, Buffer.from(sent)), 2);
      await log.flush();
      const stored = readFileSync(segmentFile(dataDir, 't')).subarray(before);
      const expected = Buffer.from(sent);
      expected.writeInt32BE(0, 0);
      expected.writeInt32BE(2, 4); // base offset 2
      expected.writeInt32BE(-1, 12); // partitionLeaderEpoch -1
      assert.deepEqual(stored, expected);
      // The CRC the producer computed still holds: it leaves out both rewritten fields.
      assert.equal(stored.readUInt32BE(17), sent.readUInt32BE(17));
      await log.append('t', [{ value: Buffer.from('own-4') }]);
      const read = await log.read('t', 0, 0);
      assert.deepEqual(
        read.records.map((r) => [r.offset, r.value?.toString()]),
        [
          [0, 'own-0'],
          [1, 'own-1'],
          [2, 'a'],
          [3, 'b'],
          [4, 'own-4'],
        ],
      );
      assert.deepEqual(shape((await log.read('t', 0, 2, { maxRecords: 2 })).records), EXPECTED(2));
      // A fetch from inside the stored batch gets the whole batch, unchanged; the log's own batches as records.
      const stored2 = await log.readKafkaBatches('t', 0, 3, {});
      assert.equal(stored2.chunks[0].kind, 'kafka');
      assert.deepEqual(stored2.chunks[0].kind === 'kafka' && stored2.chunks[0].bytes, expected);
      assert.deepEqual(
        stored2.chunks
          .slice(1)
          .map((c) => c.kind === 'records' && [c.baseOffset, c.nextOffset, c.records.length]),
        [[4, 5, 1]],
      );
      assert.equal(stored2.nextOffset, 5);
      const all = await log.readKafkaBatches('t', 0, 0, {});
      assert.deepEqual(
        all.chunks.map((c) => c.kind),
        ['records', 'kafka', 'records'],
      );
    } finally {
      await log.close();
    }
  });

  test('a partial read of a stored batch goes on from where it stopped', async () => {
    const log = await SegmentLog.open({ dataDir: tempDir(), cleanerIntervalMs: 0 });
    try {
      await log.createTopic('t');
      await log.appendKafkaBatch('t', 0, producedBatch(0, RECORDS));
      const first = await log.read('t', 0, 0, { maxRecords: 1 });
      assert.deepEqual(shape(first.records), EXPECTED(0).slice(0, 1));
      const second = await log.read('t', 0, first.nextOffset, { maxRecords: 1 });
      assert.deepEqual(shape(second.records), EXPECTED(0).slice(1));
    } finally {
      await log.close();
    }
  });

  const codecs: [string, number, (b: Buffer) => Buffer][] = [
    ['gzip', 1, (b) => gzipSync(b)],
    ['snappy', 2, (b) => snappyCompress(b) as Buffer],
    ['lz4', 3, (b) => lz4Frame(b)],
    ['zstd', 4, zstdRawFrame],
  ];
  for (const [name, codec, compress] of codecs) {
    test(`a ${name} batch is stored compressed, as sent, and its records read back`, async () => {
      const dataDir = tempDir();
      const log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
      try {
        await log.createTopic('t');
        const sent = producedBatch(codec, compress(RECORDS));
        await log.appendKafkaBatch('t', 0, Buffer.from(sent));
        const fetched = await log.readKafkaBatches('t', 0, 0, {});
        const bytes = fetched.chunks[0].kind === 'kafka' ? fetched.chunks[0].bytes : Buffer.alloc(0);
        assert.equal(bytes.readInt16BE(21) & 7, codec);
        assert.deepEqual(bytes.subarray(16), sent.subarray(16));
        assert.deepEqual(shape((await log.read('t', 0, 0)).records), EXPECTED(0));
      } finally {
        await log.close();
      }
    });
  }

  test('a batch that would not decode later is refused whole, naming why, and nothing is written', async () => {
    const log = await SegmentLog.open({ dataDir: tempDir(), cleanerIntervalMs: 0 });
    try {
      await log.createTopic('t');
      await log.createTopic('compacted', { config: { 'cleanup.policy': 'compact' } });
      const refused = async (topic: string, batch: Buffer, code: string, message: RegExp) =>
        assert.rejects(log.appendKafkaBatch(topic, 0, batch), (err: unknown) => {
          assert.ok(err instanceof LogError);
          assert.equal(err.code, code);
          assert.match(err.message, message);
          return true;
        });
      const badCrc = producedBatch(0, RECORDS);
      badCrc[70] ^= 1;
      await refused('t', badCrc, 'CORRUPT_RECORD', /CRC-32C does not match/);
      // Offset deltas must run 0, 1, …: record 1 says 2 (CRC recomputed, so only the check catches it).
      const gap = Buffer.from(RECORDS);
      gap[13] = 0x04; // record 1: length, attributes, timestampDelta, then offsetDelta
      await refused('t', producedBatch(0, gap), 'CORRUPT_RECORD', /record 1 has offset delta 2/);
      await refused(
        't',
        producedBatch(0, RECORDS, { count: 3 }),
        'CORRUPT_RECORD',
        /fewer than its 3 records/,
      );
      await refused(
        't',
        producedBatch(0, Buffer.concat([RECORDS, Buffer.from([0])])),
        'CORRUPT_RECORD',
        /1 bytes follow its last record/,
      );
      await refused('t', producedBatch(0, RECORDS, { attributes: 0x10 }), 'INVALID_RECORD', /transactional/);
      await refused('t', producedBatch(1, RECORDS), 'CORRUPT_RECORD', /gzip records do not decompress/);
      await refused('compacted', producedBatch(0, RECORDS), 'INVALID_RECORD', /every record needs a key/);
      assert.equal(await log.endOffset('t', 0), 0);
      assert.equal(await log.endOffset('compacted', 0), 0);
    } finally {
      await log.close();
    }
  });

  test('after an unclean exit, a torn stored batch is cut off the tail and appends go on after the whole ones', async () => {
    const dataDir = tempDir();
    const script = `
      import { SegmentLog } from ${JSON.stringify(new URL('./segment-log.js', import.meta.url).href)};
      const log = await SegmentLog.open({ dataDir: ${JSON.stringify(dataDir)}, cleanerIntervalMs: 0 });
      await log.createTopic('t');
      const batch = Buffer.from(${JSON.stringify(producedBatch(0, RECORDS).toString('hex'))}, 'hex');
      for (let i = 0; i < 3; i++) await log.appendKafkaBatch('t', 0, Buffer.from(batch));
      process.exit(0);`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    const segment = segmentFile(dataDir, 't');
    const whole = readFileSync(segment);
    const batchSize = whole.length / 3;
    // A torn write: a fourth batch whose last 10 bytes never reached the disk.
    appendFileSync(segment, whole.subarray(0, batchSize - 10));
    let log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
    try {
      assert.equal(log.openReport.recovered, true);
      assert.equal(log.openReport.truncatedBytes, batchSize - 10);
      assert.equal(await log.endOffset('t', 0), 6);
      assert.deepEqual(shape((await log.read('t', 0, 4)).records), EXPECTED(4));
      assert.equal(await log.appendKafkaBatch('t', 0, producedBatch(0, RECORDS)), 6);
    } finally {
      await log.close();
    }
    // A last stored batch with a flipped bit fails its CRC-32C and is cut too.
    const bytes = readFileSync(segment);
    bytes[bytes.length - 3] ^= 0xff;
    writeFileSync(segment, bytes);
    rmSync(join(dataDir, '.clean-shutdown'));
    log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
    try {
      assert.equal(log.openReport.truncatedBytes, batchSize);
      assert.equal(await log.endOffset('t', 0), 6);
    } finally {
      await log.close();
    }
  });

  test('compaction keeps the newest record of each key across stored batches and its own', async () => {
    const log = await SegmentLog.open({ dataDir: tempDir(), cleanerIntervalMs: 0 });
    try {
      await log.createTopic('c', {
        config: { 'cleanup.policy': 'compact', 'segment.bytes': '100', 'min.cleanable.dirty.ratio': '0' },
      });
      // Record 1 with key 'k0' instead of null: body 13 bytes (1a), key 04 6b30.
      const record1 = Buffer.from('1a000a02046b30026202026802 76'.replaceAll(' ', ''), 'hex');
      const section = Buffer.concat([RECORDS.subarray(0, 10), record1]);
      await log.appendKafkaBatch('c', 0, producedBatch(0, section));
      await log.append('c', [{ key: Buffer.from('k1'), value: Buffer.from('own') }]);
      await log.append('c', [{ key: Buffer.from('k2'), value: Buffer.from('roll') }]);
      await log.runCleaner();
      const records: LogRecord[] = [];
      for (let offset = 0; offset < 4; ) {
        const read = await log.read('c', 0, offset);
        records.push(...read.records);
        offset = read.nextOffset;
      }
      assert.deepEqual(
        records.map((r) => [r.offset, r.key?.toString(), r.value?.toString()]),
        [
          [1, 'k0', 'b'],
          [2, 'k1', 'own'],
          [3, 'k2', 'roll'],
        ],
      );
    } finally {
      await log.close();
    }
  });
});
