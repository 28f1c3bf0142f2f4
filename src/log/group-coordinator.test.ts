import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { SegmentLog } from './embedded/segment-log.js';
import { LogError } from './errors.js';
import { CONSUMER_OFFSETS_TOPIC, GroupCoordinator } from './group-coordinator.js';

const dirs: string[] = [];
const logs: SegmentLog[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-groups-'));
  dirs.push(dir);
  return dir;
}

async function openLog(dataDir = tempDir()): Promise<SegmentLog> {
  const log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
  logs.push(log);
  return log;
}

afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const code = (expected: string, pattern: RegExp) => (err: unknown) => {
  assert.ok(err instanceof LogError, String(err));
  assert.equal(err.code, expected);
  assert.match(err.message, pattern);
  return true;
};

test('commits offsets per group, answers them per topic, and lists the groups', async () => {
  const log = await openLog();
  await log.createTopic('a', { partitions: 2 });
  await log.createTopic('b');
  const groups = await GroupCoordinator.open(log);
  await groups.commitOffsets('g1', [
    { topic: 'b', partition: 0, offset: 4 },
    { topic: 'a', partition: 1, offset: 2, metadata: 'm' },
  ]);
  await groups.commitOffsets('g2', [{ topic: 'a', partition: 0, offset: 9 }]);
  await groups.commitOffsets('g1', [{ topic: 'b', partition: 0, offset: 5 }]);
  assert.deepEqual(await groups.committedOffsets('g1'), [
    { topic: 'a', partition: 1, offset: 2, metadata: 'm' },
    { topic: 'b', partition: 0, offset: 5, metadata: '' },
  ]);
  assert.deepEqual(await groups.committedOffsets('g1', 'b'), [
    { topic: 'b', partition: 0, offset: 5, metadata: '' },
  ]);
  assert.deepEqual(await groups.committedOffsets('none'), []);
  assert.deepEqual(await groups.listGroups(), ['g1', 'g2']);
});

test('refuses an empty group, an unknown topic or partition, and writes nothing then', async () => {
  const log = await openLog();
  await log.createTopic('a', { partitions: 2 });
  const groups = await GroupCoordinator.open(log);
  const before = await log.endOffset(CONSUMER_OFFSETS_TOPIC, 0);
  await assert.rejects(groups.commitOffsets('', []), code('INVALID_CONFIG', /must not be empty/));
  await assert.rejects(
    groups.commitOffsets('g', [{ topic: 'nope', partition: 0, offset: 1 }]),
    code('UNKNOWN_TOPIC', /'nope' does not exist/),
  );
  await assert.rejects(
    groups.commitOffsets('g', [
      { topic: 'a', partition: 0, offset: 1 },
      { topic: 'a', partition: 2, offset: 1 },
    ]),
    code('INVALID_PARTITION', /no partition 2: it has 2 partitions/),
  );
  assert.equal(await log.endOffset(CONSUMER_OFFSETS_TOPIC, 0), before);
});

test('sees what others appended to the offsets topic: another coordinator, a transaction once it commits', async () => {
  const log = await openLog();
  await log.createTopic('in');
  await log.createTopic('out');
  const mine = await GroupCoordinator.open(log);
  const other = await GroupCoordinator.open(log);
  await other.commitOffsets('g', [{ topic: 'in', partition: 0, offset: 3 }]);
  assert.deepEqual(
    (await mine.committedOffsets('g')).map((o) => o.offset),
    [3],
  );

  const tx = log.beginTransaction('t1');
  tx.append('out', [{ value: Buffer.from('x') }]);
  tx.commitOffsets('g', [{ topic: 'in', partition: 0, offset: 7 }]);
  assert.deepEqual(
    (await mine.committedOffsets('g')).map((o) => o.offset),
    [3],
    'not before the commit',
  );
  await tx.commit();
  assert.deepEqual(
    (await mine.committedOffsets('g')).map((o) => o.offset),
    [7],
  );
  assert.deepEqual(
    (await log.committedOffsets('g')).map((o) => o.offset),
    [7],
  );
});

test('committed offsets survive a restart, and a tombstone forgets a partition', async () => {
  const dataDir = tempDir();
  const log = await openLog(dataDir);
  await log.createTopic('t', { partitions: 2 });
  await log.commitOffsets('g', [
    { topic: 't', partition: 0, offset: 10 },
    { topic: 't', partition: 1, offset: 20 },
  ]);
  await log.append(CONSUMER_OFFSETS_TOPIC, [{ key: Buffer.from('["g","t",1]'), value: null }]);
  await log.close();
  const again = await openLog(dataDir);
  assert.deepEqual(await again.committedOffsets('g'), [
    { topic: 't', partition: 0, offset: 10, metadata: '' },
  ]);
});

test('a data dir written before the coordinator keeps its committed offsets', async () => {
  // Records as the segment log wrote them itself, byte for byte, beside a finished transaction.
  const dataDir = tempDir();
  const log = await openLog(dataDir);
  await log.createTopic('orders', { partitions: 3 });
  await log.append(CONSUMER_OFFSETS_TOPIC, [
    {
      key: Buffer.from('["connect-sink","orders",2]'),
      value: Buffer.from('{"offset":41,"metadata":"","commitTimestamp":1700000000000}'),
    },
    { key: Buffer.from('{"transaction":"q1"}'), value: Buffer.from('{"state":"commit"}') },
    {
      key: Buffer.from('["_confluent-ksql-default_query_CSAS_1","orders",0]'),
      value: Buffer.from('{"offset":7,"metadata":"m","commitTimestamp":1700000000001}'),
    },
  ]);
  await log.close();
  const again = await openLog(dataDir);
  assert.deepEqual(await again.listGroups(), ['_confluent-ksql-default_query_CSAS_1', 'connect-sink']);
  assert.deepEqual(await again.committedOffsets('connect-sink'), [
    { topic: 'orders', partition: 2, offset: 41, metadata: '' },
  ]);
  assert.deepEqual(await again.committedOffsets('_confluent-ksql-default_query_CSAS_1', 'orders'), [
    { topic: 'orders', partition: 0, offset: 7, metadata: 'm' },
  ]);
});
