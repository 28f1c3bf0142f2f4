// `sluice server` serves its log to independent Kafka clients: kcat (librdkafka), kafka-python
// (pure Python) and Apache Kafka's own Java tools, each a real process against a real server.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RawKafkaClient } from '../../src/kafka/broker/test-kafka-client.fixture.js';
import { FETCH } from '../../src/kafka/protocol/messages.js';
import type { Struct } from '../../src/kafka/protocol/schema.js';
import { readBatchHeaders } from '../../src/kafka/records/record-batch.js';
import { kafkaJava, kafkaPython, kcat, run, runKafkaTool } from './kafka-peers.fixture.js';
import { killServerChildren, type ServerChild, startServerChild } from './server-child.fixture.js';

let dataDir: string;
let server: ServerChild;
let bootstrap: string;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sluice-kafka-clients-'));
  server = await startServerChild(['--data-dir', dataDir]);
  const listener = /Kafka listener: PLAINTEXT:\/\/(\S+)/.exec(server.output())?.[1];
  assert.ok(listener, `no Kafka listener line in:\n${server.output()}`);
  bootstrap = listener;
});

after(() => {
  killServerChildren();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('kcat (librdkafka)', { skip: kcat.missing }, () => {
  test('lists the broker and topics, produces keyed records and consumes them back', async () => {
    const produced = await run('kcat', ['-b', bootstrap, '-P', '-t', 'kcat-topic', '-K', ':'], {
      input: 'k1:one\nk2:two\nk3:three\n',
    });
    assert.equal(produced.code, 0, produced.stderr);
    const listed = await run('kcat', ['-b', bootstrap, '-L']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`broker 1 at ${bootstrap.replace('.', '\\.')}`));
    assert.match(listed.stdout, /topic "kcat-topic" with 1 partitions/);
    const consumed = await run('kcat', [
      '-b',
      bootstrap,
      '-C',
      '-t',
      'kcat-topic',
      '-o',
      'beginning',
      '-e',
      '-f',
      '%k=%s\n',
    ]);
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.deepEqual(consumed.stdout.trim().split('\n'), ['k1=one', 'k2=two', 'k3=three']);
  });

  test('a group consumer (-G) reads, commits, and its next run starts where it stopped', async () => {
    await run('kcat', ['-b', bootstrap, '-P', '-t', 'kcat-group', '-K', ':'], { input: 'a:1\nb:2\n' });
    const consume = () =>
      run('kcat', [
        '-b',
        bootstrap,
        '-G',
        'kcat-readers',
        '-X',
        'auto.offset.reset=earliest',
        '-e',
        '-f',
        '%s\n',
        'kcat-group',
      ]);
    const first = await consume();
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(first.stdout.trim().split('\n'), ['1', '2']);
    await run('kcat', ['-b', bootstrap, '-P', '-t', 'kcat-group', '-K', ':'], { input: 'c:3\n' });
    const second = await consume();
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(second.stdout.trim().split('\n'), ['3']);
  });

  test('produces gzip, snappy, lz4 and zstd batches', async () => {
    for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
      const topic = `kcat-${codec}`;
      const produced = await run('kcat', ['-b', bootstrap, '-P', '-t', topic, '-z', codec], {
        input: 'a\nb\n',
      });
      assert.equal(produced.code, 0, `${codec}: ${produced.stderr}`);
      const consumed = await run('kcat', ['-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e']);
      assert.deepEqual(consumed.stdout.trim().split('\n'), ['a', 'b'], `${codec}: ${consumed.stderr}`);
    }
  });
});

describe('kafka-python', { skip: kafkaPython.missing }, () => {
  test('creates a topic, produces idempotently, reads every partition back and deletes the topic', async () => {
    const script = `
import json, sys
from kafka import KafkaProducer, KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic
b = sys.argv[1]
admin = KafkaAdminClient(bootstrap_servers=b)
admin.create_topics([NewTopic('py-topic', 3, 1)])
producer = KafkaProducer(bootstrap_servers=b, acks='all', enable_idempotence=True)
for i in range(30):
    producer.send('py-topic', key=str(i).encode(), value=('v%d' % i).encode())
producer.flush()
parts = [TopicPartition('py-topic', p) for p in range(3)]
consumer = KafkaConsumer(bootstrap_servers=b, auto_offset_reset='earliest', consumer_timeout_ms=5000)
consumer.assign(parts)
values = sorted(m.value.decode() for m in consumer)
ends = consumer.end_offsets(parts)
topics_before = sorted(admin.list_topics())
admin.delete_topics(['py-topic'])
print(json.dumps({'values': values, 'total': sum(ends.values()), 'listed': 'py-topic' in topics_before,
                  'after': 'py-topic' in admin.list_topics()}))
`;
    const result = await run(kafkaPython.python, ['-c', script, bootstrap], { timeoutMs: 90_000 });
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}');
    assert.equal(out.total, 30);
    assert.deepEqual(out.values, Array.from({ length: 30 }, (_, i) => `v${i}`).sort());
    assert.equal(out.listed, true);
    assert.equal(out.after, false);
  });
});

describe('kafka-python consumer group', { skip: kafkaPython.missing }, () => {
  test('two members split the partitions after a rebalance, and one leaving gives all back to the other', async () => {
    const script = `
import json, sys, time
from kafka import KafkaConsumer
from kafka.admin import KafkaAdminClient, NewTopic
b = sys.argv[1]
KafkaAdminClient(bootstrap_servers=b).create_topics([NewTopic('py-group-topic', 4, 1)])
def member():
    return KafkaConsumer('py-group-topic', bootstrap_servers=b, group_id='py-group',
                         session_timeout_ms=10000, heartbeat_interval_ms=500)
def parts(c):
    return sorted(tp.partition for tp in c.assignment())
def poll_until(members, done, limit=60):
    end = time.time() + limit
    while time.time() < end:
        for m in members:
            m.poll(timeout_ms=100)
        if done():
            return True
    return False
a = member()
alone = poll_until([a], lambda: len(parts(a)) == 4)
first = parts(a)
c = member()
split = poll_until([a, c], lambda: parts(a) and parts(c) and sorted(parts(a) + parts(c)) == [0, 1, 2, 3])
shared = [parts(a), parts(c)]
c.close()
back = poll_until([a], lambda: len(parts(a)) == 4)
print(json.dumps({'first': first, 'shared': shared, 'back': parts(a), 'ok': [alone, split, back]}))
a.close()
`;
    const result = await run(kafkaPython.python, ['-c', script, bootstrap], { timeoutMs: 180_000 });
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}');
    assert.deepEqual(out.ok, [true, true, true], result.stdout);
    assert.deepEqual(out.first, [0, 1, 2, 3]);
    assert.equal(out.shared[0].length + out.shared[1].length, 4);
    assert.ok(out.shared[0].length > 0 && out.shared[1].length > 0);
    assert.deepEqual(out.back, [0, 1, 2, 3]);
  });
});

describe('kafka-python admin', { skip: kafkaPython.missing }, () => {
  test('adds partitions, deletes records before an offset and deletes a group, with Kafka errors for bad requests', async () => {
    const script = `
import json, sys
from kafka import KafkaProducer, KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.structs import OffsetAndMetadata
from kafka.errors import KafkaError
b = sys.argv[1]
admin = KafkaAdminClient(bootstrap_servers=b)
admin.create_topics([NewTopic('py-admin', 1, 1)])
producer = KafkaProducer(bootstrap_servers=b)
for i in range(5):
    producer.send('py-admin', value=('v%d' % i).encode(), partition=0)
producer.flush()
admin.create_partitions({'py-admin': 3})
try:
    admin.create_partitions({'py-admin': 2})
    shrink = 'accepted'
except KafkaError as e:
    shrink = type(e).__name__
tp = TopicPartition('py-admin', 0)
low = admin.delete_records({tp: 2})[tp]['low_watermark']
consumer = KafkaConsumer(bootstrap_servers=b, auto_offset_reset='earliest', consumer_timeout_ms=3000)
consumer.assign([tp])
values = [m.value.decode() for m in consumer]
earliest = consumer.beginning_offsets([tp])[tp]
consumer.close()
admin.alter_group_offsets('py-admin-group', {tp: OffsetAndMetadata(4, '', -1)})
before = [g['group_id'] for g in admin.list_groups()]
deleted = admin.delete_groups(['py-admin-group', 'py-no-such-group'])
after = [g['group_id'] for g in admin.list_groups()]
partitions = len(admin.describe_topics(['py-admin'])[0]['partitions'])
print(json.dumps({'shrink': shrink, 'low': low, 'values': values, 'earliest': earliest, 'partitions': partitions,
                  'before': before, 'after': after, 'deleted': deleted}))
`;
    const result = await run(kafkaPython.python, ['-c', script, bootstrap], { timeoutMs: 90_000 });
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}');
    assert.equal(out.partitions, 3);
    assert.equal(out.shrink, 'InvalidPartitionsError');
    assert.equal(out.low, 2);
    assert.deepEqual(out.values, ['v2', 'v3', 'v4']);
    assert.equal(out.earliest, 2);
    assert.ok(out.before.includes('py-admin-group'), JSON.stringify(out.before));
    assert.ok(!out.after.includes('py-admin-group'), JSON.stringify(out.after));
    assert.deepEqual(out.deleted, { 'py-admin-group': 'OK', 'py-no-such-group': 'GroupIdNotFoundError' });
  });
});

describe("Apache Kafka's Java tools", { skip: kafkaJava.missing }, () => {
  test('kafka-topics creates and lists; the console producer writes what the console consumer reads', async () => {
    const created = await runKafkaTool('org.apache.kafka.tools.TopicCommand', [
      '--bootstrap-server',
      bootstrap,
      '--create',
      '--topic',
      'java-topic',
      '--partitions',
      '1',
      '--replication-factor',
      '1',
      '--config',
      'retention.ms=3600000',
    ]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /Created topic java-topic/);
    const described = await runKafkaTool('org.apache.kafka.tools.TopicCommand', [
      '--bootstrap-server',
      bootstrap,
      '--describe',
      '--topic',
      'java-topic',
    ]);
    assert.equal(described.code, 0, described.stderr);
    assert.match(
      described.stdout,
      /Topic: java-topic\s+TopicId: [\w-]{22}\s+PartitionCount: 1\s+ReplicationFactor: 1\s+Configs: retention.ms=3600000/,
    );
    const listed = await runKafkaTool('org.apache.kafka.tools.TopicCommand', [
      '--bootstrap-server',
      bootstrap,
      '--list',
    ]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(listed.stdout.split('\n').includes('java-topic'), listed.stdout);
    const produced = await runKafkaTool(
      'org.apache.kafka.tools.ConsoleProducer',
      ['--bootstrap-server', bootstrap, '--topic', 'java-topic'],
      { input: 'first\nsecond\nthird\n' },
    );
    assert.equal(produced.code, 0, produced.stderr);
    const consumed = await runKafkaTool('org.apache.kafka.tools.consumer.ConsoleConsumer', [
      '--bootstrap-server',
      bootstrap,
      '--topic',
      'java-topic',
      '--partition',
      '0',
      '--offset',
      'earliest',
      '--max-messages',
      '3',
    ]);
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.deepEqual(consumed.stdout.trim().split('\n'), ['first', 'second', 'third']);
  });

  test('the Java producer compresses with snappy (snappy-java framing), lz4 and zstd', async () => {
    for (const codec of ['snappy', 'lz4', 'zstd']) {
      const topic = `java-${codec}`;
      const produced = await runKafkaTool(
        'org.apache.kafka.tools.ConsoleProducer',
        [
          '--bootstrap-server',
          bootstrap,
          '--topic',
          topic,
          // --producer-property compression.type=… is overridden by this option's default, none.
          '--compression-codec',
          codec,
        ],
        { input: `${codec}-1\n${codec}-2\n` },
      );
      assert.equal(produced.code, 0, `${codec}: ${produced.stderr}`);
      assert.deepEqual(
        await storedCodecs(topic),
        [{ snappy: 2, lz4: 3, zstd: 4 }[codec]],
        `${codec}: compressed`,
      );
      const consumed = await runKafkaTool('org.apache.kafka.tools.consumer.ConsoleConsumer', [
        '--bootstrap-server',
        bootstrap,
        '--topic',
        topic,
        '--partition',
        '0',
        '--offset',
        'earliest',
        '--max-messages',
        '2',
      ]);
      assert.deepEqual(
        consumed.stdout.trim().split('\n'),
        [`${codec}-1`, `${codec}-2`],
        `${codec}: ${consumed.stderr}`,
      );
    }
  });

  test('a console consumer in a group commits; kafka-consumer-groups --describe shows its offsets and lag', async () => {
    const consumed = await runKafkaTool('org.apache.kafka.tools.consumer.ConsoleConsumer', [
      '--bootstrap-server',
      bootstrap,
      '--topic',
      'java-topic',
      '--group',
      'java-readers',
      '--from-beginning',
      '--max-messages',
      '2',
    ]);
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.deepEqual(consumed.stdout.trim().split('\n'), ['first', 'second']);
    const described = await runKafkaTool('org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', [
      '--bootstrap-server',
      bootstrap,
      '--describe',
      '--group',
      'java-readers',
    ]);
    assert.equal(described.code, 0, described.stderr);
    // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG …
    assert.match(described.stdout, /java-readers\s+java-topic\s+0\s+2\s+3\s+1\s/);
    const listed = await runKafkaTool('org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', [
      '--bootstrap-server',
      bootstrap,
      '--list',
    ]);
    assert.ok(listed.stdout.split('\n').includes('java-readers'), listed.stdout);
  });

  test('kafka-topics --alter adds partitions, kafka-delete-records trims a partition, kafka-consumer-groups --delete forgets a group', async () => {
    const topics = (...args: string[]) =>
      runKafkaTool('org.apache.kafka.tools.TopicCommand', ['--bootstrap-server', bootstrap, ...args]);
    const created = await topics('--create', '--topic', 'java-admin', '--partitions', '1');
    assert.equal(created.code, 0, created.stderr);
    const produced = await runKafkaTool(
      'org.apache.kafka.tools.ConsoleProducer',
      ['--bootstrap-server', bootstrap, '--topic', 'java-admin'],
      { input: 'a\nb\nc\nd\n' },
    );
    assert.equal(produced.code, 0, produced.stderr);

    const altered = await topics('--alter', '--topic', 'java-admin', '--partitions', '3');
    assert.equal(altered.code, 0, altered.stderr);
    const described = await topics('--describe', '--topic', 'java-admin');
    assert.match(described.stdout, /Topic: java-admin\s+TopicId: [\w-]{22}\s+PartitionCount: 3/);
    const shrunk = await topics('--alter', '--topic', 'java-admin', '--partitions', '2');
    assert.notEqual(shrunk.code, 0);
    assert.match(
      shrunk.stdout + shrunk.stderr,
      /InvalidPartitionsException: Topic currently has 3 partitions, which is higher than the requested 2/,
    );

    const offsets = join(dataDir, 'delete-records.json');
    writeFileSync(
      offsets,
      JSON.stringify({ partitions: [{ topic: 'java-admin', partition: 0, offset: 2 }], version: 1 }),
    );
    const trimmed = await runKafkaTool('org.apache.kafka.tools.DeleteRecordsCommand', [
      '--bootstrap-server',
      bootstrap,
      '--offset-json-file',
      offsets,
    ]);
    assert.equal(trimmed.code, 0, trimmed.stderr);
    assert.match(trimmed.stdout, /partition: java-admin-0\s+low_watermark: 2/);
    const consumed = await runKafkaTool('org.apache.kafka.tools.consumer.ConsoleConsumer', [
      '--bootstrap-server',
      bootstrap,
      '--topic',
      'java-admin',
      '--partition',
      '0',
      '--offset',
      'earliest',
      '--max-messages',
      '2',
    ]);
    assert.deepEqual(consumed.stdout.trim().split('\n'), ['c', 'd'], consumed.stderr);

    const groups = (...args: string[]) =>
      runKafkaTool('org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', [
        '--bootstrap-server',
        bootstrap,
        ...args,
      ]);
    const committed = await groups(
      '--reset-offsets',
      '--group',
      'java-admin-group',
      '--topic',
      'java-admin',
      '--to-earliest',
      '--execute',
    );
    assert.equal(committed.code, 0, committed.stderr);
    assert.ok((await groups('--list')).stdout.split('\n').includes('java-admin-group'));
    const offsetDeleted = await groups(
      '--delete-offsets',
      '--group',
      'java-admin-group',
      '--topic',
      'java-admin:0',
    );
    assert.equal(offsetDeleted.code, 0, offsetDeleted.stderr);
    assert.match(offsetDeleted.stdout, /java-admin\s+0\s+Successful/);
    const left = await groups('--describe', '--group', 'java-admin-group');
    assert.doesNotMatch(left.stdout, /java-admin\s+0\s/);
    assert.match(left.stdout, /java-admin\s+1\s/);
    const deleted = await groups('--delete', '--group', 'java-admin-group');
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(
      deleted.stdout,
      /Deletion of requested consumer groups \('java-admin-group'\) was successful/,
    );
    assert.ok(!(await groups('--list')).stdout.split('\n').includes('java-admin-group'));
    const missing = await groups('--delete', '--group', 'java-admin-group');
    assert.match(missing.stdout + missing.stderr, /GroupIdNotFoundException|does not exist/);
  });
});

/** The codec (attributes bits 0-2) of each batch a Fetch v12 of the topic's partition 0 returns. */
async function storedCodecs(topic: string): Promise<number[]> {
  const [host, port] = bootstrap.split(':');
  assert.equal(host, '127.0.0.1');
  const client = await RawKafkaClient.connect(Number(port));
  try {
    const answer = await client.request(FETCH, 12, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [],
      rackId: '',
    });
    const records = ((answer.responses as Struct[])[0].partitions as Struct[])[0].records as Buffer;
    return readBatchHeaders(records).map((h) => h.compression);
  } finally {
    client.close();
  }
}

describe('batches stored as produced, read by another client', {
  skip: kcat.missing ?? kafkaJava.missing ?? kafkaPython.missing,
}, () => {
  test("kcat reads the Java producer's snappy-java framed batches, Java reads kcat's lz4, kafka-python kcat's gzip", async () => {
    const javaProduced = await runKafkaTool(
      'org.apache.kafka.tools.ConsoleProducer',
      ['--bootstrap-server', bootstrap, '--topic', 'cross-snappy', '--compression-codec', 'snappy'],
      { input: 'j1\nj2\n' },
    );
    assert.equal(javaProduced.code, 0, javaProduced.stderr);
    assert.deepEqual(await storedCodecs('cross-snappy'), [2], 'still snappy, as the Java producer sent it');
    const byKcat = await run('kcat', ['-b', bootstrap, '-C', '-t', 'cross-snappy', '-o', 'beginning', '-e']);
    assert.deepEqual(byKcat.stdout.trim().split('\n'), ['j1', 'j2'], byKcat.stderr);

    // librdkafka sends a batch uncompressed when compressing does not shrink it: these lines compress.
    const lines = ['k1', 'k2'].map((k) => `${k}-${'z'.repeat(300)}`);
    for (const [topic, codec, id] of [
      ['cross-lz4', 'lz4', 3],
      ['cross-gzip', 'gzip', 1],
    ] as const) {
      const produced = await run('kcat', ['-b', bootstrap, '-P', '-t', topic, '-z', codec], {
        input: `${lines.join('\n')}\n`,
      });
      assert.equal(produced.code, 0, produced.stderr);
      // One batch or one per line, each as kcat compressed it.
      const codecs = await storedCodecs(topic);
      assert.ok(codecs.length > 0 && codecs.every((c) => c === id), `${codec}: stored as ${codecs}`);
    }
    const byJava = await runKafkaTool('org.apache.kafka.tools.consumer.ConsoleConsumer', [
      '--bootstrap-server',
      bootstrap,
      '--topic',
      'cross-lz4',
      '--partition',
      '0',
      '--offset',
      'earliest',
      '--max-messages',
      '2',
    ]);
    assert.deepEqual(byJava.stdout.trim().split('\n'), lines, byJava.stderr);
    const script = `
import sys
from kafka import KafkaConsumer, TopicPartition
consumer = KafkaConsumer(bootstrap_servers=sys.argv[1], auto_offset_reset='earliest', consumer_timeout_ms=5000)
consumer.assign([TopicPartition('cross-gzip', 0)])
print(','.join(m.value.decode() for m in consumer))
`;
    const byPython = await run(kafkaPython.python, ['-c', script, bootstrap], { timeoutMs: 90_000 });
    assert.equal(byPython.code, 0, byPython.stderr);
    assert.equal(byPython.stdout.trim().split('\n').at(-1), lines.join(','));
  });
});
