import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startServer } from '../app/index.js';
import { loadServerConfig } from '../config/index.js';

/** Asks `check` (the server's answers) again until it holds; fails after 30 s. */
async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('a query in ERROR shows in SHOW QUERIES and /healthcheck, and recovers on its own once the cause is gone', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-query-health-'));
  const server = await startServer(
    loadServerConfig({
      flags: {
        listeners: 'http://127.0.0.1:0',
        'sluice.data.dir': dataDir,
        'ksql.query.retry.backoff.initial.ms': '20',
        'ksql.query.retry.backoff.max.ms': '100',
      },
      env: {},
    }),
  );
  try {
    const post = async (path: string, body: unknown) => {
      const res = await fetch(server.url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      return text === '' ? undefined : (JSON.parse(text) as unknown);
    };
    const queries = async () => {
      const [listed] = (await post('/ksql', { ksql: 'SHOW QUERIES;' })) as {
        queries: { state: string; statusCount: Record<string, number> }[];
      }[];
      return listed.queries;
    };
    const health = async () =>
      (await (await fetch(`${server.url}/healthcheck`)).json()) as {
        isHealthy: boolean;
        details: Record<string, { isHealthy: boolean }>;
      };

    await server.log.createTopic('out', { config: { 'max.message.bytes': '1000' } });
    await post('/ksql', {
      ksql: `CREATE STREAM src (id STRING KEY, text STRING) WITH (KAFKA_TOPIC='src', VALUE_FORMAT='JSON', PARTITIONS=1);
             CREATE STREAM copied WITH (KAFKA_TOPIC='out') AS SELECT id, text FROM src;`,
      streamsProperties: { 'auto.offset.reset': 'earliest' },
    });
    await server.log.append(
      'src',
      ['short', 'x'.repeat(5000), 'short again'].map((text, i) => ({
        key: Buffer.from(`r${i}`),
        value: Buffer.from(JSON.stringify({ TEXT: text })),
      })),
    );

    await eventually('SHOW QUERIES to report ERROR', async () => {
      const [q] = await queries();
      return q.state === 'ERROR' && q.statusCount.ERROR === 1;
    });
    await eventually('/healthcheck to report the query', async () => {
      const h = await health();
      return h.details.queries.isHealthy === false;
    });
    const h = await health();
    assert.equal(h.isHealthy, true, 'the server itself stays healthy');
    assert.equal(h.details.metastore.isHealthy, true);

    const cluster = server.log.clusterId;
    const altered = (await post(`/v3/clusters/${cluster}/topics/out/configs:alter`, {
      data: [{ name: 'max.message.bytes', value: '100000' }],
    })) as undefined | { message: string };
    assert.equal(altered, undefined, 'configs:alter answers 204');
    await eventually('every record in the sink', async () => (await server.log.endOffset('out', 0)) === 3);
    await eventually('SHOW QUERIES and /healthcheck to report it running', async () => {
      const [q] = await queries();
      return q.state === 'RUNNING' && (await health()).details.queries.isHealthy;
    });
    const written = await server.log.read('out', 0, 0);
    assert.deepEqual(
      written.records.map((r) => r.key!.toString()),
      ['r0', 'r1', 'r2'],
    );
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
