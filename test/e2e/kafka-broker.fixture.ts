// Test support: a real Apache Kafka 4.x broker (KRaft, one node acting as broker and controller) from the
// jars scripts/test-peers/install.sh copies from Maven Central, on free ports in a temp dir. It is ready
// once it logs "Kafka Server started" and answers a Metadata request naming itself; `stop` SIGKILLs it
// and removes its dir. Without Java or the jars, `kafkaBroker.missing` says why and the tests skip.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/connect/free-port.js';

const peersDir = process.env.SLUICE_PEERS_DIR ?? join(homedir(), '.cache', 'sluice');
const jars = join(peersDir, 'kafka-broker-jars');
const hasJars = existsSync(jars) && readdirSync(jars).some((f) => /^kafka_2\.13-.*\.jar$/.test(f));

export const kafkaBroker: { readonly missing: string | undefined } = {
  missing: !hasJars
    ? `Apache Kafka's broker jars are not in ${jars}: run scripts/test-peers/install.sh (npm test runs it)`
    : spawnSync('java', ['-version'], { stdio: 'ignore' }).status !== 0
      ? 'java is not installed'
      : undefined,
};

export interface KafkaBroker {
  /** host:port of its PLAINTEXT listener. */
  readonly bootstrap: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

const LOG4J = [
  'log4j.rootLogger=WARN, stdout',
  'log4j.logger.kafka.server.KafkaRaftServer=INFO',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
].join('\n');

function java(dir: string, mainClass: string, args: readonly string[]): ChildProcess {
  return spawn(
    'java',
    [
      '-Xmx512m',
      `-Dlog4j.configuration=file:${join(dir, 'log4j.properties')}`,
      '-cp',
      `${jars}/*`,
      mainClass,
      ...args,
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

function collect(child: ChildProcess, sink: { text: string }, onData?: () => void): void {
  const add = (chunk: Buffer) => {
    sink.text += chunk.toString();
    onData?.();
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
}

/** Asks the broker for its metadata (Metadata v1, all topics) and resolves with its broker count. */
export function metadataBrokerCount(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const clientId = Buffer.from('sluice-fixture');
    const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4);
    let at = body.writeInt16BE(3, 0); // Metadata
    at = body.writeInt16BE(1, at);
    at = body.writeInt32BE(7, at); // correlation id
    at = body.writeInt16BE(clientId.length, at);
    at += clientId.copy(body, at);
    body.writeInt32BE(-1, at); // null topics: all
    const frame = Buffer.concat([Buffer.alloc(4), body]);
    frame.writeInt32BE(body.length, 0);
    const socket = connect(port, host);
    let received = Buffer.alloc(0);
    socket.once('error', reject);
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
        socket.destroy();
        // size, correlation id, then the brokers array's count.
        if (received.readInt32BE(4) !== 7) reject(new Error('Metadata answer with a wrong correlation id'));
        else resolve(received.readInt32BE(8));
      }
    });
    socket.write(frame);
  });
}

/** Formats a KRaft log dir and starts a broker on it; resolves once it answers Metadata. */
export async function startKafkaBroker(): Promise<KafkaBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-kafka-broker-'));
  const [port, controllerPort] = [await freePort(), await freePort()];
  writeFileSync(join(dir, 'log4j.properties'), LOG4J);
  writeFileSync(
    join(dir, 'server.properties'),
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'controller.listener.names=CONTROLLER',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      `log.dirs=${join(dir, 'data')}`,
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=4',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
    ].join('\n'),
  );
  const output = { text: '' };
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  // A cluster id is 16 random bytes in URL-safe base64 without padding (kafka-storage random-uuid).
  const clusterId = randomBytes(16).toString('base64url');
  // `--cluster-id=…` in one argument: an id starting with '-' (1 in 64) would read as an option.
  const format = java(dir, 'kafka.tools.StorageTool', [
    'format',
    `--cluster-id=${clusterId}`,
    '-c',
    join(dir, 'server.properties'),
  ]);
  collect(format, output);
  const formatted = await new Promise<number | null>((resolve) => format.once('exit', resolve));
  if (formatted !== 0) {
    cleanup();
    throw new Error(`kafka-storage format exited with ${formatted}:\n${output.text}`);
  }
  const child = java(dir, 'kafka.Kafka', [join(dir, 'server.properties')]);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    cleanup();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      collect(child, output, () => {
        if (output.text.includes('Kafka Server started')) resolve();
      });
      void exited.then((code) => reject(new Error(`the Kafka broker exited with ${code}:\n${output.text}`)));
    });
    // Under load the broker logs "started" a moment before it has registered itself: its Metadata
    // names no broker yet. Ask again until it names one.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const brokers = await metadataBrokerCount('127.0.0.1', port);
      if (brokers >= 1) break;
      if (Date.now() > deadline)
        throw new Error(`the Kafka broker answered Metadata with ${brokers} brokers`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { bootstrap: `127.0.0.1:${port}`, output: () => output.text, stop };
}
