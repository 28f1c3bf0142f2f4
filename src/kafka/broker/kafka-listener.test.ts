import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { compressFrameSync as lz4Frame } from 'lz4-napi';
import { compressSync as snappyCompress } from 'snappy';
import { InternalTopics, SegmentLog } from '../../log/index.js';
import {
  ALTER_CONFIGS,
  DESCRIBE_CLUSTER,
  DESCRIBE_CONFIGS,
  INCREMENTAL_ALTER_CONFIGS,
} from '../protocol/admin-messages.js';
import { ErrorCode } from '../protocol/error-codes.js';
import {
  API_VERSIONS,
  CREATE_TOPICS,
  DELETE_TOPICS,
  FETCH,
  INIT_PRODUCER_ID,
  LIST_OFFSETS,
  METADATA,
  PRODUCE,
} from '../protocol/messages.js';
import type { Struct } from '../protocol/schema.js';
import {
  BATCH_OVERHEAD,
  Compression,
  decodeRecords,
  encodeProducedBatch,
  readBatchHeaders,
} from '../records/record-batch.js';
import { type RunningKafkaListener, startKafkaListener } from './kafka-listener.js';
import { RawKafkaClient } from './test-kafka-client.fixture.js';

let dir: string;
let log: SegmentLog;
let listener: RunningKafkaListener;
const lines: string[] = [];
const clients: RawKafkaClient[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-kafka-listener-'));
  log = await SegmentLog.open({ dataDir: dir });
  await log.createTopic('events', { partitions: 2 });
  await log.createTopic('_commands');
  listener = await startKafkaListener({
    log,
    internalTopics: new InternalTopics().add('_commands', 'the command topic, which defines every stream'),
    listener: 'PLAINTEXT://127.0.0.1:0',
    maxRequestBytes: 64 * 1024,
    writeLine: (line) => lines.push(line),
  });
});

after(async () => {
  for (const c of clients) c.close();
  await listener.close();
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

async function client(): Promise<RawKafkaClient> {
  const c = await RawKafkaClient.connect(listener.port);
  clients.push(c);
  return c;
}

function batch(values: string[], extra: Partial<Parameters<typeof encodeProducedBatch>[0]> = {}): Buffer {
  return encodeProducedBatch({
    baseTimestamp: 1700000000000,
    records: values.map((v, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(v), timestampDelta: i })),
    ...extra,
  });
}

function produceBody(topic: string, partition: number, records: Buffer, acks = -1): Struct {
  return {
    transactionalId: null,
    acks,
    timeoutMs: 30000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  };
}

type PartitionAnswer = { errorCode: number; baseOffset: number; errorMessage: string | null };
function firstPartition(response: Struct): PartitionAnswer {
  return ((response.responses as Struct[])[0].partitionResponses as PartitionAnswer[])[0];
}

function fetchBody(
  topic: string,
  partition: number,
  offset: number,
  maxWaitMs: number,
  minBytes = 1,
): Struct {
  return {
    replicaId: -1,
    maxWaitMs,
    minBytes,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [],
    rackId: '',
  };
}

function fetchedValues(response: Struct): string[] {
  const p = ((response.responses as Struct[])[0].partitions as Struct[])[0];
  assert.equal(p.errorCode, ErrorCode.NONE);
  const records = p.records as Buffer;
  return readBatchHeaders(records).flatMap((h) =>
    decodeRecords(h, h.payload).map((r) => r.value?.toString() ?? 'null'),
  );
}

describe('the Kafka listener', () => {
  test('advertises every API it serves through ApiVersions', async () => {
    const c = await client();
    const answer = await c.request(API_VERSIONS, 3, {
      clientSoftwareName: 'test',
      clientSoftwareVersion: '1',
    });
    assert.equal(answer.errorCode, ErrorCode.NONE);
    const keys = (answer.apiKeys as { apiKey: number }[]).map((k) => k.apiKey);
    for (const key of [0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 22])
      assert.ok(keys.includes(key), `API key ${key}`);
    const bad = await c.request(API_VERSIONS, 3, {
      clientSoftwareName: '-bad name-',
      clientSoftwareVersion: '1',
    });
    assert.equal(bad.errorCode, ErrorCode.INVALID_REQUEST);
  });

  test('produces (flexible v9) and fetches (v12) the records with their keys, values and timestamps', async () => {
    const c = await client();
    const produced = firstPartition(
      await c.request(PRODUCE, 9, produceBody('events', 1, batch(['a', 'b', 'c']))),
    );
    assert.equal(produced.errorCode, ErrorCode.NONE);
    const fetched = await c.request(FETCH, 12, fetchBody('events', 1, produced.baseOffset, 0));
    assert.deepEqual(fetchedValues(fetched), ['a', 'b', 'c']);
    const read = await log.read('events', 1, produced.baseOffset);
    assert.deepEqual(
      read.records.map((r) => [r.key?.toString(), r.timestamp]),
      [
        ['k0', 1700000000000],
        ['k1', 1700000000001],
        ['k2', 1700000000002],
      ],
    );
  });

  test('a fetch at the end waits for data and answers as soon as another client produces', async () => {
    const consumer = await client();
    const producer = await client();
    const end = await log.endOffset('events', 0);
    // MaxWaitMs far beyond the test's patience: only the append can end this wait in time.
    const waiting = consumer.request(FETCH, 11, fetchBody('events', 0, end, 600_000));
    const produced = firstPartition(
      await producer.request(PRODUCE, 7, produceBody('events', 0, batch(['late']))),
    );
    assert.equal(produced.errorCode, ErrorCode.NONE);
    assert.deepEqual(fetchedValues(await waiting), ['late']);
  });

  test('a fetch with nothing to read answers empty after MaxWaitMs', async () => {
    const c = await client();
    const answer = await c.request(FETCH, 12, fetchBody('events', 0, await log.endOffset('events', 0), 50));
    const p = ((answer.responses as Struct[])[0].partitions as Struct[])[0];
    assert.equal(p.errorCode, ErrorCode.NONE);
    assert.equal((p.records as Buffer).length, 0);
  });

  test('a fetch outside the log answers OFFSET_OUT_OF_RANGE; an unknown topic UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const c = await client();
    const past = await c.request(
      FETCH,
      12,
      fetchBody('events', 0, (await log.endOffset('events', 0)) + 5, 0),
    );
    assert.equal(
      ((past.responses as Struct[])[0].partitions as Struct[])[0].errorCode,
      ErrorCode.OFFSET_OUT_OF_RANGE,
    );
    const missing = await c.request(FETCH, 12, fetchBody('nope', 0, 0, 0));
    assert.equal(
      ((missing.responses as Struct[])[0].partitions as Struct[])[0].errorCode,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    );
  });

  test('acks=0 gets no response, and the next request is answered in order', async () => {
    const c = await client();
    const before = await log.endOffset('events', 0);
    const silent = c.sendOnly(PRODUCE, 9, produceBody('events', 0, batch(['quiet']), 0));
    const versions = c.request(API_VERSIONS, 0, {});
    await versions;
    assert.ok(!c.arrived.includes(silent));
    assert.equal(await log.endOffset('events', 0), before + 1);
  });

  test('a produced batch is stored as received: fetches return its bytes unchanged, compressed ones still compressed', async () => {
    const c = await client();
    await log.createTopic('as-received');
    const codecs: [number, (b: Buffer) => Buffer][] = [
      [Compression.NONE, (b) => b],
      [Compression.GZIP, (b) => gzipSync(b)],
      [Compression.SNAPPY, (b) => snappyCompress(b) as Buffer],
      [Compression.LZ4, (b) => lz4Frame(b)],
    ];
    const sent: Buffer[] = [];
    for (const [codec, compress] of codecs) {
      const plain = batch([`v${codec}-0`, `v${codec}-1`]).subarray(BATCH_OVERHEAD);
      const produced = batch([`v${codec}-0`, `v${codec}-1`], {
        compression: codec,
        compressedPayload: compress(plain),
      });
      sent.push(produced);
      const answer = firstPartition(
        await c.request(PRODUCE, 9, produceBody('as-received', 0, Buffer.from(produced))),
      );
      assert.equal(answer.errorCode, ErrorCode.NONE);
      assert.equal(answer.baseOffset, 2 * (sent.length - 1));
    }
    const fetched = await c.request(FETCH, 12, fetchBody('as-received', 0, 0, 0));
    const records = ((fetched.responses as Struct[])[0].partitions as Struct[])[0].records as Buffer;
    // The producer's bytes, but for the base offset (bytes 0-7) and partitionLeaderEpoch -1 (12-15).
    let at = 0;
    sent.forEach((produced, i) => {
      const back = records.subarray(at, at + produced.length);
      assert.equal(back.readInt32BE(4), 2 * i);
      assert.equal(back.readInt32BE(12), -1);
      assert.deepEqual(back.subarray(16), produced.subarray(16), `batch ${i}`);
      assert.equal(back.readInt16BE(21) & 7, codecs[i][0]);
      at += produced.length;
    });
    assert.equal(at, records.length);
    // The rest of Sluice reads the same records through the log.
    const read = await log.read('as-received', 0, 0);
    assert.deepEqual(
      read.records.map((r) => r.value?.toString()),
      codecs.flatMap(([codec]) => [`v${codec}-0`, `v${codec}-1`]),
    );
  });

  test('a batch with a broken CRC is refused with CORRUPT_MESSAGE and nothing is written', async () => {
    const c = await client();
    const bad = batch(['x']);
    bad[bad.length - 2] ^= 0xff;
    const before = await log.endOffset('events', 0);
    const answer = firstPartition(await c.request(PRODUCE, 8, produceBody('events', 0, bad)));
    assert.equal(answer.errorCode, ErrorCode.CORRUPT_MESSAGE);
    assert.match(answer.errorMessage ?? '', /CRC/);
    assert.equal(await log.endOffset('events', 0), before);
  });

  test('writes to an internal topic are refused naming what it holds', async () => {
    const c = await client();
    const answer = firstPartition(await c.request(PRODUCE, 9, produceBody('_commands', 0, batch(['DROP']))));
    assert.equal(answer.errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    assert.match(answer.errorMessage ?? '', /command topic/);
    assert.equal(await log.endOffset('_commands', 0), 0);
  });

  test('an idempotent producer: a retried batch keeps its offsets, a gap in sequences is refused', async () => {
    const c = await client();
    const init = await c.request(INIT_PRODUCER_ID, 4, { transactionalId: null, transactionTimeoutMs: 60000 });
    assert.equal(init.errorCode, ErrorCode.NONE);
    const pid = init.producerId as number;
    const send = (seq: number, values: string[]) =>
      c.request(
        PRODUCE,
        9,
        produceBody('events', 1, batch(values, { producerId: pid, producerEpoch: 0, baseSequence: seq })),
      );
    const first = firstPartition(await send(0, ['i0', 'i1']));
    assert.equal(first.errorCode, ErrorCode.NONE);
    const end = await log.endOffset('events', 1);
    const retry = firstPartition(await send(0, ['i0', 'i1']));
    assert.deepEqual([retry.errorCode, retry.baseOffset], [ErrorCode.NONE, first.baseOffset]);
    assert.equal(await log.endOffset('events', 1), end);
    const gap = firstPartition(await send(5, ['i5']));
    assert.equal(gap.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    assert.equal(firstPartition(await send(2, ['i2'])).errorCode, ErrorCode.NONE);
  });

  test('ListOffsets answers earliest, latest and the first offset at or after a timestamp', async () => {
    await log.createTopic('timed');
    await log.append(
      'timed',
      [10, 20, 30].map((t) => ({ value: Buffer.from(`${t}`), timestamp: t })),
    );
    const c = await client();
    const ask = async (timestamp: number) => {
      const answer = await c.request(LIST_OFFSETS, 7, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [{ name: 'timed', partitions: [{ partitionIndex: 0, timestamp }] }],
      });
      const p = ((answer.topics as Struct[])[0].partitions as Struct[])[0];
      return [p.errorCode, p.offset, p.timestamp];
    };
    assert.deepEqual(await ask(-2), [0, 0, -1]);
    assert.deepEqual(await ask(-1), [0, 3, -1]);
    assert.deepEqual(await ask(15), [0, 1, 20]);
    assert.deepEqual(await ask(31), [0, -1, -1]);
    assert.deepEqual(await ask(-3), [0, 2, 30]);
  });

  test('CreateTopics creates, refuses a duplicate and a bad name; DeleteTopics refuses internal topics', async () => {
    const c = await client();
    const create = (name: string, numPartitions: number) =>
      c.request(CREATE_TOPICS, 7, {
        topics: [
          {
            name,
            numPartitions,
            replicationFactor: -1,
            assignments: [],
            configs: [{ name: 'cleanup.policy', value: 'compact' }],
          },
        ],
        timeoutMs: 1000,
        validateOnly: false,
      });
    const made = (await create('made', 3)).topics as Struct[];
    assert.deepEqual([made[0].errorCode, made[0].numPartitions, made[0].replicationFactor], [0, 3, 1]);
    assert.equal((await log.describeTopic('made')).config['cleanup.policy'], 'compact');
    assert.equal(((await create('made', 3)).topics as Struct[])[0].errorCode, ErrorCode.TOPIC_ALREADY_EXISTS);
    assert.equal(
      ((await create('bad/name', 1)).topics as Struct[])[0].errorCode,
      ErrorCode.INVALID_TOPIC_EXCEPTION,
    );
    const deleted = await c.request(DELETE_TOPICS, 6, {
      topics: [
        { name: 'made', topicId: Buffer.alloc(16) },
        { name: '_commands', topicId: Buffer.alloc(16) },
      ],
      timeoutMs: 1000,
    });
    const [ok, refused] = deleted.responses as { errorCode: number; errorMessage: string | null }[];
    assert.equal(ok.errorCode, ErrorCode.NONE);
    assert.equal(refused.errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    assert.match(refused.errorMessage ?? '', /command topic/);
    assert.ok(await log.hasTopic('_commands'));
    assert.ok(!(await log.hasTopic('made')));
  });

  test('Metadata lists this node as the only broker and creates a missing topic when the client allows', async () => {
    const c = await client();
    const answer = await c.request(METADATA, 12, {
      topics: [{ topicId: Buffer.alloc(16), name: 'auto-made' }],
      allowAutoTopicCreation: true,
      includeTopicAuthorizedOperations: false,
    });
    assert.deepEqual(answer.brokers, [{ nodeId: 1, host: '127.0.0.1', port: listener.port, rack: null }]);
    const [topic] = answer.topics as Struct[];
    assert.equal(topic.errorCode, ErrorCode.NONE);
    assert.equal((topic.partitions as Struct[]).length, 1);
    assert.ok(await log.hasTopic('auto-made'));
    const missing = await c.request(METADATA, 4, {
      topics: [{ name: 'not-made' }],
      allowAutoTopicCreation: false,
    });
    assert.equal(((missing.topics as Struct[])[0] as Struct).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  test('DescribeConfigs shows set configs as topic configs and the rest as defaults; both alters change them', async () => {
    await log.createTopic('configured', { config: { 'cleanup.policy': 'compact' } });
    const c = await client();
    const describe = async () => {
      const answer = await c.request(DESCRIBE_CONFIGS, 4, {
        resources: [{ resourceType: 2, resourceName: 'configured', configurationKeys: null }],
        includeSynonyms: false,
        includeDocumentation: false,
      });
      const [result] = answer.results as Struct[];
      assert.equal(result.errorCode, ErrorCode.NONE);
      return new Map(
        (result.configs as { name: string; value: string; configSource: number }[]).map((x) => [
          x.name,
          [x.value, x.configSource],
        ]),
      );
    };
    const before = await describe();
    assert.deepEqual(before.get('cleanup.policy'), ['compact', 1]);
    assert.deepEqual(before.get('retention.ms'), ['604800000', 5]);
    const changed = await c.request(INCREMENTAL_ALTER_CONFIGS, 1, {
      resources: [
        {
          resourceType: 2,
          resourceName: 'configured',
          configs: [
            { name: 'retention.ms', configOperation: 0, value: '1000' },
            { name: 'cleanup.policy', configOperation: 2, value: 'delete' },
          ],
        },
      ],
      validateOnly: false,
    });
    assert.equal((changed.responses as Struct[])[0].errorCode, ErrorCode.NONE);
    const after = await describe();
    assert.deepEqual(after.get('retention.ms'), ['1000', 1]);
    assert.deepEqual(after.get('cleanup.policy'), ['compact,delete', 1]);
    // AlterConfigs replaces the whole config: retention.ms goes back to its default.
    const replaced = await c.request(ALTER_CONFIGS, 2, {
      resources: [
        {
          resourceType: 2,
          resourceName: 'configured',
          configs: [{ name: 'cleanup.policy', value: 'compact' }],
        },
      ],
      validateOnly: false,
    });
    assert.equal((replaced.responses as Struct[])[0].errorCode, ErrorCode.NONE);
    const last = await describe();
    assert.deepEqual(last.get('retention.ms'), ['604800000', 5]);
    assert.deepEqual(last.get('cleanup.policy'), ['compact', 1]);
    const bad = await c.request(INCREMENTAL_ALTER_CONFIGS, 1, {
      resources: [
        {
          resourceType: 2,
          resourceName: '_commands',
          configs: [{ name: 'retention.ms', configOperation: 0, value: '1' }],
        },
      ],
      validateOnly: false,
    });
    assert.equal((bad.responses as Struct[])[0].errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  });

  test("DescribeCluster gives the log's cluster id and this node as broker and controller", async () => {
    const c = await client();
    const answer = await c.request(DESCRIBE_CLUSTER, 1, {
      includeClusterAuthorizedOperations: false,
      endpointType: 1,
    });
    assert.equal(answer.clusterId, log.clusterId);
    assert.equal(answer.controllerId, 1);
    assert.deepEqual(answer.brokers, [{ brokerId: 1, host: '127.0.0.1', port: listener.port, rack: null }]);
  });

  test('a malformed request closes only its own connection, with a log line; others go on', async () => {
    const bystander = await client();
    const fetching = bystander.request(
      FETCH,
      12,
      fetchBody('events', 0, await log.endOffset('events', 0), 600_000),
    );
    const bad = await client();
    // Metadata v1 claiming 1000 topics in a 4-byte body.
    bad.socket.write(Buffer.from('0000000e000300010000000100000000' + '03e8', 'hex'));
    await bad.closed;
    assert.ok(
      lines.some((l) => /closing the connection .*malformed request/.test(l)),
      lines.join('\n'),
    );
    const producer = await client();
    assert.equal(
      firstPartition(await producer.request(PRODUCE, 9, produceBody('events', 0, batch(['after']))))
        .errorCode,
      0,
    );
    assert.deepEqual(fetchedValues(await fetching), ['after']);
  });

  test('a request over the size limit closes its connection before it is read', async () => {
    const c = await client();
    const header = Buffer.alloc(4);
    header.writeInt32BE(1024 * 1024);
    c.socket.write(header);
    await c.closed;
    assert.ok(
      lines.some((l) => /larger than the limit of 65536/.test(l)),
      lines.join('\n'),
    );
  });
});
