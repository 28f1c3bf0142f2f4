// Aggregation, a stream-table join, pull queries and a connector on one server, on both backends;
// the server is killed with SIGKILL and started again (on Kafka with an empty data dir), and finds
// its streams, tables, queries and connector again: the aggregate's state comes back from its
// changelog, the join's table from its topic, and both go on from their committed offsets.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { onEachBackend } from './backends.fixture.js';
import { eventually, killAll, type SluiceProcess, startSluice } from './sluice-server.fixture.js';

afterEach(killAll);

/** The rows of a pull query on /query-stream (after its header line). */
async function pull(server: SluiceProcess, sql: string): Promise<unknown[][]> {
  const res = await fetch(`${server.url}/query-stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql, properties: {} }),
  });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => JSON.parse(l) as unknown[]);
}

/** Names of what SHOW STREAMS|TABLES|QUERIES|CONNECTORS lists. */
async function shown(server: SluiceProcess): Promise<Record<string, string[]>> {
  const [[streams], [tables], [queries], [connectors]] = (await Promise.all(
    ['SHOW STREAMS;', 'SHOW TABLES;', 'SHOW QUERIES;', 'SHOW CONNECTORS;'].map((s) => server.ksql(s)),
  )) as [
    { streams: { name: string }[] }[],
    { tables: { name: string }[] }[],
    { queries: { id: string; state?: string }[] }[],
    { connectors: { name: string; state: string }[] }[],
  ];
  return {
    streams: streams.streams.map((s) => s.name).sort(),
    tables: tables.tables.map((t) => t.name).sort(),
    queries: queries.queries.map((q) => q.id).sort(),
    connectors: connectors.connectors.map((c) => c.name).sort(),
  };
}

/** Waits until every query's group has committed the whole of its inputs (so a SIGKILL replays nothing). */
async function allCommitted(server: SluiceProcess, inputs: Record<string, string[]>): Promise<void> {
  for (const [queryId, topics] of Object.entries(inputs))
    for (const topic of topics)
      await eventually(`${queryId} to commit ${topic}`, async () => {
        const end = (await server.records(topic)).length;
        return (await server.committed(`_confluent-ksql-default_query_${queryId}`, topic)) === end
          ? true
          : undefined;
      });
}

onEachBackend('stateful flows', { timeout: 600_000 }, (backend) => {
  test('GROUP BY, a stream-table join, pull queries and a source connector survive a SIGKILL and a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-stateful-flows-'));
    const env = {
      ...backend.env(),
      KSQL_KSQL_STREAMS_COMMIT_INTERVAL_MS: '200',
      KSQL_CONNECT_LISTENERS: 'http://127.0.0.1:0',
    };
    const input = join(dir, 'orders.txt');
    try {
      writeFileSync(input, '');
      const first = await startSluice(join(dir, 'data'), env);
      await first.ksql(
        `CREATE TABLE customers (id STRING PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='customers', VALUE_FORMAT='JSON', PARTITIONS=1);
         CREATE STREAM orders (customer STRING KEY, amount INT) WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON', PARTITIONS=1);
         CREATE TABLE totals AS SELECT customer, COUNT(*) AS n, SUM(amount) AS total FROM orders GROUP BY customer;
         CREATE STREAM named AS SELECT o.customer AS customer, c.name AS name, o.amount AS amount
           FROM orders o JOIN customers c ON o.customer = c.id;`,
        { 'auto.offset.reset': 'earliest' },
      );
      // A source connector writes raw lines to a topic of its own: it must come back after the restart too.
      await first.ksql(
        `CREATE SOURCE CONNECTOR lines WITH ('connector.class'='FileStreamSource', 'file'='${input}', 'topic'='order_lines');`,
      );
      await first.ksql(
        `INSERT INTO customers (id, name) VALUES ('c1', 'Ada');
         INSERT INTO customers (id, name) VALUES ('c2', 'Bo');`,
      );
      // The table's rows are in before the orders, so every order finds its customer.
      await eventually('the customers', async () =>
        (await first.records('customers')).length === 2 ? true : undefined,
      );
      await first.ksql(
        `INSERT INTO orders (customer, amount) VALUES ('c1', 10);
         INSERT INTO orders (customer, amount) VALUES ('c2', 5);
         INSERT INTO orders (customer, amount) VALUES ('c1', 7);`,
      );
      appendFileSync(input, 'first line\n');
      await eventually('the totals', async () => {
        const rows = await pull(first, "SELECT customer, n, total FROM totals WHERE customer = 'c1';");
        return JSON.stringify(rows) === JSON.stringify([['c1', 2, 17]]) ? true : undefined;
      });
      await eventually('the joined orders', async () =>
        (await first.records('NAMED')).length === 3 ? true : undefined,
      );
      await eventually('the connector line', async () =>
        (await first.records('order_lines')).length === 1 ? true : undefined,
      );
      const before = await shown(first);
      assert.deepEqual(before.streams, ['NAMED', 'ORDERS']);
      assert.deepEqual(before.tables, ['CUSTOMERS', 'TOTALS']);
      assert.deepEqual(before.connectors, ['LINES']);
      assert.equal(before.queries.length, 2, JSON.stringify(before.queries));
      const [totalsQuery, namedQuery] = [
        before.queries.find((q) => q.startsWith('CTAS_TOTALS_')),
        before.queries.find((q) => q.startsWith('CSAS_NAMED_')),
      ];
      assert.ok(totalsQuery && namedQuery, before.queries.join(', '));
      const connectUrl = /Kafka Connect REST API: (http:\/\/\S+)/.exec(first.output())?.[1];
      assert.ok(connectUrl, first.output());
      await eventually('the connector to commit its file position', async () => {
        const res = await fetch(`${connectUrl}/connectors/LINES/offsets`);
        const body = (await res.json()) as { offsets: { offset: { position?: number } }[] };
        return body.offsets[0]?.offset.position === 'first line\n'.length ? true : undefined;
      });
      await allCommitted(first, { [totalsQuery]: ['orders'], [namedQuery]: ['orders', 'customers'] });
      await first.kill();

      const again = await startSluice(backend.restartDir(join(dir, 'data')), env);
      assert.deepEqual(await shown(again), before);
      // The aggregate's state came back: new orders add to the old totals.
      await again.ksql(
        `INSERT INTO orders (customer, amount) VALUES ('c1', 1);
         INSERT INTO orders (customer, amount) VALUES ('c2', 2);`,
      );
      appendFileSync(input, 'second line\n');
      await eventually('the totals after the restart', async () => {
        const rows = await pull(
          again,
          "SELECT customer, n, total FROM totals WHERE customer IN ('c1', 'c2');",
        );
        const sorted = rows.map((r) => r.join(':')).sort();
        return JSON.stringify(sorted) === JSON.stringify(['c1:3:18', 'c2:2:7']) ? true : undefined;
      });
      // The join's table came back: the new orders are named, and nothing was joined twice.
      await eventually('the joined orders after the restart', async () =>
        (await again.records('NAMED')).length === 5 ? true : undefined,
      );
      assert.deepEqual(
        (await again.records('NAMED')).map((r) => `${r.key}:${r.value}`),
        [
          'c1:{"NAME":"Ada","AMOUNT":10}',
          'c2:{"NAME":"Bo","AMOUNT":5}',
          'c1:{"NAME":"Ada","AMOUNT":7}',
          'c1:{"NAME":"Ada","AMOUNT":1}',
          'c2:{"NAME":"Bo","AMOUNT":2}',
        ],
      );
      // The connector went on from its committed file position.
      await eventually('the second connector line', async () =>
        (await again.records('order_lines')).length === 2 ? true : undefined,
      );
      assert.deepEqual(
        (await again.records('order_lines')).map((r) => r.value),
        // JsonConverter's strings, each line once.
        ['"first line"', '"second line"'],
      );
      await again.kill();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
