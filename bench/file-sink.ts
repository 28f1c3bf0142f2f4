// FileStream sink from a topic to a file through the embedded worker (read → convert → put →
// append to the file → commit), beside a raw read of the same topic through the log in the same run.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startConnectWorker } from '../src/connect/start-worker.js';
import { builtinConnectors } from '../src/connectors/index.js';
import { SegmentLog } from '../src/log/index.js';

const RECORDS = 500_000;
const LINE = 'x'.repeat(99);

export interface SinkFigure {
  readonly name: string;
  readonly recordsPerSecond: number;
}

async function rawRead(log: SegmentLog): Promise<number> {
  const start = performance.now();
  let offset = 0;
  let count = 0;
  while (offset < (await log.endOffset('lines', 0))) {
    const r = await log.read('lines', 0, offset);
    count += r.records.length;
    offset = r.nextOffset;
  }
  if (count !== RECORDS) throw new Error(`read ${count} records`);
  return RECORDS / ((performance.now() - start) / 1000);
}

async function sink(log: SegmentLog, dir: string, round: number): Promise<number> {
  const file = join(dir, `out-${round}.txt`);
  const worker = await startConnectWorker({
    log,
    properties: {
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'offset.flush.interval.ms': '1000',
      'config.storage.topic': `configs-${round}`,
      'offset.storage.topic': `offsets-${round}`,
      'status.storage.topic': `status-${round}`,
    },
    connectors: builtinConnectors,
    version: 'bench',
    listen: false,
  });
  try {
    const start = performance.now();
    await worker.herder.createConnector(`sink-${round}`, {
      'connector.class': 'FileStreamSink',
      file,
      topics: 'lines',
    });
    const expected = RECORDS * (LINE.length + 1);
    for (;;) {
      let size = 0;
      try {
        size = statSync(file).size;
      } catch {
        // Not created yet.
      }
      if (size >= expected) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    return RECORDS / ((performance.now() - start) / 1000);
  } finally {
    await worker.close();
  }
}

export async function benchFileSink(): Promise<SinkFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-sink-'));
  const log = await SegmentLog.open({ dataDir: join(dir, 'data'), cleanerIntervalMs: 0 });
  try {
    await log.createTopic('lines');
    const value = Buffer.from(LINE);
    for (let i = 0; i < RECORDS; i += 5000) {
      await log.append(
        'lines',
        Array.from({ length: 5000 }, () => ({ value })),
      );
    }
    let raw = 0;
    let sinkRate = 0;
    for (let round = 0; round < 3; round++) {
      raw = Math.max(raw, await rawRead(log));
      sinkRate = Math.max(sinkRate, await sink(log, dir, round));
    }
    return [
      { name: 'log read, records decoded (baseline)', recordsPerSecond: raw },
      { name: 'FileStream sink, topic to file', recordsPerSecond: sinkRate },
    ];
  } finally {
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
