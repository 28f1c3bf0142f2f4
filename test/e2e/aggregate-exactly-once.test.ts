import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { exactlyOnceRefused, onEachBackend } from './backends.fixture.js';
import { eventually, killAll, type SluiceProcess, startSluice } from './sluice-server.fixture.js';

afterEach(killAll);

const ROUNDS = 3;
const CHUNK = 100;
const BUCKETS = 7;

/** Sends numbered rows to `src` through /inserts-stream, one request at a time, to whichever server is up. */
function produce(server: () => SluiceProcess | undefined, stopped: () => boolean): Promise<void> {
  let seq = 0;
  return (async () => {
    while (!stopped()) {
      const target = server();
      if (target === undefined) {
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      const rows = [JSON.stringify({ target: 'src' })];
      for (let i = 0; i < CHUNK; i++, seq++) rows.push(JSON.stringify({ ID: `k${seq}`, SEQ: seq }));
      try {
        await (await fetch(`${target.url}/inserts-stream`, { method: 'POST', body: rows.join('\n') })).text();
      } catch {
        // The server was killed under the request.
      }
    }
  })();
}

onEachBackend('exactly once aggregation', { timeout: 600_000 }, (backend) => {
  if (!backend.exactlyOnce) {
    exactlyOnceRefused(backend);
    return;
  }
  test('exactly_once_v2: a GROUP BY COUNT killed with SIGKILL again and again counts every input record once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-agg-eos-'));
    const env = { ...backend.env(), KSQL_KSQL_STREAMS_COMMIT_INTERVAL_MS: '100' };
    let current: SluiceProcess | undefined;
    let done = false;
    try {
      current = await startSluice(dataDir, env);
      await current.ksql(
        `CREATE STREAM src (id STRING KEY, seq BIGINT) WITH (KAFKA_TOPIC='src', VALUE_FORMAT='JSON', PARTITIONS=2);
         CREATE TABLE counts WITH (KAFKA_TOPIC='counts') AS
           SELECT CAST(seq % ${BUCKETS} AS STRING) AS bucket, COUNT(*) AS n, SUM(seq) AS total
           FROM src GROUP BY CAST(seq % ${BUCKETS} AS STRING);`,
        { 'auto.offset.reset': 'earliest', 'processing.guarantee': 'exactly_once_v2' },
      );
      const producing = produce(
        () => current,
        () => done,
      );
      for (let round = 0; round < ROUNDS; round++) {
        const server = current;
        // Let input flow and the query commit a few times (its output shows it), then kill it mid-stream.
        const before =
          (await server.records('counts', 0)).length + (await server.records('counts', 1)).length;
        await eventually('the query to commit output', async () =>
          (await server.records('counts', 0)).length + (await server.records('counts', 1)).length >
          before + 200
            ? true
            : undefined,
        );
        current = undefined;
        await server.kill();
        current = await startSluice(backend.restartDir(dataDir), env);
      }
      done = true;
      await producing;
      const server = current;
      const group = '_confluent-ksql-default_query_CTAS_COUNTS_1';
      await eventually('the query to commit all its input', async () => {
        for (const p of [0, 1]) {
          const end = (await server.records('src', p)).length;
          if ((await server.committed(group, 'src', p)) !== end) return undefined;
        }
        return true;
      });
      const expected = new Map<string, { N: number; TOTAL: number }>();
      for (const p of [0, 1]) {
        for (const r of await server.records('src', p)) {
          const seq = (JSON.parse(r.value!) as { SEQ: number }).SEQ;
          const bucket = String(seq % BUCKETS);
          const e = expected.get(bucket) ?? { N: 0, TOTAL: 0 };
          expected.set(bucket, { N: e.N + 1, TOTAL: e.TOTAL + seq });
        }
      }
      const latest = new Map<string, { N: number; TOTAL: number }>();
      for (const p of [0, 1])
        for (const r of await server.records('counts', p)) latest.set(r.key!, JSON.parse(r.value!));
      assert.equal(expected.size, BUCKETS);
      assert.deepEqual(Object.fromEntries([...latest].sort()), Object.fromEntries([...expected].sort()));
      await server.kill();
    } finally {
      done = true;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
