// The issue's speed figure for the Kafka listener: Apache Kafka's own perf tools
// (kafka-producer-perf-test and kafka-consumer-perf-test, 200-byte records, acks=1) against a real
// Apache Kafka 4.x broker (KRaft, one node, test/e2e's fixture) as the baseline and against
// `startKafkaListener` over an embedded log, the same commands in the same run, alternating rounds
// and keeping each side's best. The issue's aim: the listener at ≥ 100 % of the broker's rates.
// Without Java or the jars (scripts/test-peers/install.sh) it says so.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin } from '@platformatic/kafka';
import { startKafkaListener } from '../src/kafka/index.js';
import { InternalTopics, SegmentLog } from '../src/log/index.js';
import { kafkaBroker, startKafkaBroker } from '../test/e2e/kafka-broker.fixture.js';
import { kafkaJava } from '../test/e2e/kafka-peers.fixture.js';

export const LISTENER_RECORDS = 500_000;
const RECORD_BYTES = 200;
const ROUNDS = 2;

export interface ListenerFigure {
  readonly name: string;
  readonly recordsPerSecond: number;
  readonly megabytesPerSecond: number;
}

export interface ListenerFigures {
  readonly brokerProduce: ListenerFigure;
  readonly listenerProduce: ListenerFigure;
  readonly brokerConsume: ListenerFigure;
  readonly listenerConsume: ListenerFigure;
}

const figure = (name: string, recordsPerSecond: number): ListenerFigure => ({
  name,
  recordsPerSecond,
  megabytesPerSecond: (recordsPerSecond * RECORD_BYTES) / 1e6,
});

function java(mainClass: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('java', ['-cp', kafkaJava.classpath, mainClass, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    // The figures are on standard output; the tools' log lines go to standard error.
    child.once('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${mainClass} exited with ${code}:\n${out}${err}`)),
    );
  });
}

/** kafka-producer-perf-test's records/s into `topic`. */
async function produce(bootstrap: string, topic: string): Promise<number> {
  const out = await java('org.apache.kafka.tools.ProducerPerformance', [
    '--topic',
    topic,
    '--num-records',
    String(LISTENER_RECORDS),
    '--record-size',
    String(RECORD_BYTES),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${bootstrap}`,
    'acks=1',
  ]);
  // Progress lines, then the summary "500000 records sent, 123456.7 records/sec (23.55 MB/sec), …".
  const rate = [...out.matchAll(/(\d+) records sent, ([\d.]+) records\/sec/g)].at(-1)?.[2];
  if (rate === undefined) throw new Error(`no rate in kafka-producer-perf-test's output:\n${out}`);
  return Number(rate);
}

/** kafka-consumer-perf-test's fetch records/s (the group join left out) reading `topic` whole. */
async function consume(bootstrap: string, topic: string): Promise<number> {
  const out = await java('org.apache.kafka.tools.ConsumerPerformance', [
    '--bootstrap-server',
    bootstrap,
    '--topic',
    topic,
    '--messages',
    String(LISTENER_RECORDS),
    '--group',
    `perf-readers-${topic}`,
    '--hide-header',
  ]);
  // start, end, MB, MB/s, records, records/s, rebalance ms, fetch ms, fetch MB/s, fetch records/s.
  const fields = out
    .trim()
    .split('\n')
    .find((l) => /^\d{4}-\d\d-\d\d \d/.test(l))
    ?.split(',')
    .map((f) => f.trim());
  const rate = Number(fields?.[9]);
  if (!(rate > 0)) throw new Error(`no fetch rate in kafka-consumer-perf-test's output:\n${out}`);
  return rate;
}

/** The four figures (best of the rounds on each side), or a line saying why they could not be measured. */
export async function benchKafkaListener(): Promise<ListenerFigures | string> {
  const missing = kafkaBroker.missing ?? kafkaJava.missing;
  if (missing !== undefined) return `not measured: ${missing}`;
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-kafka-'));
  const broker = await startKafkaBroker();
  const log = await SegmentLog.open({ dataDir: dir, cleanerIntervalMs: 0 });
  const listener = await startKafkaListener({
    log,
    internalTopics: new InternalTopics(),
    listener: 'PLAINTEXT://127.0.0.1:0',
    groupInitialRebalanceDelayMs: 0,
    writeLine: () => {},
  });
  const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: [broker.bootstrap] });
  try {
    const onListener = `127.0.0.1:${listener.port}`;
    const best = { brokerProduce: 0, listenerProduce: 0, brokerConsume: 0, listenerConsume: 0 };
    for (let round = 1; round <= ROUNDS; round++) {
      const topic = `perf-${round}`;
      await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
      await log.createTopic(topic);
      best.brokerProduce = Math.max(best.brokerProduce, await produce(broker.bootstrap, topic));
      best.listenerProduce = Math.max(best.listenerProduce, await produce(onListener, topic));
      best.brokerConsume = Math.max(best.brokerConsume, await consume(broker.bootstrap, topic));
      best.listenerConsume = Math.max(best.listenerConsume, await consume(onListener, topic));
    }
    return {
      brokerProduce: figure('kafka-producer-perf-test → Kafka 4.1 broker', best.brokerProduce),
      listenerProduce: figure('kafka-producer-perf-test → Sluice listener', best.listenerProduce),
      brokerConsume: figure('kafka-consumer-perf-test ← Kafka 4.1 broker', best.brokerConsume),
      listenerConsume: figure('kafka-consumer-perf-test ← Sluice listener', best.listenerConsume),
    };
  } finally {
    await admin.close();
    await listener.close();
    await log.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures as `npm run bench` prints them: each listener figure with its share of the broker's. */
export function printKafkaListenerFigures(figures: ListenerFigures | string): void {
  console.log(
    `Kafka listener against a real Apache Kafka 4.1 broker, Kafka's perf tools, 200-byte records, ${LISTENER_RECORDS.toLocaleString('en-US')} records, acks=1, best of ${ROUNDS} (aim ≥ 100 %)`,
  );
  if (typeof figures === 'string') {
    console.log(`  ${figures}`);
    return;
  }
  const row = (f: ListenerFigure, base?: ListenerFigure) =>
    `  ${f.name.padEnd(44)} ${Math.round(f.recordsPerSecond).toLocaleString('en-US').padStart(12)} records/s ${f.megabytesPerSecond.toFixed(0).padStart(6)} MB/s${base === undefined ? '' : `  ${((100 * f.recordsPerSecond) / base.recordsPerSecond).toFixed(0)} % of the broker`}`;
  console.log(row(figures.brokerProduce));
  console.log(row(figures.listenerProduce, figures.brokerProduce));
  console.log(row(figures.brokerConsume));
  console.log(row(figures.listenerConsume, figures.brokerConsume));
}

if (process.argv[1]?.endsWith('kafka-listener.js')) {
  const { loadavg } = await import('node:os');
  printKafkaListenerFigures(await benchKafkaListener());
  console.log(
    `  load average ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  );
}
