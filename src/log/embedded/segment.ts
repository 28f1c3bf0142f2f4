import {
  closeSync,
  existsSync,
  fdatasync,
  fdatasyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { LogError } from '../errors.js';
import { type BatchHeader, probeBatch, readInt64 } from './record-batch.js';

/** One index entry a little over this many bytes of batches: sparse, like Kafka's .index. */
const INDEX_INTERVAL_BYTES = 4096;
const SCAN_CHUNK_BYTES = 8 * 1024 * 1024;

export function segmentFileName(baseOffset: number): string {
  return `${String(baseOffset).padStart(20, '0')}.log`;
}

interface IndexFile {
  readonly size: number;
  readonly nextOffset: number;
  readonly maxTimestamp: number;
  readonly created: number;
  readonly offsets: number[];
  readonly positions: number[];
  /** Per entry, the largest timestamp of the batches before it (absent in older index files). */
  readonly timestampsBefore?: number[];
}

/** A time index entry not known (an index file from before there was one): it rules nothing out. */
const UNKNOWN_TIMESTAMP = Number.MAX_SAFE_INTEGER;

/** What recovery found at the end of a segment's valid batches. */
export interface ScanOutcome {
  /** Bytes cut off the end: a half-written batch after a crash. */
  readonly truncatedBytes: number;
  /** Set when bad bytes were found and left in place (a segment in the middle of the log). */
  readonly corruption?: string;
}

/**
 * A segment file: a run of batches starting at `baseOffset`, with a sparse in-memory offset index.
 * A closed segment's index is saved beside it (`.index`), so a restart reads the index instead of
 * scanning the file; the active segment is scanned and checksummed after an unclean shutdown.
 */
export class Segment {
  readonly logPath: string;
  readonly indexPath: string;
  private fd: number;
  /** Bytes of valid batches; the file may be longer only while a write is in flight. */
  size = 0;
  nextOffset: number;
  maxTimestamp = -1;
  created: number;
  /** Position where unreadable bytes start, when recovery left a corrupt middle segment in place. */
  corruptAt: number | undefined;
  corruptReason: string | undefined;
  private readonly indexOffsets: number[] = [];
  private readonly indexPositions: number[] = [];
  /**
   * The time index, beside the offset index: for each entry, the largest timestamp of the batches
   * before it, so a search by time starts at the last entry before which every record is older.
   */
  private readonly indexTimestampsBefore: number[] = [];
  private lastIndexedPosition = -INDEX_INTERVAL_BYTES;
  dirty = false;

  readonly dir: string;
  readonly baseOffset: number;

  private constructor(dir: string, baseOffset: number, fd: number, created: number) {
    this.dir = dir;
    this.baseOffset = baseOffset;
    this.logPath = join(dir, segmentFileName(baseOffset));
    this.indexPath = this.logPath.replace(/\.log$/, '.index');
    this.fd = fd;
    this.nextOffset = baseOffset;
    this.created = created;
  }

  static create(dir: string, baseOffset: number): Segment {
    const path = join(dir, segmentFileName(baseOffset));
    const fd = openSync(path, 'wx+');
    return new Segment(dir, baseOffset, fd, Date.now());
  }

  /**
   * Opens an existing segment. With `trustIndex`, a saved index matching the file's size is used
   * as is; otherwise the file is scanned batch by batch and checksummed. A bad tail is cut off when
   * `truncateBadTail` (the last segment: a torn write); elsewhere it is recorded as corruption.
   */
  static open(
    dir: string,
    baseOffset: number,
    trustIndex: boolean,
    truncateBadTail: boolean,
  ): { segment: Segment; outcome: ScanOutcome } {
    const path = join(dir, segmentFileName(baseOffset));
    const fd = openSync(path, 'r+');
    const fileSize = statSync(path).size;
    const segment = new Segment(dir, baseOffset, fd, statSync(path).birthtimeMs || Date.now());
    if (trustIndex && segment.loadIndex(fileSize)) return { segment, outcome: { truncatedBytes: 0 } };
    const outcome = segment.scan(fileSize, truncateBadTail);
    return { segment, outcome };
  }

  private loadIndex(fileSize: number): boolean {
    if (!existsSync(this.indexPath)) return false;
    let index: IndexFile;
    try {
      index = JSON.parse(readFileSync(this.indexPath, 'utf8')) as IndexFile;
    } catch {
      return false;
    }
    if (index.size !== fileSize || index.offsets.length !== index.positions.length) return false;
    this.size = index.size;
    this.nextOffset = index.nextOffset;
    this.maxTimestamp = index.maxTimestamp;
    this.created = index.created;
    this.indexOffsets.push(...index.offsets);
    this.indexPositions.push(...index.positions);
    const times = index.timestampsBefore;
    if (times !== undefined && times.length === index.offsets.length)
      this.indexTimestampsBefore.push(...times);
    else this.indexTimestampsBefore.push(...index.offsets.map(() => UNKNOWN_TIMESTAMP));
    this.lastIndexedPosition = this.indexPositions.at(-1) ?? -INDEX_INTERVAL_BYTES;
    return true;
  }

  private scan(fileSize: number, truncateBadTail: boolean): ScanOutcome {
    let pos = 0;
    let buf = Buffer.allocUnsafe(Math.min(SCAN_CHUNK_BYTES, Math.max(fileSize, 1)));
    let bufStart = 0;
    let bufEnd = 0;
    let problem: string | undefined;
    while (pos < fileSize) {
      if (pos + 43 > bufEnd || pos < bufStart) {
        bufStart = pos;
        bufEnd = pos + readSync(this.fd, buf, 0, Math.min(buf.length, fileSize - pos), pos);
      }
      const probe = probeBatch(buf, pos - bufStart, bufEnd - bufStart, true);
      if (probe.kind === 'batch') {
        if (probe.header.baseOffset < this.nextOffset) {
          problem = `batch at position ${pos} has offset ${probe.header.baseOffset}, expected at least ${this.nextOffset}`;
          break;
        }
        this.noteBatch(pos, probe.header);
        pos += probe.header.size;
        continue;
      }
      if (probe.kind === 'corrupt') {
        problem = `${probe.reason} at position ${pos}`;
        break;
      }
      // Incomplete in the buffer: either the file ends here (torn tail) or the buffer is too small.
      if (pos + probe.needed > fileSize) {
        problem = `incomplete batch at position ${pos}`;
        break;
      }
      if (probe.needed > buf.length) buf = Buffer.allocUnsafe(probe.needed);
      bufStart = pos;
      bufEnd = pos + readSync(this.fd, buf, 0, Math.min(buf.length, fileSize - pos), pos);
    }
    if (problem === undefined) return { truncatedBytes: 0 };
    if (truncateBadTail) {
      ftruncateSync(this.fd, pos);
      fdatasyncSync(this.fd);
      return { truncatedBytes: fileSize - pos };
    }
    this.corruptAt = pos;
    this.corruptReason = problem;
    return { truncatedBytes: 0, corruption: problem };
  }

  private noteBatch(pos: number, header: BatchHeader): void {
    if (pos - this.lastIndexedPosition >= INDEX_INTERVAL_BYTES) {
      this.indexOffsets.push(header.baseOffset);
      this.indexPositions.push(pos);
      this.indexTimestampsBefore.push(this.maxTimestamp);
      this.lastIndexedPosition = pos;
    }
    this.size = pos + header.size;
    this.nextOffset = header.lastOffset + 1;
    if (header.maxTimestamp > this.maxTimestamp) this.maxTimestamp = header.maxTimestamp;
  }

  /** Appends one encoded batch. On failure the file is cut back so no partial batch remains. */
  append(batch: Buffer, header: BatchHeader): void {
    const start = this.size;
    let written = 0;
    try {
      while (written < batch.length) {
        written += writeSync(this.fd, batch, written, batch.length - written, start + written);
      }
    } catch (err) {
      try {
        ftruncateSync(this.fd, start);
      } catch {
        // The size we track is what counts; a later recovery cuts any leftover bytes.
      }
      throw ioError(err, `appending to ${this.logPath}`);
    }
    this.noteBatch(start, header);
    this.dirty = true;
  }

  /**
   * Cuts the segment back to just before the batch that starts at `offset`: how an aborted
   * transaction's batches, always the newest ones, are taken out again.
   */
  truncateTo(offset: number): void {
    if (offset >= this.nextOffset) return;
    let pos = offset <= this.baseOffset ? 0 : this.lookup(offset);
    const header = Buffer.allocUnsafe(12);
    while (pos < this.size) {
      this.read(header, 12, pos);
      if (readInt64(header, 0) >= offset) break;
      pos += header.readInt32BE(8) + 12;
    }
    try {
      ftruncateSync(this.fd, pos);
    } catch (err) {
      throw ioError(err, `truncating ${this.logPath}`);
    }
    this.size = pos;
    this.nextOffset = offset;
    while (this.indexPositions.length > 0 && this.indexPositions[this.indexPositions.length - 1] >= pos) {
      this.indexPositions.pop();
      this.indexOffsets.pop();
      this.indexTimestampsBefore.pop();
    }
    this.lastIndexedPosition = this.indexPositions.at(-1) ?? -INDEX_INTERVAL_BYTES;
    this.dirty = true;
  }

  /** The position of the batch holding `offset`, or of the last batch before it. */
  lookup(offset: number): number {
    const offsets = this.indexOffsets;
    let lo = 0;
    let hi = offsets.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (offsets[mid] <= offset) {
        found = this.indexPositions[mid];
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /**
   * Where a search for the first record at or after `timestamp` may start: the offset of the last
   * index entry before which every batch is older (the segment's base offset when none is).
   */
  lookupTime(timestamp: number): number {
    const times = this.indexTimestampsBefore;
    let lo = 0;
    let hi = times.length - 1;
    let found = this.baseOffset;
    // The largest timestamp before an entry only grows along the segment: a binary search holds.
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (times[mid] < timestamp) {
        found = this.indexOffsets[mid];
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  read(buf: Buffer, length: number, position: number): number {
    try {
      return readSync(this.fd, buf, 0, length, position);
    } catch (err) {
      throw ioError(err, `reading ${this.logPath}`);
    }
  }

  flush(): void {
    if (!this.dirty) return;
    try {
      fdatasyncSync(this.fd);
    } catch (err) {
      throw ioError(err, `flushing ${this.logPath}`);
    }
    this.dirty = false;
  }

  /**
   * Flushes on libuv's thread pool, so a large flush does not stall the event loop (appends,
   * reads, HTTP) as a synchronous fdatasync would. Used by the interval flusher; errors are
   * reported to `onError` and the segment stays dirty for the next try.
   */
  flushInBackground(onError: (err: LogError) => void): Promise<void> {
    if (!this.dirty || this.fd < 0) return Promise.resolve();
    this.dirty = false;
    const fd = this.fd;
    return new Promise((resolve) => {
      fdatasync(fd, (err) => {
        if (err !== null && this.fd === fd) {
          this.dirty = true;
          onError(ioError(err, `flushing ${this.logPath}`));
        }
        resolve();
      });
    });
  }

  /** Saves the sparse index so a restart need not scan this segment. */
  saveIndex(): void {
    const index: IndexFile = {
      size: this.size,
      nextOffset: this.nextOffset,
      maxTimestamp: this.maxTimestamp,
      created: this.created,
      offsets: this.indexOffsets,
      positions: this.indexPositions,
      timestampsBefore: this.indexTimestampsBefore,
    };
    const tmp = `${this.indexPath}.tmp`;
    writeFileSync(tmp, JSON.stringify(index));
    renameSync(tmp, this.indexPath);
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }

  delete(): void {
    this.close();
    for (const path of [this.logPath, this.indexPath]) {
      try {
        unlinkSync(path);
      } catch {
        // Already gone.
      }
    }
  }
}

export function ioError(err: unknown, doing: string): LogError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG') {
    return new LogError(
      'DISK_FULL',
      `The disk is full (${code}) while ${doing}. Nothing was written; free space or lower retention, then retry.`,
      { cause: err },
    );
  }
  return new LogError('IO_ERROR', `I/O error ${code ?? ''} while ${doing}: ${(err as Error).message}`, {
    cause: err,
  });
}
