// The AVRO and PROTOBUF formats beside JSON in the same run: a stateless CSAS (WHERE + projected
// expressions) over ~140-byte records whose source and sink are AVRO (or PROTOBUF), against the same
// CSAS over JSON; and the formats' own decode+encode of the same rows (Sluice's JSON serde vs its
// AVRO or PROTOBUF serde). Issue 15 asks a binary format's CSAS to be at least as fast as JSON's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServerConfig } from '../src/config/index.js';
import { KsqlEngine } from '../src/engine/index.js';
import { type ProduceRecord, SegmentLog } from '../src/log/index.js';
import { InProcessSchemaRegistryClient, SchemaStore } from '../src/registry/index.js';
import {
  avroFormat,
  avroWriterSchema,
  type Format,
  jsonFormat,
  protobufFormat,
  protobufWriterSchema,
  type RegistrySchemaType,
  type SerdeColumn,
} from '../src/serde/index.js';
import { BIGINT, DOUBLE, INTEGER, type SqlValue, STRING } from '../src/types/index.js';

const RECORDS = 200_000;

const COLUMNS: SerdeColumn[] = [
  { name: 'ORDER_ID', type: BIGINT },
  { name: 'CUSTOMER', type: STRING },
  { name: 'ITEM', type: STRING },
  { name: 'QTY', type: INTEGER },
  { name: 'PRICE', type: DOUBLE },
  { name: 'SHIP_TO', type: STRING },
];

function rows(): SqlValue[][] {
  const out: SqlValue[][] = [];
  for (let i = 0; i < RECORDS; i++)
    out.push([
      BigInt(1_000_000 + i),
      `customer-${i % 5000}`,
      ['keyboard', 'mouse', 'monitor', 'laptop stand'][i % 4],
      1 + (i % 20),
      9.99 + (i % 100),
      `${i % 900} Long Street, Springfield, ${10000 + (i % 89999)}`,
    ]);
  return out;
}

export interface FormatFigure {
  readonly name: string;
  readonly recordsPerSecond: number;
  readonly bytesPerRecord: number;
}

type BinaryFormat = 'AVRO' | 'PROTOBUF';
type BenchFormat = 'JSON' | BinaryFormat;

const FORMATS: Record<BenchFormat, Format> = { JSON: jsonFormat, AVRO: avroFormat, PROTOBUF: protobufFormat };

/** The registered schema rows of a format are written with (JSON registers AVRO's, unused). */
function writerSchema(format: BenchFormat): { schemaType: RegistrySchemaType; schema: string } {
  return format === 'PROTOBUF'
    ? { schemaType: 'PROTOBUF', schema: protobufWriterSchema(COLUMNS, { target: 'value' }) }
    : { schemaType: 'AVRO', schema: avroWriterSchema(COLUMNS, { target: 'value' }) };
}

const CSAS = `CREATE STREAM big AS SELECT id, UCASE(customer) AS customer, qty * price AS total, qty > 10 AS bulk
  FROM orders WHERE qty >= 5 EMIT CHANGES;`;

async function csas(format: BenchFormat, data: readonly SqlValue[][]): Promise<FormatFigure> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-avro-'));
  const log = await SegmentLog.open({ dataDir: dir, cleanerIntervalMs: 0 });
  try {
    const registry = new InProcessSchemaRegistryClient(await SchemaStore.open(log));
    const schemaId = await registry.register('orders-value', { ...writerSchema(format), references: [] });
    const serialize = FORMATS[format].createSerializer(COLUMNS, {
      target: 'value',
      schemaId,
    });
    const records: ProduceRecord[] = data.map((row, i) => ({
      key: Buffer.from(`o-${i}`),
      value: serialize(row),
      timestamp: 1_700_000_000_000 + i,
    }));
    const bytes = records.reduce((n, r) => n + (r.value?.length ?? 0), 0);
    const engine = await KsqlEngine.start(
      log,
      loadServerConfig({
        flags: { 'ksql.streams.commit.interval.ms': '100', 'ksql.streams.state.dir': join(dir, 'state') },
        env: {},
      }),
      undefined,
      registry,
    );
    await engine.execute(
      `CREATE STREAM orders (id STRING KEY, order_id BIGINT, customer STRING, item STRING, qty INT, price DOUBLE, ship_to STRING)
         WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='${format}', PARTITIONS=1);`,
    );
    for (let i = 0; i < records.length; i += 5000) await log.append('orders', records.slice(i, i + 5000));
    const start = performance.now();
    await engine.execute(`SET 'auto.offset.reset'='earliest'; ${CSAS}`);
    await engine.waitUntilIdle(120_000);
    const seconds = (performance.now() - start) / 1000;
    if ((await log.endOffset('BIG', 0)) === 0) throw new Error('the query produced nothing');
    await engine.close();
    return {
      name: `CSAS ${format} → ${format}`,
      recordsPerSecond: RECORDS / seconds,
      bytesPerRecord: bytes / RECORDS,
    };
  } finally {
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The format's own decode then encode of every row, compiled once, as a query's source and sink do. */
async function serde(format: BenchFormat, data: readonly SqlValue[][]): Promise<FormatFigure> {
  const registered = { ...writerSchema(format), references: [] };
  const registry = {
    location: 'bench',
    cachedSchemaById: () => registered,
    schemaById: async () => registered,
    lookup: async () => ({ ...registered, subject: 'orders-value', version: 1, id: 1 }),
  } as unknown as InProcessSchemaRegistryClient;
  const f = FORMATS[format];
  const options = { target: 'value' as const, schemaId: 1, schemaRegistry: registry };
  const serialize = f.createSerializer(COLUMNS, options);
  const deserialize = f.createDeserializer(COLUMNS, options);
  const encoded = data.map((row) => serialize(row));
  await deserialize.prepare?.(encoded);
  const start = performance.now();
  let bytes = 0;
  for (const b of encoded) bytes += serialize(deserialize(b))?.length ?? 0;
  const seconds = (performance.now() - start) / 1000;
  return {
    name: `${format} decode + encode`,
    recordsPerSecond: RECORDS / seconds,
    bytesPerRecord: bytes / RECORDS,
  };
}

/** Best of three of each, alternating so both see the same machine. */
export async function benchAvroFormat(binary: BinaryFormat = 'AVRO'): Promise<FormatFigure[]> {
  const data = rows();
  const best = new Map<string, FormatFigure>();
  const keep = (f: FormatFigure) => {
    const seen = best.get(f.name);
    if (seen === undefined || f.recordsPerSecond > seen.recordsPerSecond) best.set(f.name, f);
  };
  for (let round = 0; round < 3; round++) {
    keep(await serde('JSON', data));
    keep(await serde(binary, data));
    keep(await csas('JSON', data));
    keep(await csas(binary, data));
  }
  return [...best.values()];
}

/** Prints the figures, each AVRO (or PROTOBUF) one beside its JSON baseline. */
export function printAvroFigures(figures: readonly FormatFigure[], binary: BinaryFormat = 'AVRO'): void {
  console.log(
    `${binary} beside JSON, the same rows (~140 B as JSON, ~80 B as ${binary}), ${RECORDS.toLocaleString('en-US')} records, best of 3`,
  );
  for (const [i, f] of figures.entries()) {
    const ratio =
      i % 2 === 0
        ? ''
        : `  ${((100 * f.recordsPerSecond) / figures[i - 1].recordsPerSecond).toFixed(0)} % of JSON`;
    console.log(
      `  ${f.name.padEnd(28)} ${Math.round(f.recordsPerSecond).toLocaleString('en-US').padStart(12)} records/s ${f.bytesPerRecord.toFixed(0).padStart(5)} B/record${ratio}`,
    );
  }
}

if (process.argv[1]?.endsWith('avro-query.js')) {
  const binary = process.argv[2] === 'PROTOBUF' ? 'PROTOBUF' : 'AVRO';
  printAvroFigures(await benchAvroFormat(binary), binary);
}
