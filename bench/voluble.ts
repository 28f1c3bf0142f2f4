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
import { buildRegistryApp, SchemaStore } from '../src/registry/index.js';

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
async function intoTheLog(
  round: number,
  converters: 'default' | 'json' | 'avro' = 'default',
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-voluble-'));
  const log = await SegmentLog.open({ dataDir: dir, cleanerIntervalMs: 0 });
  // AvroConverter against Sluice's own registry over HTTP, as the seed's compose file has it.
  const registry = converters === 'avro' ? buildRegistryApp(await SchemaStore.open(log)) : undefined;
  let registryUrl = '';
  if (registry !== undefined) {
    await registry.listen({ host: '127.0.0.1', port: 0 });
    const address = registry.server.address();
    registryUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  }
  const properties: Record<string, string> =
    converters === 'avro'
      ? {
          'key.converter': 'io.confluent.connect.avro.AvroConverter',
          'key.converter.schema.registry.url': registryUrl,
          'value.converter': 'io.confluent.connect.avro.AvroConverter',
          'value.converter.schema.registry.url': registryUrl,
        }
      : converters === 'json'
        ? {
            'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
            'key.converter.schemas.enable': 'false',
            'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
            'value.converter.schemas.enable': 'false',
          }
        : {};
  const worker = await startConnectWorker({
    log,
    properties,
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
    await registry?.close();
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

/**
 * The same connector with JsonConverter (schemas.enable=false) and with AvroConverter (keys and
 * values, against Sluice's registry over HTTP), rounds interleaved; issue 15 asks Avro ≥ 90 % of JSON.
 */
export async function benchVolubleConverters(): Promise<{ json: number; avro: number }> {
  let json = 0;
  let avro = 0;
  for (let round = 0; round < ROUNDS; round++) {
    json = Math.max(json, await intoTheLog(round, 'json'));
    avro = Math.max(avro, await intoTheLog(round, 'avro'));
  }
  return { json, avro };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { json, avro } = await benchVolubleConverters();
  console.log(
    `Voluble with JsonConverter ${Math.round(json).toLocaleString('en-US').padStart(10)} records/s`,
  );
  console.log(
    `Voluble with AvroConverter ${Math.round(avro).toLocaleString('en-US').padStart(10)} records/s  ${((100 * avro) / json).toFixed(0)} % of JsonConverter`,
  );
  for (const f of await benchVoluble()) {
    console.log(
      `${f.name.padEnd(52)} ${Math.round(f.recordsPerSecond).toLocaleString('en-US').padStart(10)} records/s`,
    );
  }
}
