// Joins end to end over the embedded log. A Nexmark q3-like stream-table join (each event enriched
// by the row of a 100,000-key table, re-keyed by its join column) beside the stateless CSAS of the
// same run over the same events: each query is started and caught up first (the join's table
// loaded into its store), then the events are appended and timed until the query has processed
// them all.
import { readdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { ProduceRecord } from '../src/log/index.js';
import { appendAll, orderRecords, timeUntilIdle, withEngine } from './query-harness.js';

const EVENTS = 200_000;
const TABLE_KEYS = Number(process.env.JOIN_BENCH_KEYS ?? 100_000);

export interface JoinFigure {
  readonly name: string;
  /** Best of the rounds, wall clock. */
  readonly recordsPerSecond: number;
  /** Best of the rounds, per second of the process's CPU time (what the query costs, whatever else runs). */
  readonly recordsPerCpuSecond: number;
  /** The baseline's: each round's ratio to the baseline run just before it, their median. */
  readonly medianRatio?: number;
}

function events(): ProduceRecord[] {
  return orderRecords(EVENTS, (i) => ({
    CUSTOMER_ID: (i * 7919) % TABLE_KEYS,
    ITEM: ['keyboard', 'mouse', 'monitor', 'laptop stand'][i % 4],
    QTY: 1 + (i % 20),
    PRICE: 9.99 + (i % 100),
    SHIP_TO: `${i % 900} Long Street, Springfield, ${10000 + (i % 89999)}`,
  }));
}

function customers(): ProduceRecord[] {
  const out: ProduceRecord[] = [];
  for (let i = 0; i < TABLE_KEYS; i++) {
    const key = Buffer.alloc(4);
    key.writeInt32BE(i);
    const value = {
      NAME: `customer-${i}`,
      CITY: ['Portland', 'Boise', 'Bend'][i % 3],
      STATE: ['OR', 'ID'][i % 2],
    };
    out.push({ key, value: Buffer.from(JSON.stringify(value)), timestamp: 1_600_000_000_000 + i });
  }
  return out;
}

const QUERIES = {
  csas: {
    sql: `CREATE STREAM big AS SELECT id, UCASE(item) AS item, qty * price AS total, qty > 10 AS bulk
          FROM orders WHERE qty >= 5 EMIT CHANGES;`,
    sink: 'BIG',
  },
  streamTable: {
    // Nexmark q3's shape: the event's id and the table row's name, city and state, filtered on both.
    sql: `CREATE STREAM enriched AS SELECT o.customer_id, o.id, c.name, c.city, c.state
          FROM orders o JOIN customers c ON o.customer_id = c.id
          WHERE o.qty >= 5 AND (c.state = 'OR' OR c.state = 'ID' OR c.state = 'CA') EMIT CHANGES;`,
    sink: 'ENRICHED',
  },
} as const;

interface RunFigure {
  readonly recordsPerSecond: number;
  readonly recordsPerCpuSecond: number;
}

async function run(
  kind: keyof typeof QUERIES,
  input: readonly ProduceRecord[],
  table: readonly ProduceRecord[],
): Promise<RunFigure> {
  return withEngine('at_least_once', async ({ log, engine }) => {
    await engine.execute(
      `CREATE STREAM orders (id STRING KEY, customer_id INT, item STRING, qty INT, price DOUBLE, ship_to STRING)
         WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON', PARTITIONS=1);
       CREATE TABLE customers (id INT PRIMARY KEY, name STRING, city STRING, state STRING)
         WITH (KAFKA_TOPIC='customers', VALUE_FORMAT='JSON', PARTITIONS=1);`,
    );
    await appendAll(log, 'customers', table);
    await engine.execute(`SET 'auto.offset.reset'='earliest'; ${QUERIES[kind].sql}`);
    await engine.waitUntilIdle(300_000);
    const { seconds, cpuSeconds } = await timeUntilIdle(engine, () => appendAll(log, 'orders', input));
    const produced = await log.endOffset(QUERIES[kind].sink, 0);
    if (produced === 0) throw new Error(`the ${kind} query produced nothing`);
    return { recordsPerSecond: input.length / seconds, recordsPerCpuSecond: input.length / cpuSeconds };
  });
}

const SIDE_EVENTS = 100_000;
const EVENTS_PER_SECOND = 10_000;

/**
 * Orders and their shipments, 10,000 a second of event time on each side: every shipment comes
 * 0–50 s after its order (within the join's minute), the two sides appended in event-time order.
 */
function orderAndShipmentBatches(): { topic: string; records: ProduceRecord[] }[] {
  const start = 1_700_000_000_000;
  const rows: { topic: string; record: ProduceRecord }[] = [];
  for (let i = 0; i < SIDE_EVENTS; i++) {
    const at = start + Math.floor((i * 1000) / EVENTS_PER_SECOND);
    const key = Buffer.from(`order-${i}`);
    rows.push({
      topic: 'orders',
      record: {
        key,
        value: Buffer.from(JSON.stringify({ ITEM: 'mouse', QTY: 1 + (i % 20), PRICE: 9.99 })),
        timestamp: at,
      },
    });
    const shippedAt = at + ((i * 7919) % 50_000);
    rows.push({
      topic: 'shipments',
      record: {
        key,
        value: Buffer.from(JSON.stringify({ WAREHOUSE: `w-${i % 17}`, CARRIER: 'ups' })),
        timestamp: shippedAt,
      },
    });
  }
  rows.sort((a, b) => (a.record.timestamp ?? 0) - (b.record.timestamp ?? 0));
  const batches: { topic: string; records: ProduceRecord[] }[] = [];
  for (const { topic, record } of rows) {
    const last = batches[batches.length - 1];
    if (last !== undefined && last.topic === topic && last.records.length < 5000) last.records.push(record);
    else batches.push({ topic, records: [record] });
  }
  return batches;
}

function directorySize(path: string): number {
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    total += entry.isDirectory() ? directorySize(full) : statSync(full).size;
  }
  return total;
}

export interface StreamStreamFigure {
  readonly recordsPerSecond: number;
  readonly joined: number;
  readonly stateBytes: number;
  readonly changelogRecords: number;
}

/** A stream-stream INNER JOIN WITHIN 1 MINUTE GRACE PERIOD 1 MINUTE over the orders and shipments above. */
async function runStreamStream(batches: readonly { topic: string; records: ProduceRecord[] }[]) {
  return withEngine('at_least_once', async ({ dir, log, engine }) => {
    await engine.execute(
      `CREATE STREAM orders (id STRING KEY, item STRING, qty INT, price DOUBLE)
         WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON', PARTITIONS=1);
       CREATE STREAM shipments (id STRING KEY, warehouse STRING, carrier STRING)
         WITH (KAFKA_TOPIC='shipments', VALUE_FORMAT='JSON', PARTITIONS=1);
       SET 'auto.offset.reset'='earliest';
       CREATE STREAM shipped AS SELECT o.id, o.qty * o.price AS total, s.warehouse, s.carrier
         FROM orders o JOIN shipments s WITHIN 1 MINUTE GRACE PERIOD 1 MINUTE ON o.id = s.id EMIT CHANGES;`,
    );
    await engine.waitUntilIdle(300_000);
    const { seconds } = await timeUntilIdle(engine, async () => {
      for (const b of batches) await log.append(b.topic, b.records);
    });
    const joined = await log.endOffset('SHIPPED', 0);
    const changelogs = (await log.listTopics()).filter((t) => t.endsWith('-store-changelog'));
    let changelogRecords = 0;
    for (const t of changelogs) changelogRecords += await log.endOffset(t, 0);
    return {
      recordsPerSecond: (2 * SIDE_EVENTS) / seconds,
      joined,
      stateBytes: directorySize(join(dir, 'state')),
      changelogRecords,
    };
  });
}

/** The stream-stream join, best of 3: its rate, what it joined and what its stores hold at the end. */
export async function benchStreamStreamJoin(): Promise<StreamStreamFigure> {
  const batches = orderAndShipmentBatches();
  let best: StreamStreamFigure | undefined;
  for (let round = 0; round < 3; round++) {
    const figure = await runStreamStream(batches);
    if (best === undefined || figure.recordsPerSecond > best.recordsPerSecond) best = figure;
  }
  return best as StreamStreamFigure;
}

const ROUNDS = 5;

/**
 * The stream-table join and the stateless CSAS of the same run, in rounds of one CSAS run then one
 * join run: the best of each, and the median of the rounds' ratios (a load that comes and goes on a
 * shared machine moves one round's pair together more than it moves two bests).
 */
export async function benchJoins(): Promise<JoinFigure[]> {
  const input = events();
  const table = customers();
  const csas: RunFigure[] = [];
  const streamTable: RunFigure[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    csas.push(await run('csas', input, table));
    streamTable.push(await run('streamTable', input, table));
  }
  const best = (runs: RunFigure[], of: keyof RunFigure) => Math.max(...runs.map((r) => r[of]));
  const ratios = streamTable
    .map((r, i) => r.recordsPerSecond / csas[i].recordsPerSecond)
    .sort((a, b) => a - b);
  return [
    {
      name: 'CREATE STREAM … AS SELECT (stateless), baseline',
      recordsPerSecond: best(csas, 'recordsPerSecond'),
      recordsPerCpuSecond: best(csas, 'recordsPerCpuSecond'),
    },
    {
      name: 'stream-table join, 100,000-key table',
      recordsPerSecond: best(streamTable, 'recordsPerSecond'),
      recordsPerCpuSecond: best(streamTable, 'recordsPerCpuSecond'),
      medianRatio: ratios[Math.floor(ratios.length / 2)],
    },
  ];
}

/** One run of one query, for profiling (`node --cpu-prof`). */
export async function benchJoinOnce(kind: 'csas' | 'streamTable'): Promise<RunFigure> {
  return run(kind, events(), customers());
}

/** Prints the figures, each beside the CSAS baseline of the same run, and the load they ran under. */
export function printJoinFigures(figures: readonly JoinFigure[]): void {
  console.log(
    `Joins over ~150-byte JSON events, ${EVENTS.toLocaleString('en-US')} events appended to running queries, best of ${ROUNDS} rounds (aim: the stream-table join ≥ 80 % of the CSAS); load average ${loadavg()[0].toFixed(1)}`,
  );
  const base = figures[0];
  for (const [i, f] of figures.entries()) {
    const percent = (a: number, b: number) => `${((100 * a) / b).toFixed(0)} %`;
    const ratio =
      i === 0
        ? ''
        : `  ${percent(f.recordsPerSecond, base.recordsPerSecond)} of baseline (median of rounds ${percent(f.medianRatio ?? 0, 1)}; per CPU-second ${percent(f.recordsPerCpuSecond, base.recordsPerCpuSecond)})`;
    console.log(
      `  ${f.name.padEnd(48)} ${Math.round(f.recordsPerSecond).toLocaleString('en-US').padStart(12)} records/s ${Math.round(f.recordsPerCpuSecond).toLocaleString('en-US').padStart(9)} per CPU-s${ratio}`,
    );
  }
}

/** Prints the stream-stream figure beside the CSAS rate of the same run. */
export function printStreamStreamFigure(f: StreamStreamFigure, csas: JoinFigure): void {
  console.log(
    `Stream-stream INNER JOIN WITHIN 1 MINUTE GRACE PERIOD 1 MINUTE, ${SIDE_EVENTS.toLocaleString('en-US')} orders and as many shipments at ${EVENTS_PER_SECOND.toLocaleString('en-US')} events/s of event time each, best of 3`,
  );
  console.log(
    `  ${'stream-stream join, both sides'.padEnd(48)} ${Math.round(f.recordsPerSecond).toLocaleString('en-US').padStart(12)} records/s  ${((100 * f.recordsPerSecond) / csas.recordsPerSecond).toFixed(0)} % of the CSAS above`,
  );
  console.log(
    `  joined ${f.joined.toLocaleString('en-US')} rows; state stores at the end: ${(f.stateBytes / 1048576).toFixed(1)} MiB on disk, ${f.changelogRecords.toLocaleString('en-US')} changelog records`,
  );
}

// `node dist/bench/joins.js` runs this benchmark alone.
if (process.argv[1]?.endsWith('/bench/joins.js')) {
  const figures = await benchJoins();
  printJoinFigures(figures);
  printStreamStreamFigure(await benchStreamStreamJoin(), figures[0]);
}
