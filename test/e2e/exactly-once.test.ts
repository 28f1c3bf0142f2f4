import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { exactlyOnceRefused, onEachBackend } from './backends.fixture.js';
import { eventually, killAll, type SluiceProcess, startSluice } from './sluice-server.fixture.js';

afterEach(killAll);

const ROUNDS = 6;
const CHUNK = 100;
const PAD = 'p'.repeat(100);

/**
 * Sends numbered rows to `src` through /inserts-stream, CHUNK per request, one request at a time,
 * to whichever server is up; a request cut by a kill is not retried (its rows may or may not be
 * in the topic: the test compares the output with what the input topic holds).
 */
function produce(server: () => SluiceProcess | undefined, stopped: () => boolean): Promise<number> {
  let seq = 0;
  return (async () => {
    while (!stopped()) {
      const target = server();
      if (target === undefined) {
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      const rows = [JSON.stringify({ target: 'src' })];
      for (let i = 0; i < CHUNK; i++, seq++) rows.push(JSON.stringify({ ID: `k${seq}`, SEQ: seq, PAD }));
      try {
        const res = await fetch(`${target.url}/inserts-stream`, { method: 'POST', body: rows.join('\n') });
        await res.text();
      } catch {
        // The server was killed under the request.
      }
    }
    return seq;
  })();
}

async function seqs(server: SluiceProcess, topic: string, partition: number): Promise<number[]> {
  return (await server.records(topic, partition)).map((r) => (JSON.parse(r.value!) as { SEQ: number }).SEQ);
}

onEachBackend('exactly once', { timeout: 600_000 }, (backend) => {
  if (!backend.exactlyOnce) {
    exactlyOnceRefused(backend);
    return;
  }
  test('exactly_once_v2: a filtering query killed with SIGKILL again and again while input flows writes every record once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-eos-'));
    const env = { ...backend.env(), KSQL_KSQL_STREAMS_COMMIT_INTERVAL_MS: '100' };
    let current: SluiceProcess | undefined;
    let done = false;
    try {
      current = await startSluice(dataDir, env);
      await current.ksql(
        `CREATE STREAM src (id STRING KEY, seq BIGINT, pad STRING) WITH (KAFKA_TOPIC='src', VALUE_FORMAT='JSON', PARTITIONS=2);
         CREATE STREAM kept WITH (KAFKA_TOPIC='kept') AS SELECT id, seq FROM src WHERE seq % 3 <> 0;`,
        { 'auto.offset.reset': 'earliest', 'processing.guarantee': 'exactly_once_v2' },
      );
      const producing = produce(
        () => current,
        () => done,
      );
      for (let round = 0; round < ROUNDS; round++) {
        const server = current;
        // Let input flow and the query commit a few times, then kill it mid-stream.
        await eventually('input to arrive', async () =>
          (await server.records('src', 0)).length > (round + 1) * 300 ? true : undefined,
        );
        await new Promise((r) => setTimeout(r, Math.random() * 300));
        current = undefined;
        await server.kill();
        current = await startSluice(backend.restartDir(dataDir), env);
      }
      done = true;
      const sent = await producing;
      const server = current;
      const group = '_confluent-ksql-default_query_CSAS_KEPT_1';
      // Caught up: the committed offsets reach the end of the input.
      await eventually('the query to commit all its input', async () => {
        for (const p of [0, 1]) {
          const end = (await server.records('src', p)).length;
          if ((await server.committed(group, 'src', p)) !== end) return undefined;
        }
        return true;
      });
      let inputCount = 0;
      let outputCount = 0;
      for (const p of [0, 1]) {
        const input = await seqs(server, 'src', p);
        const output = await seqs(server, 'kept', p);
        inputCount += input.length;
        outputCount += output.length;
        const expected = input.filter((s) => s % 3 !== 0);
        assert.equal(new Set(output).size, output.length, `partition ${p}: duplicates in the output`);
        assert.deepEqual(output, expected, `partition ${p}: the output is the filtered input, in order`);
      }
      assert.ok(
        inputCount > ROUNDS * 300 && inputCount <= sent,
        `${inputCount} input records of ${sent} sent`,
      );
      assert.ok(outputCount > 0);
      await server.kill();
    } finally {
      done = true;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
