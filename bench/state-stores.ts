// State stores: a COUNT-like read-modify-write per record over 100,000 keys, in batches of 1,000,
// each batch committed (changelog records appended to the embedded log, then one lmdb transaction),
// beside the same loop on a plain Map in the same run; then point reads served from lmdb alone.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtinAggregates } from '../src/functions/index.js';
import { SegmentLog } from '../src/log/index.js';
import {
  AggregateCalls,
  aggregateStateCodec,
  type GroupedRecord,
  StreamAggregator,
} from '../src/runtime/aggregate/index.js';
import { StateStores, type ValueCodec } from '../src/runtime/state/index.js';
import { BIGINT, INTEGER } from '../src/types/sql-type.js';

const UPDATES = 200_000;
const KEYS = 100_000;
const BATCH = 1_000;
const ROUNDS = 3;

export interface StoreFigure {
  readonly name: string;
  readonly opsPerSecond: number;
}

const doubleCodec: ValueCodec<number> = {
  encode: (n) => {
    const b = Buffer.allocUnsafe(8);
    b.writeDoubleBE(n);
    return b;
  },
  decode: (b) => b.readDoubleBE(0),
};

/** Keys as a query would hold them: serialized bytes, made once. */
const keys = Array.from({ length: KEYS }, (_, i) => Buffer.from(`key-${i.toString().padStart(6, '0')}`));
const order = Array.from({ length: UPDATES }, (_, i) => (i * 7919) % KEYS);

function mapBaseline(): number {
  const started = performance.now();
  const map = new Map<string, number>();
  for (let i = 0; i < UPDATES; i++) {
    const id = keys[order[i]].toString('latin1');
    map.set(id, (map.get(id) ?? 0) + 1);
  }
  if (map.size !== KEYS) throw new Error('unreachable');
  return UPDATES / ((performance.now() - started) / 1000);
}

/** GROUP BY key with COUNT(*) and SUM(amount) through StreamAggregator, batches committed. */
async function aggregatorRound(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-aggregate-'));
  const log = await SegmentLog.open({ dataDir: join(dir, 'log'), cleanerIntervalMs: 0 });
  try {
    const stores = await StateStores.open({
      log,
      stateDir: join(dir, 'state'),
      applicationId: '_confluent-ksql-bench_query_CTAS_SUMS_0',
      partition: 0,
      partitions: 1,
      stores: [{ name: 'Aggregate-Aggregate-Materialize', kind: 'keyValue' }],
    });
    const calls = new AggregateCalls([
      builtinAggregates.resolve('COUNT', [BIGINT]).create(),
      builtinAggregates.resolve('SUM', [INTEGER]).create(),
    ]);
    const aggregator = new StreamAggregator(
      calls,
      stores.keyValueStore('Aggregate-Aggregate-Materialize', aggregateStateCodec),
    );
    const records: GroupedRecord[] = order.map((k, i) => ({
      key: keys[k],
      keyValues: [k],
      inputs: [BigInt(i), i % 100],
      timestamp: i,
    }));
    const started = performance.now();
    for (let i = 0; i < UPDATES; i += BATCH) {
      aggregator.process(records.slice(i, i + BATCH));
      await stores.commit();
    }
    const rate = UPDATES / ((performance.now() - started) / 1000);
    await stores.close();
    return rate;
  } finally {
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function storeRound(): Promise<{ updates: number; reads: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-state-'));
  const log = await SegmentLog.open({ dataDir: join(dir, 'log'), cleanerIntervalMs: 0 });
  try {
    const stores = await StateStores.open({
      log,
      stateDir: join(dir, 'state'),
      applicationId: '_confluent-ksql-bench_query_CTAS_COUNTS_0',
      partition: 0,
      partitions: 1,
      stores: [{ name: 'Aggregate-Aggregate-Materialize', kind: 'keyValue' }],
    });
    const counts = stores.keyValueStore('Aggregate-Aggregate-Materialize', doubleCodec);
    let started = performance.now();
    for (let i = 0; i < UPDATES; i += BATCH) {
      for (let j = i; j < i + BATCH; j++) {
        const key = keys[order[j]];
        counts.put(key, (counts.get(key) ?? 0) + 1, j);
      }
      await stores.commit();
    }
    const updates = UPDATES / ((performance.now() - started) / 1000);
    started = performance.now();
    let sum = 0;
    for (let i = 0; i < UPDATES; i++) sum += counts.get(keys[order[i]]) ?? 0;
    const reads = UPDATES / ((performance.now() - started) / 1000);
    if (sum !== UPDATES * (UPDATES / KEYS)) throw new Error(`counts are wrong: ${sum}`);
    await stores.close();
    return { updates, reads };
  } finally {
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchStateStores(): Promise<StoreFigure[]> {
  let baseline = 0;
  let updates = 0;
  let reads = 0;
  let aggregated = 0;
  for (let r = 0; r < ROUNDS; r++) {
    baseline = Math.max(baseline, mapBaseline());
    const round = await storeRound();
    updates = Math.max(updates, round.updates);
    reads = Math.max(reads, round.reads);
    aggregated = Math.max(aggregated, await aggregatorRound());
  }
  return [
    { name: 'Map get + set (baseline)', opsPerSecond: baseline },
    { name: 'store get + put, batch commit', opsPerSecond: updates },
    { name: 'store get (cached or lmdb)', opsPerSecond: reads },
    { name: 'GROUP BY COUNT(*), SUM: StreamAggregator', opsPerSecond: aggregated },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const f of await benchStateStores()) {
    console.log(
      `${f.name.padEnd(36)} ${Math.round(f.opsPerSecond).toLocaleString('en-US').padStart(12)} ops/s`,
    );
  }
}
