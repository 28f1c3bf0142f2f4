// `sluice topic` on the topics of a real Apache Kafka 4.1 broker (--bootstrap-server), and
// WITH (REPLICAS=…) reaching Kafka from a server on the Kafka backend.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runSluice } from '../../src/cli/run-sluice.fixture.js';
import { type KafkaBroker, kafkaBroker, startKafkaBroker } from './kafka-broker.fixture.js';
import { killServerChildren, ksqlRequest, startServerChild } from './server-child.fixture.js';

let broker: KafkaBroker | undefined;
let dir: string;

describe('the topic tools and REPLICAS on the Kafka backend', {
  skip: kafkaBroker.missing,
  timeout: 300_000,
}, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-kafka-topics-'));
    broker = await startKafkaBroker();
  });

  after(async () => {
    killServerChildren();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const at = () => ['--bootstrap-server', broker!.bootstrap];

  test('sluice topic creates, lists, describes, writes, reads and deletes topics in Kafka', async () => {
    const created = await runSluice([
      'topic',
      'create',
      'orders',
      '--partitions',
      '2',
      '--replicas',
      '1',
      '--config',
      'retention.ms=60000',
      ...at(),
    ]);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, 'Created topic orders with 2 partitions.\n');
    const listed = await runSluice(['topic', 'list', ...at()]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^orders$/m);

    const produced = await runSluice(['topic', 'produce', 'orders', '--partition', '1', ...at()], {
      input: 'first\nsecond\n',
    });
    assert.equal(produced.code, 0, produced.stderr);
    const described = await runSluice(['topic', 'describe', 'orders', ...at()]);
    assert.equal(described.code, 0, described.stderr);
    assert.match(described.stdout, /^Configs \(non-default\): retention\.ms=60000$/m);
    assert.match(described.stdout, /^1\s+0\s+2\s+-\s+-$/m);
    const consumed = await runSluice([
      'topic',
      'consume',
      'orders',
      '--from-beginning',
      '--max-messages',
      '2',
      ...at(),
    ]);
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.equal(consumed.stdout, 'first\nsecond\n');

    const tooMany = await runSluice(['topic', 'create', 'copies', '--replicas', '3', ...at()]);
    assert.notEqual(tooMany.code, 0);
    assert.match(tooMany.stderr, /more replicas than the cluster has brokers/);
    const internal = await runSluice(['topic', 'delete', 'connect-configs', ...at()]);
    assert.notEqual(internal.code, 0);
    assert.match(internal.stderr, /config topic/);
    const deleted = await runSluice(['topic', 'delete', 'orders', ...at()]);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.doesNotMatch((await runSluice(['topic', 'list', ...at()])).stdout, /^orders$/m);
  });

  test('WITH (REPLICAS=…) is the replication factor a server on Kafka asks for', async () => {
    const server = await startServerChild(['--data-dir', join(dir, 'server')], {
      KSQL_BOOTSTRAP_SERVERS: broker!.bootstrap,
    });
    const refused = await ksqlRequest(
      server.url,
      "CREATE STREAM copied (id INT) WITH (kafka_topic='copied', partitions=1, replicas=2, value_format='JSON');",
    );
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.match(JSON.stringify(refused.body), /more replicas than the cluster has brokers/);
    const created = await ksqlRequest(
      server.url,
      "CREATE STREAM single (id INT) WITH (kafka_topic='single', partitions=1, replicas=1, value_format='JSON');",
    );
    assert.equal(created.status, 200, JSON.stringify(created.body));
  });
});
