// CSAS throughput on the Kafka backend (KafkaLog over a real Apache Kafka 4.1 broker from test/e2e's
// fixture) beside the same query on the embedded log in the same run, as the baseline: a CREATE STREAM
// … AS SELECT (a WHERE and three projected expressions) over ~200-byte JSON records, from the first
// input record to the last output record visible. The aim: Kafka ≥ 50 % of embedded.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServerConfig } from '../src/config/index.js';
import { KsqlEngine } from '../src/engine/index.js';
import { KafkaLog, type Log, type ProduceRecord, SegmentLog } from '../src/log/index.js';
import { kafkaBroker, startKafkaBroker } from '../test/e2e/kafka-broker.fixture.js';

const RECORDS = 100_000;

export interface BackendFigure {
  readonly name: string;
  readonly recordsPerSecond: number;
}

function makeRecords(): ProduceRecord[] {
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
    timestamp: 1_700_000_000_000 + i,
  }));
}

async function csas(log: Log, records: readonly ProduceRecord[], dataDir: string): Promise<number> {
  const engine = await KsqlEngine.start(
    log,
    loadServerConfig({
      flags: { 'ksql.streams.commit.interval.ms': '100', 'sluice.data.dir': dataDir },
      env: {},
    }),
  );
  try {
    await engine.execute(
      `CREATE STREAM orders (id STRING KEY, order_id BIGINT, customer STRING, item STRING, qty INT, price DOUBLE, ship_to STRING)
         WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON', PARTITIONS=1);`,
    );
    for (let i = 0; i < records.length; i += 5000) await log.append('orders', records.slice(i, i + 5000));
    const start = performance.now();
    await engine.execute(
      `SET 'auto.offset.reset'='earliest';
       CREATE STREAM big AS SELECT id, UCASE(customer) AS customer, qty * price AS total, qty > 10 AS bulk
         FROM orders WHERE qty >= 5 EMIT CHANGES;`,
    );
    await engine.waitUntilIdle(300_000);
    const seconds = (performance.now() - start) / 1000;
    if ((await log.endOffset('BIG', 0)) === 0) throw new Error('the query produced nothing');
    return RECORDS / seconds;
  } finally {
    await engine.close();
  }
}

/** Embedded then Kafka; or why the Kafka figure could not be measured. */
export async function benchKafkaBackend(): Promise<BackendFigure[] | string> {
  if (kafkaBroker.missing !== undefined) return `not measured: ${kafkaBroker.missing}`;
  const records = makeRecords();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-backend-'));
  const broker = await startKafkaBroker();
  try {
    const embedded = await SegmentLog.open({ dataDir: join(dir, 'log'), cleanerIntervalMs: 0 });
    const onEmbedded = await csas(embedded, records, join(dir, 'embedded')).finally(() => embedded.close());
    const kafka = await KafkaLog.open({ bootstrapServers: [broker.bootstrap], replicationFactor: 1 });
    const onKafka = await csas(kafka, records, join(dir, 'kafka')).finally(() => kafka.close());
    return [
      { name: 'CSAS on the embedded log (baseline)', recordsPerSecond: onEmbedded },
      { name: 'CSAS on Apache Kafka (KafkaLog)', recordsPerSecond: onKafka },
    ];
  } finally {
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
