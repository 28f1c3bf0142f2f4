// One contract for connector statements, run against the three kinds of Connect a server can drive:
// its embedded worker, a `sluice connect` worker process behind ksql.connect.url, and a real Apache
// Kafka Connect 4.1 distributed worker behind ksql.connect.url (over Sluice's Kafka listener); and, with
// a real Apache Kafka broker, the embedded worker and a Java worker with every topic in that broker. Every
// statement — CREATE (and again, and IF NOT EXISTS), SHOW, DESCRIBE, PAUSE, RESUME, RESTART, ALTER,
// STOP, DROP (and again, and IF EXISTS), and the errors for a connector that is not there — must
// answer with the same HTTP status, the same entity type and shape, and the same effect on the
// connector's state, on all three. Messages must match too.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort } from '../../src/connect/free-port.js';
import { until } from '../../src/connect/worker/test-worker.fixture.js';
import { shape } from './connector-entities.fixture.js';
import {
  type JavaConnectWorker,
  javaConnectMissing,
  startJavaConnectWorker,
} from './java-connect-worker.fixture.js';
import { type KafkaBroker, kafkaBroker, startKafkaBroker } from './kafka-broker.fixture.js';
import {
  killServerChildren,
  ksqlRequest,
  type ServerChild,
  SLUICE_BIN,
  startServerChild,
} from './server-child.fixture.js';

let dir: string;
let java: JavaConnectWorker | undefined;
const javaWorkers: JavaConnectWorker[] = [];
let broker: KafkaBroker | undefined;
const workers: ChildProcess[] = [];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-connector-contract-'));
});

after(async () => {
  java?.child.kill('SIGKILL');
  for (const w of javaWorkers) w.child.kill('SIGKILL');
  for (const w of workers) w.kill('SIGKILL');
  killServerChildren();
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** `sluice connect` as a process, resolved once its REST API is ready. */
function startSluiceConnect(properties: string, server: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SLUICE_BIN, 'connect', properties, '--bootstrap-server', server], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    workers.push(child);
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (/Kafka Connect REST API http:\/\/\S+ is ready/.test(out)) resolve(child);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`sluice connect exited with ${code}:\n${out}`)));
  });
}

interface Target {
  readonly name: string;
  readonly server: ServerChild;
}

/** The three targets: each a `sluice server`, with its Connect of that kind. */
async function startTargets(): Promise<Target[]> {
  const embedded = await startServerChild(['--data-dir', join(dir, 'embedded')]);

  const sluicePort = await freePort();
  const external = await startServerChild(['--data-dir', join(dir, 'sluice-connect')], {
    KSQL_CONNECT_LISTENERS: undefined,
    KSQL_KSQL_CONNECT_URL: `http://127.0.0.1:${sluicePort}`,
  });
  const workerFile = join(dir, 'sluice-connect.properties');
  writeFileSync(
    workerFile,
    [
      `listeners=http://127.0.0.1:${sluicePort}`,
      'group.id=contract',
      'key.converter=org.apache.kafka.connect.storage.StringConverter',
      'value.converter=org.apache.kafka.connect.storage.StringConverter',
      'offset.flush.interval.ms=200',
    ].join('\n'),
  );
  await startSluiceConnect(workerFile, external.url);

  const javaPort = await freePort();
  const withJava = await startServerChild(['--data-dir', join(dir, 'java')], {
    KSQL_CONNECT_LISTENERS: undefined,
    KSQL_KSQL_CONNECT_URL: `http://127.0.0.1:${javaPort}`,
    // A distributed worker answers writes once its config topic has them back: slow on a loaded machine.
    KSQL_KSQL_CONNECT_REQUEST_TIMEOUT_MS: '60000',
  });
  const bootstrap = /Kafka listener: PLAINTEXT:\/\/(\S+)/.exec(withJava.output())?.[1];
  assert.ok(bootstrap, withJava.output());
  java = await startJavaConnectWorker({ dir, bootstrap, groupId: 'contract-java', restPort: javaPort });

  const targets = [
    { name: 'embedded', server: embedded },
    { name: 'sluice connect', server: external },
    { name: 'Java Kafka Connect', server: withJava },
  ];
  if (kafkaBroker.missing !== undefined) return targets;
  // The same two kinds of Connect with every topic in a real Apache Kafka broker: a server on the
  // Kafka backend with its embedded worker, and one driving a Java worker on the same broker.
  broker = await startKafkaBroker();
  const onKafka = { KSQL_BOOTSTRAP_SERVERS: broker.bootstrap };
  const embeddedOnKafka = await startServerChild(['--data-dir', join(dir, 'embedded-kafka')], onKafka);
  const javaOnKafkaPort = await freePort();
  const javaOnKafka = await startServerChild(['--data-dir', join(dir, 'java-kafka')], {
    ...onKafka,
    KSQL_CONNECT_LISTENERS: undefined,
    KSQL_KSQL_CONNECT_URL: `http://127.0.0.1:${javaOnKafkaPort}`,
    KSQL_KSQL_CONNECT_REQUEST_TIMEOUT_MS: '60000',
  });
  javaWorkers.push(
    await startJavaConnectWorker({
      dir,
      bootstrap: broker.bootstrap,
      groupId: 'contract-java-kafka',
      restPort: javaOnKafkaPort,
      // One broker: Connect's own topics cannot have its default 3 replicas.
      properties: {
        'config.storage.replication.factor': '1',
        'offset.storage.replication.factor': '1',
        'status.storage.replication.factor': '1',
      },
    }),
  );
  return [
    ...targets,
    { name: 'embedded on Apache Kafka', server: embeddedOnKafka },
    { name: 'Java Kafka Connect on Apache Kafka', server: javaOnKafka },
  ];
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/** The first entity of a 200 answer, or the error body. */
function entity(answer: Answer): Record<string, unknown> {
  return (Array.isArray(answer.body) ? answer.body[0] : answer.body) as Record<string, unknown>;
}

/** A connector's state and its tasks' states, from DESCRIBE CONNECTOR. */
async function states(url: string, name: string): Promise<string> {
  const d = entity(await ksqlRequest(url, `DESCRIBE CONNECTOR ${name};`)) as {
    status?: { connector?: { state?: string }; tasks?: { state: string }[] };
  };
  return `${d.status?.connector?.state}/${(d.status?.tasks ?? []).map((t) => t.state).join(',')}`;
}

test('every connector statement answers alike on the embedded worker, sluice connect and a Java Connect worker, on both backends', {
  skip: javaConnectMissing,
  timeout: 600_000,
}, async () => {
  const targets = await startTargets();
  const input = join(dir, 'input.txt');
  writeFileSync(input, 'one\ntwo\n');
  const create = `CREATE SOURCE CONNECTOR c WITH ('connector.class' = 'org.apache.kafka.connect.file.FileStreamSourceConnector', 'file' = '${input}', 'topic' = 'contract_lines', 'tasks.max' = '1');`;

  /** Each step: a statement, and the connector state it must lead to (none: not checked). */
  const steps: { sql: string; reaches?: string }[] = [
    { sql: create, reaches: 'RUNNING/RUNNING' },
    { sql: create },
    { sql: create.replace('CREATE SOURCE CONNECTOR c', 'CREATE SOURCE CONNECTOR IF NOT EXISTS c') },
    { sql: 'SHOW CONNECTORS;' },
    { sql: 'DESCRIBE CONNECTOR c;' },
    { sql: 'PAUSE CONNECTOR c;', reaches: 'PAUSED/PAUSED' },
    { sql: 'SHOW CONNECTORS;' },
    { sql: 'RESUME CONNECTOR c;', reaches: 'RUNNING/RUNNING' },
    { sql: 'RESTART CONNECTOR c;', reaches: 'RUNNING/RUNNING' },
    { sql: "ALTER CONNECTOR c SET ('batch.size' = '10');", reaches: 'RUNNING/RUNNING' },
    { sql: 'STOP CONNECTOR c;', reaches: 'STOPPED/' },
    { sql: 'RESUME CONNECTOR c;', reaches: 'RUNNING/RUNNING' },
    { sql: 'DROP CONNECTOR c;' },
    { sql: 'DROP CONNECTOR c;' },
    { sql: 'DROP CONNECTOR IF EXISTS c;' },
    { sql: 'DESCRIBE CONNECTOR c;' },
    { sql: 'PAUSE CONNECTOR c;' },
    { sql: 'SHOW CONNECTORS;' },
  ];

  const answers = new Map<string, Answer[]>();
  for (const t of targets) {
    const got: Answer[] = [];
    for (const step of steps) {
      const answer = await ksqlRequest(t.server.url, step.sql);
      got.push(answer);
      if (step.reaches !== undefined) {
        const want = step.reaches;
        await until(
          `${t.name}: ${step.sql} → ${want}`,
          async () => (await states(t.server.url, 'c')) === want,
          120_000,
        );
      }
      // DESCRIBE lists the topics the source wrote: wait for its first records (slower to come on
      // Kafka, which creates the topic first), so every target answers with the same list.
      if (step === steps[0])
        await until(
          `${t.name}: the connector's first records`,
          async () =>
            ((entity(await ksqlRequest(t.server.url, 'DESCRIBE CONNECTOR c;')) as { topics?: string[] })
              .topics?.length ?? 0) > 0,
          120_000,
        );
    }
    answers.set(t.name, got);
  }

  const [reference, ...others] = targets.map((t) => t.name);
  const expected = answers.get(reference)!;
  for (const name of others) {
    const got = answers.get(name)!;
    for (const [i, step] of steps.entries()) {
      const a = expected[i];
      const b = got[i];
      const where = `${step.sql.slice(0, 60)} (step ${i}) on ${name} vs ${reference}:\n${JSON.stringify(b.body)}\nvs\n${JSON.stringify(a.body)}`;
      assert.equal(b.status, a.status, where);
      const x = entity(a);
      const y = entity(b);
      assert.equal(y['@type'], x['@type'], where);
      assert.deepEqual(shape(y), shape(x), where);
      if (a.status !== 200) {
        assert.equal(y.error_code, x.error_code, where);
        assert.equal(y.message, x.message, where);
      } else assert.deepEqual(y.warnings, x.warnings, where);
    }
  }
  // The contract's own expectations, the same everywhere by now.
  const statuses = expected.map((a) => a.status);
  assert.deepEqual(
    statuses,
    [200, 409, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 404, 200, 404, 404, 200],
  );
  assert.deepEqual((entity(expected[17]) as { connectors: unknown[] }).connectors, []);
});
