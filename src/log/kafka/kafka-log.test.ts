// KafkaLog against a real Apache Kafka 4.1 broker (KRaft, started from Maven Central's jars).
import assert from 'node:assert/strict';
import { tracingChannel } from 'node:diagnostics_channel';
import { after, before, describe, test } from 'node:test';
import { ProduceAcks, Producer } from '@platformatic/kafka';
import { type KafkaBroker, kafkaBroker, startKafkaBroker } from '../../../test/e2e/kafka-broker.fixture.js';
import { Consumer } from '../consumer.js';
import type { LogError } from '../errors.js';
import { partitionForKey } from '../partitioner.js';
import { ReadCursor } from '../read-cursor.js';
import { KafkaLog } from './kafka-log.js';

let broker: KafkaBroker | undefined;

/** The Kafka requests (API keys) @platformatic/kafka sends while `run` runs, counted from its diagnostics channel. */
async function requestsDuring<T>(run: () => Promise<T>): Promise<{ result: T; keys: number[] }> {
  const keys: number[] = [];
  const channel = tracingChannel<unknown, { apiKey: number }>('plt:kafka:connections:api');
  const handlers = { start: (c: { apiKey: number }) => keys.push(c.apiKey) };
  channel.subscribe(handlers as never);
  try {
    return { result: await run(), keys };
  } finally {
    channel.unsubscribe(handlers as never);
  }
}
const METADATA = 3;
const FETCH = 1;
const INIT_PRODUCER_ID = 22;
let log: KafkaLog;

describe('KafkaLog over a real Kafka broker', { skip: kafkaBroker.missing, timeout: 180_000 }, () => {
  before(async () => {
    broker = await startKafkaBroker();
    log = await KafkaLog.open({ bootstrapServers: [broker.bootstrap], replicationFactor: 1 });
  });

  after(async () => {
    await log?.close();
    await broker?.stop();
  });

  test('creates, describes, lists and deletes topics, asking the cluster each time', async () => {
    assert.ok(log.clusterId.length > 0);
    assert.equal(await log.hasTopic('t-admin'), false);
    const created = await log.createTopic('t-admin', { partitions: 3, config: { 'retention.ms': '60000' } });
    assert.equal(created.partitions.length, 3);
    assert.equal(created.config['retention.ms'], '60000');
    assert.equal(await log.hasTopic('t-admin'), true);
    assert.ok((await log.listTopics()).includes('t-admin'));
    await assert.rejects(log.createTopic('t-admin'), (e: LogError) => e.code === 'TOPIC_EXISTS');
    const altered = await log.alterTopicConfig('t-admin', { 'retention.ms': '120000' });
    assert.equal(altered.config['retention.ms'], '120000');
    await log.deleteTopic('t-admin');
    assert.equal(await log.hasTopic('t-admin'), false);
    await assert.rejects(log.describeTopic('t-admin'), (e: LogError) => e.code === 'UNKNOWN_TOPIC');
  });

  test('hasTopic of a missing topic asks Kafka once: "no such topic" is an answer, not retried', async () => {
    const { result, keys } = await requestsDuring(() => log.hasTopic('t-never-created'));
    assert.equal(result, false);
    assert.deepEqual(
      keys.filter((k) => k === METADATA),
      [METADATA],
    );
  });

  test('a reader with a cursor has its next read fetched ahead, or kept from a fetch its maxRecords cut', async () => {
    await log.createTopic('t-ahead');
    for (let i = 0; i < 3; i++)
      await log.append(
        't-ahead',
        Array.from({ length: 100 }, (_, j) => ({ value: Buffer.from(`${i}-${j}`) })),
      );
    const cursor = new ReadCursor();
    const fetches: number[] = [];
    let fetchSent: () => void = () => {};
    const channel = tracingChannel<unknown, { apiKey: number }>('plt:kafka:connections:api');
    const handlers = {
      start: (c: { apiKey: number }) => {
        if (c.apiKey !== FETCH) return;
        fetches.push(c.apiKey);
        fetchSent();
      },
    };
    channel.subscribe(handlers as never);
    try {
      // One batch per Fetch (maxBytes 1: at least one batch). Cut by maxRecords inside the first batch: the rest of that fetch serves the next read.
      const first = await log.read('t-ahead', 0, 0, { maxRecords: 60, maxBytes: 1, cursor });
      assert.equal(first.nextOffset, 60);
      assert.equal(fetches.length, 1);
      const second = await log.read('t-ahead', 0, 60, { maxRecords: 40, maxBytes: 1, cursor });
      assert.deepEqual(
        second.records.map((r) => r.offset),
        Array.from({ length: 40 }, (_, i) => 60 + i),
      );
      // It ended at a batch's end with more in the partition: the Fetch at 100 goes out unasked.
      if (fetches.length < 2) await new Promise<void>((resolve) => (fetchSent = resolve));
      const third = await log.read('t-ahead', 0, 100, { maxRecords: 100, maxBytes: 1, cursor });
      assert.equal(third.records[0].value?.toString(), '1-0');
      if (fetches.length < 3) await new Promise<void>((resolve) => (fetchSent = resolve));
      const fourth = await log.read('t-ahead', 0, 200, { maxRecords: 100, maxBytes: 1, cursor });
      assert.equal(fourth.records[99].value?.toString(), '2-99');
      // Three fetches for four reads, none of them sent by a read that waited for it.
      assert.equal(fetches.length, 3);
    } finally {
      channel.unsubscribe(handlers as never);
    }
    // Another offset than the one fetched ahead is fetched anew; without a cursor nothing is kept.
    const elsewhere = await requestsDuring(() =>
      log.read('t-ahead', 0, 10, { maxRecords: 5, maxBytes: 1, cursor }),
    );
    assert.deepEqual(elsewhere.keys, [FETCH]);
    assert.equal(elsewhere.result.records[0].offset, 10);
    await log.read('t-ahead', 0, 0, { maxRecords: 5 });
    const uncached = await requestsDuring(() => log.read('t-ahead', 0, 5, { maxRecords: 5 }));
    assert.deepEqual(uncached.keys, [FETCH]);
  });

  test('an append over max.message.bytes (1 MiB) goes in several produce requests; a record too large alone is named', async () => {
    await log.createTopic('t-large');
    const records = Array.from({ length: 5000 }, (_, i) => ({
      key: Buffer.from(`k${i}`),
      value: Buffer.alloc(300, 97 + (i % 26)),
    }));
    const positions = await log.append('t-large', records);
    assert.deepEqual(
      positions.map((p) => p.offset),
      records.map((_, i) => i),
    );
    const back = [];
    for (let at = 0; at < 5000; ) {
      const read = await log.read('t-large', 0, at);
      back.push(...read.records);
      at = read.nextOffset;
    }
    assert.deepEqual(
      back.map((r) => r.key?.toString()),
      records.map((r) => r.key.toString()),
    );
    await assert.rejects(
      log.append('t-large', [{ value: Buffer.from('small') }, { value: Buffer.alloc(1_200_000) }]),
      (e: LogError) => e.code === 'RECORD_TOO_LARGE' && e.recordIndex === 1,
    );
    assert.equal(await log.endOffset('t-large', 0), 5001, 'the request before it was written');
  });

  test('appends batches where the key hashes (murmur2) or the record says, and reads them back', async () => {
    await log.createTopic('t-data', { partitions: 2 });
    const positions = await log.append('t-data', [
      { key: Buffer.from('a'), value: Buffer.from('1'), headers: [{ key: 'h', value: Buffer.from('x') }] },
      { key: Buffer.from('b'), value: Buffer.from('2') },
      { value: Buffer.from('3'), partition: 1, timestamp: 1_700_000_000_000 },
    ]);
    assert.equal(positions[0].partition, partitionForKey(Buffer.from('a'), 2));
    assert.equal(positions[1].partition, partitionForKey(Buffer.from('b'), 2));
    assert.equal(positions[2].partition, 1);
    for (const [i, p] of positions.entries()) {
      const read = await log.read('t-data', p.partition, p.offset, { maxRecords: 1 });
      assert.equal(read.records[0].offset, p.offset);
      assert.equal(read.records[0].value?.toString(), String(i + 1));
    }
    const third = await log.read('t-data', 1, positions[2].offset, { maxRecords: 1 });
    assert.equal(third.records[0].timestamp, 1_700_000_000_000);
    const first = await log.read('t-data', positions[0].partition, positions[0].offset, { maxRecords: 1 });
    assert.deepEqual(first.records[0].headers, [{ key: 'h', value: Buffer.from('x') }]);
    const end = await log.endOffset('t-data', 1);
    assert.equal(end, positions.filter((p) => p.partition === 1).length);
    assert.equal(await log.beginningOffset('t-data', 1), 0);
    await assert.rejects(log.read('t-data', 5, 0), (e: LogError) => e.code === 'INVALID_PARTITION');
    await assert.rejects(
      log.append('nope', [{ value: Buffer.from('x') }]),
      (e: LogError) => e.code === 'UNKNOWN_TOPIC',
    );
  });

  test('waitForData wakes on an append, and times out or aborts to false', async () => {
    await log.createTopic('t-wait');
    assert.equal(await log.waitForData('t-wait', 0, 0, 300), false);
    const aborted = new AbortController();
    const waitAborted = log.waitForData('t-wait', 0, 0, 60_000, aborted.signal);
    aborted.abort();
    assert.equal(await waitAborted, false);
    const woken = log.waitForData('t-wait', 0, 0, 60_000);
    await log.append('t-wait', [{ value: Buffer.from('v') }]);
    assert.equal(await woken, true);
  });

  test('group offsets are Kafka’s own, and the log’s Consumer starts from them', async () => {
    await log.createTopic('t-group');
    await log.append(
      't-group',
      [0, 1, 2, 3].map((i) => ({ value: Buffer.from(`v${i}`) })),
    );
    await log.commitOffsets('g1', [{ topic: 't-group', partition: 0, offset: 2 }]);
    assert.deepEqual(await log.committedOffsets('g1', 't-group'), [
      { topic: 't-group', partition: 0, offset: 2 },
    ]);
    assert.ok((await log.listGroups()).includes('g1'));
    const consumer = new Consumer(log, { group: 'g1', autoOffsetReset: 'earliest' });
    await consumer.assignTopic('t-group');
    const polled = await consumer.poll(100, new AbortController().signal, 10_000);
    assert.deepEqual(
      polled.flatMap((p) => p.records.map((r) => r.value?.toString())),
      ['v2', 'v3'],
    );
    await consumer.commit();
    assert.equal((await log.committedOffsets('g1', 't-group'))[0].offset, 4);
  });

  test('records for partitions added after the producer first wrote the topic land in those partitions', async () => {
    await log.createTopic('t-added', { partitions: 1 });
    await log.append('t-added', [{ partition: 0, value: Buffer.from('old') }]);
    await log.createPartitions('t-added', 3);
    const placed = await log.append('t-added', [
      { partition: 1, value: Buffer.from('one') },
      { partition: 2, value: Buffer.from('two') },
    ]);
    assert.deepEqual(
      placed.map((p) => `${p.partition}@${p.offset}`),
      ['1@0', '2@0'],
    );
    const values = async (partition: number) =>
      (await log.read('t-added', partition, 0)).records.map((r) => r.value?.toString());
    assert.deepEqual([await values(0), await values(1), await values(2)], [['old'], ['one'], ['two']]);
  });

  test('adds partitions, deletes records before an offset and forgets group offsets in Kafka', async () => {
    await log.createTopic('t-grow', { partitions: 1 });
    const grown = await log.createPartitions('t-grow', 3);
    assert.equal(grown.partitions.length, 3);
    const [placed] = await log.append('t-grow', [{ partition: 2, value: Buffer.from('new') }]);
    assert.equal(placed.partition, 2);
    await assert.rejects(log.createPartitions('t-grow', 2), (e: LogError) => e.code === 'INVALID_PARTITION');
    await assert.rejects(log.createPartitions('t-grow', 3), (e: LogError) => /already has 3/.test(e.message));

    await log.createTopic('t-trim');
    await log.append(
      't-trim',
      [0, 1, 2, 3, 4].map((i) => ({ value: Buffer.from(`v${i}`) })),
    );
    assert.equal(await log.deleteRecords('t-trim', 0, 3), 3);
    assert.equal(await log.beginningOffset('t-trim', 0), 3);
    assert.equal((await log.describeTopic('t-trim')).partitions[0].beginningOffset, 3);
    const read = await log.read('t-trim', 0, 3, { maxRecords: 1 });
    assert.equal(read.records[0].value?.toString(), 'v3');
    await assert.rejects(
      log.deleteRecords('t-trim', 0, 9),
      (e: LogError) => e.code === 'OFFSET_OUT_OF_RANGE',
    );

    await log.commitOffsets('g-del', [
      { topic: 't-grow', partition: 0, offset: 0 },
      { topic: 't-grow', partition: 1, offset: 0 },
    ]);
    await log.deleteCommittedOffsets('g-del', [{ topic: 't-grow', partition: 0 }]);
    assert.deepEqual(
      (await log.committedOffsets('g-del')).map((o) => o.partition),
      [1],
    );
    await log.deleteCommittedOffsets('g-del');
    assert.ok(!(await log.listGroups()).includes('g-del'));
    await log.deleteCommittedOffsets('g-never-there');
  });

  test('finds the first record at or after a time through Kafka’s own time index', async () => {
    await log.createTopic('t-time');
    await log.append(
      't-time',
      [0, 1, 2].map((i) => ({ value: Buffer.from(`v${i}`), timestamp: 1_700_000_000_000 + i * 1000 })),
    );
    assert.deepEqual(await log.offsetForTimestamp('t-time', 0, 1_700_000_000_500), {
      offset: 1,
      timestamp: 1_700_000_001_000,
    });
    assert.equal(await log.offsetForTimestamp('t-time', 0, 1_800_000_000_000), undefined);
  });

  test('a transaction sends its records and group offsets as one Kafka transaction at commit; nothing before', async () => {
    await log.createTopic('t-tx', { partitions: 2 });
    const tx = log.beginTransaction('sluice-tx-commit');
    tx.append('t-tx', [
      { key: Buffer.from('a'), value: Buffer.from('1') },
      { value: Buffer.from('2'), partition: 1 },
    ]);
    tx.commitOffsets('tx-group', [{ topic: 't-tx', partition: 0, offset: 7 }]);
    assert.equal(tx.size, 2);
    assert.equal(await log.endOffset('t-tx', 1), 0, 'nothing reaches Kafka before the commit');
    await tx.commit();
    const values = [];
    for (const p of [0, 1]) {
      // Kafka writes the commit markers just after EndTxn answers: the records are readable then.
      assert.ok(await log.waitForData('t-tx', p, 0, 30_000));
      for (const r of (await log.read('t-tx', p, 0)).records) values.push(r.value?.toString());
    }
    assert.deepEqual(values.sort(), ['1', '2']);
    assert.deepEqual(await log.committedOffsets('tx-group'), [{ topic: 't-tx', partition: 0, offset: 7 }]);
    // The commit marker takes an offset: the end is past it, and a read there finds nothing.
    assert.equal(await log.endOffset('t-tx', 1), 2);
    assert.deepEqual((await log.read('t-tx', 1, 1)).records, []);

    const dropped = log.beginTransaction('sluice-tx-commit');
    dropped.append('t-tx', [{ value: Buffer.from('never'), partition: 1 }]);
    await dropped.abort();
    await assert.rejects(dropped.commit(), /already aborted/);
    assert.equal(await log.endOffset('t-tx', 1), 2);
  });

  test('reads are read_committed: aborted records and markers are skipped, an open transaction ends the readable part', async () => {
    await log.createTopic('t-rc');
    const other = new Producer<Buffer, Buffer, Buffer, Buffer>({
      clientId: 'test-tx',
      bootstrapBrokers: [broker!.bootstrap],
      transactionalId: 'java-like-producer',
      idempotent: true,
      acks: ProduceAcks.ALL,
    });
    try {
      const send = async (value: string, commit: boolean | undefined) => {
        const t = await other.beginTransaction();
        await t.send({ messages: [{ topic: 't-rc', partition: 0, value: Buffer.from(value) }] as never });
        if (commit === true) await t.commit();
        else if (commit === false) await t.abort();
      };
      await send('aborted', false);
      await log.append('t-rc', [{ value: Buffer.from('plain') }]);
      await send('committed', true);
      await send('open', undefined);
      const end = await log.endOffset('t-rc', 0);
      const read = await log.read('t-rc', 0, 0);
      assert.deepEqual(
        read.records.map((r) => r.value?.toString()),
        ['plain', 'committed'],
      );
      assert.equal(read.endOffset, end);
      assert.equal(read.nextOffset, end, 'the read stops where the open transaction begins');
      await other.transaction?.abort();
    } finally {
      await other.close();
    }
  });

  test('a newer transaction with the same id fences the older one, in this process and from another', async () => {
    await log.createTopic('t-fence');
    const older = log.beginTransaction('sluice-tx-fence');
    older.append('t-fence', [{ value: Buffer.from('old') }]);
    const newer = log.beginTransaction('sluice-tx-fence');
    newer.append('t-fence', [{ value: Buffer.from('new') }]);
    await assert.rejects(older.commit(), (e: LogError) => e.code === 'PRODUCER_FENCED');
    await newer.commit();
    // Another process (another KafkaLog) initialises the same transactional id: this one is fenced.
    const second = await KafkaLog.open({ bootstrapServers: [broker!.bootstrap], replicationFactor: 1 });
    try {
      const theirs = second.beginTransaction('sluice-tx-fence');
      theirs.append('t-fence', [{ value: Buffer.from('theirs') }]);
      await theirs.commit();
      const ours = log.beginTransaction('sluice-tx-fence');
      ours.append('t-fence', [{ value: Buffer.from('zombie') }]);
      await assert.rejects(ours.commit(), (e: LogError) => e.code === 'PRODUCER_FENCED');
    } finally {
      await second.close();
    }
    assert.ok(await log.waitForData('t-fence', 0, 3, 30_000), 'both commits are readable');
    const values = (await log.read('t-fence', 0, 0)).records.map((r) => r.value?.toString());
    assert.deepEqual(values, ['new', 'theirs']);
  });

  test('prepareTransactions sends InitProducerId each time, also after this process committed with the id', async () => {
    // Only InitProducerId waits for the last transaction's markers: a query restarted in this
    // process must not read its offsets and changelogs before they are written.
    await log.createTopic('t-prepare');
    await log.prepareTransactions('sluice-tx-prepare');
    const tx = log.beginTransaction('sluice-tx-prepare');
    tx.append('t-prepare', [{ value: Buffer.from('one') }]);
    tx.commitOffsets('g-prepare', [{ topic: 't-prepare', partition: 0, offset: 1 }]);
    await tx.commit();
    const again = await requestsDuring(() => log.prepareTransactions('sluice-tx-prepare'));
    assert.ok(again.keys.includes(INIT_PRODUCER_ID), `InitProducerId among ${again.keys.join(',')}`);
    // Right after it, what the transaction wrote is readable and its offset committed.
    assert.equal(await log.endOffset('t-prepare', 0), 2);
    assert.deepEqual(await log.committedOffsets('g-prepare'), [
      { topic: 't-prepare', partition: 0, offset: 1 },
    ]);
    const next = log.beginTransaction('sluice-tx-prepare');
    next.append('t-prepare', [{ value: Buffer.from('two') }]);
    await next.commit();
    assert.ok(await log.waitForData('t-prepare', 0, 3, 30_000));
    assert.deepEqual(
      (await log.read('t-prepare', 0, 0)).records.map((r) => r.value?.toString()),
      ['one', 'two'],
    );
  });
});
