// What the query benchmarks share: an engine over a fresh embedded log, order-like JSON records, and
// timing until the running queries have processed everything (wall clock and the process's CPU).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServerConfig } from '../src/config/index.js';
import { KsqlEngine } from '../src/engine/index.js';
import { type ProduceRecord, SegmentLog } from '../src/log/index.js';

export interface BenchEngine {
  readonly dir: string;
  readonly log: SegmentLog;
  readonly engine: KsqlEngine;
}

/**
 * Runs `body` with an engine over a new embedded log in a temporary directory, removed after. Queries
 * commit every 100 ms (Kafka Streams' interval under exactly-once, so both guarantees compare) unless
 * `flags` says otherwise ({} = the server's defaults).
 */
export async function withEngine<T>(
  guarantee: 'at_least_once' | 'exactly_once_v2',
  body: (bench: BenchEngine) => Promise<T>,
  flags: Readonly<Record<string, string>> = { 'ksql.streams.commit.interval.ms': '100' },
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-query-'));
  const log = await SegmentLog.open({ dataDir: dir, cleanerIntervalMs: 0 });
  try {
    const engine = await KsqlEngine.start(
      log,
      loadServerConfig({
        flags: {
          ...flags,
          'ksql.streams.processing.guarantee': guarantee,
          'ksql.streams.state.dir': join(dir, 'state'),
        },
        env: {},
      }),
    );
    try {
      return await body({ dir, log, engine });
    } finally {
      await engine.close();
    }
  } finally {
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `count` records keyed `o-<i>`, 1 ms apart from 1,700,000,000,000, each value `value(i)` as JSON. */
export function orderRecords(count: number, value: (i: number) => object): ProduceRecord[] {
  const out: ProduceRecord[] = [];
  for (let i = 0; i < count; i++) {
    out.push({
      key: Buffer.from(`o-${i}`),
      value: Buffer.from(JSON.stringify(value(i))),
      timestamp: 1_700_000_000_000 + i,
    });
  }
  return out;
}

/** Appends in 5,000-record batches, as a producer's batches would arrive. */
export async function appendAll(
  log: SegmentLog,
  topic: string,
  records: readonly ProduceRecord[],
): Promise<void> {
  for (let i = 0; i < records.length; i += 5000) await log.append(topic, records.slice(i, i + 5000));
}

export interface Timing {
  readonly seconds: number;
  /** CPU time of the whole process (every thread: V8's collector, lmdb, the log's I/O) meanwhile. */
  readonly cpuSeconds: number;
}

/** Runs `work` (which appends input or starts a query), then waits until every query is idle. */
export async function timeUntilIdle(engine: KsqlEngine, work: () => Promise<unknown>): Promise<Timing> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  await engine.waitUntilIdle(300_000);
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

/**
 * Runs `work` (which starts queries), waits until every query has processed `count` records, then
 * stops them, which commits (and flushes what a record cache holds): the time to process and commit
 * everything, without waiting for the next commit interval.
 */
export async function timeUntilProcessed(
  engine: KsqlEngine,
  count: number,
  work: () => Promise<unknown>,
): Promise<Timing> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const queries = engine.queries.all().map((q) => q.query);
  while (queries.some((q) => q.processed < count && q.state === 'RUNNING'))
    await new Promise((resolve) => setTimeout(resolve, 5));
  for (const q of queries) await q.stop();
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}
