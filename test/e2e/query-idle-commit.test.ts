import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { onEachBackend } from './backends.fixture.js';
import { eventually, killAll, startSluice } from './sluice-server.fixture.js';

afterEach(killAll);

onEachBackend('query commits', { timeout: 600_000 }, (backend) => {
  test('an idle query commits its last batch within the commit interval, so a SIGKILL after a quiet spell replays nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-idle-commit-'));
    try {
      const env = { ...backend.env(), KSQL_KSQL_STREAMS_COMMIT_INTERVAL_MS: '1000' };
      const first = await startSluice(dataDir, env);
      await first.ksql(
        `CREATE STREAM src (id STRING KEY, n INT) WITH (KAFKA_TOPIC='src', VALUE_FORMAT='JSON', PARTITIONS=1);
         CREATE STREAM copy WITH (KAFKA_TOPIC='copy') AS SELECT id, n FROM src;`,
        { 'auto.offset.reset': 'earliest' },
      );
      const group = '_confluent-ksql-default_query_CSAS_COPY_1';
      // Two batches in quick succession: the second lands inside the commit interval of the first.
      await first.ksql("INSERT INTO src (id, n) VALUES ('a', 1);");
      await eventually('the first output', async () =>
        (await first.records('copy')).length === 1 ? true : undefined,
      );
      await first.ksql("INSERT INTO src (id, n) VALUES ('b', 2);");
      await eventually('the second output', async () =>
        (await first.records('copy')).length === 2 ? true : undefined,
      );
      await eventually('the commit of both inputs while no more come', async () =>
        (await first.committed(group, 'src')) === 2 ? true : undefined,
      );
      await first.kill();

      // On Kafka the next server starts with an empty data dir: the query and its offsets come from the cluster.
      const again = await startSluice(backend.restartDir(dataDir), env);
      await again.ksql("INSERT INTO src (id, n) VALUES ('c', 3);");
      await eventually('the output after the restart', async () =>
        (await again.records('copy')).some((r) => r.key === 'c') ? true : undefined,
      );
      assert.deepEqual(
        (await again.records('copy')).map((r) => r.key),
        ['a', 'b', 'c'],
        'nothing replayed',
      );
      await again.kill();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
