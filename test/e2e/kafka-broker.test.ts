// The real-broker fixture works: a KRaft Apache Kafka broker from Maven Central's jars starts, and
// independent clients (kcat, kafka-python) produce to it and consume back what they produced.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type KafkaBroker, kafkaBroker, startKafkaBroker } from './kafka-broker.fixture.js';
import { kafkaPython, kcat, run } from './kafka-peers.fixture.js';

let broker: KafkaBroker | undefined;

before(async () => {
  if (kafkaBroker.missing === undefined) broker = await startKafkaBroker();
});

after(async () => {
  await broker?.stop();
});

test('kcat produces keyed records to the real broker and consumes them back', {
  skip: kafkaBroker.missing ?? kcat.missing,
  timeout: 120_000,
}, async () => {
  const bootstrap = broker!.bootstrap;
  const produced = await run('kcat', ['-b', bootstrap, '-P', '-t', 'fixture-kcat', '-K', ':'], {
    input: 'k1:one\nk2:two\n',
  });
  assert.equal(produced.code, 0, produced.stderr);
  const consumed = await run('kcat', [
    '-b',
    bootstrap,
    '-C',
    '-t',
    'fixture-kcat',
    '-o',
    'beginning',
    '-e',
    '-f',
    '%k=%s\n',
  ]);
  assert.equal(consumed.code, 0, consumed.stderr);
  assert.deepEqual(consumed.stdout.trim().split('\n'), ['k1=one', 'k2=two']);
});

test('kafka-python produces to the real broker and consumes back', {
  skip: kafkaBroker.missing ?? kafkaPython.missing,
  timeout: 120_000,
}, async () => {
  const script = `
import sys
from kafka import KafkaProducer, KafkaConsumer
b = sys.argv[1]
p = KafkaProducer(bootstrap_servers=b)
for i in range(3):
    p.send('fixture-python', key=b'k%d' % i, value=b'v%d' % i)
p.flush()
c = KafkaConsumer('fixture-python', bootstrap_servers=b, auto_offset_reset='earliest', consumer_timeout_ms=10000)
got = []
for m in c:
    got.append(m.value.decode())
    if len(got) == 3:
        break
print(','.join(got))
`;
  const result = await run(kafkaPython.python, ['-c', script, broker!.bootstrap], { timeoutMs: 90_000 });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout.trim(), 'v0,v1,v2');
});
