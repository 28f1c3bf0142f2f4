// Kafka's Java FileStreamSourceConnector on a real Apache Kafka Connect 4.1 distributed worker, writing
// a file's lines into Sluice through its Kafka listener, beside the same connector on a second worker
// writing into a real Apache Kafka 4.1 broker (the baseline), in the same run. Each figure is the
// topic's end offset growing from its first record to the last line, read by a Kafka client, so the
// worker's start and the connector's creation are left out of both.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin, Consumer } from '@platformatic/kafka';
import {
  type JavaConnectWorker,
  javaConnectMissing,
  startJavaConnectWorker,
} from '../test/e2e/java-connect-worker.fixture.js';
import { kafkaBroker, startKafkaBroker } from '../test/e2e/kafka-broker.fixture.js';
import { killServerChildren, startServerChild } from '../test/e2e/server-child.fixture.js';

export interface JavaConnectFigure {
  readonly name: string;
  readonly recordsPerSecond: number;
}

const LINES = 200_000;
const ROUNDS = 2;

/** Seconds from the topic's first record to its `LINES`th, polling its end offset. */
async function timeTopicFill(bootstrap: string, topic: string, start: () => Promise<void>): Promise<number> {
  const consumer = new Consumer({
    clientId: 'bench-offsets',
    groupId: 'bench-offsets',
    bootstrapBrokers: [bootstrap],
  });
  try {
    await start();
    const deadline = Date.now() + 300_000;
    let first: number | undefined;
    for (;;) {
      const end = await consumer
        .listOffsets({ topics: [topic], timestamp: -1n })
        .then((o) => Number(o.get(topic)?.[0] ?? 0n))
        .catch(() => 0);
      if (end > 0 && first === undefined) first = performance.now();
      if (end >= LINES) return (performance.now() - (first ?? performance.now())) / 1000;
      if (Date.now() > deadline)
        throw new Error(`${topic} on ${bootstrap} reached only ${end} of ${LINES} records`);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    await consumer.close();
  }
}

/** One round on one target: a fresh topic, then the connector created on the worker's REST API. */
async function round(bootstrap: string, restUrl: string, file: string, n: number): Promise<number> {
  const topic = `java-file-${n}`;
  const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: [bootstrap] });
  await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
  await admin.close();
  const name = `file-${n}`;
  const seconds = await timeTopicFill(bootstrap, topic, async () => {
    const res = await fetch(`${restUrl}/connectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name,
        config: {
          'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
          file,
          topic,
          'tasks.max': '1',
        },
      }),
    });
    if (res.status !== 201) throw new Error(`creating ${name}: HTTP ${res.status} ${await res.text()}`);
  });
  await (await fetch(`${restUrl}/connectors/${name}`, { method: 'DELETE' })).text();
  return LINES / seconds;
}

/** The figures (Apache Kafka first, as baseline), or why they cannot be measured here. */
export async function benchJavaConnect(): Promise<JavaConnectFigure[] | string> {
  const missing = javaConnectMissing ?? kafkaBroker.missing;
  if (missing !== undefined) return `skipped: ${missing}`;
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-java-connect-'));
  const file = join(dir, 'input.txt');
  // ~100-byte lines, as a log file's.
  const pad = 'x'.repeat(90);
  writeFileSync(
    file,
    Array.from({ length: LINES }, (_, i) => `${String(i).padStart(8, '0')} ${pad}\n`).join(''),
  );
  const broker = await startKafkaBroker();
  const server = await startServerChild(['--data-dir', join(dir, 'sluice')]);
  const workers: JavaConnectWorker[] = [];
  try {
    const sluiceBootstrap = /Kafka listener: PLAINTEXT:\/\/(\S+)/.exec(server.output())?.[1];
    if (sluiceBootstrap === undefined) throw new Error(`no Kafka listener in:\n${server.output()}`);
    // The broker is one node: Connect's internal topics ask for 3 replicas unless told.
    const properties = {
      'config.storage.replication.factor': '1',
      'offset.storage.replication.factor': '1',
      'status.storage.replication.factor': '1',
    };
    const onKafka = await startJavaConnectWorker({
      dir,
      bootstrap: broker.bootstrap,
      groupId: 'bench-kafka',
      properties,
    });
    workers.push(onKafka);
    const onSluice = await startJavaConnectWorker({
      dir,
      bootstrap: sluiceBootstrap,
      groupId: 'bench-sluice',
      properties,
    });
    workers.push(onSluice);
    let kafka = 0;
    let sluice = 0;
    // Alternating rounds, best of each, so both see the same machine load.
    for (let i = 0; i < ROUNDS; i++) {
      kafka = Math.max(kafka, await round(broker.bootstrap, onKafka.restUrl, file, i));
      sluice = Math.max(sluice, await round(sluiceBootstrap, onSluice.restUrl, file, i));
    }
    return [
      { name: 'Java worker → Apache Kafka 4.1 broker', recordsPerSecond: kafka },
      { name: "Java worker → Sluice's Kafka listener", recordsPerSecond: sluice },
    ];
  } catch (err) {
    const logs = workers.map((w) => w.output().slice(-3000)).join('\n---\n');
    throw new Error(`${(err as Error).message}\n${logs}`);
  } finally {
    for (const w of workers) w.child.kill('SIGKILL');
    killServerChildren();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
