// Joins end to end over the embedded log. A Nexmark q3-like stream-table join (each event enriched
// by the row of a 100,000-key table, re-keyed by its join column) beside the stateless CSAS of the
// same run over the same events: each query is started and caught up first (the join's table
// loaded into its store), then the events are appended and timed until the query has processed
// them all.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServerConfig } from '../src/config/index.js';
import { KsqlEngine } from '../src/engine/index.js';
import { type ProduceRecord, SegmentLog } from '../src/log/index.js';

const EVENTS = 200_000;
const TABLE_KEYS = Number(process.env.JOIN_BENCH_KEYS ?? 100_000);

export interface JoinFigure {
  readonly name: string;
  readonly recordsPerSecond: number;
}

function events(): ProduceRecord[] {
  const out: ProduceRecord[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const value = {
      CUSTOMER_ID: (i * 7919) % TABLE_KEYS,
      ITEM: ['keyboard', 'mouse', 'monitor', 'laptop stand'][i % 4],
      QTY: 1 + (i % 20),
      PRICE: 9.99 + (i % 100),
      SHIP_TO: `${i % 900} Long Street, Springfield, ${10000 + (i % 89999)}`,
    };
    out.push({
      key: Buffer.from(`o-${i}`),
      value: Buffer.from(JSON.stringify(value)),
      timestamp: 1_700_000_000_000 + i,
    });
  }
  return out;
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

async function run(
  kind: keyof typeof QUERIES,
  input: readonly ProduceRecord[],
  table: readonly ProduceRecord[],
) {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-join-'));
  const log = await SegmentLog.open({ dataDir: dir, cleanerIntervalMs: 0 });
  try {
    const engine = await KsqlEngine.start(
      log,
      loadServerConfig({
        flags: { 'ksql.streams.commit.interval.ms': '100', 'ksql.streams.state.dir': join(dir, 'state') },
        env: {},
      }),
    );
    await engine.execute(
      `CREATE STREAM orders (id STRING KEY, customer_id INT, item STRING, qty INT, price DOUBLE, ship_to STRING)
         WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON', PARTITIONS=1);
       CREATE TABLE customers (id INT PRIMARY KEY, name STRING, city STRING, state STRING)
         WITH (KAFKA_TOPIC='customers', VALUE_FORMAT='JSON', PARTITIONS=1);`,
    );
    for (let i = 0; i < table.length; i += 5000) await log.append('customers', table.slice(i, i + 5000));
    await engine.execute(`SET 'auto.offset.reset'='earliest'; ${QUERIES[kind].sql}`);
    await engine.waitUntilIdle(300_000);
    const start = performance.now();
    for (let i = 0; i < input.length; i += 5000) await log.append('orders', input.slice(i, i + 5000));
    await engine.waitUntilIdle(300_000);
    const seconds = (performance.now() - start) / 1000;
    const produced = await log.endOffset(QUERIES[kind].sink, 0);
    if (produced === 0) throw new Error(`the ${kind} query produced nothing`);
    await engine.close();
    return input.length / seconds;
  } finally {
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
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
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-join-'));
  const log = await SegmentLog.open({ dataDir: dir, cleanerIntervalMs: 0 });
  try {
    const engine = await KsqlEngine.start(
      log,
      loadServerConfig({
        flags: { 'ksql.streams.commit.interval.ms': '100', 'ksql.streams.state.dir': join(dir, 'state') },
        env: {},
      }),
    );
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
    const start = performance.now();
    for (const b of batches) await log.append(b.topic, b.records);
    await engine.waitUntilIdle(300_000);
    const seconds = (performance.now() - start) / 1000;
    const joined = await log.endOffset('SHIPPED', 0);
    const changelogs = (await log.listTopics()).filter((t) => t.endsWith('-store-changelog'));
    let changelogRecords = 0;
    for (const t of changelogs) changelogRecords += await log.endOffset(t, 0);
    await engine.close();
    return {
      recordsPerSecond: (2 * SIDE_EVENTS) / seconds,
      joined,
      stateBytes: directorySize(join(dir, 'state')),
      changelogRecords,
    };
  } finally {
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
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

/** The stream-table join and the stateless CSAS of the same run, best of 3 each. */
export async function benchJoins(): Promise<JoinFigure[]> {
  const input = events();
  const table = customers();
  let csas = 0;
  let streamTable = 0;
  for (let round = 0; round < 3; round++) {
    csas = Math.max(csas, await run('csas', input, table));
    streamTable = Math.max(streamTable, await run('streamTable', input, table));
  }
  return [
    { name: 'CREATE STREAM … AS SELECT (stateless), baseline', recordsPerSecond: csas },
    { name: 'stream-table join, 100,000-key table', recordsPerSecond: streamTable },
  ];
}

/** One run of one query, for profiling (`node --cpu-prof`). */
export async function benchJoinOnce(kind: 'csas' | 'streamTable'): Promise<number> {
  return run(kind, events(), customers());
}

/** Prints the figures, each beside the CSAS baseline of the same run. */
export function printJoinFigures(figures: readonly JoinFigure[]): void {
  console.log(
    `Joins over ~150-byte JSON events, ${EVENTS.toLocaleString('en-US')} events appended to running queries, best of 3 (aim: the stream-table join ≥ 80 % of the CSAS)`,
  );
  for (const [i, f] of figures.entries()) {
    const ratio =
      i === 0
        ? ''
        : `  ${((100 * f.recordsPerSecond) / figures[0].recordsPerSecond).toFixed(0)} % of baseline`;
    console.log(
      `  ${f.name.padEnd(48)} ${Math.round(f.recordsPerSecond).toLocaleString('en-US').padStart(12)} records/s${ratio}`,
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
