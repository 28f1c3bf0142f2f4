import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { compressFrameSync as lz4Frame } from 'lz4-napi';
import { compressSync as snappyBlock } from 'snappy';
import { ErrorCode } from '../protocol/error-codes.js';
import { decompress } from './compression.js';
import { crc32c } from './crc32c.js';
import {
  BATCH_OVERHEAD,
  BatchError,
  Compression,
  decodeRecords,
  encodeBatch,
  encodeProducedBatch,
  readBatchHeaders,
} from './record-batch.js';

// Written by kafka-python's DefaultRecordBatchBuilder (an independent implementation): two records
// at 1700000000000 and +5 ms, the first with key k1, value hello and header h=x, the second with a
// null key and value world.
const KAFKA_PYTHON_BATCH = Buffer.from(
  '00000000000000000000004f00000000026a650b8f0000000000010000018bcfe568000000018bcfe56805ffffffffffffffff' +
    'ffffffffffff0000000222000000046b310a68656c6c6f020268027816000a02010a776f726c6400',
  'hex',
);

describe('crc32c', () => {
  test('matches the Castagnoli check value of "123456789"', () => {
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  });
  test('gives the same result for every split of the 8-byte fast path', () => {
    const data = Buffer.from('The quick brown fox jumps over the lazy dog, twice over and once more');
    for (let start = 0; start < 9; start++) {
      let bytewise = 0xffffffff;
      for (let i = start; i < data.length; i++) {
        bytewise ^= data[i];
        for (let k = 0; k < 8; k++) bytewise = bytewise & 1 ? 0x82f63b78 ^ (bytewise >>> 1) : bytewise >>> 1;
      }
      assert.equal(crc32c(data, start), (bytewise ^ 0xffffffff) >>> 0);
    }
  });
});

describe('record batch v2', () => {
  test('reads a batch kafka-python wrote: header fields, timestamps, null key, headers', () => {
    const [header] = readBatchHeaders(KAFKA_PYTHON_BATCH);
    assert.equal(header.recordsCount, 2);
    assert.equal(header.lastOffsetDelta, 1);
    assert.equal(header.producerId, -1);
    assert.equal(header.compression, Compression.NONE);
    const records = decodeRecords(header, header.payload);
    assert.deepEqual(
      records.map((r) => [r.timestamp, r.key?.toString() ?? null, r.value?.toString(), r.headers]),
      [
        [1700000000000, 'k1', 'hello', [{ key: 'h', value: Buffer.from('x') }]],
        [1700000000005, null, 'world', []],
      ],
    );
  });

  test('writes the same bytes kafka-python writes for the same records', () => {
    const ours = encodeProducedBatch({
      baseTimestamp: 1700000000000,
      records: [
        {
          key: Buffer.from('k1'),
          value: Buffer.from('hello'),
          headers: [{ key: 'h', value: Buffer.from('x') }],
        },
        { key: null, value: Buffer.from('world'), timestampDelta: 5 },
      ],
    });
    // kafka-python writes partitionLeaderEpoch 0 where a broker's fetch says -1 (not covered by the CRC).
    ours.writeInt32BE(0, 12);
    assert.equal(ours.toString('hex'), KAFKA_PYTHON_BATCH.toString('hex'));
  });

  test('refuses a batch whose CRC does not match with CORRUPT_MESSAGE', () => {
    const bad = Buffer.from(KAFKA_PYTHON_BATCH);
    bad[bad.length - 3] ^= 0x01;
    assert.throws(
      () => readBatchHeaders(bad),
      (err: unknown) =>
        err instanceof BatchError && err.code === ErrorCode.CORRUPT_MESSAGE && /CRC/.test(err.message),
    );
  });

  test('refuses a truncated batch and a lying length with CORRUPT_MESSAGE', () => {
    for (const bytes of [
      KAFKA_PYTHON_BATCH.subarray(0, 40),
      KAFKA_PYTHON_BATCH.subarray(0, KAFKA_PYTHON_BATCH.length - 1),
    ]) {
      assert.throws(
        () => readBatchHeaders(bytes),
        (err: unknown) => err instanceof BatchError && err.code === ErrorCode.CORRUPT_MESSAGE,
      );
    }
  });

  test('encodes log records with gaps and an empty tail so the consumer moves to the next offset', () => {
    const batch = encodeBatch(
      [
        { offset: 10, timestamp: 5, key: null, value: Buffer.from('a'), headers: [] },
        { offset: 13, timestamp: 4, key: Buffer.from('k'), value: null, headers: [] },
      ],
      9,
      20,
    );
    const [header] = readBatchHeaders(batch);
    assert.equal(header.baseOffset, 9);
    assert.equal(header.lastOffsetDelta, 10);
    assert.equal(header.maxTimestamp, 5);
    const records = decodeRecords(header, header.payload);
    assert.deepEqual(
      records.map((r) => [
        r.offsetDelta,
        r.timestamp,
        r.key?.toString() ?? null,
        r.value?.toString() ?? null,
      ]),
      [
        [1, 5, null, 'a'],
        [4, 4, 'k', null],
      ],
    );
    const empty = readBatchHeaders(encodeBatch([], 7, 9))[0];
    assert.deepEqual([empty.baseOffset, empty.lastOffsetDelta, empty.recordsCount], [7, 1, 0]);
  });

  test('decompresses gzip records and names an unsupported codec', async () => {
    const plain = encodeProducedBatch({
      baseTimestamp: 1,
      records: [{ key: null, value: Buffer.from('zipped') }],
    });
    const compressed = encodeProducedBatch({
      baseTimestamp: 1,
      compression: Compression.GZIP,
      records: [{ key: null, value: Buffer.from('zipped') }],
      compressedPayload: gzipSync(plain.subarray(BATCH_OVERHEAD)),
    });
    const [header] = readBatchHeaders(compressed);
    assert.equal(header.compression, Compression.GZIP);
    const records = decodeRecords(header, await decompress(header.compression, header.payload, 1 << 20));
    assert.equal(records[0].value?.toString(), 'zipped');
    await assert.rejects(decompress(7, Buffer.alloc(1), 100), (err: unknown) => {
      return (
        err instanceof BatchError &&
        err.code === ErrorCode.UNSUPPORTED_COMPRESSION_TYPE &&
        /codec 7/.test(err.message)
      );
    });
  });

  test('decompresses snappy (raw and snappy-java framed), lz4 frames and zstd', async () => {
    const text = Buffer.from('records, records, records, records');
    const raw = snappyBlock(text);
    const framed = Buffer.concat([
      Buffer.from('82534e415050590000000001000000010000', 'hex').subarray(0, 16),
      Buffer.from([0, 0, 0, raw.length]),
      raw,
    ]);
    assert.deepEqual(await decompress(Compression.SNAPPY, raw, 1 << 20), text);
    assert.deepEqual(await decompress(Compression.SNAPPY, framed, 1 << 20), text);
    assert.deepEqual(await decompress(Compression.LZ4, lz4Frame(text), 1 << 20), text);
    // `printf 'zstd fixture' | zstd -c`
    const zstdFrame = Buffer.from('28b52ffd04586100007a73746420666978747572659c90a52d', 'hex');
    assert.equal((await decompress(Compression.ZSTD, zstdFrame, 1 << 20)).toString(), 'zstd fixture');
  });

  test('refuses records that decompress past the limit, and broken compressed bytes', async () => {
    const big = Buffer.alloc(100_000, 'a');
    for (const [codec, bytes] of [
      [Compression.GZIP, gzipSync(big)],
      [Compression.SNAPPY, snappyBlock(big)],
      [Compression.LZ4, lz4Frame(big)],
    ] as const) {
      await assert.rejects(
        decompress(codec, bytes, 1000),
        (err: unknown) => err instanceof BatchError,
        `codec ${codec}`,
      );
    }
    await assert.rejects(
      decompress(Compression.ZSTD, Buffer.from('28b52ffd0458', 'hex'), 1000),
      (err: unknown) => err instanceof BatchError && err.code === ErrorCode.CORRUPT_MESSAGE,
    );
  });
});
