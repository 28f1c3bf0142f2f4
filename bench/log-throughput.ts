// Embedded log append/read throughput for 200-byte records in batches, beside raw sequential fs
// write/read of the same payload bytes measured in the same run.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProduceRecord } from '../src/log/index.js';
import { SegmentLog } from '../src/log/index.js';

const RECORDS = 1_000_000;
const BATCH = 1000;
const VALUE_BYTES = 190;
const KEY_BYTES = 10;
const RECORD_BYTES = VALUE_BYTES + KEY_BYTES;

export interface Figure {
  readonly name: string;
  readonly recordsPerSecond: number;
  readonly megabytesPerSecond: number;
}

function figure(name: string, records: number, seconds: number): Figure {
  return {
    name,
    recordsPerSecond: records / seconds,
    megabytesPerSecond: (records * RECORD_BYTES) / seconds / 1e6,
  };
}

function makeBatches(): ProduceRecord[][] {
  const batches: ProduceRecord[][] = [];
  const value = Buffer.alloc(VALUE_BYTES, 'v');
  for (let b = 0; b < RECORDS / BATCH; b++) {
    const batch: ProduceRecord[] = [];
    for (let i = 0; i < BATCH; i++) {
      batch.push({ key: Buffer.from(String(b * BATCH + i).padStart(KEY_BYTES, '0')), value });
    }
    batches.push(batch);
  }
  return batches;
}

function rawWrite(path: string): Figure {
  const chunk = Buffer.alloc(BATCH * RECORD_BYTES, 'r');
  const fd = openSync(path, 'w');
  const start = performance.now();
  let position = 0;
  for (let b = 0; b < RECORDS / BATCH; b++) {
    position += writeSync(fd, chunk, 0, chunk.length, position);
  }
  const seconds = (performance.now() - start) / 1000;
  closeSync(fd);
  return figure('raw fs sequential write', RECORDS, seconds);
}

function rawRead(path: string): Figure {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(1024 * 1024);
  const start = performance.now();
  let position = 0;
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, position);
    if (n === 0) break;
    position += n;
  }
  const seconds = (performance.now() - start) / 1000;
  closeSync(fd);
  return figure('raw fs sequential read', RECORDS, seconds);
}

async function logAppend(log: SegmentLog, batches: ProduceRecord[][]): Promise<Figure> {
  const start = performance.now();
  for (const batch of batches) await log.append('bench', batch);
  await log.flush();
  const seconds = (performance.now() - start) / 1000;
  return figure('log append (batches of 1000)', RECORDS, seconds);
}

async function logRead(log: SegmentLog): Promise<Figure> {
  const start = performance.now();
  let offset = 0;
  let count = 0;
  let checksum = 0;
  const end = await log.endOffset('bench', 0);
  while (offset < end) {
    const r = await log.read('bench', 0, offset, { maxRecords: 100_000, maxBytes: 1024 * 1024 });
    count += r.records.length;
    for (const rec of r.records) checksum += rec.value!.length;
    offset = r.nextOffset;
  }
  const seconds = (performance.now() - start) / 1000;
  if (count !== RECORDS || checksum !== RECORDS * VALUE_BYTES) throw new Error(`read ${count} records`);
  return figure('log read (records decoded)', RECORDS, seconds);
}

/** Best of `rounds`, each round on fresh files, so one noisy moment does not decide the figure. */
export async function benchLog(rounds = 3): Promise<Figure[]> {
  const batches = makeBatches();
  const best = new Map<string, Figure>();
  const keep = (f: Figure) => {
    const prev = best.get(f.name);
    if (prev === undefined || f.recordsPerSecond > prev.recordsPerSecond) best.set(f.name, f);
  };
  for (let round = 0; round < rounds; round++) {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
    try {
      const raw = join(dir, 'raw.bin');
      keep(rawWrite(raw));
      keep(rawRead(raw));
      const log = await SegmentLog.open({ dataDir: join(dir, 'log'), cleanerIntervalMs: 0 });
      await log.createTopic('bench');
      keep(await logAppend(log, batches));
      keep(await logRead(log));
      await log.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return [...best.values()];
}
