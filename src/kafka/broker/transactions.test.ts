import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { InternalTopics, type Log, LogError, SegmentLog } from '../../log/index.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { OFFSET_FETCH } from '../protocol/group-messages.js';
import { API_VERSIONS, FETCH, INIT_PRODUCER_ID, LIST_OFFSETS, PRODUCE } from '../protocol/messages.js';
import type { Struct } from '../protocol/schema.js';
import {
  ADD_OFFSETS_TO_TXN,
  ADD_PARTITIONS_TO_TXN,
  DESCRIBE_TRANSACTIONS,
  END_TXN,
  LIST_TRANSACTIONS,
  TXN_OFFSET_COMMIT,
} from '../protocol/transaction-messages.js';
import { decodeRecords, encodeProducedBatch, readBatchHeaders } from '../records/record-batch.js';
import { type RunningKafkaListener, startKafkaListener } from './kafka-listener.js';
import { RawKafkaClient } from './test-kafka-client.fixture.js';

let dir: string;
let log: SegmentLog;
let listener: RunningKafkaListener;
let client: RawKafkaClient;
const lines: string[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-kafka-txn-'));
  log = await SegmentLog.open({ dataDir: dir });
  await log.createTopic('orders', { partitions: 2 });
  await log.createTopic('_commands');
  listener = await startKafkaListener({
    log,
    internalTopics: new InternalTopics().add('_commands', 'the command topic, which defines every stream'),
    listener: 'PLAINTEXT://127.0.0.1:0',
    writeLine: (line) => lines.push(line),
  });
  client = await RawKafkaClient.connect(listener.port);
});

after(async () => {
  client.close();
  await listener.close();
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

async function init(
  transactionalId: string,
  timeoutMs = 60_000,
): Promise<{ errorCode: number; producerId: number; producerEpoch: number }> {
  const a = await client.request(INIT_PRODUCER_ID, 4, {
    transactionalId,
    transactionTimeoutMs: timeoutMs,
    producerId: -1,
    producerEpoch: -1,
  });
  return {
    errorCode: a.errorCode as number,
    producerId: a.producerId as number,
    producerEpoch: a.producerEpoch as number,
  };
}

interface Producer {
  readonly id: string;
  readonly producerId: number;
  readonly producerEpoch: number;
}

async function addPartitions(p: Producer, topic: string, partitions: number[]): Promise<number[]> {
  const a = await client.request(ADD_PARTITIONS_TO_TXN, 3, {
    transactionalId: p.id,
    producerId: p.producerId,
    producerEpoch: p.producerEpoch,
    topics: [{ name: topic, partitions }],
  });
  return ((a.results as Struct[])[0].results as Struct[]).map((r) => r.partitionErrorCode as number);
}

async function produce(
  p: Producer,
  partition: number,
  baseSequence: number,
  values: string[],
): Promise<{ errorCode: number; baseOffset: number }> {
  const records = encodeProducedBatch({
    baseTimestamp: 1700000000000,
    producerId: p.producerId,
    producerEpoch: p.producerEpoch,
    baseSequence,
    transactional: true,
    records: values.map((v, i) => ({ key: null, value: Buffer.from(v), timestampDelta: i })),
  });
  const a = await client.request(PRODUCE, 9, {
    transactionalId: p.id,
    acks: -1,
    timeoutMs: 30000,
    topicData: [{ name: 'orders', partitionData: [{ index: partition, records }] }],
  });
  const r = ((a.responses as Struct[])[0].partitionResponses as Struct[])[0];
  return { errorCode: r.errorCode as number, baseOffset: r.baseOffset as number };
}

async function endTxn(p: Producer, committed: boolean): Promise<number> {
  const a = await client.request(END_TXN, 3, {
    transactionalId: p.id,
    producerId: p.producerId,
    producerEpoch: p.producerEpoch,
    committed,
  });
  return a.errorCode as number;
}

async function endOffset(partition: number, isolationLevel: number): Promise<number> {
  const a = await client.request(LIST_OFFSETS, 7, {
    replicaId: -1,
    isolationLevel,
    topics: [{ name: 'orders', partitions: [{ partitionIndex: partition, timestamp: -1 }] }],
  });
  return ((a.topics as Struct[])[0].partitions as { offset: number }[])[0].offset;
}

async function fetchValues(
  partition: number,
  isolationLevel: number,
): Promise<{ values: string[]; partition: Struct }> {
  const a = await client.request(FETCH, 12, {
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic: 'orders', partitions: [{ partition, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [],
    rackId: '',
  });
  const p = ((a.responses as Struct[])[0].partitions as Struct[])[0];
  const values: string[] = [];
  const records = p.records as Buffer;
  if (records.length > 0) {
    for (const h of readBatchHeaders(records)) {
      for (const r of decodeRecords(h, h.payload)) values.push(r.value?.toString() ?? '');
    }
  }
  return { values, partition: p };
}

async function describe(id: string): Promise<Struct> {
  const a = await client.request(DESCRIBE_TRANSACTIONS, 0, { transactionalIds: [id] });
  return (a.transactionStates as Struct[])[0];
}

test('ApiVersions advertises the transaction APIs the embedded log serves', async () => {
  const a = await client.request(API_VERSIONS, 3, {
    clientSoftwareName: 'test',
    clientSoftwareVersion: '1',
  });
  const keys = new Set((a.apiKeys as { apiKey: number }[]).map((k) => k.apiKey));
  for (const key of [24, 25, 26, 28, 65, 66]) assert.ok(keys.has(key), `API key ${key} is advertised`);
});

test('InitProducerId with a transactional id bumps the epoch of the same producer id, and refuses a timeout over 15 minutes', async () => {
  const first = await init('tx-init');
  assert.equal(first.errorCode, ErrorCode.NONE);
  assert.equal(first.producerEpoch, 0);
  const second = await init('tx-init');
  assert.deepEqual(second, { errorCode: ErrorCode.NONE, producerId: first.producerId, producerEpoch: 1 });
  assert.equal((await init('tx-init', 900_001)).errorCode, ErrorCode.INVALID_TRANSACTION_TIMEOUT);
  // The fenced producer (epoch 0) is refused by the coordinator.
  const codes = await addPartitions({ id: 'tx-init', ...first }, 'orders', [0]);
  assert.deepEqual(codes, [ErrorCode.PRODUCER_FENCED]);
  const wrongId = await addPartitions(
    { id: 'tx-init', producerId: first.producerId + 1000, producerEpoch: 1 },
    'orders',
    [0],
  );
  assert.deepEqual(wrongId, [ErrorCode.INVALID_PRODUCER_ID_MAPPING]);
});

test('records of a transaction are invisible to both isolation levels until EndTxn commits them; an aborted one never appears', async () => {
  const p = { id: 'tx-orders', ...(await init('tx-orders')) };
  assert.equal(
    (await produce(p, 0, 0, ['early'])).errorCode,
    ErrorCode.INVALID_TXN_STATE,
    'partition not added yet',
  );
  assert.deepEqual(await addPartitions(p, 'orders', [0, 7]), [
    ErrorCode.OPERATION_NOT_ATTEMPTED,
    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ]);
  assert.deepEqual(await addPartitions(p, '_commands', [0]), [ErrorCode.TOPIC_AUTHORIZATION_FAILED]);
  assert.deepEqual(await addPartitions(p, 'orders', [0]), [ErrorCode.NONE]);
  assert.deepEqual(await produce(p, 0, 0, ['a', 'b']), { errorCode: ErrorCode.NONE, baseOffset: -1 });
  assert.deepEqual(await produce(p, 0, 2, ['c']), { errorCode: ErrorCode.NONE, baseOffset: -1 });
  // A retry of the last batch is recognised, not added twice.
  assert.deepEqual(await produce(p, 0, 2, ['c']), { errorCode: ErrorCode.NONE, baseOffset: -1 });
  assert.equal((await describe('tx-orders')).transactionState, 'Ongoing');
  assert.equal(await endOffset(0, 0), 0);
  assert.equal(await endOffset(0, 1), 0);
  assert.deepEqual((await fetchValues(0, 0)).values, []);

  assert.equal(await endTxn(p, true), ErrorCode.NONE);
  assert.equal(await endTxn(p, true), ErrorCode.NONE, 'a retried commit is answered NONE');
  assert.equal(await endTxn(p, false), ErrorCode.INVALID_TXN_STATE, 'the other outcome is refused');
  assert.equal((await describe('tx-orders')).transactionState, 'CompleteCommit');
  assert.equal(await endOffset(0, 1), 3);
  const committed = await fetchValues(0, 1);
  assert.deepEqual(committed.values, ['a', 'b', 'c']);
  assert.equal(committed.partition.lastStableOffset, 3);
  assert.deepEqual(committed.partition.abortedTransactions, []);
  assert.equal((await fetchValues(0, 0)).partition.abortedTransactions, null);

  assert.deepEqual(await addPartitions(p, 'orders', [0]), [ErrorCode.NONE]);
  assert.deepEqual(await produce(p, 0, 3, ['dropped']), { errorCode: ErrorCode.NONE, baseOffset: -1 });
  assert.equal(await endTxn(p, false), ErrorCode.NONE);
  assert.equal((await describe('tx-orders')).transactionState, 'CompleteAbort');
  assert.deepEqual((await fetchValues(0, 0)).values, ['a', 'b', 'c']);
  assert.equal(await endOffset(0, 0), 3);
});

test('offsets sent to a transaction are unstable for RequireStable readers until the commit, then committed with the records', async () => {
  const p = { id: 'tx-offsets', ...(await init('tx-offsets')) };
  const added = await client.request(ADD_OFFSETS_TO_TXN, 3, {
    transactionalId: p.id,
    producerId: p.producerId,
    producerEpoch: p.producerEpoch,
    groupId: 'copier',
  });
  assert.equal(added.errorCode, ErrorCode.NONE);
  const commit = await client.request(TXN_OFFSET_COMMIT, 3, {
    transactionalId: p.id,
    groupId: 'copier',
    producerId: p.producerId,
    producerEpoch: p.producerEpoch,
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    topics: [
      {
        name: 'orders',
        partitions: [
          { partitionIndex: 1, committedOffset: 17, committedLeaderEpoch: -1, committedMetadata: 'm' },
          { partitionIndex: 9, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null },
        ],
      },
    ],
  });
  const results = ((commit.topics as Struct[])[0].partitions as Struct[]).map((r) => r.errorCode);
  assert.deepEqual(results, [ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
  const offsetFetch = async (requireStable: boolean) => {
    const a = await client.request(OFFSET_FETCH, 7, {
      groupId: 'copier',
      topics: [{ name: 'orders', partitionIndexes: [1] }],
      requireStable,
    });
    return ((a.topics as Struct[])[0].partitions as Struct[])[0];
  };
  assert.equal((await offsetFetch(true)).errorCode, ErrorCode.UNSTABLE_OFFSET_COMMIT);
  assert.deepEqual(
    { offset: (await offsetFetch(false)).committedOffset, error: (await offsetFetch(false)).errorCode },
    { offset: -1, error: ErrorCode.NONE },
  );
  assert.equal(await endTxn(p, true), ErrorCode.NONE);
  const after = await offsetFetch(true);
  assert.deepEqual(
    { offset: after.committedOffset, error: after.errorCode },
    { offset: 17, error: ErrorCode.NONE },
  );
});

test('a transaction older than its timeout is aborted and its producer fenced; ListTransactions shows it', async () => {
  const p = { id: 'tx-slow', ...(await init('tx-slow', 100)) };
  assert.deepEqual(await addPartitions(p, 'orders', [1]), [ErrorCode.NONE]);
  assert.equal((await produce(p, 1, 0, ['late'])).errorCode, ErrorCode.NONE);
  const listed = await client.request(LIST_TRANSACTIONS, 1, {
    stateFilters: ['Ongoing', 'Bogus'],
    producerIdFilters: [],
    durationFilter: -1,
  });
  assert.deepEqual(listed.unknownStateFilters, ['Bogus']);
  assert.ok((listed.transactionStates as Struct[]).some((t) => t.transactionalId === 'tx-slow'));
  // The abort is the coordinator's own doing: wait for its state to change.
  let state = await describe('tx-slow');
  while (state.transactionState === 'Ongoing') {
    await new Promise((resolve) => setImmediate(resolve));
    state = await describe('tx-slow');
  }
  assert.equal(state.transactionState, 'CompleteAbort');
  assert.equal(state.producerEpoch, p.producerEpoch + 1);
  assert.equal((await produce(p, 1, 1, ['after'])).errorCode, ErrorCode.INVALID_PRODUCER_EPOCH);
  assert.equal(await endTxn(p, true), ErrorCode.PRODUCER_FENCED);
  assert.deepEqual((await fetchValues(1, 0)).values, []);
  assert.ok(lines.some((l) => l.includes("aborted transaction 'tx-slow' after its timeout")));
  const unknown = await describe('tx-never');
  assert.equal(unknown.errorCode, ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
});

test('a transactional batch without a transactional id, or a plain batch with one, is refused', async () => {
  const records = encodeProducedBatch({
    baseTimestamp: 1700000000000,
    producerId: 5,
    producerEpoch: 0,
    baseSequence: 0,
    transactional: true,
    records: [{ key: null, value: Buffer.from('x') }],
  });
  const a = await client.request(PRODUCE, 9, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30000,
    topicData: [{ name: 'orders', partitionData: [{ index: 0, records }] }],
  });
  const r = ((a.responses as Struct[])[0].partitionResponses as Struct[])[0];
  assert.equal(r.errorCode, ErrorCode.INVALID_RECORD);
  assert.match(r.errorMessage as string, /transactional\.id/);
});

test('on a log without transactions, the transaction APIs are not advertised and InitProducerId with a transactional id is refused, saying why', async () => {
  const noTransactions = new Proxy(log, {
    get(target, key) {
      if (key === 'beginTransaction') {
        return () => {
          throw new LogError('UNSUPPORTED', 'A transaction is not implemented on this backend.');
        };
      }
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as Log;
  const said: string[] = [];
  const other = await startKafkaListener({
    log: noTransactions,
    internalTopics: new InternalTopics(),
    listener: 'PLAINTEXT://127.0.0.1:0',
    writeLine: (line) => said.push(line),
  });
  const c = await RawKafkaClient.connect(other.port);
  try {
    const versions = await c.request(API_VERSIONS, 3, {
      clientSoftwareName: 'test',
      clientSoftwareVersion: '1',
    });
    const keys = new Set((versions.apiKeys as { apiKey: number }[]).map((k) => k.apiKey));
    for (const key of [24, 25, 26, 28, 65, 66]) assert.ok(!keys.has(key), `API key ${key} is not advertised`);
    assert.ok(keys.has(22), 'InitProducerId stays, for idempotent producers');
    const a = await c.request(INIT_PRODUCER_ID, 4, {
      transactionalId: 'tx',
      transactionTimeoutMs: 60000,
      producerId: -1,
      producerEpoch: -1,
    });
    assert.equal(a.errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    assert.ok(
      said.some((l) =>
        /refused InitProducerId for transactional.id 'tx': A transaction is not implemented/.test(l),
      ),
    );
  } finally {
    c.close();
    await other.close();
  }
});
