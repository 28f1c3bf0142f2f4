// The JDBC sink writing Connect records into PostgreSQL, in the runtime's batch sizes, beside the
// same rows loaded with COPY … FROM STDIN through pg + pg-copy-streams in the same run.
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import {
  type ConnectLogger,
  decimalSchema,
  type Schema,
  Schemas,
  type SinkRecord,
  type SinkTaskContext,
  Struct,
  structSchema,
  timestampSchema,
} from '../src/connect/api/index.js';
import { JdbcSinkTask } from '../src/connectors/jdbc-sink/jdbc-sink-task.js';
import { startTestPostgres, type TestPostgres } from '../src/connectors/postgres/test-postgres.fixture.js';

const RECORDS = 1_000_000;
const UPSERT_RECORDS = 200_000;
const PUT_SIZE = 500;
const ROUNDS = 2;
const BASE_TS = Date.UTC(2024, 0, 1);

const schema: Schema = structSchema(
  [
    { name: 'id', schema: Schemas.INT64 },
    { name: 'name', schema: Schemas.STRING },
    {
      name: 'amount',
      schema: { ...decimalSchema(2), parameters: { scale: '2', 'connect.decimal.precision': '12' } },
    },
    { name: 'ts', schema: timestampSchema() },
    { name: 'flag', schema: Schemas.BOOLEAN },
  ],
  { name: 'bench.Payment' },
);

/** Row i's values, the same for the sink and the baseline. */
const nameOf = (i: number) => `customer-${i % 9973}`;
const unscaledOf = (i: number) => BigInt((i * 7919) % 10_000_000);
const tsOf = (i: number) => BASE_TS + i * 1000;
const flagOf = (i: number) => i % 3 === 0;

function records(from: number, count: number): SinkRecord[] {
  const out: SinkRecord[] = new Array(count);
  for (let n = 0; n < count; n++) {
    const i = from + n;
    const value = new Struct(schema)
      .put('id', i)
      .put('name', nameOf(i))
      .put('amount', { unscaled: unscaledOf(i), scale: 2 })
      .put('ts', new Date(tsOf(i)))
      .put('flag', flagOf(i));
    out[n] = {
      topic: 'payments',
      kafkaPartition: 0,
      kafkaOffset: i,
      keySchema: null,
      key: null,
      valueSchema: schema,
      value,
      timestamp: tsOf(i),
      timestampType: 'CreateTime',
      headers: [],
      originalTopic: 'payments',
      originalKafkaPartition: 0,
      originalKafkaOffset: i,
    };
  }
  return out;
}

const quiet: ConnectLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

async function startSink(db: TestPostgres, props: Record<string, string>): Promise<JdbcSinkTask> {
  const configs = {
    'connection.url': db.jdbcUrl,
    'connection.user': db.user,
    'connection.password': db.password,
    'auto.create': 'true',
    ...props,
  };
  const context: SinkTaskContext = {
    configs,
    logger: quiet,
    offset: () => {},
    timeout: () => {},
    assignment: () => [],
    pause: () => {},
    resume: () => {},
    requestCommit: () => {},
    errantRecordReporter: null,
  };
  const task = new JdbcSinkTask();
  task.initialize(context);
  task.start(configs);
  return task;
}

interface SinkRates {
  /** From the first put until flush has everything committed. */
  readonly total: number;
  /** The same, less the time spent building the records (the runtime's work, not the sink's). */
  readonly sink: number;
}

/** Puts in the runtime's batch sizes; the task writes in the background and flush waits for it. */
async function sinkRates(task: JdbcSinkTask, count: number): Promise<SinkRates> {
  let building = 0;
  const start = performance.now();
  for (let from = 0; from < count; from += PUT_SIZE) {
    const built = performance.now();
    const batch = records(from, Math.min(PUT_SIZE, count - from));
    building += performance.now() - built;
    await task.put(batch);
  }
  await task.flush();
  const elapsed = performance.now() - start;
  return { total: count / (elapsed / 1000), sink: count / ((elapsed - building) / 1000) };
}

function decimal2(unscaled: bigint): string {
  const digits = unscaled.toString().padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** The same rows as COPY text, generated and streamed in one COPY (generation inside the clock). */
async function copyRate(db: TestPostgres): Promise<number> {
  const client = await db.client();
  try {
    await client.query('truncate bench_copy');
    const start = performance.now();
    async function* lines(): AsyncGenerator<string> {
      for (let from = 0; from < RECORDS; from += 10_000) {
        let chunk = '';
        for (let i = from; i < from + 10_000; i++)
          chunk += `${i}\t${nameOf(i)}\t${decimal2(unscaledOf(i))}\t${new Date(tsOf(i)).toISOString()}\t${flagOf(i) ? 't' : 'f'}\n`;
        yield chunk;
      }
    }
    await pipeline(
      lines(),
      client.query(copyFrom('copy bench_copy (id, name, amount, ts, flag) from stdin')),
    );
    return RECORDS / ((performance.now() - start) / 1000);
  } finally {
    await client.end();
  }
}

async function count(db: TestPostgres, table: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(`select count(*)::int as n from ${table}`);
  return row.n;
}

export async function benchJdbcSink(): Promise<string[]> {
  const db = await startTestPostgres();
  try {
    const insert = await startSink(db, { 'table.name.format': 'bench_sink' });
    // Creates the table (and warms up) before anything is timed.
    await insert.put(records(0, PUT_SIZE));
    await insert.flush();
    await db.query('create table bench_copy (like bench_sink)');
    let copy = 0;
    let sink: SinkRates = { total: 0, sink: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      copy = Math.max(copy, await copyRate(db));
      await db.query('truncate bench_sink');
      const rates = await sinkRates(insert, RECORDS);
      if (rates.sink > sink.sink) sink = rates;
    }
    if ((await count(db, 'bench_sink')) !== RECORDS || (await count(db, 'bench_copy')) !== RECORDS)
      throw new Error('row counts differ from the records written');
    await insert.stop();

    const upsert = await startSink(db, {
      'table.name.format': 'bench_upsert',
      'insert.mode': 'upsert',
      'pk.mode': 'record_value',
      'pk.fields': 'id',
    });
    await upsert.put(records(0, PUT_SIZE));
    await upsert.flush();
    await db.query('truncate bench_upsert');
    const upsertRate = await sinkRates(upsert, UPSERT_RECORDS);
    await upsert.stop();
    if ((await count(db, 'bench_upsert')) !== UPSERT_RECORDS) throw new Error('upsert row count differs');

    const line = (name: string, rate: number, baseline?: number) =>
      `  ${name.padEnd(62)} ${Math.round(rate).toLocaleString('en-US').padStart(10)} records/s${
        baseline === undefined ? '' : `  ${((100 * rate) / baseline).toFixed(0)} % of baseline`
      }`;
    return [
      `JDBC sink into PostgreSQL 18 (embedded, same host), rows of bigint, text, numeric(12,2), timestamptz, boolean; best of ${ROUNDS}`,
      `(sink: ${PUT_SIZE}-record puts, from the first put until flush has all committed; "sink" leaves out building the Connect records, "with records" counts it)`,
      line(`COPY FROM STDIN, pg-copy-streams, ${RECORDS.toLocaleString('en-US')} rows (baseline)`, copy),
      line(`JDBC sink, insert mode, ${RECORDS.toLocaleString('en-US')} records, sink`, sink.sink, copy),
      line(
        `JDBC sink, insert mode, ${RECORDS.toLocaleString('en-US')} records, with records`,
        sink.total,
        copy,
      ),
      line(
        `JDBC sink, upsert mode, ${UPSERT_RECORDS.toLocaleString('en-US')} records, sink (1 round)`,
        upsertRate.sink,
        copy,
      ),
    ];
  } finally {
    await db.close();
  }
}
