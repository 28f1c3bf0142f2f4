// Test support: a real Apache Kafka Connect distributed worker (Kafka 4.1's ConnectDistributed, from the
// Maven Central jars scripts/test-peers/install.sh copies) against a Kafka bootstrap address. Ready means
// its REST API answers GET /connectors (the herder has joined its group and read its config topic).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../src/connect/free-port.js';
import { kafkaJava } from './kafka-peers.fixture.js';

/** Why the Java worker cannot run here (java, the Kafka tools or the connect-file jar missing), or undefined. */
export const javaConnectMissing: string | undefined =
  kafkaJava.missing ??
  (existsSync(kafkaJava.classpath.slice(0, -2)) &&
  readdirSync(kafkaJava.classpath.slice(0, -2)).some((f) => f.startsWith('connect-file-')) &&
  readdirSync(kafkaJava.classpath.slice(0, -2)).some((f) => f.startsWith('connect-runtime-'))
    ? undefined
    : `Kafka's connect-runtime and connect-file jars are not in ${kafkaJava.classpath}: run scripts/test-peers/install.sh`);

export interface JavaConnectWorker {
  readonly child: ChildProcess;
  /** The worker's REST API, e.g. http://127.0.0.1:PORT. */
  readonly restUrl: string;
  readonly output: () => string;
}

/**
 * Starts a ConnectDistributed worker with its REST API on `restPort` (a free one when unset) and
 * resolves once GET /connectors answers 200; rejects with the worker's output if it exits first or
 * is not ready within `readyMs`.
 */
export async function startJavaConnectWorker(options: {
  dir: string;
  bootstrap: string;
  groupId: string;
  restPort?: number;
  readyMs?: number;
}): Promise<JavaConnectWorker> {
  const restPort = options.restPort ?? (await freePort());
  const properties = join(options.dir, `${options.groupId}.properties`);
  writeFileSync(
    properties,
    [
      `bootstrap.servers=${options.bootstrap}`,
      `group.id=${options.groupId}`,
      'key.converter=org.apache.kafka.connect.storage.StringConverter',
      'value.converter=org.apache.kafka.connect.storage.StringConverter',
      `config.storage.topic=${options.groupId}-configs`,
      `offset.storage.topic=${options.groupId}-offsets`,
      `status.storage.topic=${options.groupId}-status`,
      'offset.flush.interval.ms=1000',
      `listeners=http://127.0.0.1:${restPort}`,
    ].join('\n'),
  );
  const child = spawn(
    'java',
    ['-cp', kafkaJava.classpath, 'org.apache.kafka.connect.cli.ConnectDistributed', properties],
    { cwd: options.dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const output = () => text;
  const restUrl = `http://127.0.0.1:${restPort}`;
  const deadline = Date.now() + (options.readyMs ?? 180_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `the Java Connect worker exited (${child.exitCode ?? child.signalCode}):\n${text.slice(-4000)}`,
      );
    // Before the herder has joined its group, the REST server is not up yet or GET /connectors fails.
    const status = await fetch(`${restUrl}/connectors`).then(
      (res) => res.status,
      () => 0,
    );
    if (status === 200) return { child, restUrl, output };
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the Java Connect worker's REST API ${restUrl} was not ready:\n${text.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
