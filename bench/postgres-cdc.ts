// PostgreSQL change data capture (io.debezium.connector.postgresql.PostgresConnector) against an
// embedded PostgreSQL 18. Throughput: a backlog of committed inserts read by the task (decode,
// convert, Debezium envelopes) beside, in the same run, the rate the inserts were committed at and
// the raw pgoutput stream read by pg-logical-replication with no conversion. Latency: single-row
// transactions at a modest rate, from issuing the INSERT (autocommit) to the record returned by
// poll, and to the record appended to the log by the embedded worker.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogicalReplicationService, PgoutputPlugin } from 'pg-logical-replication';
import type { SourceRecord, Struct } from '../src/connect/api/index.js';
import { startConnectWorker } from '../src/connect/start-worker.js';
import { setLoggerLevel } from '../src/connect/worker/connect-logger.js';
import { cdcProps } from '../src/connectors/debezium-postgres/cdc-harness.fixture.js';
import { PostgresCdcTask } from '../src/connectors/debezium-postgres/postgres-cdc-task.js';
import { builtinConnectors } from '../src/connectors/index.js';
import { startTestPostgres, type TestPostgres } from '../src/connectors/postgres/test-postgres.fixture.js';
import { SegmentLog } from '../src/log/index.js';

const ROWS = 100_000;
const ROWS_PER_TRANSACTION = 1_000;
const LATENCY_RATE = 200;
const LATENCY_SECONDS = 5;

/** The tests' connector config, with the benchmark's publication, table and snapshot mode. */
function props(db: TestPostgres, name: string, extra: Record<string, string> = {}): Record<string, string> {
  return cdcProps(db, name, {
    'publication.name': 'bench_pub',
    'snapshot.mode': 'never',
    'table.include.list': 'public.orders',
    'poll.interval.ms': '500',
    ...extra,
  });
}

/** A task driven as the worker drives it (commitRecord and commit after each poll), offsets in memory. */
async function startTask(config: Record<string, string>): Promise<PostgresCdcTask> {
  const task = new PostgresCdcTask();
  task.initialize({
    configs: config,
    offsetStorageReader: {
      offset: async () => null,
      offsets: async (ps) => new Map(ps.map((p) => [p, null])),
    },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  await task.start(config);
  return task;
}

async function pollCommitting(task: PostgresCdcTask): Promise<SourceRecord[]> {
  const records = (await task.poll()) ?? [];
  for (const r of records) task.commitRecord(r);
  if (records.length > 0) task.commit();
  return records;
}

async function insertBacklog(db: TestPostgres): Promise<number> {
  const c = await db.client();
  try {
    const started = performance.now();
    for (let from = 1; from <= ROWS; from += ROWS_PER_TRANSACTION) {
      await c.query(
        `insert into orders (id, customer, amount, placed_at)
         select g, 'customer-' || g, g * 1.25, now() from generate_series($1::int, $2::int) g`,
        [from, from + ROWS_PER_TRANSACTION - 1],
      );
    }
    return ROWS / ((performance.now() - started) / 1000);
  } finally {
    await c.end();
  }
}

/** The same backlog read as raw pgoutput messages, parsed but not converted. */
async function rawStream(db: TestPostgres, slot: string): Promise<number> {
  const service = new LogicalReplicationService(
    { host: db.host, port: db.port, user: db.user, password: db.password, database: db.database },
    { acknowledge: { auto: false, timeoutSeconds: 0 } },
  );
  let inserts = 0;
  const started = performance.now();
  const done = new Promise<void>((resolve) => {
    service.on('data', (_lsn: string, message: { tag: string }) => {
      if (message.tag === 'insert' && ++inserts === ROWS) resolve();
    });
  });
  void service.subscribe(new PgoutputPlugin({ protoVersion: 1, publicationNames: ['bench_pub'] }), slot);
  await done;
  const rate = ROWS / ((performance.now() - started) / 1000);
  await service.destroy();
  return rate;
}

async function taskThroughput(db: TestPostgres): Promise<number> {
  const task = await startTask(props(db, 'cdc'));
  try {
    const started = performance.now();
    let count = 0;
    while (count < ROWS) count += (await pollCommitting(task)).length;
    return ROWS / ((performance.now() - started) / 1000);
  } finally {
    await task.stop();
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Issues single-row INSERTs at LATENCY_RATE per second; `issued` maps id → time issued. */
async function steadyInserts(db: TestPostgres, firstId: number, issued: Map<number, number>): Promise<void> {
  const c = await db.client();
  try {
    const total = LATENCY_RATE * LATENCY_SECONDS;
    const started = performance.now();
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / LATENCY_RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const id = firstId + i;
      issued.set(id, performance.now());
      await c.query(`insert into orders (id, customer, amount, placed_at) values ($1, 'c', 1.5, now())`, [
        id,
      ]);
    }
  } finally {
    await c.end();
  }
}

async function pollLatency(db: TestPostgres): Promise<number[]> {
  const task = await startTask(props(db, 'lat'));
  const issued = new Map<number, number>();
  const latencies: number[] = [];
  const firstId = 1_000_000;
  let writing = true;
  const reader = (async () => {
    while (writing || latencies.length < issued.size) {
      const now = () => performance.now();
      for (const r of await pollCommitting(task)) {
        const id = Number(((r.value as Struct).get('after') as Struct).get('id'));
        const at = issued.get(id);
        if (at !== undefined) latencies.push(now() - at);
      }
    }
  })();
  await steadyInserts(db, firstId, issued);
  writing = false;
  await reader;
  await task.stop();
  return latencies;
}

async function workerLatency(db: TestPostgres): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-cdc-'));
  const log = await SegmentLog.open({ dataDir: join(dir, 'data'), cleanerIntervalMs: 0 });
  const worker = await startConnectWorker({
    log,
    properties: {
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
      'offset.flush.interval.ms': '1000',
    },
    connectors: builtinConnectors,
    version: 'bench',
    listen: false,
  });
  const topic = 'wrk.public.orders';
  const issued = new Map<number, number>();
  const latencies: number[] = [];
  try {
    await worker.herder.createConnector('wrk', {
      'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
      ...props(db, 'wrk'),
    });
    // The connector is streaming once its slot is active.
    for (;;) {
      const rows = await db.query(
        `select 1 from pg_replication_slots where slot_name = 'slot_wrk' and active`,
      );
      if (rows.length > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    let writing = true;
    const reader = (async () => {
      let offset = 0;
      while (writing || latencies.length < issued.size) {
        if (!(await log.hasTopic(topic))) {
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        if (!(await log.waitForData(topic, 0, offset, 200))) continue;
        const r = await log.read(topic, 0, offset);
        const now = performance.now();
        for (const x of r.records) {
          const id = JSON.parse(String(x.value)).after.id as number;
          const at = issued.get(id);
          if (at !== undefined) latencies.push(now - at);
        }
        offset = r.nextOffset;
      }
    })();
    await steadyInserts(db, 2_000_000, issued);
    writing = false;
    await reader;
  } finally {
    await worker.close();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return latencies;
}

function latencyLine(name: string, latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  return `  ${name.padEnd(44)} p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms (${sorted.length} rows)`;
}

function rateLine(name: string, rate: number, baseline?: number): string {
  const ratio = baseline === undefined ? '' : `  ${((100 * rate) / baseline).toFixed(0)} % of the raw stream`;
  return `  ${name.padEnd(44)} ${Math.round(rate).toLocaleString('en-US').padStart(10)} rows/s${ratio}`;
}

export async function benchPostgresCdc(): Promise<string[]> {
  setLoggerLevel('root', 'WARN');
  const db = await startTestPostgres();
  try {
    await db.query(
      `create table orders (id int primary key, customer text not null, amount numeric(12,2), placed_at timestamptz)`,
    );
    await db.query('create publication bench_pub for table orders');
    // Both slots exist before the inserts, so each reads the same backlog.
    await db.query(`select pg_create_logical_replication_slot('slot_raw', 'pgoutput')`);
    await db.query(`select pg_create_logical_replication_slot('slot_cdc', 'pgoutput')`);
    const commitRate = await insertBacklog(db);
    const raw = await rawStream(db, 'slot_raw');
    const cdc = await taskThroughput(db);
    const poll = await pollLatency(db);
    const written = await workerLatency(db);
    return [
      `PostgreSQL CDC (pgoutput), ${ROWS.toLocaleString('en-US')} inserted rows in transactions of ${ROWS_PER_TRANSACTION.toLocaleString('en-US')}, 4 columns`,
      rateLine('inserts committed (INSERT … SELECT)', commitRate),
      rateLine('raw pgoutput stream (pg-logical-replication)', raw),
      rateLine('CDC task: records returned by poll', cdc, raw),
      `Latency, single-row transactions at ${LATENCY_RATE}/s for ${LATENCY_SECONDS} s, from issuing the INSERT`,
      latencyLine('to the record returned by poll', poll),
      latencyLine('to the record appended to the log (worker)', written),
    ];
  } finally {
    setLoggerLevel('root', 'INFO');
    await db.close();
  }
}
