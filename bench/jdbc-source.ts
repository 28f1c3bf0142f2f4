// The JDBC source task reading a PostgreSQL table (bulk and incrementing), records converted to
// Connect Structs, beside a same-run baseline: the same rows read by plain keyset-paged SELECTs
// through node-postgres (its default type parsing, rows as objects) in the same batch size. The
// gap is the connector's own cost: offsets, schemas, exact value conversion, SourceRecords.

import type { SourceRecord } from '../src/connect/api/index.js';
import { JdbcSourceTask } from '../src/connectors/jdbc-source/index.js';
import { startTestPostgres, type TestPostgres } from '../src/connectors/postgres/test-postgres.fixture.js';

const ROWS = 200_000;
const BATCH = 1000;
const ROUNDS = 5;

async function baseline(db: TestPostgres): Promise<number> {
  const client = await db.client();
  try {
    const started = performance.now();
    let last = -1;
    let count = 0;
    for (;;) {
      const r = await client.query('SELECT * FROM bench WHERE id > $1 ORDER BY id ASC LIMIT $2', [
        last,
        BATCH,
      ]);
      if (r.rows.length === 0) break;
      count += r.rows.length;
      last = Number(r.rows[r.rows.length - 1].id);
    }
    if (count !== ROWS) throw new Error(`baseline read ${count} rows`);
    return count / ((performance.now() - started) / 1000);
  } finally {
    await client.end();
  }
}

async function taskRate(db: TestPostgres, mode: 'bulk' | 'incrementing'): Promise<number> {
  const props = {
    'connection.url': db.jdbcUrl,
    'connection.user': db.user,
    'connection.password': db.password,
    'topic.prefix': 'bench-',
    mode,
    'incrementing.column.name': 'id',
    'batch.max.rows': String(BATCH),
    'poll.interval.ms': '600000',
    tables: JSON.stringify([['public', 'bench']]),
  };
  const task = new JdbcSourceTask();
  task.initialize({
    configs: props,
    offsetStorageReader: {
      offset: async () => null,
      offsets: async (ps) => new Map(ps.map((p) => [p, null])),
    },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  await task.start(props);
  try {
    const started = performance.now();
    let count = 0;
    let last: SourceRecord | undefined;
    while (count < ROWS) {
      const batch = await task.poll();
      if (batch === null) throw new Error(`${mode}: the task went idle after ${count} rows`);
      count += batch.length;
      last = batch[batch.length - 1];
    }
    if (last?.value === null) throw new Error('unreachable');
    return count / ((performance.now() - started) / 1000);
  } finally {
    await task.stop();
  }
}

export async function benchJdbcSource(): Promise<string[]> {
  const db = await startTestPostgres();
  try {
    await db.query(`CREATE TABLE bench (
      id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2) NOT NULL,
      at timestamptz NOT NULL, flag boolean NOT NULL, note text)`);
    await db.query(
      `INSERT INTO bench SELECT g, 'customer-' || g, (g % 100000) / 100.0,
         timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second', g % 2 = 0,
         CASE WHEN g % 3 = 0 THEN NULL ELSE repeat('x', 40) END
       FROM generate_series(1, ${ROWS}) g`,
    );
    await db.query('VACUUM ANALYZE bench');
    // Rounds interleave the three, so load from elsewhere on the machine hits them alike.
    let base = 0;
    let bulk = 0;
    let incrementing = 0;
    for (let i = 0; i < ROUNDS; i++) {
      base = Math.max(base, await baseline(db));
      bulk = Math.max(bulk, await taskRate(db, 'bulk'));
      incrementing = Math.max(incrementing, await taskRate(db, 'incrementing'));
    }
    const line = (name: string, rate: number, ratio: boolean) =>
      `  ${name.padEnd(52)} ${Math.round(rate).toLocaleString('en-US').padStart(10)} rows/s${
        ratio ? `  ${((100 * rate) / base).toFixed(0)} % of baseline` : ''
      }`;
    return [
      `JDBC source, PostgreSQL table of ${ROWS.toLocaleString('en-US')} rows (6 columns), batch ${BATCH}, best of ${ROUNDS}`,
      line('plain SELECT … WHERE id > $1 ORDER BY id LIMIT n (pg)', base, false),
      line('task, mode=bulk (cursor), rows → Connect Structs', bulk, true),
      line('task, mode=incrementing, rows → Connect Structs', incrementing, true),
    ];
  } finally {
    await db.close();
  }
}
