import { crc32c } from '@node-rs/crc32';
import { LogError } from '../errors.js';
import type { LogRecord, RecordHeader } from '../types.js';
import { decompressKafkaRecords } from './kafka-compression.js';

/*
 * Kafka record batches (v2, magic 2) stored as a Kafka producer sent them, beside the log's own
 * batches in the same segments: a fetch copies their bytes out unchanged, and the rest of Sluice
 * reads their records through `decodeKafkaRecords`. Layout (Kafka's DefaultRecordBatch):
 *
 *   0 baseOffset int64 | 8 batchLength int32 | 12 partitionLeaderEpoch int32 | 16 magic int8 (2)
 *   17 crc uint32 (CRC-32C of bytes 21..end) | 21 attributes int16 | 23 lastOffsetDelta int32
 *   27 baseTimestamp int64 | 35 maxTimestamp int64 | 43 producerId int64 | 51 producerEpoch int16
 *   53 baseSequence int32 | 57 recordsCount int32 | 61 records (one compressed stream if codec ≠ 0)
 *
 * baseOffset and batchLength sit where the log's own format has them, so segment scans, index
 * lookups and truncation work on both. The two formats differ at byte 12: the log's own magic
 * (0x53) there, while a stored Kafka batch always has partitionLeaderEpoch -1 (0xff…) written over
 * whatever the producer sent, and magic 2 at byte 16. The CRC leaves out baseOffset and the epoch,
 * so rewriting them keeps the producer's checksum valid, as Kafka's broker does.
 */
export const KAFKA_MAGIC = 2;
export const KAFKA_BATCH_OVERHEAD = 61;
const CRC_FROM = 21;
const LOG_OVERHEAD = 12;
const TWO_32 = 4294967296;
/** Attribute bits a stored batch may not have: transactional (4) and control (5). */
const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;
const LOG_APPEND_TIME = 0x08;

/** What the log keeps about a stored Kafka batch, read from its header without decoding records. */
export interface KafkaBatchFields {
  readonly size: number;
  readonly attributes: number;
  readonly lastOffsetDelta: number;
  readonly baseTimestamp: number;
  readonly maxTimestamp: number;
  readonly recordCount: number;
}

function int64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4);
}

/** Header fields of the Kafka batch at `pos` (whole, `size` bytes); the caller checked magic and length. */
export function kafkaBatchFields(buf: Buffer, pos: number, size: number): KafkaBatchFields {
  return {
    size,
    attributes: buf.readInt16BE(pos + 21),
    lastOffsetDelta: buf.readInt32BE(pos + 23),
    baseTimestamp: int64(buf, pos + 27),
    maxTimestamp: int64(buf, pos + 35),
    recordCount: buf.readInt32BE(pos + 57),
  };
}

export function kafkaCrcMatches(buf: Buffer, pos: number, size: number): boolean {
  return buf.readUInt32BE(pos + 17) === crc32c(buf.subarray(pos + CRC_FROM, pos + size));
}

/** The records section of a stored Kafka batch, decompressed when its codec is not none. */
export function kafkaRecordsSection(
  buf: Buffer,
  pos: number,
  fields: KafkaBatchFields,
  maxBytes: number,
): Buffer {
  const payload = buf.subarray(pos + KAFKA_BATCH_OVERHEAD, pos + fields.size);
  return decompressKafkaRecords(fields.attributes & 0x07, payload, maxBytes);
}

/** A forward reader of Kafka's zigzag varints over one records section; a bad length throws. */
class Varints {
  p: number;
  readonly buf: Buffer;
  readonly end: number;
  constructor(buf: Buffer, start: number, end: number) {
    this.buf = buf;
    this.p = start;
    this.end = end;
  }

  /** A zigzag varint or varlong (up to 2^53 in magnitude). */
  next(): number {
    const buf = this.buf;
    let p = this.p;
    let b = buf[p++];
    if (p > this.end) throw new Error('a varint runs past the record');
    let u = b & 0x7f;
    if (b >= 0x80) {
      let shift = 128;
      for (let i = 1; ; i++) {
        if (p >= this.end || i > 9) throw new Error('a varint runs past the record');
        b = buf[p++];
        u += (b & 0x7f) * shift;
        if (b < 0x80) break;
        shift *= 128;
      }
    }
    this.p = p;
    // Zigzag: even → u/2, odd → -(u+1)/2; arithmetic, since u may pass 2^32.
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** varint length + bytes (-1 = null) as a view; not copied. */
  bytes(): Buffer | null {
    const n = this.next();
    if (n === -1) return null;
    if (n < -1 || this.p + n > this.end) throw new Error(`a field claims ${n} bytes`);
    const out = this.buf.subarray(this.p, this.p + n);
    this.p += n;
    return out;
  }

  skipBytes(): boolean {
    const n = this.next();
    if (n === -1) return false;
    if (n < -1 || this.p + n > this.end) throw new Error(`a field claims ${n} bytes`);
    this.p += n;
    return true;
  }
}

const NO_HEADERS: readonly RecordHeader[] = Object.freeze([]);

/**
 * Decodes the records of a stored Kafka batch whose (decompressed) records section is `plain`,
 * those with offset ≥ `fromOffset`, up to `limit`, into `out`. Keys, values and header values are
 * views into `plain`. A LogAppendTime batch gives every record its maxTimestamp, as Kafka does.
 */
export function decodeKafkaRecords(
  plain: Buffer,
  baseOffset: number,
  fields: KafkaBatchFields,
  fromOffset: number,
  limit: number,
  out: LogRecord[],
): void {
  const r = new Varints(plain, 0, plain.length);
  const appendTime = (fields.attributes & LOG_APPEND_TIME) !== 0;
  for (let i = 0; i < fields.recordCount && r.p < plain.length && limit > 0; i++) {
    const length = r.next();
    const end = r.p + length;
    if (length < 0 || end > plain.length) throw new Error(`record ${i} claims ${length} bytes`);
    const rr = new Varints(plain, r.p + 1, end); // skips the record's attributes byte
    const timestampDelta = rr.next();
    const offset = baseOffset + rr.next();
    r.p = end;
    if (offset < fromOffset) continue;
    const key = rr.bytes();
    const value = rr.bytes();
    const count = rr.next();
    let headers = NO_HEADERS;
    if (count > 0) {
      const list: RecordHeader[] = [];
      for (let h = 0; h < count; h++) {
        const k = rr.bytes();
        if (k === null) throw new Error('a null header key');
        list.push({ key: k.toString('utf8'), value: rr.bytes() });
      }
      headers = list;
    }
    const timestamp = appendTime ? fields.maxTimestamp : fields.baseTimestamp + timestampDelta;
    out.push({ offset, timestamp, key, value, headers });
    limit--;
  }
}

/** What the log checks a produced batch against before storing it. */
export interface KafkaBatchRules {
  /** A compacted topic: every record needs a key. */
  readonly compact: boolean;
  /** Most bytes the records section may decompress to. */
  readonly maxRecordsBytes: number;
}

/**
 * Checks a Kafka batch a producer sent before the log stores it as is: one whole magic-2 batch,
 * its CRC-32C, not transactional or control, lastOffsetDelta + 1 = recordsCount, and every record
 * well formed (decompressing it when compressed) with offset deltas 0, 1, 2, … and, on a compacted
 * topic, a key. So whatever is stored decodes later. Throws LogError INVALID_RECORD or
 * CORRUPT_RECORD naming what is wrong; returns the header fields.
 */
export function checkKafkaBatch(batch: Buffer, rules: KafkaBatchRules): KafkaBatchFields {
  const corrupt = (why: string) =>
    new LogError('CORRUPT_RECORD', `The Kafka record batch is corrupt: ${why}. Nothing was written.`);
  const invalid = (why: string, recordIndex?: number) =>
    new LogError('INVALID_RECORD', `The Kafka record batch is invalid: ${why}. Nothing was written.`, {
      recordIndex,
    });
  if (batch.length < KAFKA_BATCH_OVERHEAD)
    throw corrupt(`${batch.length} bytes is shorter than a batch header`);
  if (batch[16] !== KAFKA_MAGIC) throw invalid(`magic ${batch[16]}; only magic 2 batches are stored`);
  const size = batch.readInt32BE(8) + LOG_OVERHEAD;
  if (size !== batch.length) throw corrupt(`its length field says ${size} bytes, ${batch.length} were sent`);
  if (!kafkaCrcMatches(batch, 0, size)) throw corrupt('the CRC-32C does not match');
  const fields = kafkaBatchFields(batch, 0, size);
  if ((fields.attributes & (TRANSACTIONAL | CONTROL)) !== 0)
    throw invalid('transactional and control batches are not stored as received');
  if (fields.lastOffsetDelta + 1 !== fields.recordCount || fields.recordCount < 1)
    throw invalid(`lastOffsetDelta ${fields.lastOffsetDelta} does not match ${fields.recordCount} records`);
  let plain: Buffer;
  try {
    plain = kafkaRecordsSection(batch, 0, fields, rules.maxRecordsBytes);
  } catch (err) {
    throw corrupt((err as Error).message);
  }
  const r = new Varints(plain, 0, plain.length);
  for (let i = 0; i < fields.recordCount; i++) {
    try {
      if (r.p >= plain.length) throw new Error(`it holds fewer than its ${fields.recordCount} records`);
      const length = r.next();
      const end = r.p + length;
      if (length < 1 || end > plain.length) throw new Error(`record ${i} claims ${length} bytes`);
      const rr = new Varints(plain, r.p + 1, end);
      rr.next(); // timestampDelta
      const delta = rr.next();
      if (delta !== i) throw new Error(`record ${i} has offset delta ${delta}`);
      const hasKey = rr.skipBytes();
      rr.skipBytes();
      const count = rr.next();
      if (count < 0 || count > end - rr.p) throw new Error(`record ${i} claims ${count} headers`);
      for (let h = 0; h < count; h++) {
        if (!rr.skipBytes()) throw new Error(`record ${i} has a null header key`);
        rr.skipBytes();
      }
      if (rr.p !== end) throw new Error(`record ${i} has ${end - rr.p} bytes past its fields`);
      if (rules.compact && !hasKey)
        throw invalid('the topic is compacted (cleanup.policy=compact), so every record needs a key', i);
      r.p = end;
    } catch (err) {
      if (err instanceof LogError) throw err;
      throw corrupt((err as Error).message);
    }
  }
  if (r.p !== plain.length) throw corrupt(`${plain.length - r.p} bytes follow its last record`);
  return fields;
}

/** Makes a checked batch the log's: its base offset, and partitionLeaderEpoch -1 (see the header). */
export function stampKafkaBatch(batch: Buffer, baseOffset: number): void {
  batch.writeInt32BE(Math.floor(baseOffset / TWO_32), 0);
  batch.writeUInt32BE(baseOffset >>> 0, 4);
  batch.writeInt32BE(-1, 12);
}
