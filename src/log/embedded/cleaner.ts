import { closeSync, fdatasyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { LogRecord } from '../types.js';
import type { PartitionLog } from './partition-log.js';
import { type BatchHeader, type BatchInput, decodeBatch, encodeBatch, probeBatch } from './record-batch.js';
import { Segment } from './segment.js';
import type { TopicSettings } from './topic-config.js';

/**
 * Deletes whole closed segments that are past `retention.ms` (by their newest record) or beyond
 * `retention.bytes` (oldest first). The active segment is never deleted, as in Kafka.
 */
export function enforceRetention(log: PartitionLog, settings: TopicSettings, now: number): number {
  let deleted = 0;
  let total = log.sizeBytes;
  while (log.segments.length > 1) {
    const oldest = log.segments[0];
    const expired = settings.retentionMs >= 0 && oldest.maxTimestamp < now - settings.retentionMs;
    const oversize = settings.retentionBytes >= 0 && total - oldest.size >= settings.retentionBytes;
    if (!expired && !oversize) break;
    log.segments.shift();
    oldest.delete();
    total -= oldest.size;
    deleted++;
  }
  if (deleted > 0) log.resetCursors();
  return deleted;
}

const CHUNK = 4 * 1024 * 1024;

/** Visits every batch of a segment with async reads, so appends interleave with the work. */
async function forEachBatch(
  segment: Segment,
  end: number,
  visit: (buf: Buffer, pos: number, header: BatchHeader) => void,
): Promise<void> {
  const handle = await open(segment.logPath, 'r');
  try {
    let position = 0;
    let buf = Buffer.allocUnsafe(CHUNK);
    while (position < end) {
      const { bytesRead } = await handle.read(buf, 0, Math.min(buf.length, end - position), position);
      if (bytesRead === 0) break;
      let pos = 0;
      for (;;) {
        const probe = probeBatch(buf, pos, bytesRead, false);
        if (probe.kind !== 'batch') {
          if (probe.kind === 'incomplete' && pos === 0) buf = Buffer.allocUnsafe(probe.needed);
          if (probe.kind === 'corrupt') return;
          break;
        }
        visit(buf, pos, probe.header);
        pos += probe.header.size;
      }
      position += pos;
    }
  } finally {
    await handle.close();
  }
}

/**
 * Log compaction: rewrites each closed segment keeping, per key, only the latest record (and
 * dropping tombstones once their segment is older than `delete.retention.ms`). The active segment
 * is left alone, so appends never wait; segments are swapped in one synchronous step.
 */
export async function compactPartition(
  log: PartitionLog,
  settings: TopicSettings,
  now: number,
  cancelled: () => boolean,
): Promise<void> {
  if (log.segments.length < 2) return;
  const latest = new Map<string, number>();
  const end = log.endOffset;
  for (const segment of [...log.segments]) {
    const size = segment.size;
    await forEachBatch(segment, size, (buf, pos, header) => {
      const records: LogRecord[] = [];
      decodeBatch(buf, pos, header, 0, header.recordCount, records);
      for (const r of records)
        if (r.key !== null && r.offset < end) latest.set(r.key.toString('latin1'), r.offset);
    });
    if (cancelled()) return;
  }
  const closed = log.segments.slice(0, -1);
  for (const segment of closed) {
    const dropTombstones = segment.maxTimestamp < now - settings.deleteRetentionMs;
    const kept: Buffer[] = [];
    let changed = false;
    await forEachBatch(segment, segment.size, (buf, pos, header) => {
      const records: LogRecord[] = [];
      decodeBatch(buf, pos, header, 0, header.recordCount, records);
      const survivors: BatchInput[] = [];
      for (const r of records) {
        const isLatest = r.key !== null && latest.get(r.key.toString('latin1')) === r.offset;
        if (isLatest && !(r.value === null && dropTombstones)) {
          survivors.push({
            offsetDelta: r.offset - header.baseOffset,
            timestamp: r.timestamp,
            key: r.key === null ? null : Buffer.from(r.key),
            value: r.value === null ? null : Buffer.from(r.value),
            headers: r.headers.map((h) => ({
              key: h.key,
              value: h.value === null ? null : Buffer.from(h.value),
            })),
          });
        }
      }
      if (survivors.length === records.length) {
        kept.push(Buffer.from(buf.subarray(pos, pos + header.size)));
        return;
      }
      changed = true;
      if (survivors.length > 0) kept.push(encodeBatch(header.baseOffset, survivors));
    });
    if (cancelled()) return;
    if (changed) swapSegment(log, segment, kept);
  }
}

/** Replaces a segment's file with the compacted batches, keeping its base offset and end offset. */
function swapSegment(log: PartitionLog, old: Segment, batches: Buffer[]): void {
  const index = log.segments.indexOf(old);
  if (index < 0 || index === log.segments.length - 1) return; // deleted or became active meanwhile
  const cleaned = `${old.logPath}.cleaned`;
  const fd = openSync(cleaned, 'w');
  try {
    let position = 0;
    for (const b of batches) {
      let written = 0;
      while (written < b.length) written += writeAll(fd, b, written, position + written);
      position += b.length;
    }
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const nextOffset = old.nextOffset;
  const created = old.created;
  old.close();
  renameSync(cleaned, old.logPath);
  try {
    unlinkSync(old.indexPath);
  } catch {
    // No index saved yet.
  }
  const { segment } = Segment.open(old.dir, old.baseOffset, false, false);
  // Compaction may remove the last records of a segment; its offset range stays what it was.
  segment.nextOffset = Math.max(segment.nextOffset, nextOffset);
  segment.created = created;
  segment.saveIndex();
  log.segments[index] = segment;
  log.resetCursors();
}

function writeAll(fd: number, b: Buffer, offset: number, position: number): number {
  return writeSync(fd, b, offset, b.length - offset, position);
}
