import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { InternalTopics, KafkaLog, SegmentLog } from '../../log/index.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { FETCH, METADATA, PRODUCE } from '../protocol/messages.js';
import type { Struct } from '../protocol/schema.js';
import { decodeRecords, encodeProducedBatch, readBatchHeaders } from '../records/record-batch.js';
import { type RunningKafkaListener, startKafkaListener } from './kafka-listener.js';
import { RawKafkaClient } from './test-kafka-client.fixture.js';

let dir: string;
let log: SegmentLog;
let listener: RunningKafkaListener;
let c: RawKafkaClient;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-topic-ids-'));
  log = await SegmentLog.open({ dataDir: dir, cleanerIntervalMs: 0 });
  listener = await startKafkaListener({
    log,
    internalTopics: new InternalTopics(),
    listener: 'PLAINTEXT://127.0.0.1:0',
    groupInitialRebalanceDelayMs: 0,
    writeLine: () => {},
  });
  c = await RawKafkaClient.connect(listener.port);
});

after(async () => {
  c.close();
  await listener.close();
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

type MetadataTopic = { errorCode: number; name: string | null; topicId: Buffer };

async function metadata(topics: { name: string | null; topicId: Buffer }[]): Promise<MetadataTopic[]> {
  const answer = await c.request(METADATA, 12, {
    topics,
    allowAutoTopicCreation: false,
    includeTopicAuthorizedOperations: false,
  });
  return answer.topics as MetadataTopic[];
}

const ZERO = Buffer.alloc(16);

async function produce(topic: string, values: string[]): Promise<void> {
  const batch = encodeProducedBatch({
    baseTimestamp: 1_700_000_000_000,
    records: values.map((v) => ({ key: null, value: Buffer.from(v) })),
  });
  const answer = await c.request(PRODUCE, 9, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }],
  });
  const p = ((answer.responses as Struct[])[0].partitionResponses as { errorCode: number }[])[0];
  assert.equal(p.errorCode, ErrorCode.NONE);
}

async function fetchById(version: number, topic: { topic?: string; topicId?: Buffer }): Promise<Struct> {
  const answer = await c.request(FETCH, version, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ ...topic, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [],
    rackId: '',
  });
  return (answer.responses as Struct[])[0];
}

function values(response: Struct): string[] {
  const p = (response.partitions as Struct[])[0];
  assert.equal(p.errorCode, ErrorCode.NONE);
  return readBatchHeaders(p.records as Buffer).flatMap((h) =>
    decodeRecords(h, h.payload).map((r) => r.value?.toString() ?? 'null'),
  );
}

describe('topic ids', () => {
  test('Metadata v10+ gives each topic a lasting non-zero id, and finds a topic asked for by id alone', async () => {
    await log.createTopic('ids-a');
    await log.createTopic('ids-b');
    const [a, b] = await metadata([
      { name: 'ids-a', topicId: ZERO },
      { name: 'ids-b', topicId: ZERO },
    ]);
    assert.equal(a.errorCode, ErrorCode.NONE);
    assert.notDeepEqual(a.topicId, ZERO);
    assert.notDeepEqual(a.topicId, b.topicId);
    assert.equal(a.topicId.toString('base64url'), (await log.describeTopic('ids-a')).topicId);
    const [again] = await metadata([{ name: 'ids-a', topicId: ZERO }]);
    assert.deepEqual(again.topicId, a.topicId);
    const [byId] = await metadata([{ name: null, topicId: b.topicId }]);
    assert.equal(byId.name, 'ids-b');
    const [missing] = await metadata([{ name: null, topicId: Buffer.alloc(16, 7) }]);
    assert.equal(missing.errorCode, ErrorCode.UNKNOWN_TOPIC_ID);
  });

  test('Fetch v13+ reads a topic by id; a topic deleted and created again answers its old id with UNKNOWN_TOPIC_ID', async () => {
    await log.createTopic('ids-fetch');
    await produce('ids-fetch', ['one', 'two']);
    const [{ topicId }] = await metadata([{ name: 'ids-fetch', topicId: ZERO }]);
    for (const version of [13, 16, 18]) {
      const response = await fetchById(version, { topicId });
      assert.deepEqual(response.topicId, topicId, `v${version}`);
      assert.deepEqual(values(response), ['one', 'two'], `v${version}`);
    }
    assert.deepEqual(values(await fetchById(12, { topic: 'ids-fetch' })), ['one', 'two']);
    await log.deleteTopic('ids-fetch');
    await log.createTopic('ids-fetch');
    await produce('ids-fetch', ['new']);
    const stale = await fetchById(13, { topicId });
    assert.equal((stale.partitions as Struct[])[0].errorCode, ErrorCode.UNKNOWN_TOPIC_ID);
    const [{ topicId: fresh }] = await metadata([{ name: 'ids-fetch', topicId: ZERO }]);
    assert.notDeepEqual(fresh, topicId);
    assert.deepEqual(values(await fetchById(13, { topicId: fresh })), ['new']);
  });

  test('a Kafka client that fetches by topic id (@platformatic/kafka, Fetch v17) reads and waits through the listener', async () => {
    const remote = await KafkaLog.open({ bootstrapServers: [`127.0.0.1:${listener.port}`] });
    try {
      await remote.createTopic('ids-remote');
      await remote.append('ids-remote', [{ value: Buffer.from('x') }, { value: Buffer.from('y') }]);
      const read = await remote.read('ids-remote', 0, 0);
      assert.deepEqual(
        read.records.map((r) => r.value?.toString()),
        ['x', 'y'],
      );
      const waiting = remote.waitForData('ids-remote', 0, 2, 60_000);
      await log.append('ids-remote', [{ value: Buffer.from('z') }]);
      assert.equal(await waiting, true);
    } finally {
      await remote.close();
    }
  });
});
