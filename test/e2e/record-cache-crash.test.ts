import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { eventually, killAll, type SluiceProcess, startSluice } from './sluice-server.fixture.js';

afterEach(killAll);

const ROWS = 300;
const BUCKETS = 5;

/** Every row of a pull query over /query (its header and final message left out). */
async function pull(server: SluiceProcess, sql: string): Promise<unknown[][]> {
  const res = await fetch(`${server.url}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.ksql.v1+json' },
    body: JSON.stringify({ ksql: sql, streamsProperties: {} }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const body = (await res.json()) as { row?: { columns: unknown[] } }[];
  return body.flatMap((m) => (m.row === undefined ? [] : [m.row.columns]));
}

test('a SIGKILL while the record cache holds a GROUP BY’s updates loses none: the restart counts every row once', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-record-cache-'));
  try {
    // No commit for ten minutes: every update stays in the record cache (the server's default size).
    const first = await startSluice(dataDir, { KSQL_KSQL_STREAMS_COMMIT_INTERVAL_MS: '600000' });
    await first.ksql(
      `CREATE STREAM src (id STRING KEY, seq BIGINT) WITH (KAFKA_TOPIC='src', VALUE_FORMAT='JSON', PARTITIONS=1);
       CREATE TABLE counts WITH (KAFKA_TOPIC='counts') AS
         SELECT CAST(seq % ${BUCKETS} AS STRING) AS bucket, COUNT(*) AS n
         FROM src GROUP BY CAST(seq % ${BUCKETS} AS STRING);`,
      { 'auto.offset.reset': 'earliest' },
    );
    const rows = [JSON.stringify({ target: 'src' })];
    for (let seq = 0; seq < ROWS; seq++) rows.push(JSON.stringify({ ID: `k${seq}`, SEQ: seq }));
    await (await fetch(`${first.url}/inserts-stream`, { method: 'POST', body: rows.join('\n') })).text();
    // Pull queries read the store: every row is counted there, while nothing went out yet.
    await eventually('the query to count every row', async () => {
      const counted = (await pull(first, 'SELECT * FROM counts;')).reduce((n, r) => n + Number(r[1]), 0);
      return counted === ROWS ? true : undefined;
    });
    assert.deepEqual(await first.records('counts'), []);
    await first.kill();

    const second = await startSluice(dataDir, { KSQL_KSQL_STREAMS_COMMIT_INTERVAL_MS: '100' });
    const group = '_confluent-ksql-default_query_CTAS_COUNTS_1';
    await eventually('the restarted query to commit all its input', async () =>
      (await second.committed(group, 'src')) === ROWS ? true : undefined,
    );
    const latest = new Map<string, number>();
    for (const r of await second.records('counts'))
      latest.set(r.key ?? '', (JSON.parse(r.value ?? '{}') as { N: number }).N);
    assert.deepEqual(
      Object.fromEntries([...latest].sort()),
      Object.fromEntries(Array.from({ length: BUCKETS }, (_, b) => [String(b), ROWS / BUCKETS])),
    );
    await second.kill();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
