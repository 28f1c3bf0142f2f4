import { crc32 } from 'node:zlib';
import type { LogRecord, RecordHeader } from '../types.js';
import {
  decodeKafkaRecords,
  KAFKA_BATCH_OVERHEAD,
  KAFKA_MAGIC,
  type KafkaBatchFields,
  kafkaBatchFields,
  kafkaCrcMatches,
  kafkaRecordsSection,
} from './kafka-batch.js';

/*
 * The on-disk batch format. All integers big-endian.
 *
 *   baseOffset      int64   offset of the batch's first record
 *   batchLength     int32   bytes after this field
 *   magic           int8    FORMAT_MAGIC
 *   crc             uint32  CRC-32 of every byte after this field
 *   attributes      int16   reserved (0)
 *   lastOffsetDelta int32   offset of the last record minus baseOffset (records may be missing
 *                           after compaction, so the deltas are stored per record too)
 *   firstTimestamp  int64
 *   maxTimestamp    int64
 *   recordCount     int32
 *   records         recordCount × record
 *
 *   record: length int32 (bytes after it) | offsetDelta int32 | timestamp int64
 *           | keyLength int32 (-1 = null) | key | valueLength int32 (-1 = null) | value
 *           | headerCount int32 | headerCount × (keyLength int32 | key utf-8 | valueLength int32 | value)
 *
 * Fixed-width fields rather than Kafka's varints: they cost a few bytes a record and are several
 * times cheaper to encode and decode in JavaScript. The layout mirrors Kafka's v2 batch so a
 * Kafka-protocol front end can translate batch by batch.
 *
 * Segments also hold Kafka v2 batches as a Kafka producer sent them (kafka-batch.ts): byte 12 tells
 * the two apart, and `BatchHeader.kafka` is set for those.
 */
export const FORMAT_MAGIC = 0x53;
export const BATCH_HEADER_SIZE = 43;
/** Bytes of the header before the CRC-covered part: baseOffset, batchLength, magic, crc. */
const CRC_START = 17;
const LENGTH_FIELD_END = 12;
const RECORD_FIXED_SIZE = 28;

export interface BatchInput {
  readonly offsetDelta?: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[];
}

/** What a scan of a batch header tells without decoding records. */
export interface BatchHeader {
  readonly baseOffset: number;
  /** Whole batch size in bytes, header included. */
  readonly size: number;
  readonly lastOffset: number;
  readonly firstTimestamp: number;
  readonly maxTimestamp: number;
  readonly recordCount: number;
  /** Set for a Kafka v2 batch stored as received; absent for the log's own format. */
  readonly kafka?: KafkaBatchFields;
}

/** Most bytes a stored Kafka batch's records may decompress to on read (append checked the topic's limit). */
const MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

export function writeInt64(buf: Buffer, pos: number, n: number): void {
  buf.writeInt32BE(Math.floor(n / 4294967296), pos);
  buf.writeUInt32BE(n >>> 0, pos + 4);
}

export function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * 4294967296 + buf.readUInt32BE(pos + 4);
}

function headerSize(headers: readonly RecordHeader[]): number {
  let size = 0;
  for (const h of headers) {
    size += 8 + Buffer.byteLength(h.key) + (h.value === null ? 0 : h.value.length);
  }
  return size;
}

export function recordSize(r: BatchInput): number {
  return (
    RECORD_FIXED_SIZE +
    (r.key === null ? 0 : r.key.length) +
    (r.value === null ? 0 : r.value.length) +
    (r.headers.length === 0 ? 0 : headerSize(r.headers))
  );
}

/**
 * Encodes records into one batch. Offset deltas default to the record's index; compaction passes
 * the surviving records' original deltas.
 */
export function encodeBatch(baseOffset: number, records: readonly BatchInput[]): Buffer {
  let size = BATCH_HEADER_SIZE;
  for (let i = 0; i < records.length; i++) size += recordSize(records[i]);
  const buf = Buffer.allocUnsafe(size);
  let firstTimestamp = records.length > 0 ? records[0].timestamp : -1;
  let maxTimestamp = -1;
  let pos = BATCH_HEADER_SIZE;
  let lastDelta = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const start = pos;
    const delta = r.offsetDelta ?? i;
    lastDelta = delta;
    if (r.timestamp > maxTimestamp) maxTimestamp = r.timestamp;
    if (i === 0) firstTimestamp = r.timestamp;
    pos += 4;
    buf.writeInt32BE(delta, pos);
    writeInt64(buf, pos + 4, r.timestamp);
    pos += 12;
    pos = writeBytes(buf, pos, r.key);
    pos = writeBytes(buf, pos, r.value);
    buf.writeInt32BE(r.headers.length, pos);
    pos += 4;
    for (const h of r.headers) {
      const keyLength = buf.write(h.key, pos + 4, 'utf8');
      buf.writeInt32BE(keyLength, pos);
      pos = writeBytes(buf, pos + 4 + keyLength, h.value);
    }
    buf.writeInt32BE(pos - start - 4, start);
  }
  writeInt64(buf, 0, baseOffset);
  buf.writeInt32BE(size - LENGTH_FIELD_END, 8);
  buf[12] = FORMAT_MAGIC;
  buf.writeInt16BE(0, 17);
  buf.writeInt32BE(lastDelta, 19);
  writeInt64(buf, 23, firstTimestamp);
  writeInt64(buf, 31, maxTimestamp);
  buf.writeInt32BE(records.length, 39);
  buf.writeUInt32BE(crc32(buf.subarray(CRC_START)), 13);
  return buf;
}

function writeBytes(buf: Buffer, pos: number, bytes: Buffer | null): number {
  if (bytes === null) {
    buf.writeInt32BE(-1, pos);
    return pos + 4;
  }
  buf.writeInt32BE(bytes.length, pos);
  buf.set(bytes, pos + 4);
  return pos + 4 + bytes.length;
}

/** The outcome of looking at the bytes at `pos`: a whole valid batch, too few bytes, or garbage. */
export type BatchProbe =
  | { readonly kind: 'batch'; readonly header: BatchHeader }
  | { readonly kind: 'incomplete'; readonly needed: number }
  | { readonly kind: 'corrupt'; readonly reason: string };

/**
 * Reads the header at `pos` and, when `verify` is set, checks the CRC. Used both to recover a torn
 * tail (anything after the last valid batch is cut) and to detect corruption on read.
 */
export function probeBatch(buf: Buffer, pos: number, end: number, verify: boolean): BatchProbe {
  if (end - pos < BATCH_HEADER_SIZE) return { kind: 'incomplete', needed: BATCH_HEADER_SIZE };
  const batchLength = buf.readInt32BE(pos + 8);
  if (buf[pos + 12] !== FORMAT_MAGIC) {
    if (buf[pos + 16] === KAFKA_MAGIC) return probeKafkaBatch(buf, pos, end, verify);
    return { kind: 'corrupt', reason: `bad magic byte ${buf[pos + 12]}` };
  }
  if (batchLength < BATCH_HEADER_SIZE - LENGTH_FIELD_END) {
    return { kind: 'corrupt', reason: `impossible batch length ${batchLength}` };
  }
  const size = batchLength + LENGTH_FIELD_END;
  if (end - pos < size) return { kind: 'incomplete', needed: size };
  if (verify) {
    const stored = buf.readUInt32BE(pos + 13);
    const actual = crc32(buf.subarray(pos + CRC_START, pos + size));
    if (stored !== actual) return { kind: 'corrupt', reason: 'checksum mismatch' };
  }
  const baseOffset = readInt64(buf, pos);
  return {
    kind: 'batch',
    header: {
      baseOffset,
      size,
      lastOffset: baseOffset + buf.readInt32BE(pos + 19),
      firstTimestamp: readInt64(buf, pos + 23),
      maxTimestamp: readInt64(buf, pos + 31),
      recordCount: buf.readInt32BE(pos + 39),
    },
  };
}

function probeKafkaBatch(buf: Buffer, pos: number, end: number, verify: boolean): BatchProbe {
  if (end - pos < KAFKA_BATCH_OVERHEAD) return { kind: 'incomplete', needed: KAFKA_BATCH_OVERHEAD };
  const batchLength = buf.readInt32BE(pos + 8);
  if (batchLength < KAFKA_BATCH_OVERHEAD - LENGTH_FIELD_END) {
    return { kind: 'corrupt', reason: `impossible Kafka batch length ${batchLength}` };
  }
  const size = batchLength + LENGTH_FIELD_END;
  if (end - pos < size) return { kind: 'incomplete', needed: size };
  if (verify && !kafkaCrcMatches(buf, pos, size)) return { kind: 'corrupt', reason: 'checksum mismatch' };
  const kafka = kafkaBatchFields(buf, pos, size);
  const baseOffset = readInt64(buf, pos);
  return {
    kind: 'batch',
    header: {
      baseOffset,
      size,
      lastOffset: baseOffset + kafka.lastOffsetDelta,
      firstTimestamp: kafka.baseTimestamp,
      maxTimestamp: kafka.maxTimestamp,
      recordCount: kafka.recordCount,
      kafka,
    },
  };
}

/**
 * The decompressed records section of a stored Kafka batch, for a reader that decodes it in several
 * steps (undefined for the log's own batches, which need none).
 */
export function recordsSection(buf: Buffer, pos: number, header: BatchHeader): Buffer | undefined {
  return header.kafka === undefined
    ? undefined
    : kafkaRecordsSection(buf, pos, header.kafka, MAX_DECOMPRESSED_BYTES);
}

const NO_HEADERS: readonly RecordHeader[] = Object.freeze([]);

/**
 * Decodes the records of the batch at `pos` with offset ≥ `fromOffset` into `out`, up to `limit`
 * records. Keys and values are views into `buf`, not copies. For a stored Kafka batch, `section`
 * is its records section when the caller already has it (see `recordsSection`).
 */
export function decodeBatch(
  buf: Buffer,
  pos: number,
  header: BatchHeader,
  fromOffset: number,
  limit: number,
  out: LogRecord[],
  section?: Buffer,
): void {
  if (header.kafka !== undefined) {
    const plain = section ?? kafkaRecordsSection(buf, pos, header.kafka, MAX_DECOMPRESSED_BYTES);
    decodeKafkaRecords(plain, header.baseOffset, header.kafka, fromOffset, limit, out);
    return;
  }
  const end = pos + header.size;
  let p = pos + BATCH_HEADER_SIZE;
  const base = header.baseOffset;
  for (let i = 0; i < header.recordCount && p < end && limit > 0; i++) {
    const length = buf.readInt32BE(p);
    const next = p + 4 + length;
    const offset = base + buf.readInt32BE(p + 4);
    if (offset < fromOffset) {
      p = next;
      continue;
    }
    const timestamp = readInt64(buf, p + 8);
    p += 16;
    let n = buf.readInt32BE(p);
    p += 4;
    let key: Buffer | null = null;
    if (n >= 0) {
      key = buf.subarray(p, p + n);
      p += n;
    }
    n = buf.readInt32BE(p);
    p += 4;
    let value: Buffer | null = null;
    if (n >= 0) {
      value = buf.subarray(p, p + n);
      p += n;
    }
    const headerCount = buf.readInt32BE(p);
    p += 4;
    let headers = NO_HEADERS;
    if (headerCount > 0) {
      const list: RecordHeader[] = [];
      for (let h = 0; h < headerCount; h++) {
        const kl = buf.readInt32BE(p);
        const hk = buf.toString('utf8', p + 4, p + 4 + kl);
        p += 4 + kl;
        const vl = buf.readInt32BE(p);
        p += 4;
        list.push({ key: hk, value: vl < 0 ? null : buf.subarray(p, p + vl) });
        if (vl > 0) p += vl;
      }
      headers = list;
    }
    out.push({ offset, timestamp, key, value, headers });
    limit--;
    p = next;
  }
}
