// The Node Kafka client the Kafka backend uses (@platformatic/kafka 1.x), measured against a real Apache
// Kafka broker (test/e2e's fixture, KRaft, from Maven Central's jars): produce in batches of 1,000
// (acks=1) and read back with Fetch the way the backend's Log.read does, beside Kafka's own Java perf
// tools against the same broker in the same run as the baseline. Without Java or the jars it says so.
import { spawn } from 'node:child_process';
import { Admin, Consumer, ProduceAcks, Producer } from '@platformatic/kafka';
import { kafkaBroker, startKafkaBroker } from '../test/e2e/kafka-broker.fixture.js';
import { kafkaJava } from '../test/e2e/kafka-peers.fixture.js';

const RECORDS = 200_000;
const RECORD_BYTES = 200;
const BATCH = 1000;

export interface ClientFigure {
  readonly name: string;
  readonly recordsPerSecond: number;
}

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

async function javaProduce(bootstrap: string): Promise<ClientFigure> {
  const out = await java('org.apache.kafka.tools.ProducerPerformance', [
    '--topic',
    'java-perf',
    '--num-records',
    String(RECORDS),
    '--record-size',
    String(RECORD_BYTES),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${bootstrap}`,
    'acks=1',
  ]);
  // Progress lines, then the summary "200000 records sent, 123456.7 records/sec (…)".
  const rate = [...out.matchAll(/(\d+) records sent, ([\d.]+) records\/sec/g)].at(-1)?.[2];
  if (rate === undefined) throw new Error(`no rate in kafka-producer-perf-test's output:\n${out}`);
  return { name: 'Java producer (baseline)', recordsPerSecond: Number(rate) };
}

async function javaConsume(bootstrap: string): Promise<ClientFigure> {
  const out = await java('org.apache.kafka.tools.ConsumerPerformance', [
    '--bootstrap-server',
    bootstrap,
    '--topic',
    'java-perf',
    '--messages',
    String(RECORDS),
    '--hide-header',
  ]);
  // The summary line: start, end, MB, MB/s, records, records/s, rebalance ms, fetch ms, fetch MB/s, fetch nMsg/s.
  const line = out
    .trim()
    .split('\n')
    .find((l) => /^\d{4}-\d\d-\d\d \d/.test(l));
  const fields = line?.split(',').map((f) => f.trim());
  if (fields === undefined || fields.length < 10)
    throw new Error(`no summary in kafka-consumer-perf-test's output:\n${out}`);
  // Fetch rate: without the group join, as the Node figure (no group) is.
  return { name: 'Java consumer, fetch rate (baseline)', recordsPerSecond: Number(fields[9]) };
}

async function nodeProduce(bootstrap: string): Promise<ClientFigure> {
  const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: [bootstrap] });
  await admin.createTopics({ topics: ['node-perf'], partitions: 1, replicas: 1 });
  await admin.close();
  const producer = new Producer({ clientId: 'bench-producer', bootstrapBrokers: [bootstrap] });
  const value = Buffer.alloc(RECORD_BYTES, 'v');
  const messages = Array.from({ length: BATCH }, () => ({ topic: 'node-perf', value, partition: 0 }));
  const start = performance.now();
  for (let i = 0; i < RECORDS / BATCH; i++) await producer.send({ messages, acks: ProduceAcks.LEADER });
  const seconds = (performance.now() - start) / 1000;
  await producer.close();
  return { name: '@platformatic/kafka 1.35 producer', recordsPerSecond: RECORDS / seconds };
}

async function nodeFetch(bootstrap: string): Promise<ClientFigure> {
  const consumer = new Consumer({
    clientId: 'bench-consumer',
    groupId: 'bench',
    bootstrapBrokers: [bootstrap],
  });
  const metadata = await consumer.metadata({ topics: ['node-perf'] });
  const topic = metadata.topics.get('node-perf')!;
  const node = topic.partitions[0].leader;
  let offset = 0n;
  let count = 0;
  const start = performance.now();
  while (count < RECORDS) {
    const response = await consumer.fetch({
      node,
      maxWaitTime: 500,
      topics: [
        {
          topicId: topic.id,
          partitions: [
            {
              partition: 0,
              fetchOffset: offset,
              partitionMaxBytes: 1 << 20,
              currentLeaderEpoch: -1,
              lastFetchedEpoch: -1,
            },
          ],
        },
      ],
    });
    for (const batch of response.responses[0].partitions[0].records ?? []) {
      count += batch.records.length;
      offset = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  await consumer.close();
  return { name: '@platformatic/kafka 1.35 fetch', recordsPerSecond: count / seconds };
}

/** Produce and fetch figures, each Node one after its Java baseline; or why they could not be measured. */
export async function benchKafkaClients(): Promise<ClientFigure[] | string> {
  const missing = kafkaBroker.missing ?? kafkaJava.missing;
  if (missing !== undefined) return `not measured: ${missing}`;
  const broker = await startKafkaBroker();
  try {
    const javaProduced = await javaProduce(broker.bootstrap);
    const nodeProduced = await nodeProduce(broker.bootstrap);
    const javaConsumed = await javaConsume(broker.bootstrap);
    const nodeFetched = await nodeFetch(broker.bootstrap);
    return [javaProduced, nodeProduced, javaConsumed, nodeFetched];
  } finally {
    await broker.stop();
  }
}

if (process.argv[1]?.endsWith('kafka-clients.js')) {
  const figures = await benchKafkaClients();
  if (typeof figures === 'string') console.log(figures);
  else for (const f of figures) console.log(`${f.name}: ${Math.round(f.recordsPerSecond)} records/s`);
}
