// Issue 16's comparison: Sluice's q5-like windowed count (HOPPING 10 s / ADVANCE 2 s COUNT per key,
// bench/query-throughput.ts, on the embedded log) beside the same count written as a Kafka Streams 4.1
// application (bench/kafka-streams/WindowedCount.java, the engine under ksqlDB) over a real Apache Kafka
// 4.1 broker, in the same run over the same 200,000 JSON records (values and timestamps; Kafka Streams
// gets them keyed by CUSTOMER so groupByKey needs no repartition topic, as Sluice's single task needs
// none). Kafka Streams runs with ksqlDB's defaults: one stream thread, at_least_once, commit.interval.ms
// 2000, a 10 MB record cache; its time runs from KafkaStreams#start (JVM start excluded) to the Nth record
// read ("processed") and to the group's committed input offset reaching N ("committed", output flushed).
// Sluice's time runs from CREATE TABLE to its query idle, committing every 100 ms. Aim: Sluice ≥ 100 %.
// Skipped, saying why, when the broker's or Kafka Streams' jars (scripts/test-peers/install.sh) or javac
// are missing.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KafkaLog, type ProduceRecord } from '../src/log/index.js';
import { kafkaBroker, startKafkaBroker } from '../test/e2e/kafka-broker.fixture.js';
import { makeRecords, persistentQuery } from './query-throughput.js';

const peersDir = process.env.SLUICE_PEERS_DIR ?? join(homedir(), '.cache', 'sluice');
const jars = join(peersDir, 'kafka-streams-jars');
// dist/bench/ at run time; the Java source stays in bench/ beside this file's source.
const source = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'bench',
  'kafka-streams',
  'WindowedCount.java',
);

export interface StreamsComparison {
  readonly sluice: number;
  readonly processed: number;
  readonly committed: number;
  /** Kafka Streams' time from start to its first record read (group join, task and store set-up). */
  readonly startMs: number;
  /** Kafka Streams' rate from its first record read to its Nth (set-up excluded). */
  readonly steady: number;
  readonly load: string;
}

/** Why the comparison cannot run here, or undefined. */
function missing(): string | undefined {
  if (kafkaBroker.missing !== undefined) return kafkaBroker.missing;
  if (!existsSync(jars) || !readdirSync(jars).some((f) => /^kafka-streams-.*\.jar$/.test(f)))
    return `Kafka Streams' jars are not in ${jars}: run scripts/test-peers/install.sh (npm test runs it)`;
  if (spawnSync('javac', ['-version'], { stdio: 'ignore' }).status !== 0) return 'javac is not installed';
  return undefined;
}

/** Compiles the app once per content of its source and of the jar folder; returns its class dir. */
function compile(): string {
  const hash = createHash('sha256')
    .update(readFileSync(source))
    .update(readdirSync(jars).sort().join('\n'))
    .digest('hex')
    .slice(0, 16);
  const classes = join(peersDir, 'kafka-streams-app', hash);
  if (existsSync(join(classes, 'WindowedCount.class'))) return classes;
  mkdirSync(classes, { recursive: true });
  const javac = spawnSync('javac', ['-cp', `${jars}/*`, '-d', classes, source], { encoding: 'utf8' });
  if (javac.status !== 0) {
    rmSync(classes, { recursive: true, force: true });
    throw new Error(`javac WindowedCount.java failed:\n${javac.stderr}`);
  }
  return classes;
}

async function runStreams(
  bootstrap: string,
  records: readonly ProduceRecord[],
  classes: string,
  dir: string,
  round: number,
): Promise<{ processed: number; committed: number; startMs: number; steady: number }> {
  const input = `orders-${round}`;
  const output = `hops-${round}`;
  const kafka = await KafkaLog.open({ bootstrapServers: [bootstrap], replicationFactor: 1 });
  try {
    // The records' timestamps are from 2023: under the broker's default 7-day retention its cleaner
    // would delete them (input and output) while the app runs.
    const config = { 'retention.ms': '-1' };
    await kafka.createTopic(input, { partitions: 1, config });
    await kafka.createTopic(output, { partitions: 1, config });
    // Keyed by CUSTOMER, the grouping column: the same values and timestamps.
    const keyed = records.map((r) => ({
      ...r,
      key: Buffer.from((JSON.parse((r.value as Buffer).toString('utf8')) as { CUSTOMER: string }).CUSTOMER),
    }));
    for (let i = 0; i < keyed.length; i += 5000) await kafka.append(input, keyed.slice(i, i + 5000));
  } finally {
    await kafka.close();
  }
  const child = spawn(
    'java',
    [
      '-Xmx1g',
      '-cp',
      `${classes}:${jars}/*`,
      'WindowedCount',
      bootstrap,
      input,
      output,
      String(records.length),
      join(dir, `state-${round}`),
      `windowed-count-${round}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const m = /first_ms=(\d+) processed_ms=(\d+) committed_ms=(\d+)/.exec(out);
  if (code !== 0 || m === null)
    throw new Error(`the Kafka Streams app exited with ${code}:\n${out.slice(-4000)}`);
  const rate = (ms: string) => records.length / (Math.max(1, Number(ms)) / 1000);
  return {
    processed: rate(m[2]),
    committed: rate(m[3]),
    startMs: Number(m[1]),
    steady: rate(String(Number(m[2]) - Number(m[1]))),
  };
}

/** Best of `rounds` for each side, alternating; or why it could not be measured. */
export async function benchKafkaStreams(rounds = 2): Promise<StreamsComparison | string> {
  const why = missing();
  if (why !== undefined) return `not measured: ${why}`;
  const classes = compile();
  const records = makeRecords();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-kstreams-'));
  const broker = await startKafkaBroker();
  try {
    let sluice = 0;
    let processed = 0;
    let committed = 0;
    let startMs = Number.POSITIVE_INFINITY;
    let steady = 0;
    for (let round = 0; round < rounds; round++) {
      sluice = Math.max(sluice, (await persistentQuery(records, 'at_least_once', 'windowed')).rate);
      const ks = await runStreams(broker.bootstrap, records, classes, dir, round);
      processed = Math.max(processed, ks.processed);
      committed = Math.max(committed, ks.committed);
      startMs = Math.min(startMs, ks.startMs);
      steady = Math.max(steady, ks.steady);
    }
    return {
      sluice,
      processed,
      committed,
      startMs,
      steady,
      load: loadavg()
        .map((l) => l.toFixed(1))
        .join(' '),
    };
  } finally {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printStreamsComparison(c: StreamsComparison | string): void {
  console.log(
    'HOPPING 10 s/2 s COUNT per key (q5-like), 200,000 JSON records, best of 2: Sluice on the embedded log beside a Kafka Streams 4.1 app on Apache Kafka 4.1 (ksqlDB defaults: 1 thread, at_least_once, commit 2000 ms, 10 MB cache) as baseline (aim ≥ 100 %)',
  );
  if (typeof c === 'string') {
    console.log(`  ${c}`);
    return;
  }
  const row = (name: string, rate: number, ratio = '') =>
    console.log(
      `  ${name.padEnd(44)} ${Math.round(rate).toLocaleString('en-US').padStart(12)} records/s${ratio}`,
    );
  row('Kafka Streams, to the Nth record read', c.processed);
  row('Kafka Streams, to its offset N committed', c.committed);
  row(`Kafka Streams, 1st to Nth read (set-up ${c.startMs} ms)`, c.steady);
  const share = (base: number) => `${((100 * c.sluice) / base).toFixed(0)} %`;
  row(
    'Sluice, CREATE TABLE … to idle',
    c.sluice,
    `  ${share(c.processed)} of read, ${share(c.committed)} of committed, ${share(c.steady)} of 1st to Nth (load ${c.load})`,
  );
}

if (process.argv[1]?.endsWith('kafka-streams.js')) printStreamsComparison(await benchKafkaStreams());
