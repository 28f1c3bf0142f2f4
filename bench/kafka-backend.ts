// CSAS throughput on the Kafka backend (KafkaLog over a real Apache Kafka 4.1 broker from test/e2e's
// fixture) beside the same query on the embedded log in the same run, as the baseline: a CREATE STREAM
// … AS SELECT (a WHERE and three projected expressions) over ~200-byte JSON records, from the first
// input record to the last output record visible; each backend's median of 3 rounds after a warm-up
// round, alternating. The aim: Kafka ≥ 50 % of embedded.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServerConfig } from '../src/config/index.js';
import { KsqlEngine } from '../src/engine/index.js';
import { KafkaLog, type Log, type ProduceRecord, SegmentLog } from '../src/log/index.js';
import { kafkaBroker, startKafkaBroker } from '../test/e2e/kafka-broker.fixture.js';

const RECORDS = 100_000;
const OUTPUTS = (RECORDS * 16) / 20;

export interface BackendFigure {
  readonly name: string;
  readonly recordsPerSecond: number;
}

function makeRecords(): ProduceRecord[] {
  // Times of now: the broker's retention (7 days) would delete records of long ago while the bench runs.
  const now = Date.now();
  return Array.from({ length: RECORDS }, (_, i) => ({
    key: Buffer.from(`o-${i}`),
    value: Buffer.from(
      JSON.stringify({
        ORDER_ID: 1_000_000 + i,
        CUSTOMER: `customer-${i % 5000}`,
        ITEM: ['keyboard', 'mouse', 'monitor', 'laptop stand'][i % 4],
        QTY: 1 + (i % 20),
        PRICE: 9.99 + (i % 100),
        SHIP_TO: `${i % 900} Long Street, Springfield, ${10000 + (i % 89999)}`,
      }),
    ),
    timestamp: now + i,
  }));
}

/** Rounds measured per backend (after one warm-up round each), alternating embedded and Kafka. */
const ROUNDS = 3;

/** An engine over `log` with the `orders` stream and its records in place. */
async function prepare(log: Log, records: readonly ProduceRecord[], dataDir: string): Promise<KsqlEngine> {
  const engine = await KsqlEngine.start(
    log,
    loadServerConfig({
      // ksqlDB's default commit interval (2 s) on both.
      flags: { 'sluice.data.dir': dataDir },
      env: {},
    }),
  );
  await engine.execute(
    `CREATE STREAM orders (id STRING KEY, order_id BIGINT, customer STRING, item STRING, qty INT, price DOUBLE, ship_to STRING)
       WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON', PARTITIONS=1);`,
  );
  for (let i = 0; i < records.length; i += 5000) await log.append('orders', records.slice(i, i + 5000));
  return engine;
}

/** One CSAS over every record of `orders` (a new sink each round): records per second until idle. */
async function csas(engine: KsqlEngine, log: Log, round: number): Promise<number> {
  const start = performance.now();
  await engine.execute(
    `SET 'auto.offset.reset'='earliest';
     CREATE STREAM big_${round} AS SELECT id, UCASE(customer) AS customer, qty * price AS total, qty > 10 AS bulk
       FROM orders WHERE qty >= 5 EMIT CHANGES;`,
  );
  // Until the last output record is visible (QTY ≥ 5: 16 records in 20 pass the WHERE), waiting on
  // the log's own notifications rather than polling the queries' lag.
  const sink = `BIG_${round}`;
  for (let end = await log.endOffset(sink, 0); end < OUTPUTS; end = await log.endOffset(sink, 0))
    if (!(await log.waitForData(sink, 0, end, 60_000)))
      throw new Error(`${sink} holds ${end} records after a minute, not ${OUTPUTS}`);
  const seconds = (performance.now() - start) / 1000;
  return RECORDS / seconds;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Embedded and Kafka side by side: a warm-up round on each (JIT, and Kafka's first group
 * coordinator use, which creates __consumer_offsets), then ROUNDS rounds alternating between them;
 * each figure is its backend's median round. Or why the Kafka figure could not be measured.
 */
export async function benchKafkaBackend(): Promise<BackendFigure[] | string> {
  if (kafkaBroker.missing !== undefined) return `not measured: ${kafkaBroker.missing}`;
  const records = makeRecords();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-backend-'));
  const broker = await startKafkaBroker();
  const logs: Log[] = [];
  const engines: KsqlEngine[] = [];
  try {
    const embedded = await SegmentLog.open({ dataDir: join(dir, 'log'), cleanerIntervalMs: 0 });
    logs.push(embedded);
    const kafka = await KafkaLog.open({ bootstrapServers: [broker.bootstrap], replicationFactor: 1 });
    logs.push(kafka);
    const onEmbedded = await prepare(embedded, records, join(dir, 'embedded'));
    engines.push(onEmbedded);
    const onKafka = await prepare(kafka, records, join(dir, 'kafka'));
    engines.push(onKafka);
    const rates: [number[], number[]] = [[], []];
    for (let round = 0; round <= ROUNDS; round++) {
      const e = await csas(onEmbedded, embedded, round);
      const k = await csas(onKafka, kafka, round);
      if (round === 0) continue;
      rates[0].push(e);
      rates[1].push(k);
    }
    return [
      { name: 'CSAS on the embedded log (baseline)', recordsPerSecond: median(rates[0]) },
      { name: 'CSAS on Apache Kafka (KafkaLog)', recordsPerSecond: median(rates[1]) },
    ];
  } finally {
    for (const e of engines) await e.close();
    for (const l of logs) await l.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('kafka-backend.js')) {
  const figures = await benchKafkaBackend();
  if (typeof figures === 'string') console.log(figures);
  else {
    for (const f of figures) console.log(`${f.name}: ${Math.round(f.recordsPerSecond)} records/s`);
    const [embedded, kafka] = figures;
    console.log(
      `Kafka backend: ${((100 * kafka.recordsPerSecond) / embedded.recordsPerSecond).toFixed(0)} % of the embedded log (aim ≥ 50 %)`,
    );
  }
}
