import type { LogRecord, RecordHeader } from '../../log/index.js';
import { ByteReader } from '../protocol/byte-reader.js';
import { ByteWriter } from '../protocol/byte-writer.js';
import { ErrorCode, type ErrorCodeValue } from '../protocol/error-codes.js';
import { MalformedRequestError } from '../protocol/malformed.js';
import { crc32c } from './crc32c.js';

/*
 * Kafka's record batch v2 (magic 2), as DefaultRecordBatch.java lays it out:
 *
 *   0 baseOffset int64 | 8 batchLength int32 | 12 partitionLeaderEpoch int32 | 16 magic int8
 *   17 crc uint32 (CRC-32C of bytes 21..end) | 21 attributes int16 | 23 lastOffsetDelta int32
 *   27 baseTimestamp int64 | 35 maxTimestamp int64 | 43 producerId int64 | 51 producerEpoch int16
 *   53 baseSequence int32 | 57 recordsCount int32 | 61 records (one compressed stream if codec ≠ 0)
 *
 *   record: length varint | attributes int8 | timestampDelta varlong | offsetDelta varint
 *           | key varint-length bytes (-1 null) | value (same) | headers count varint
 *           | per header: key varint-length utf-8, value varint-length bytes (-1 null)
 */

export const BATCH_OVERHEAD = 61;
const CRC_FROM = 21;
const LOG_OVERHEAD = 12;

export const Compression = { NONE: 0, GZIP: 1, SNAPPY: 2, LZ4: 3, ZSTD: 4 } as const;
export const COMPRESSION_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** A produced batch refused with a Kafka error code (CORRUPT_MESSAGE, INVALID_RECORD, …). */
export class BatchError extends Error {
  override readonly name = 'BatchError';
  readonly code: ErrorCodeValue;
  constructor(code: ErrorCodeValue, message: string) {
    super(message);
    this.code = code;
  }
}

export interface DecodedRecord {
  readonly offsetDelta: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: RecordHeader[];
}

/** A batch's header fields and its still-compressed (or plain) records section. */
export interface BatchHeader {
  readonly baseOffset: number;
  readonly attributes: number;
  readonly compression: number;
  readonly timestampType: 0 | 1;
  readonly transactional: boolean;
  readonly control: boolean;
  readonly lastOffsetDelta: number;
  readonly baseTimestamp: number;
  readonly maxTimestamp: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly recordsCount: number;
  /** The records section as sent (compressed when `compression` ≠ 0). */
  readonly payload: Buffer;
}

/**
 * Splits a partition's produced bytes into batch headers, checking what Kafka checks before it
 * decompresses anything: magic 2, a length inside the bytes, the CRC, a record count that matches
 * lastOffsetDelta, no client-written control batch.
 */
export function readBatchHeaders(data: Buffer): BatchHeader[] {
  const out: BatchHeader[] = [];
  let pos = 0;
  while (pos < data.length) {
    if (data.length - pos < BATCH_OVERHEAD) {
      throw new BatchError(
        ErrorCode.CORRUPT_MESSAGE,
        `a record batch is cut short: ${data.length - pos} bytes`,
      );
    }
    const batchLength = data.readInt32BE(pos + 8);
    const size = LOG_OVERHEAD + batchLength;
    if (batchLength < BATCH_OVERHEAD - LOG_OVERHEAD || pos + size > data.length) {
      throw new BatchError(
        ErrorCode.CORRUPT_MESSAGE,
        `a record batch claims ${batchLength} bytes that are not there`,
      );
    }
    const magic = data.readInt8(pos + 16);
    if (magic !== 2) {
      throw new BatchError(
        ErrorCode.UNSUPPORTED_VERSION,
        `record batch magic ${magic} is not supported: only magic 2 (Kafka 0.11+ clients) is`,
      );
    }
    const crc = data.readUInt32BE(pos + 17);
    const actual = crc32c(data, pos + CRC_FROM, pos + size);
    if (crc !== actual) {
      throw new BatchError(
        ErrorCode.CORRUPT_MESSAGE,
        `record batch CRC mismatch (stored ${crc}, computed ${actual})`,
      );
    }
    const r = new ByteReader(data, pos + CRC_FROM, pos + size);
    const attributes = r.int16();
    const lastOffsetDelta = r.int32();
    const baseTimestamp = r.int64();
    const maxTimestamp = r.int64();
    const producerId = r.int64();
    const producerEpoch = r.int16();
    const baseSequence = r.int32();
    const recordsCount = r.int32();
    out.push({
      baseOffset: data.readInt32BE(pos) * 4294967296 + data.readUInt32BE(pos + 4),
      attributes,
      compression: attributes & 0x07,
      timestampType: (attributes & 0x08) === 0 ? 0 : 1,
      transactional: (attributes & 0x10) !== 0,
      control: (attributes & 0x20) !== 0,
      lastOffsetDelta,
      baseTimestamp,
      maxTimestamp,
      producerId,
      producerEpoch,
      baseSequence,
      recordsCount,
      payload: data.subarray(r.offset, pos + size),
    });
    pos += size;
  }
  return out;
}

/** Decodes the records of a batch whose payload is already decompressed. */
export function decodeRecords(header: BatchHeader, plain: Buffer): DecodedRecord[] {
  const r = new ByteReader(plain);
  const out: DecodedRecord[] = [];
  try {
    for (let i = 0; i < header.recordsCount; i++) {
      const length = r.varint();
      const end = r.offset + length;
      if (length < 0 || end > r.end) throw new MalformedRequestError(`record ${i} claims ${length} bytes`);
      const rr = new ByteReader(plain, r.offset, end);
      rr.int8(); // record attributes: unused
      const timestampDelta = rr.varlong();
      const offsetDelta = rr.varint();
      const key = varBytes(rr);
      const value = varBytes(rr);
      const headerCount = rr.varint();
      if (headerCount < 0 || headerCount > rr.remaining)
        throw new MalformedRequestError(`${headerCount} headers`);
      const headers: RecordHeader[] = [];
      for (let h = 0; h < headerCount; h++) {
        const hk = varBytes(rr);
        if (hk === null) throw new MalformedRequestError('a null header key');
        headers.push({ key: hk.toString('utf8'), value: varBytes(rr) });
      }
      out.push({ offsetDelta, timestamp: header.baseTimestamp + timestampDelta, key, value, headers });
      r.offset = end;
    }
  } catch (err) {
    if (err instanceof MalformedRequestError)
      throw new BatchError(ErrorCode.CORRUPT_MESSAGE, `a record is malformed: ${err.message}`);
    throw err;
  }
  return out;
}

function varBytes(r: ByteReader): Buffer | null {
  const n = r.varint();
  if (n === -1) return null;
  if (n < -1) throw new MalformedRequestError(`length ${n}`);
  return r.bytesOf(n, 'record field');
}

function varintSize(v: number): number {
  let u = v >= 0 ? v * 2 : -v * 2 - 1;
  let n = 1;
  while (u >= 0x80) {
    u = Math.floor(u / 0x80);
    n++;
  }
  return n;
}

/**
 * Encodes records read from the log as one uncompressed batch covering [baseOffset, nextOffset):
 * records may start after baseOffset and have gaps (compaction), each keeps its own offset delta,
 * and a batch with no records still tells the consumer to move on to nextOffset. No producer id:
 * the log does not keep one, and consumers need none.
 */
export function encodeBatch(records: readonly LogRecord[], baseOffset: number, nextOffset: number): Buffer {
  const baseTimestamp = records.length === 0 ? -1 : records[0].timestamp;
  let maxTimestamp = baseTimestamp;
  // Sized exactly first, so the batch is written into one allocation with no copy.
  const bodies = new Array<number>(records.length);
  let size = BATCH_OVERHEAD;
  for (let i = 0; i < records.length; i++) {
    const rec = records[i];
    if (rec.timestamp > maxTimestamp) maxTimestamp = rec.timestamp;
    let body = 1 + varintSize(rec.timestamp - baseTimestamp) + varintSize(rec.offset - baseOffset);
    body += rec.key === null ? 1 : varintSize(rec.key.length) + rec.key.length;
    body += rec.value === null ? 1 : varintSize(rec.value.length) + rec.value.length;
    body += varintSize(rec.headers.length);
    for (const h of rec.headers) {
      const kl = Buffer.byteLength(h.key);
      body += varintSize(kl) + kl + (h.value === null ? 1 : varintSize(h.value.length) + h.value.length);
    }
    bodies[i] = body;
    size += varintSize(body) + body;
  }
  // A few spare bytes: the writer reserves room for a longest varint before writing one.
  const w = new ByteWriter(size + 16);
  w.int64(baseOffset);
  w.int32(size - LOG_OVERHEAD);
  w.int32(-1); // partitionLeaderEpoch
  w.int8(2);
  const crcAt = w.reserveInt32();
  w.int16(0); // attributes: no compression, CreateTime
  w.int32(nextOffset - 1 - baseOffset);
  w.int64(baseTimestamp);
  w.int64(maxTimestamp);
  w.int64(-1); // producerId
  w.int16(-1); // producerEpoch
  w.int32(-1); // baseSequence
  w.int32(records.length);
  for (let i = 0; i < records.length; i++) {
    const rec = records[i];
    w.varint(bodies[i]);
    w.int8(0);
    w.varlong(rec.timestamp - baseTimestamp);
    w.varint(rec.offset - baseOffset);
    if (rec.key === null) w.varint(-1);
    else {
      w.varint(rec.key.length);
      w.raw(rec.key);
    }
    if (rec.value === null) w.varint(-1);
    else {
      w.varint(rec.value.length);
      w.raw(rec.value);
    }
    w.varint(rec.headers.length);
    for (const h of rec.headers) {
      const k = Buffer.from(h.key, 'utf8');
      w.varint(k.length);
      w.raw(k);
      if (h.value === null) w.varint(-1);
      else {
        w.varint(h.value.length);
        w.raw(h.value);
      }
    }
  }
  const out = w.result();
  out.writeUInt32BE(crc32c(out, CRC_FROM), crcAt);
  return out;
}

export interface ProducedBatchInput {
  readonly baseTimestamp: number;
  readonly compression?: number;
  readonly producerId?: number;
  readonly producerEpoch?: number;
  readonly baseSequence?: number;
  readonly transactional?: boolean;
  readonly records: readonly {
    key: Buffer | null;
    value: Buffer | null;
    headers?: RecordHeader[];
    timestampDelta?: number;
  }[];
  /** A records section already compressed with `compression`; when absent the records are written plain. */
  readonly compressedPayload?: Buffer;
}

/** Builds a batch as a producer sends it (base offset 0): for tests and fixtures. */
export function encodeProducedBatch(input: ProducedBatchInput): Buffer {
  const logRecords: LogRecord[] = input.records.map((r, i) => ({
    offset: i,
    timestamp: input.baseTimestamp + (r.timestampDelta ?? 0),
    key: r.key,
    value: r.value,
    headers: r.headers ?? [],
  }));
  const plain = encodeBatch(logRecords, 0, logRecords.length);
  const payload = input.compressedPayload ?? plain.subarray(BATCH_OVERHEAD);
  const out = Buffer.alloc(BATCH_OVERHEAD + payload.length);
  plain.copy(out, 0, 0, BATCH_OVERHEAD);
  payload.copy(out, BATCH_OVERHEAD);
  out.writeInt32BE(out.length - LOG_OVERHEAD, 8);
  const attributes = (input.compression ?? 0) | (input.transactional ? 0x10 : 0);
  out.writeInt16BE(attributes, 21);
  const pid = input.producerId ?? -1;
  out.writeInt32BE(Math.floor(pid / 4294967296), 43);
  out.writeUInt32BE(pid >>> 0, 47);
  out.writeInt16BE(input.producerEpoch ?? -1, 51);
  out.writeInt32BE(input.baseSequence ?? -1, 53);
  out.writeUInt32BE(crc32c(out, CRC_FROM), 17);
  return out;
}
