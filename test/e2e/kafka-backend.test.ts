// `sluice server` with bootstrap.servers (KSQL_BOOTSTRAP_SERVERS) keeps its topics in a real Apache
// Kafka 4.1 broker: CREATE STREAM, INSERT, a CSAS persistent query and a push query run against it,
// and a second server with a fresh data dir finds the streams and the query again through the
// command topic in Kafka, and the query goes on from the offsets its group committed in Kafka.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { KafkaLog } from '../../src/log/index.js';
import { type KafkaBroker, kafkaBroker, startKafkaBroker } from './kafka-broker.fixture.js';
import {
  killServerChildren,
  ksqlRequest,
  type ServerChild,
  startServerChild,
} from './server-child.fixture.js';

let dir: string;
let broker: KafkaBroker | undefined;

/** Rows of a push query on /query-stream that ends after `limit` rows. */
async function pushRows(server: ServerChild, sql: string): Promise<unknown[][]> {
  const res = await fetch(`${server.url}/query-stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql, properties: { 'auto.offset.reset': 'earliest' } }),
  });
  assert.equal(res.status, 200);
  return (await res.text())
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => JSON.parse(l) as unknown[]);
}

async function ksqlOk(server: ServerChild, sql: string): Promise<unknown> {
  const answer = await ksqlRequest(server.url, sql);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body;
}

/** A statement with streamsProperties (e.g. a CSAS that reads its source from the beginning). */
async function ksqlWith(server: ServerChild, ksql: string, streamsProperties: Record<string, string>) {
  const res = await fetch(`${server.url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ksql, streamsProperties }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
}

describe('the Kafka backend', { skip: kafkaBroker.missing, timeout: 300_000 }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-kafka-backend-'));
    broker = await startKafkaBroker();
  });

  after(async () => {
    killServerChildren();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('streams, INSERT, a CSAS and a push query run on Kafka, and a fresh server finds them again', async () => {
    const env = { KSQL_BOOTSTRAP_SERVERS: broker!.bootstrap };
    const first = await startServerChild(['--data-dir', join(dir, 'first')], env);
    await ksqlOk(
      first,
      "CREATE STREAM people (id INT KEY, name VARCHAR) WITH (kafka_topic='people', partitions=2, value_format='JSON');",
    );
    await ksqlOk(first, "INSERT INTO people (id, name) VALUES (1, 'ada');");
    await ksqlWith(first, 'CREATE STREAM shouting AS SELECT id, UCASE(name) AS name FROM people;', {
      'auto.offset.reset': 'earliest',
    });
    await ksqlOk(first, "INSERT INTO people (id, name) VALUES (2, 'bob');");
    const rows = await pushRows(first, 'SELECT id, name FROM shouting EMIT CHANGES LIMIT 2;');
    assert.deepEqual(rows.map((r) => r.join(':')).sort(), ['1:ADA', '2:BOB']);

    // The topics are Kafka's: a client of the cluster reads the query's output.
    const kafka = await KafkaLog.open({ bootstrapServers: [broker!.bootstrap], clientId: 'test-reader' });
    try {
      const topics = await kafka.listTopics();
      assert.ok(topics.includes('people') && topics.includes('SHOUTING'), topics.join(', '));
      assert.ok(
        topics.some((t) => t.endsWith('command_topic')),
        topics.join(', '),
      );
      const shouting = await kafka.describeTopic('SHOUTING');
      const values: string[] = [];
      for (const p of shouting.partitions) {
        const read = await kafka.read('SHOUTING', p.partition, p.beginningOffset);
        values.push(...read.records.map((r) => r.value?.toString() ?? ''));
      }
      assert.deepEqual(values.sort(), ['{"NAME":"ADA"}', '{"NAME":"BOB"}']);
    } finally {
      await kafka.close();
    }

    // A clean stop commits the query's input offsets to Kafka: the next server goes on from them
    // (after a SIGKILL, at-least-once would process the last records again).
    first.child.kill('SIGTERM');
    assert.equal(await first.exit, 0);

    const second = await startServerChild(['--data-dir', join(dir, 'second')], env);
    const streams = (await ksqlOk(second, 'SHOW STREAMS;')) as { streams: { name: string }[] }[];
    const names = streams[0].streams.map((s) => s.name);
    assert.ok(names.includes('PEOPLE') && names.includes('SHOUTING'), names.join(', '));
    const queries = (await ksqlOk(second, 'SHOW QUERIES;')) as { queries: { sinks: string[] }[] }[];
    assert.ok(
      queries[0].queries.some((q) => q.sinks.includes('SHOUTING')),
      JSON.stringify(queries),
    );
    await ksqlOk(second, "INSERT INTO people (id, name) VALUES (3, 'cy');");
    const after = await pushRows(second, 'SELECT id, name FROM shouting EMIT CHANGES LIMIT 3;');
    assert.deepEqual(after.map((r) => r.join(':')).sort(), ['1:ADA', '2:BOB', '3:CY']);
  });
});
