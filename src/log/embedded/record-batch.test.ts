import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogRecord } from '../types.js';
import { type BatchInput, decodeBatch, encodeBatch, probeBatch } from './record-batch.js';

/*
 * Known bytes of the on-disk batch format, written out from the layout documented in
 * record-batch.ts (not produced by the encoder under test): a Kafka-compatible codec, or a
 * different implementation of the log, can be checked against them field by field.
 */
const hex = (...parts: string[]) => Buffer.from(parts.join(''), 'hex');

/** Two records at offsets 5 and 6: a key, a value and a header with a null value; then null key, empty value. */
const TWO_RECORDS = hex(
  '0000000000000005', // baseOffset 5
  '00000063', // batchLength 99 (bytes after this field)
  '53', // magic
  '2575378f', // CRC-32 of everything after it
  '0000', // attributes
  '00000001', // lastOffsetDelta 1
  '0000018bcfe56800', // firstTimestamp 1700000000000
  '0000018bcfe56801', // maxTimestamp 1700000000001
  '00000002', // recordCount 2
  // record 0: length 36 | delta 0 | timestamp | key "k" | value "v1" | 1 header "h" → null
  '00000024',
  '00000000',
  '0000018bcfe56800',
  '00000001',
  '6b',
  '00000002',
  '7631',
  '00000001',
  '00000001',
  '68',
  'ffffffff',
  // record 1: length 24 | delta 1 | timestamp | key null | value empty | no headers
  '00000018',
  '00000001',
  '0000018bcfe56801',
  'ffffffff',
  '00000000',
  '00000000',
);

const TWO_RECORDS_INPUT: BatchInput[] = [
  {
    timestamp: 1_700_000_000_000,
    key: Buffer.from('k'),
    value: Buffer.from('v1'),
    headers: [{ key: 'h', value: null }],
  },
  { timestamp: 1_700_000_000_001, key: null, value: Buffer.alloc(0), headers: [] },
];

/**
 * A batch as compaction leaves it: records at offsets 40 and 43 (deltas 0 and 3), the later one
 * with an older timestamp, a null value and a header with a binary value.
 */
const COMPACTED = hex(
  '0000000000000028', // baseOffset 40
  '00000064', // batchLength 100
  '53',
  'e4bac7fc',
  '0000',
  '00000003', // lastOffsetDelta 3
  '0000018bcfe56805', // firstTimestamp: the first record's
  '0000018bcfe56805', // maxTimestamp: the largest
  '00000002',
  '0000001a',
  '00000000',
  '0000018bcfe56805',
  '00000001',
  '61',
  '00000001',
  '31',
  '00000000',
  '00000023',
  '00000003',
  '0000018bcfe56802',
  '00000001',
  '62',
  'ffffffff',
  '00000001',
  '00000001',
  '78',
  '00000001',
  'ff',
);

const COMPACTED_INPUT: BatchInput[] = [
  {
    offsetDelta: 0,
    timestamp: 1_700_000_000_005,
    key: Buffer.from('a'),
    value: Buffer.from('1'),
    headers: [],
  },
  {
    offsetDelta: 3,
    timestamp: 1_700_000_000_002,
    key: Buffer.from('b'),
    value: null,
    headers: [{ key: 'x', value: Buffer.from([0xff]) }],
  },
];

function decodeAll(buf: Buffer, fromOffset = 0, limit = 100): LogRecord[] {
  const probe = probeBatch(buf, 0, buf.length, true);
  assert.equal(probe.kind, 'batch');
  if (probe.kind !== 'batch') return [];
  const out: LogRecord[] = [];
  decodeBatch(buf, 0, probe.header, fromOffset, limit, out);
  return out;
}

const plain = (records: readonly LogRecord[]) =>
  records.map((r) => ({
    offset: r.offset,
    timestamp: r.timestamp,
    key: r.key === null ? null : Buffer.from(r.key).toString('hex'),
    value: r.value === null ? null : Buffer.from(r.value).toString('hex'),
    headers: r.headers.map((h) => [h.key, h.value === null ? null : Buffer.from(h.value).toString('hex')]),
  }));

test('encodes records into exactly the documented bytes', () => {
  assert.equal(encodeBatch(5, TWO_RECORDS_INPUT).toString('hex'), TWO_RECORDS.toString('hex'));
  assert.equal(encodeBatch(40, COMPACTED_INPUT).toString('hex'), COMPACTED.toString('hex'));
});

test('reads the header of known bytes without decoding the records', () => {
  assert.deepEqual(probeBatch(TWO_RECORDS, 0, TWO_RECORDS.length, true), {
    kind: 'batch',
    header: {
      baseOffset: 5,
      size: 111,
      lastOffset: 6,
      firstTimestamp: 1_700_000_000_000,
      maxTimestamp: 1_700_000_000_001,
      recordCount: 2,
    },
  });
  const compacted = probeBatch(COMPACTED, 0, COMPACTED.length, true);
  assert.equal(compacted.kind === 'batch' && compacted.header.lastOffset, 43);
});

test('decodes known bytes into records, and from an offset inside the batch', () => {
  assert.deepEqual(plain(decodeAll(TWO_RECORDS)), [
    { offset: 5, timestamp: 1_700_000_000_000, key: '6b', value: '7631', headers: [['h', null]] },
    { offset: 6, timestamp: 1_700_000_000_001, key: null, value: '', headers: [] },
  ]);
  assert.deepEqual(
    plain(decodeAll(COMPACTED)).map((r) => [r.offset, r.value, r.headers]),
    [
      [40, '31', []],
      [43, null, [['x', 'ff']]],
    ],
  );
  assert.deepEqual(
    decodeAll(TWO_RECORDS, 6).map((r) => r.offset),
    [6],
  );
  assert.deepEqual(
    decodeAll(COMPACTED, 41).map((r) => r.offset),
    [43],
  );
  assert.deepEqual(
    decodeAll(TWO_RECORDS, 0, 1).map((r) => r.offset),
    [5],
  );
});

test('decoding then encoding known bytes gives the same bytes back', () => {
  for (const [base, bytes] of [
    [5, TWO_RECORDS],
    [40, COMPACTED],
  ] as const) {
    const inputs: BatchInput[] = decodeAll(bytes).map((r) => ({
      offsetDelta: r.offset - base,
      timestamp: r.timestamp,
      key: r.key,
      value: r.value,
      headers: r.headers,
    }));
    assert.equal(encodeBatch(base, inputs).toString('hex'), bytes.toString('hex'));
  }
});

test('a changed byte, a wrong magic or a cut batch is reported, never decoded', () => {
  const flipped = Buffer.from(TWO_RECORDS);
  flipped[60] ^= 0x01;
  assert.deepEqual(probeBatch(flipped, 0, flipped.length, true), {
    kind: 'corrupt',
    reason: 'checksum mismatch',
  });
  const magic = Buffer.from(TWO_RECORDS);
  magic[12] = 0x02;
  assert.deepEqual(probeBatch(magic, 0, magic.length, true), { kind: 'corrupt', reason: 'bad magic byte 2' });
  assert.deepEqual(probeBatch(TWO_RECORDS, 0, 100, true), { kind: 'incomplete', needed: 111 });
  assert.deepEqual(probeBatch(TWO_RECORDS, 0, 20, true), { kind: 'incomplete', needed: 43 });
});
