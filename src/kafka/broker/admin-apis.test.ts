// CreatePartitions, DeleteRecords, DeleteGroups and OffsetDelete over the wire, with Kafka's error
// codes for what a broker refuses.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { InternalTopics, SegmentLog } from '../../log/index.js';
import { CREATE_PARTITIONS, DELETE_RECORDS } from '../protocol/admin-messages.js';
import { ErrorCode } from '../protocol/error-codes.js';
import {
  DELETE_GROUPS,
  HEARTBEAT,
  JOIN_GROUP,
  LEAVE_GROUP,
  OFFSET_DELETE,
  SYNC_GROUP,
} from '../protocol/group-messages.js';
import { LIST_OFFSETS } from '../protocol/messages.js';
import type { Struct } from '../protocol/schema.js';
import { type RunningKafkaListener, startKafkaListener } from './kafka-listener.js';
import { RawKafkaClient } from './test-kafka-client.fixture.js';

let dir: string;
let log: SegmentLog;
let listener: RunningKafkaListener;
let client: RawKafkaClient;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-kafka-admin-'));
  log = await SegmentLog.open({ dataDir: dir, cleanerIntervalMs: 0 });
  await log.createTopic('_commands');
  listener = await startKafkaListener({
    log,
    internalTopics: new InternalTopics().add('_commands', 'the command topic, which defines every stream'),
    listener: 'PLAINTEXT://127.0.0.1:0',
    groupInitialRebalanceDelayMs: 0,
    writeLine: () => {},
  });
  client = await RawKafkaClient.connect(listener.port);
});

after(async () => {
  client.close();
  await listener.close();
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

type Result = { name: string; errorCode: number; errorMessage: string | null };

async function createPartitions(
  version: number,
  topics: { name: string; count: number; assignments?: { brokerIds: number[] }[] | null }[],
  validateOnly = false,
): Promise<Result[]> {
  const response = await client.request(CREATE_PARTITIONS, version, {
    topics: topics.map((t) => ({ assignments: null, ...t })),
    timeoutMs: 30000,
    validateOnly,
  });
  return response.results as Result[];
}

test('CreatePartitions grows a topic to the count asked, and refuses what Kafka refuses', async () => {
  await log.createTopic('grow', { partitions: 1 });
  for (const version of [0, 3]) {
    const count = version === 0 ? 2 : 3;
    const [grown] = await createPartitions(version, [{ name: 'grow', count }]);
    assert.deepEqual([grown.errorCode, grown.errorMessage], [ErrorCode.NONE, null], `v${version}`);
    assert.equal((await log.describeTopic('grow')).partitions.length, count);
  }
  const [checked] = await createPartitions(2, [{ name: 'grow', count: 5 }], true);
  assert.equal(checked.errorCode, ErrorCode.NONE);
  assert.equal((await log.describeTopic('grow')).partitions.length, 3, 'validateOnly changes nothing');

  const refused = await createPartitions(3, [
    { name: 'grow', count: 2 },
    { name: 'missing', count: 2 },
    { name: '_commands', count: 2 },
  ]);
  assert.deepEqual(
    refused.map((r) => [r.name, r.errorCode]),
    [
      ['grow', ErrorCode.INVALID_PARTITIONS],
      ['missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ['_commands', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    ],
  );
  assert.match(
    refused[0].errorMessage ?? '',
    /currently has 3 partitions, which is higher than the requested 2/,
  );
  const [same] = await createPartitions(3, [{ name: 'grow', count: 3 }]);
  assert.equal(same.errorCode, ErrorCode.INVALID_PARTITIONS);
  assert.match(same.errorMessage ?? '', /already has 3 partitions/);
  const [elsewhere] = await createPartitions(3, [
    { name: 'grow', count: 4, assignments: [{ brokerIds: [2] }] },
  ]);
  assert.equal(elsewhere.errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT);
  assert.equal((await log.describeTopic('grow')).partitions.length, 3);
});

async function earliest(topic: string): Promise<number> {
  const response = await client.request(LIST_OFFSETS, 7, {
    replicaId: -1,
    isolationLevel: 0,
    topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -2 }] }],
  });
  return ((response.topics as Struct[])[0].partitions as { offset: number }[])[0].offset;
}

async function deleteRecords(topic: string, partitions: { partitionIndex: number; offset: number }[]) {
  const response = await client.request(DELETE_RECORDS, 2, {
    topics: [{ name: topic, partitions }],
    timeoutMs: 30000,
  });
  return ((response.topics as Struct[])[0].partitions as Struct[]).map((p) => [
    p.partitionIndex,
    p.errorCode,
    p.lowWatermark,
  ]);
}

test('DeleteRecords moves the low watermark ListOffsets earliest answers; -1 is the high watermark', async () => {
  await log.createTopic('trim');
  await log.append(
    'trim',
    Array.from({ length: 10 }, (_, i) => ({ value: Buffer.from(`v${i}`) })),
  );
  assert.deepEqual(await deleteRecords('trim', [{ partitionIndex: 0, offset: 4 }]), [[0, ErrorCode.NONE, 4]]);
  assert.equal(await earliest('trim'), 4);
  assert.deepEqual(
    await deleteRecords('trim', [
      { partitionIndex: 0, offset: 11 },
      { partitionIndex: 1, offset: 0 },
    ]),
    [
      [0, ErrorCode.OFFSET_OUT_OF_RANGE, -1],
      [1, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1],
    ],
  );
  assert.deepEqual(await deleteRecords('trim', [{ partitionIndex: 0, offset: -1 }]), [
    [0, ErrorCode.NONE, 10],
  ]);
  assert.equal(await earliest('trim'), 10);

  await log.createTopic('keyed', { config: { 'cleanup.policy': 'compact' } });
  assert.deepEqual(await deleteRecords('keyed', [{ partitionIndex: 0, offset: 0 }]), [
    [0, ErrorCode.POLICY_VIOLATION, -1],
  ]);
  assert.deepEqual(await deleteRecords('_commands', [{ partitionIndex: 0, offset: 0 }]), [
    [0, ErrorCode.TOPIC_AUTHORIZATION_FAILED, -1],
  ]);
});

/** A `consumer` protocol subscription (ConsumerProtocolSubscription v0) to `topics`. */
function subscription(topics: string[]): Buffer {
  const parts = [Buffer.from([0, 0]), Buffer.alloc(4)];
  parts[1].writeInt32BE(topics.length);
  for (const t of topics) {
    const length = Buffer.alloc(2);
    length.writeInt16BE(Buffer.byteLength(t));
    parts.push(length, Buffer.from(t));
  }
  parts.push(Buffer.from([0xff, 0xff, 0xff, 0xff]));
  return Buffer.concat(parts);
}

async function deleteGroups(...groups: string[]): Promise<[string, number][]> {
  const response = await client.request(DELETE_GROUPS, 2, { groupsNames: groups });
  return (response.results as { groupId: string; errorCode: number }[]).map((r) => [r.groupId, r.errorCode]);
}

test('DeleteGroups forgets an empty group; OffsetDelete spares what live members subscribe to', async () => {
  await log.createTopic('read', { partitions: 2 });
  await log.createTopic('other');
  await log.commitOffsets('idle', [{ topic: 'read', partition: 0, offset: 1 }]);
  await log.commitOffsets('busy', [
    { topic: 'read', partition: 0, offset: 2 },
    { topic: 'other', partition: 0, offset: 3 },
  ]);
  const joined = await client.request(JOIN_GROUP, 3, {
    groupId: 'busy',
    sessionTimeoutMs: 30000,
    rebalanceTimeoutMs: 30000,
    memberId: '',
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription(['read']) }],
  });
  assert.equal(joined.errorCode, ErrorCode.NONE);

  assert.deepEqual(await deleteGroups('idle', 'busy', 'ghost'), [
    ['idle', ErrorCode.NONE],
    ['busy', ErrorCode.NON_EMPTY_GROUP],
    ['ghost', ErrorCode.GROUP_ID_NOT_FOUND],
  ]);
  assert.deepEqual(await log.listGroups(), ['busy']);

  const deleted = await client.request(OFFSET_DELETE, 0, {
    groupId: 'busy',
    topics: [
      { name: 'read', partitions: [{ partitionIndex: 0 }] },
      { name: 'other', partitions: [{ partitionIndex: 0 }, { partitionIndex: 7 }] },
    ],
  });
  assert.equal(deleted.errorCode, ErrorCode.NONE);
  assert.deepEqual(
    (deleted.topics as { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[]).map(
      (t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.errorCode])],
    ),
    [
      ['read', [[0, ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC]]],
      [
        'other',
        [
          [0, ErrorCode.NONE],
          [7, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
        ],
      ],
    ],
  );
  assert.deepEqual(
    (await log.committedOffsets('busy')).map((o) => o.topic),
    ['read'],
  );
  const ghost = await client.request(OFFSET_DELETE, 0, { groupId: 'ghost', topics: [] });
  assert.equal(ghost.errorCode, ErrorCode.GROUP_ID_NOT_FOUND);

  const left = await client.request(LEAVE_GROUP, 1, { groupId: 'busy', memberId: joined.memberId });
  assert.equal(left.errorCode, ErrorCode.NONE);
  assert.deepEqual(await deleteGroups('busy'), [['busy', ErrorCode.NONE]]);
  assert.deepEqual(await log.listGroups(), []);
});

test('a static member (group.instance.id) that comes back keeps its generation and assignment; its old member id is fenced', async () => {
  const join = (memberId: string) =>
    client.request(JOIN_GROUP, 9, {
      groupId: 'static',
      sessionTimeoutMs: 30000,
      rebalanceTimeoutMs: 30000,
      memberId,
      groupInstanceId: 'instance-1',
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: subscription(['read']) }],
      reason: null,
    });
  const first = await join('');
  assert.equal(first.errorCode, ErrorCode.NONE);
  const synced = await client.request(SYNC_GROUP, 5, {
    groupId: 'static',
    generationId: first.generationId,
    memberId: first.memberId,
    groupInstanceId: 'instance-1',
    protocolType: 'consumer',
    protocolName: 'range',
    assignments: [{ memberId: first.memberId, assignment: Buffer.from('read-0') }],
  });
  assert.equal((synced.assignment as Buffer).toString(), 'read-0');
  // The consumer restarts: a static member sends no LeaveGroup, and joins again without its id.
  const again = await join('');
  assert.equal(again.errorCode, ErrorCode.NONE);
  assert.notEqual(again.memberId, first.memberId);
  assert.equal(again.generationId, first.generationId);
  assert.equal(again.skipAssignment, true);
  const resynced = await client.request(SYNC_GROUP, 5, {
    groupId: 'static',
    generationId: again.generationId,
    memberId: again.memberId,
    groupInstanceId: 'instance-1',
    protocolType: 'consumer',
    protocolName: 'range',
    assignments: [],
  });
  assert.equal((resynced.assignment as Buffer).toString(), 'read-0');
  const stale = await client.request(HEARTBEAT, 4, {
    groupId: 'static',
    generationId: first.generationId,
    memberId: first.memberId,
    groupInstanceId: 'instance-1',
  });
  assert.equal(stale.errorCode, ErrorCode.FENCED_INSTANCE_ID);
  const left = await client.request(LEAVE_GROUP, 5, {
    groupId: 'static',
    members: [{ memberId: '', groupInstanceId: 'instance-1', reason: null }],
  });
  assert.deepEqual(
    (left.members as { errorCode: number }[]).map((m) => m.errorCode),
    [ErrorCode.NONE],
  );
});
