// The Kafka listener measured by Apache Kafka's own perf tools (kafka-producer-perf-test and
// kafka-consumer-perf-test, 200-byte records) against `startKafkaListener` over an embedded log,
// beside the embedded log's direct append and read rates measured in the same run as the baseline.
// The Java tools come from scripts/test-peers/install.sh; without them the figure says so.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKafkaListener } from '../src/kafka/index.js';
import { InternalTopics, type ProduceRecord, SegmentLog } from '../src/log/index.js';

const RECORDS = 500_000;
const RECORD_BYTES = 200;
const BATCH = 1000;

export interface ListenerFigure {
  readonly name: string;
  readonly recordsPerSecond: number;
  readonly megabytesPerSecond: number;
}

const figure = (name: string, records: number, seconds: number): ListenerFigure => ({
  name,
  recordsPerSecond: records / seconds,
  megabytesPerSecond: (records * RECORD_BYTES) / seconds / 1e6,
});

function java(mainClass: string, args: string[], classpath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('java', ['-cp', classpath, mainClass, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${mainClass} exited with ${code}:\n${out}`)),
    );
  });
}

async function directAppend(log: SegmentLog): Promise<ListenerFigure> {
  await log.createTopic('direct');
  const value = Buffer.alloc(RECORD_BYTES, 'v');
  const start = performance.now();
  for (let b = 0; b < RECORDS / BATCH; b++) {
    const batch: ProduceRecord[] = new Array(BATCH).fill({ value });
    await log.append('direct', batch);
  }
  return figure('embedded log append (baseline)', RECORDS, (performance.now() - start) / 1000);
}

async function directRead(log: SegmentLog): Promise<ListenerFigure> {
  const start = performance.now();
  let offset = 0;
  let count = 0;
  while (count < RECORDS) {
    const result = await log.read('direct', 0, offset, { maxRecords: 5000, maxBytes: 1 << 20 });
    count += result.records.length;
    offset = result.nextOffset;
  }
  return figure('embedded log read (baseline)', count, (performance.now() - start) / 1000);
}

/** Returns the figures, or a line saying why they could not be measured. */
export async function benchKafkaListener(): Promise<ListenerFigure[] | string> {
  const jars = join(process.env.SLUICE_PEERS_DIR ?? join(homedir(), '.cache', 'sluice'), 'kafka-jars');
  if (!existsSync(jars) || !readdirSync(jars).some((f) => f.startsWith('kafka-tools-'))) {
    return `not measured: Apache Kafka's perf tools are not in ${jars} (run scripts/test-peers/install.sh)`;
  }
  const classpath = `${jars}/*`;
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-kafka-'));
  const log = await SegmentLog.open({ dataDir: dir });
  const listener = await startKafkaListener({
    log,
    internalTopics: new InternalTopics(),
    listener: 'PLAINTEXT://127.0.0.1:0',
    groupInitialRebalanceDelayMs: 0,
    writeLine: () => {},
  });
  try {
    const appended = await directAppend(log);
    const read = await directRead(log);
    await log.createTopic('perf');
    const bootstrap = `127.0.0.1:${listener.port}`;
    const produced = await java(
      'org.apache.kafka.tools.ProducerPerformance',
      [
        '--topic',
        'perf',
        '--num-records',
        String(RECORDS),
        '--record-size',
        String(RECORD_BYTES),
        '--throughput',
        '-1',
        '--producer-props',
        `bootstrap.servers=${bootstrap}`,
        'acks=1',
        'linger.ms=5',
        'batch.size=65536',
      ],
      classpath,
    );
    // "500000 records sent, 123456.7 records/sec (23.55 MB/sec), …"
    const sent = /(\d+) records sent, ([\d.]+) records\/sec/.exec(produced.trim().split('\n').at(-1) ?? '');
    if (sent === null) throw new Error(`unexpected kafka-producer-perf-test output:\n${produced}`);
    const consumed = await java(
      'org.apache.kafka.tools.ConsumerPerformance',
      [
        '--bootstrap-server',
        bootstrap,
        '--topic',
        'perf',
        '--messages',
        String(RECORDS),
        '--group',
        'perf-readers',
        '--hide-header',
      ],
      classpath,
    );
    // start.time, end.time, MB, MB/s, nMsg, nMsg/s, rebalance.time.ms, fetch.time.ms, fetch.MB/s, fetch.nMsg/s
    const row =
      consumed
        .trim()
        .split('\n')
        .at(-1)
        ?.split(',')
        .map((s) => s.trim()) ?? [];
    const fetchRate = Number(row[9]);
    if (!(fetchRate > 0)) throw new Error(`unexpected kafka-consumer-perf-test output:\n${consumed}`);
    const producedRate = Number(sent[2]);
    return [
      appended,
      {
        name: 'kafka-producer-perf-test → listener',
        recordsPerSecond: producedRate,
        megabytesPerSecond: (producedRate * RECORD_BYTES) / 1e6,
      },
      read,
      {
        name: 'kafka-consumer-perf-test ← listener',
        recordsPerSecond: fetchRate,
        megabytesPerSecond: (fetchRate * RECORD_BYTES) / 1e6,
      },
    ];
  } finally {
    await listener.close();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
