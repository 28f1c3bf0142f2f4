import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { LogError } from '../errors.js';
import { ReadCursor } from '../read-cursor.js';
import type { KafkaBatchesResult, LogRecord, ReadOptions, ReadResult, StoredBatches } from '../types.js';
import { type BatchHeader, decodeBatch, probeBatch, recordsSection } from './record-batch.js';
import { Segment } from './segment.js';

const DEFAULT_MAX_RECORDS = 10_000;
const DEFAULT_MAX_BYTES = 1024 * 1024;
/** Fewest bytes a stored-batch read asks the file for: a batch header and then some. */
const BATCH_PROBE_BYTES = 4096;

export interface PartitionSettings {
  readonly segmentBytes: number;
  readonly segmentMs: number;
}

export interface RecoveryReport {
  readonly truncatedBytes: number;
  readonly corruptSegments: string[];
}

interface Waiter {
  readonly offset: number;
  readonly wake: (hasData: boolean) => void;
}

/**
 * One partition: an ordered run of segments, the last of which takes appends. One writer at a time
 * (the process holding the data dir); any number of readers, which only ever see whole batches
 * because `size` and `nextOffset` move after a batch is fully written.
 */
export class PartitionLog {
  segments: Segment[] = [];
  private waiters: Waiter[] = [];
  /** Average stored bytes per record, from appends: sizes reads to what maxRecords needs. */
  private bytesPerRecord = 256;
  /** The place of reads that bring no cursor of their own (one-off reads, the REST API). */
  private readonly sharedCursor = new ReadCursor();
  /** Bumped when segments change under the readers: every cursor older than it starts over. */
  private generation = 0;
  /**
   * Where DeleteRecords moved the log's start (Kafka's log start offset), kept in a file beside the
   * segments; records before it are gone for readers even while their segment still holds them.
   */
  private deletedBefore = 0;

  readonly topic: string;
  readonly partition: number;
  readonly dir: string;

  private constructor(topic: string, partition: number, dir: string) {
    this.topic = topic;
    this.partition = partition;
    this.dir = dir;
  }

  static open(
    topic: string,
    partition: number,
    dir: string,
    cleanShutdown: boolean,
  ): { log: PartitionLog; report: RecoveryReport } {
    mkdirSync(dir, { recursive: true });
    const log = new PartitionLog(topic, partition, dir);
    const bases = readdirSync(dir)
      .filter((f) => /^\d{20}\.log$/.test(f))
      .map((f) => Number(f.slice(0, 20)))
      .sort((a, b) => a - b);
    let truncatedBytes = 0;
    const corruptSegments: string[] = [];
    bases.forEach((base, i) => {
      const last = i === bases.length - 1;
      // Closed segments were flushed and indexed when they were rolled; only the active one can
      // have a torn tail after a crash.
      const { segment, outcome } = Segment.open(dir, base, cleanShutdown || !last, last);
      truncatedBytes += outcome.truncatedBytes;
      if (outcome.corruption !== undefined) corruptSegments.push(`${segment.logPath}: ${outcome.corruption}`);
      log.segments.push(segment);
    });
    if (log.segments.length === 0) log.segments.push(Segment.create(dir, 0));
    log.deletedBefore = readLogStart(dir);
    // A DeleteRecords the process died in the middle of: its start was saved, its segments not yet dropped.
    log.dropSegmentsBeforeStart();
    return { log, report: { truncatedBytes, corruptSegments } };
  }

  get active(): Segment {
    return this.segments[this.segments.length - 1];
  }

  get beginningOffset(): number {
    return Math.min(Math.max(this.segments[0].baseOffset, this.deletedBefore), this.endOffset);
  }

  /**
   * Moves the log start offset to `offset` (at most the end offset) durably, then deletes the
   * segments wholly before it; the active one is rolled first when nothing in it is kept. Returns
   * the new log start offset.
   */
  deleteRecordsBefore(offset: number): number {
    const end = this.endOffset;
    if (offset > end) {
      throw new LogError(
        'OFFSET_OUT_OF_RANGE',
        `Cannot delete records of ${this.topic}-${this.partition} before offset ${offset}: its end offset is ${end}. Use an offset up to ${end} (the end deletes every record).`,
      );
    }
    if (offset <= this.beginningOffset) return this.beginningOffset;
    writeLogStart(this.dir, offset);
    this.deletedBefore = offset;
    if (this.active.size > 0 && this.active.nextOffset <= offset) this.roll();
    this.dropSegmentsBeforeStart();
    return this.beginningOffset;
  }

  /**
   * The first record at or after `timestamp` (Kafka's ListOffsets by time), found through the time
   * index: segments whose records are all older are skipped without reading, and within the first
   * other one the read starts at the last index entry before which every record is older.
   */
  offsetForTimestamp(timestamp: number): { offset: number; timestamp: number } | undefined {
    const start = this.beginningOffset;
    const cursor = new ReadCursor();
    for (let i = this.segmentIndexFor(start); i < this.segments.length; i++) {
      const segment = this.segments[i];
      if (segment.maxTimestamp < timestamp || segment.nextOffset <= start) continue;
      const end = segment.nextOffset;
      let offset = Math.max(segment.lookupTime(timestamp), start);
      while (offset < end) {
        const { records, nextOffset } = this.read(offset, { maxRecords: 1000, cursor });
        for (const r of records)
          if (r.timestamp >= timestamp) return { offset: r.offset, timestamp: r.timestamp };
        if (nextOffset <= offset) break;
        offset = nextOffset;
      }
    }
    return undefined;
  }

  private dropSegmentsBeforeStart(): void {
    let dropped = false;
    while (this.segments.length > 1 && this.segments[1].baseOffset <= this.deletedBefore) {
      this.segments.shift()!.delete();
      dropped = true;
    }
    if (dropped) this.resetCursors();
  }

  get endOffset(): number {
    return this.active.nextOffset;
  }

  get sizeBytes(): number {
    let size = 0;
    for (const s of this.segments) size += s.size;
    return size;
  }

  /** Appends an encoded batch, rolling to a new segment first when the active one is full or old. */
  append(batch: Buffer, header: BatchHeader, settings: PartitionSettings, now: number): void {
    const active = this.active;
    if (
      active.size > 0 &&
      (active.size + batch.length > settings.segmentBytes || now - active.created >= settings.segmentMs)
    ) {
      this.roll();
    }
    this.active.append(batch, header);
    this.bytesPerRecord = (this.bytesPerRecord * 7 + batch.length / Math.max(1, header.recordCount)) / 8;
    this.wakeWaiters();
  }

  /**
   * Drops every record at or after `offset`, which must start a batch: the newest batches, written
   * by a transaction that did not commit. Segments that start there go entirely.
   */
  truncateTo(offset: number): void {
    if (offset >= this.endOffset) return;
    if (this.deletedBefore > offset) {
      writeLogStart(this.dir, offset);
      this.deletedBefore = offset;
    }
    while (this.segments.length > 1 && this.active.baseOffset >= offset) this.segments.pop()!.delete();
    this.active.truncateTo(offset);
    this.resetCursors();
  }

  roll(): void {
    const old = this.active;
    old.flush();
    old.saveIndex();
    this.segments.push(Segment.create(this.dir, old.nextOffset));
  }

  read(offset: number, options: ReadOptions | undefined): ReadResult {
    const cursor = cursorState(options?.cursor ?? this.sharedCursor, this, this.generation);
    const maxRecords = options?.maxRecords ?? DEFAULT_MAX_RECORDS;
    const maxBytes = options?.maxBytes ?? DEFAULT_MAX_BYTES;
    const end = this.endOffset;
    this.checkRange(offset, end);
    const records: LogRecord[] = [];
    let next = offset;
    let index = this.segmentIndexFor(offset);
    while (next < end && records.length === 0 && index < this.segments.length) {
      const segment = this.segments[index];
      next = this.readSegment(cursor, segment, next, maxRecords, maxBytes, records);
      if (records.length === 0) {
        // The rest of this segment was compacted away: go on with the next one.
        index++;
        if (index < this.segments.length) next = Math.max(next, this.segments[index].baseOffset);
      }
    }
    return { records, nextOffset: next, endOffset: end };
  }

  /**
   * Whole batches from the one holding `offset`, about `maxBytes` of them (at least one): stored
   * Kafka batches as views of the bytes read (a run of them in one view), the log's own batches
   * decoded to records. What a Kafka fetch sends; CRCs are checked as on `read`.
   */
  readStored(offset: number, options: Omit<ReadOptions, 'maxRecords'> | undefined): KafkaBatchesResult {
    const cursor = cursorState(options?.cursor ?? this.sharedCursor, this, this.generation);
    const maxBytes = options?.maxBytes ?? DEFAULT_MAX_BYTES;
    const end = this.endOffset;
    this.checkRange(offset, end);
    const chunks: StoredBatches[] = [];
    let next = offset;
    let index = this.segmentIndexFor(offset);
    while (next < end && chunks.length === 0 && index < this.segments.length) {
      next = this.readSegmentStored(cursor, this.segments[index], next, maxBytes, chunks);
      if (chunks.length === 0) {
        index++;
        if (index < this.segments.length) next = Math.max(next, this.segments[index].baseOffset);
      }
    }
    return { chunks, nextOffset: next, endOffset: end };
  }

  private checkRange(offset: number, end: number): void {
    if (offset < this.beginningOffset || offset > end) {
      throw new LogError(
        'OFFSET_OUT_OF_RANGE',
        `Offset ${offset} is out of range for ${this.topic}-${this.partition}: valid offsets are ${this.beginningOffset} to ${end}. Read from the beginning or the end instead.`,
      );
    }
  }

  private readSegmentStored(
    cursor: CursorState,
    segment: Segment,
    offset: number,
    maxBytes: number,
    out: StoredBatches[],
  ): number {
    // A sequential read starts where the last one stopped (the start of a batch, partial or not).
    const sequential = cursor.segment === segment && cursor.offset === offset;
    cursor.partial = undefined;
    const position = sequential ? cursor.position : segment.lookup(offset);
    const limit = segment.corruptAt ?? segment.size;
    if (position >= limit) {
      if (segment.corruptAt !== undefined && offset < segment.nextOffset)
        throw this.corruptError(segment, offset);
      return segment.nextOffset;
    }
    let length = Math.min(Math.max(maxBytes, BATCH_PROBE_BYTES), limit - position);
    let buf = Buffer.allocUnsafe(length);
    let got = segment.read(buf, length, position);
    let pos = 0;
    let next = offset;
    let taken = 0; // bytes of the batches returned
    let run = -1; // start of the current run of stored Kafka batches in buf
    const endRun = () => {
      if (run >= 0) out.push({ kind: 'kafka', bytes: buf.subarray(run, pos) });
      run = -1;
    };
    while (pos < got) {
      const probe = probeBatch(buf, pos, got, true);
      if (probe.kind === 'incomplete') {
        if (pos > 0 || position + probe.needed > limit) break;
        // A first batch larger than maxBytes: read it whole, at least one batch is returned.
        length = probe.needed;
        buf = Buffer.allocUnsafe(length);
        got = segment.read(buf, length, position);
        continue;
      }
      if (probe.kind === 'corrupt') throw this.corruptError(segment, next, probe.reason);
      const header = probe.header;
      if (header.lastOffset < next) {
        endRun();
        pos += header.size;
        continue;
      }
      if (taken > 0 && taken + header.size > maxBytes) break;
      taken += header.size;
      if (header.kafka !== undefined) {
        if (run < 0) run = pos;
      } else {
        endRun();
        const records: LogRecord[] = [];
        decodeBatch(buf, pos, header, next, header.recordCount, records);
        out.push({ kind: 'records', records, baseOffset: next, nextOffset: header.lastOffset + 1 });
      }
      next = header.lastOffset + 1;
      pos += header.size;
    }
    endRun();
    if (pos >= got && position + got >= limit && segment.corruptAt === undefined) {
      next = Math.max(next, segment.nextOffset);
    }
    cursor.segment = segment;
    cursor.offset = next;
    cursor.position = position + pos;
    return next;
  }

  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid].baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Reads whole batches from one segment into `out`; returns the offset to read from next. */
  private readSegment(
    cursor: CursorState,
    segment: Segment,
    offset: number,
    maxRecords: number,
    maxBytes: number,
    out: LogRecord[],
  ): number {
    const sequential = cursor.segment === segment && cursor.offset === offset;
    const partial = cursor.partial;
    cursor.partial = undefined;
    if (sequential && partial?.segment === segment)
      return readPartial(cursor, partial, offset, maxRecords, out);
    const position = sequential ? cursor.position : segment.lookup(offset);
    const limit = segment.corruptAt ?? segment.size;
    if (position >= limit) {
      if (segment.corruptAt !== undefined && offset < segment.nextOffset)
        throw this.corruptError(segment, offset);
      return segment.nextOffset;
    }
    // Read about what maxRecords needs, not always maxBytes: a reader asking for 2,000 records of
    // 100 bytes must not read (and fault in) a megabyte each time.
    const wanted = Math.max(4096, Math.ceil(maxRecords * this.bytesPerRecord * 1.1));
    let length = Math.min(maxBytes, wanted, limit - position);
    let buf = Buffer.allocUnsafe(Math.max(length, 64));
    let got = segment.read(buf, length, position);
    let pos = 0;
    let next = offset;
    while (out.length < maxRecords) {
      const probe = probeBatch(buf, pos, got, true);
      if (probe.kind === 'incomplete') {
        if (pos > 0 || position + probe.needed > limit) break;
        // A single batch larger than maxBytes: read it whole, at least one batch is returned.
        length = probe.needed;
        buf = Buffer.allocUnsafe(length);
        got = segment.read(buf, length, position);
        continue;
      }
      if (probe.kind === 'corrupt') throw this.corruptError(segment, next, probe.reason);
      const header = probe.header;
      if (header.lastOffset >= next) {
        const before = out.length;
        const section = recordsSection(buf, pos, header);
        decodeBatch(buf, pos, header, next, maxRecords - out.length, out, section);
        if (out.length - before > 0 && out.length === maxRecords) {
          next = out[out.length - 1].offset + 1;
          if (next > header.lastOffset) pos += header.size;
          else cursor.partial = { segment, buf, pos, header, section };
          break;
        }
        next = header.lastOffset + 1;
      }
      pos += header.size;
      if (pos >= got) break;
    }
    if (pos >= got && position + got >= limit && segment.corruptAt === undefined) {
      next = Math.max(next, segment.nextOffset);
    }
    cursor.segment = segment;
    cursor.offset = next;
    cursor.position = position + pos;
    return next;
  }

  private corruptError(segment: Segment, offset: number, reason?: string): LogError {
    return new LogError(
      'CORRUPT_RECORD',
      `Corrupt data in ${this.topic}-${this.partition} at offset ${offset} (${reason ?? segment.corruptReason ?? 'unreadable'}; file ${segment.logPath}). ` +
        `Other partitions are unaffected; read from offset ${segment.nextOffset} to skip the damaged segment.`,
    );
  }

  /** Invalidates every reader's sequential-read shortcut after segments change under it. */
  resetCursors(): void {
    this.generation++;
  }

  waitForData(offset: number, timeoutMs: number, signal: AbortSignal | undefined): Promise<boolean> {
    if (this.endOffset > offset) return Promise.resolve(true);
    if (timeoutMs <= 0 || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        offset,
        wake: (hasData) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(hasData);
        },
      };
      const remove = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
      };
      const onAbort = () => {
        remove();
        waiter.wake(false);
      };
      const timer = setTimeout(onAbort, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private wakeWaiters(): void {
    if (this.waiters.length === 0) return;
    const end = this.endOffset;
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) {
      if (end > w.offset) w.wake(true);
      else this.waiters.push(w);
    }
  }

  flush(): void {
    this.active.flush();
  }

  flushInBackground(onError: (err: LogError) => void): Promise<void> {
    return this.active.flushInBackground(onError);
  }

  close(): void {
    for (const w of this.waiters) w.wake(false);
    this.waiters = [];
    for (const s of this.segments) s.close();
  }

  /** Flushes and indexes every segment so the next start needs no recovery scan. */
  closeCleanly(): void {
    for (const s of this.segments) {
      s.flush();
      s.saveIndex();
    }
    this.close();
  }
}

/** The batch a read stopped inside, already read and checked. */
interface PartialBatch {
  readonly segment: Segment;
  readonly buf: Buffer;
  readonly pos: number;
  readonly header: BatchHeader;
  /** A stored Kafka batch's records section, decompressed once for all the reads it takes. */
  readonly section: Buffer | undefined;
}

/** One reader's place in one partition: what lets its next sequential read skip the index lookup. */
interface CursorState {
  readonly partition: PartitionLog;
  readonly generation: number;
  segment: Segment | undefined;
  offset: number;
  position: number;
  /**
   * The batch the last read stopped inside (maxRecords fewer than the batch holds): the next
   * sequential read decodes the rest from it instead of reading the batch from the file and
   * checking its CRC again.
   */
  partial: PartialBatch | undefined;
}

/** The cursor's state for this partition, started over when it was another's or is older than the segments. */
function cursorState(cursor: ReadCursor, partition: PartitionLog, generation: number): CursorState {
  const held = cursor.state as CursorState | undefined;
  if (held !== undefined && held.partition === partition && held.generation === generation) return held;
  const fresh: CursorState = {
    partition,
    generation,
    segment: undefined,
    offset: -1,
    position: 0,
    partial: undefined,
  };
  cursor.state = fresh;
  return fresh;
}

/** Decodes on from the batch a read stopped inside; the cursor moves past it once it is used up. */
function readPartial(
  cursor: CursorState,
  partial: PartialBatch,
  offset: number,
  maxRecords: number,
  out: LogRecord[],
): number {
  const { header } = partial;
  decodeBatch(partial.buf, partial.pos, header, offset, maxRecords - out.length, out, partial.section);
  const next = out.length > 0 ? out[out.length - 1].offset + 1 : header.lastOffset + 1;
  if (next > header.lastOffset) {
    cursor.position += header.size;
    cursor.offset = header.lastOffset + 1;
    return header.lastOffset + 1;
  }
  cursor.partial = partial;
  cursor.offset = next;
  return next;
}

const LOG_START_FILE = 'log-start-offset';

function readLogStart(dir: string): number {
  const path = join(dir, LOG_START_FILE);
  if (!existsSync(path)) return 0;
  const n = Number(readFileSync(path, 'utf8').trim());
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

/** Written to a temporary file, synced and renamed over the old one: a crash leaves the old or the new start. */
function writeLogStart(dir: string, offset: number): void {
  const path = join(dir, LOG_START_FILE);
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, String(offset));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
