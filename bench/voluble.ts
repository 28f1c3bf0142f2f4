// The Voluble task polling the seed statement's generators with no throttle, beside a loop that
// only calls the same faker-js functions: the gap is the connector's own cost (expression
// dispatch, nulls and matching checks, Struct building, SourceRecords).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { base, en, Faker } from '@faker-js/faker';
import type { SourceOffset, SourcePartition } from '../src/connect/api/index.js';
import { startConnectWorker } from '../src/connect/start-worker.js';
import { builtinConnectors } from '../src/connectors/index.js';
import { VolubleSourceTask } from '../src/connectors/voluble/index.js';
import { SegmentLog } from '../src/log/index.js';

const RECORDS = 100_000;
const ROUNDS = 3;

const CONFIG = {
  'genkp.people.with': '#{Internet.uuid}',
  'genv.people.name.with': '#{Name.full_name}',
  'genv.people.creditCardNumber.with': '#{Finance.credit_card}',
  'global.seed': '1',
};

function fakerOnly(): number {
  const faker = new Faker({ locale: [en, base], seed: 1 });
  const started = performance.now();
  let sink = 0;
  for (let i = 0; i < RECORDS; i++) {
    sink +=
      faker.string.uuid().length + faker.person.fullName().length + faker.finance.creditCardNumber().length;
  }
  if (sink === 0) throw new Error('unreachable');
  return RECORDS / ((performance.now() - started) / 1000);
}

async function taskPolling(): Promise<number> {
  const task = new VolubleSourceTask({ batchSize: 1000 });
  task.initialize({
    configs: CONFIG,
    offsetStorageReader: {
      offset: async (_p: SourcePartition): Promise<SourceOffset | null> => null,
      offsets: async (ps) => new Map(ps.map((p) => [p, null])),
    },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  await task.start(CONFIG);
  const started = performance.now();
  let count = 0;
  while (count < RECORDS) count += (await task.poll())?.length ?? 0;
  const seconds = (performance.now() - started) / 1000;
  await task.stop();
  return count / seconds;
}

/** The whole path the issue names: the connector in the embedded worker, converted and appended to the log. */
async function intoTheLog(round: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-voluble-'));
  const log = await SegmentLog.open({ dataDir: dir, cleanerIntervalMs: 0 });
  const worker = await startConnectWorker({
    log,
    properties: {},
    connectors: builtinConnectors,
    version: 'bench',
    listen: false,
  });
  try {
    const started = performance.now();
    await worker.herder.createConnector(`voluble-${round}`, {
      'connector.class': 'io.mdrogalis.voluble.VolubleSourceConnector',
      ...CONFIG,
      'topic.people.records.exactly': String(RECORDS),
    });
    while (!(await log.hasTopic('people')) || (await log.endOffset('people', 0)) < RECORDS) {
      await new Promise((r) => setTimeout(r, 2));
    }
    return RECORDS / ((performance.now() - started) / 1000);
  } finally {
    await worker.close();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchVoluble(): Promise<{ name: string; recordsPerSecond: number }[]> {
  let baseline = 0;
  let polling = 0;
  let endToEnd = 0;
  for (let round = 0; round < ROUNDS; round++) {
    baseline = Math.max(baseline, fakerOnly());
    polling = Math.max(polling, await taskPolling());
    endToEnd = Math.max(endToEnd, await intoTheLog(round));
  }
  return [
    { name: 'faker calls only (uuid, fullName, creditCardNumber)', recordsPerSecond: baseline },
    { name: 'Voluble task poll, seed config, no throttle', recordsPerSecond: polling },
    { name: 'Voluble connector into the embedded log', recordsPerSecond: endToEnd },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const f of await benchVoluble()) {
    console.log(
      `${f.name.padEnd(52)} ${Math.round(f.recordsPerSecond).toLocaleString('en-US').padStart(10)} records/s`,
    );
  }
}
