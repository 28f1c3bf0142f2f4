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

/** Where scripts/test-peers/install.sh puts the Connect plugins (one folder each). */
export const connectPluginsDir = join(kafkaJava.classpath.slice(0, -2), '..', 'connect-plugins');

/** Why the Connect plugin folder `name` is not there, or undefined. */
export function connectPluginMissing(name: string): string | undefined {
  const folder = join(connectPluginsDir, name);
  return existsSync(folder) && readdirSync(folder).some((f) => f.startsWith('.complete-'))
    ? undefined
    : `the Connect plugin ${name} is not in ${folder}: run scripts/test-peers/install.sh`;
}

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
  /** Worker properties added to (or replacing) the defaults: listeners, plugin.path, rest extensions. */
  properties?: Record<string, string>;
  /** Java options before the class name (a JAAS file for the basic-auth extension). */
  jvmOptions?: readonly string[];
  /** Jars or folders (dir/*) added to the classpath. */
  classpath?: readonly string[];
  /**
   * Ready test: resolves the HTTP status of GET /connectors (0 when unreachable); defaults to a
   * plain fetch, which a worker with TLS or authentication needs replaced.
   */
  probe?: (restUrl: string) => Promise<number>;
  /** The REST URL's scheme (the listeners property must match). */
  scheme?: 'http' | 'https';
}): Promise<JavaConnectWorker> {
  const restPort = options.restPort ?? (await freePort());
  const properties = join(options.dir, `${options.groupId}.properties`);
  const scheme = options.scheme ?? 'http';
  const settings: Record<string, string> = {
    'bootstrap.servers': options.bootstrap,
    'group.id': options.groupId,
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'config.storage.topic': `${options.groupId}-configs`,
    'offset.storage.topic': `${options.groupId}-offsets`,
    'status.storage.topic': `${options.groupId}-status`,
    'offset.flush.interval.ms': '1000',
    listeners: `${scheme}://127.0.0.1:${restPort}`,
    ...options.properties,
  };
  writeFileSync(
    properties,
    Object.entries(settings)
      .map(([k, v]) => `${k}=${v.replace(/\\/g, '\\\\')}`)
      .join('\n'),
  );
  const classpath = [kafkaJava.classpath, ...(options.classpath ?? [])].join(':');
  const child = spawn(
    'java',
    [
      ...(options.jvmOptions ?? []),
      '-cp',
      classpath,
      'org.apache.kafka.connect.cli.ConnectDistributed',
      properties,
    ],
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
  const restUrl = `${scheme}://127.0.0.1:${restPort}`;
  const probe =
    options.probe ??
    ((url: string) =>
      fetch(`${url}/connectors`).then(
        (res) => res.status,
        () => 0,
      ));
  const deadline = Date.now() + (options.readyMs ?? 180_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `the Java Connect worker exited (${child.exitCode ?? child.signalCode}):\n${text.slice(-4000)}`,
      );
    // Before the herder has joined its group, the REST server is not up yet or GET /connectors fails.
    const status = await probe(restUrl);
    if (status === 200) return { child, restUrl, output };
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the Java Connect worker's REST API ${restUrl} was not ready:\n${text.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
