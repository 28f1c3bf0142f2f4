// Transactions over the Kafka protocol, with independent clients against a real `sluice server`:
// confluent-kafka (librdkafka) copying records consume-transform-produce with its offsets in the
// same transaction, committing and aborting, a zombie producer fenced by a newer one; Kafka's own
// Java TransactionalMessageCopier (random aborts) read back by a read_committed console consumer;
// and a SIGKILL with a transaction in flight, which the restarted server aborts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { confluentKafka, kafkaJava, run, runKafkaTool } from './kafka-peers.fixture.js';
import { killServerChildren, type ServerChild, startServerChild } from './server-child.fixture.js';

const dirs: string[] = [];

after(() => {
  killServerChildren();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function startServer(dataDir: string): Promise<{ server: ServerChild; bootstrap: string }> {
  const server = await startServerChild(['--data-dir', dataDir]);
  const bootstrap = /Kafka listener: PLAINTEXT:\/\/(\S+)/.exec(server.output())?.[1];
  assert.ok(bootstrap, `no Kafka listener line in:\n${server.output()}`);
  return { server, bootstrap };
}

function newDataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sluice-kafka-txn-'));
  dirs.push(d);
  return d;
}

/** Python helpers shared by the scripts: read a topic to its end at an isolation level. */
const READ_TO_END = `
import json, sys, os
from confluent_kafka import Producer, Consumer, TopicPartition, KafkaException
from confluent_kafka.admin import AdminClient, NewTopic
bs = sys.argv[1]

def read_all(topic, partitions, isolation):
    c = Consumer({'bootstrap.servers': bs, 'group.id': 'reader', 'enable.auto.commit': False,
                  'isolation.level': isolation})
    tps = [TopicPartition(topic, p, 0) for p in range(partitions)]
    c.assign(tps)
    # The end as this isolation level sees it (the last stable offset for read_committed).
    ends = {p: c.get_watermark_offsets(TopicPartition(topic, p), 30)[1] for p in range(partitions)}
    got = []
    # (An empty partition's position stays unset: -1001.)
    while any(ends[p] > 0 and c.position([TopicPartition(topic, p)])[0].offset < ends[p] for p in range(partitions)):
        m = c.poll(1.0)
        if m is not None and m.error() is None:
            got.append(m.value().decode())
    c.close()
    return sorted(got)
`;

describe('confluent-kafka (librdkafka) transactions', { skip: confluentKafka.missing }, () => {
  let bootstrap: string;
  before(async () => {
    ({ bootstrap } = await startServer(newDataDir()));
  });

  test('consume-transform-produce with send_offsets_to_transaction: committed records and offsets appear together, aborted ones never; a zombie is fenced', async () => {
    const script = `${READ_TO_END}
admin = AdminClient({'bootstrap.servers': bs})
for f in admin.create_topics([NewTopic('py-in', 1, 1), NewTopic('py-out', 2, 1)]).values():
    f.result()
src = Producer({'bootstrap.servers': bs})
for i in range(10):
    src.produce('py-in', value=b'in-%d' % i)
src.flush(30)

consumer = Consumer({'bootstrap.servers': bs, 'group.id': 'py-copier', 'auto.offset.reset': 'earliest',
                     'enable.auto.commit': False, 'isolation.level': 'read_committed'})
consumer.subscribe(['py-in'])
producer = Producer({'bootstrap.servers': bs, 'transactional.id': 'py-tx', 'transaction.timeout.ms': 60000})
producer.init_transactions(30)
batch = []
while len(batch) < 10:
    m = consumer.poll(1.0)
    if m is not None and m.error() is None:
        batch.append(m)

def copy(msgs, commit):
    producer.begin_transaction()
    for m in msgs:
        producer.produce('py-out', key=m.value(), value=b'copy-' + m.value())
    offsets = [TopicPartition('py-in', 0, msgs[-1].offset() + 1)]
    producer.send_offsets_to_transaction(offsets, consumer.consumer_group_metadata(), 30)
    if commit:
        producer.commit_transaction(30)
    else:
        producer.abort_transaction(30)

def committed():
    return consumer.committed([TopicPartition('py-in', 0)], 30)[0].offset

out = {}
copy(batch[:5], True)
out['afterCommit'] = committed()
copy(batch[5:], False)
out['afterAbort'] = committed()
copy(batch[5:8], True)
out['afterSecondCommit'] = committed()
consumer.close()

# A zombie: its transaction is open when a newer producer with the same id initialises.
producer.begin_transaction()
producer.produce('py-out', value=b'zombie')
producer.flush(30)
newer = Producer({'bootstrap.servers': bs, 'transactional.id': 'py-tx'})
newer.init_transactions(30)
try:
    producer.commit_transaction(30)
    out['zombie'] = 'committed'
except KafkaException as e:
    out['zombie'] = e.args[0].name()
newer.begin_transaction()
newer.produce('py-out', value=b'from-newer')
newer.commit_transaction(30)

out['readCommitted'] = read_all('py-out', 2, 'read_committed')
out['readUncommitted'] = read_all('py-out', 2, 'read_uncommitted')
print(json.dumps(out))
`;
    const result = await run(confluentKafka.python, ['-c', script, bootstrap], { timeoutMs: 180_000 });
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout.trim().split('\n').at(-1) as string);
    assert.equal(out.afterCommit, 5, 'the offsets were committed with the first transaction');
    assert.equal(out.afterAbort, 5, 'the aborted transaction committed no offsets');
    assert.equal(out.afterSecondCommit, 8);
    assert.equal(out.zombie, '_FENCED');
    const expected = [
      ...['in-0', 'in-1', 'in-2', 'in-3', 'in-4', 'in-5', 'in-6', 'in-7'].map((v) => `copy-${v}`),
      'from-newer',
    ].sort();
    assert.deepEqual(out.readCommitted, expected);
    // Nothing uncommitted is ever in a partition on the embedded log, so read_uncommitted sees the same.
    assert.deepEqual(out.readUncommitted, expected);
  });
});

describe("Kafka's Java clients: TransactionalMessageCopier and a read_committed console consumer", {
  skip: kafkaJava.missing,
}, () => {
  let bootstrap: string;
  before(async () => {
    ({ bootstrap } = await startServer(newDataDir()));
  });

  test('copies 300 records exactly once in transactions of 40 with random aborts; TransactionsCommand lists and describes the transactional id', async () => {
    const values = Array.from({ length: 300 }, (_, i) => `r${i}`);
    const produced = await runKafkaTool(
      'org.apache.kafka.tools.ConsoleProducer',
      ['--bootstrap-server', bootstrap, '--topic', 'java-in'],
      { input: `${values.join('\n')}\n` },
    );
    assert.equal(produced.code, 0, produced.stderr);
    const copied = await runKafkaTool(
      'org.apache.kafka.tools.TransactionalMessageCopier',
      [
        '--broker-list',
        bootstrap,
        '--input-topic',
        'java-in',
        '--input-partition',
        '0',
        '--output-topic',
        'java-out',
        '--consumer-group',
        'java-copier',
        '--transactional-id',
        'java-tx',
        '--transaction-size',
        '40',
        '--enable-random-aborts',
        '--use-group-metadata',
      ],
      { timeoutMs: 180_000 },
    );
    assert.equal(copied.code, 0, copied.stderr);
    assert.match(copied.stdout, /"stage":"ShutdownComplete".*"totalProcessed":300/);
    const consumed = await runKafkaTool(
      'org.apache.kafka.tools.consumer.ConsoleConsumer',
      [
        '--bootstrap-server',
        bootstrap,
        '--topic',
        'java-out',
        '--from-beginning',
        '--isolation-level',
        'read_committed',
        '--max-messages',
        '300',
      ],
      { timeoutMs: 120_000 },
    );
    assert.equal(consumed.code, 0, consumed.stderr);
    const lines = consumed.stdout.trim().split('\n');
    assert.deepEqual([...new Set(lines)].sort(), [...values].sort(), 'every record once');
    // And nothing more: the topic ends at 300 (aborted batches never reached it).
    const ends = await runKafkaTool('org.apache.kafka.tools.GetOffsetShell', [
      '--bootstrap-server',
      bootstrap,
      '--topic',
      'java-out',
    ]);
    assert.equal(ends.code, 0, ends.stderr);
    assert.equal(ends.stdout.trim(), 'java-out:0:300');

    const listed = await runKafkaTool('org.apache.kafka.tools.TransactionsCommand', [
      '--bootstrap-server',
      bootstrap,
      'list',
    ]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /java-tx\s+1\s+\d+\s+CompleteCommit/);
    const described = await runKafkaTool('org.apache.kafka.tools.TransactionsCommand', [
      '--bootstrap-server',
      bootstrap,
      'describe',
      '--transactional-id',
      'java-tx',
    ]);
    assert.equal(described.code, 0, described.stderr);
    assert.match(described.stdout, /CompleteCommit/);
  });
});

describe('a SIGKILL with a transaction in flight', { skip: confluentKafka.missing }, () => {
  test('the restarted server aborts it: no reader ever sees its records, and a new producer with the same transactional.id goes on', async () => {
    const dataDir = newDataDir();
    const first = await startServer(dataDir);
    const begin = `${READ_TO_END}
admin = AdminClient({'bootstrap.servers': bs})
for f in admin.create_topics([NewTopic('kill-out', 2, 1)]).values():
    f.result()
p = Producer({'bootstrap.servers': bs, 'transactional.id': 'kill-tx'})
p.init_transactions(30)
p.begin_transaction()
p.produce('kill-out', value=b'kept')
p.commit_transaction(30)
p.begin_transaction()
for i in range(50):
    p.produce('kill-out', value=b'in-flight-%d' % i)
p.flush(30)
print('in flight', flush=True)
os._exit(0)
`;
    const started = await run(confluentKafka.python, ['-c', begin, first.bootstrap], { timeoutMs: 120_000 });
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /in flight/);
    first.server.child.kill('SIGKILL');
    await first.server.exit;

    const second = await startServer(dataDir);
    assert.match(
      second.server.output(),
      /aborted 1 transaction\(s\) in flight when the server stopped \(kill-tx\)/,
    );
    const resume = `${READ_TO_END}
out = {'committed': read_all('kill-out', 2, 'read_committed'),
       'uncommitted': read_all('kill-out', 2, 'read_uncommitted')}
p = Producer({'bootstrap.servers': bs, 'transactional.id': 'kill-tx'})
p.init_transactions(30)
p.begin_transaction()
p.produce('kill-out', value=b'after-restart')
p.commit_transaction(30)
out['after'] = read_all('kill-out', 2, 'read_committed')
print(json.dumps(out))
`;
    const resumed = await run(confluentKafka.python, ['-c', resume, second.bootstrap], {
      timeoutMs: 120_000,
    });
    assert.equal(resumed.code, 0, resumed.stderr);
    const out = JSON.parse(resumed.stdout.trim().split('\n').at(-1) as string);
    assert.deepEqual(out.committed, ['kept']);
    assert.deepEqual(out.uncommitted, ['kept']);
    assert.deepEqual(out.after, ['after-restart', 'kept']);
  });
});
