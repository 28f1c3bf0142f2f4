import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { LogError } from '../errors.js';
import { partitionForKey } from '../partitioner.js';
import { SegmentLog } from './segment-log.js';

const dirs: string[] = [];
const logs: SegmentLog[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-log-'));
  dirs.push(dir);
  return dir;
}

async function openLog(dataDir = tempDir(), options: { durability?: 'fsync' | 'interval' } = {}) {
  const log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0, ...options });
  logs.push(log);
  return log;
}

afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const text = (s: string) => Buffer.from(s);

function assertLogError(code: string, pattern?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof LogError, `expected a LogError, got ${String(err)}`);
    assert.equal(err.code, code);
    if (pattern) assert.match(err.message, pattern);
    return true;
  };
}

test('creates, lists, describes and deletes topics', async () => {
  const log = await openLog();
  await log.createTopic('orders', { partitions: 3, config: { 'retention.ms': '1000' } });
  assert.deepEqual(
    (await log.listTopics()).filter((t) => !t.startsWith('__')),
    ['orders'],
  );
  const d = await log.describeTopic('orders');
  assert.equal(d.partitions.length, 3);
  assert.equal(d.config['retention.ms'], '1000');
  assert.equal(d.config['cleanup.policy'], 'delete');
  await log.deleteTopic('orders');
  assert.equal(await log.hasTopic('orders'), false);
  await assert.rejects(
    log.describeTopic('orders'),
    assertLogError('UNKNOWN_TOPIC', /orders.*does not exist/),
  );
});

test('rejects bad topic names, partition counts, duplicate topics and unknown configs with clear errors', async () => {
  const log = await openLog();
  await assert.rejects(log.createTopic('bad/name'), assertLogError('INVALID_TOPIC', /bad\/name/));
  await assert.rejects(
    log.createTopic('t', { partitions: 0 }),
    assertLogError('INVALID_PARTITION', /1 to 1000 \(sluice\.topic\.max\.partitions\)/),
  );
  await assert.rejects(
    log.createTopic('t', { config: { 'retention.ms': 'soon' } }),
    assertLogError('INVALID_CONFIG', /retention\.ms/),
  );
  await assert.rejects(
    log.createTopic('t', { config: { 'no.such.config': '1' } }),
    assertLogError('INVALID_CONFIG', /no\.such\.config/),
  );
  await log.createTopic('t', { config: { 'min.insync.replicas': '2' } });
  await assert.rejects(log.createTopic('t'), assertLogError('TOPIC_EXISTS'));
});

test('a log error names the topic it is about as its key', async () => {
  const log = await openLog();
  await log.createTopic('t');
  const keyOf = async (p: Promise<unknown>) => ((await p.catch((e: unknown) => e)) as LogError).key;
  assert.equal(await keyOf(log.createTopic('t')), 't');
  assert.equal(await keyOf(log.createTopic('bad/name')), 'bad/name');
  assert.equal(await keyOf(log.read('missing', 0, 0)), 'missing');
});

test('validateTopic throws what createTopic would and creates nothing', async () => {
  const log = await openLog();
  assert.throws(() => log.validateTopic('bad/name'), assertLogError('INVALID_TOPIC'));
  assert.throws(() => log.validateTopic('t', { partitions: 1001 }), assertLogError('INVALID_PARTITION'));
  assert.throws(
    () => log.validateTopic('t', { config: { 'retention.ms': 'x' } }),
    assertLogError('INVALID_CONFIG'),
  );
  log.validateTopic('t', { partitions: 3 });
  assert.equal(await log.hasTopic('t'), false);
});

test('topics must fit in the partitions per topic and the open segment files the process may keep', async () => {
  const dataDir = tempDir();
  const log = await SegmentLog.open({
    dataDir,
    cleanerIntervalMs: 0,
    maxPartitionsPerTopic: 6,
    maxOpenSegments: 10,
  });
  logs.push(log);
  await assert.rejects(
    log.createTopic('wide', { partitions: 7 }),
    assertLogError('INVALID_PARTITION', /from 1 to 6 \(sluice\.topic\.max\.partitions\)/),
  );
  // __consumer_offsets holds one segment file already.
  await log.createTopic('a', { partitions: 6 });
  await assert.rejects(
    log.createTopic('b', { partitions: 4 }),
    assertLogError(
      'INVALID_PARTITION',
      /would need 4 more open files: the log holds 7 segment files and may keep 10 open.*ulimit -n/,
    ),
  );
  assert.equal(await log.hasTopic('b'), false);
  await log.createTopic('b', { partitions: 3 });
  await log.deleteTopic('a');
  await log.createTopic('c', { partitions: 6 });
});

test('appends and reads back keys, values, nulls, timestamps and headers in order', async () => {
  const log = await openLog();
  await log.createTopic('t');
  const positions = await log.append('t', [
    { key: text('k1'), value: text('v1'), timestamp: 1000, headers: [{ key: 'h', value: text('x') }] },
    { key: null, value: null, timestamp: 2000 },
    { key: text(''), value: text('ünïcode'), timestamp: 3000, headers: [{ key: 'n', value: null }] },
  ]);
  assert.deepEqual(
    positions.map((p) => p.offset),
    [0, 1, 2],
  );
  const { records, nextOffset, endOffset } = await log.read('t', 0, 0);
  assert.equal(nextOffset, 3);
  assert.equal(endOffset, 3);
  assert.equal(records.length, 3);
  assert.equal(records[0].key?.toString(), 'k1');
  assert.equal(records[0].value?.toString(), 'v1');
  assert.equal(records[0].timestamp, 1000);
  assert.deepEqual(
    records[0].headers.map((h) => [h.key, h.value?.toString()]),
    [['h', 'x']],
  );
  assert.equal(records[1].key, null);
  assert.equal(records[1].value, null);
  assert.equal(records[2].key?.length, 0);
  assert.equal(records[2].value?.toString(), 'ünïcode');
  assert.equal(records[2].headers[0].value, null);
});

test('reads from an offset in the middle of a batch and honours maxRecords', async () => {
  const log = await openLog();
  await log.createTopic('t');
  await log.append(
    't',
    Array.from({ length: 10 }, (_, i) => ({ value: text(`v${i}`) })),
  );
  const first = await log.read('t', 0, 4, { maxRecords: 3 });
  assert.deepEqual(
    first.records.map((r) => r.value?.toString()),
    ['v4', 'v5', 'v6'],
  );
  assert.equal(first.nextOffset, 7);
  const rest = await log.read('t', 0, first.nextOffset);
  assert.deepEqual(
    rest.records.map((r) => r.offset),
    [7, 8, 9],
  );
  const empty = await log.read('t', 0, 10);
  assert.equal(empty.records.length, 0);
  assert.equal(empty.nextOffset, 10);
});

test('a reader stepping through large batches a few records at a time gets each record once, in order', async () => {
  const log = await openLog();
  await log.createTopic('t');
  for (let b = 0; b < 3; b++)
    await log.append(
      't',
      Array.from({ length: 7 }, (_, i) => ({ value: text(`v${b * 7 + i}`) })),
    );
  const seen: string[] = [];
  let offset = 0;
  let reads = 0;
  while (offset < 21) {
    const r = await log.read('t', 0, offset, { maxRecords: 3 });
    seen.push(...r.records.map((x) => x.value!.toString()));
    offset = r.nextOffset;
    reads++;
    // A jump elsewhere between sequential reads must not serve the remembered batch.
    if (reads === 2) {
      const other = await log.read('t', 0, 15, { maxRecords: 2 });
      assert.deepEqual(
        other.records.map((x) => x.offset),
        [15, 16],
      );
    }
  }
  assert.deepEqual(
    seen,
    Array.from({ length: 21 }, (_, i) => `v${i}`),
  );
  // Appends after the remembered batch are read too.
  await log.append('t', [{ value: text('v21') }]);
  const tail = await log.read('t', 0, 21, { maxRecords: 3 });
  assert.deepEqual(
    tail.records.map((x) => x.value!.toString()),
    ['v21'],
  );
});

test('places keyed records with Kafka murmur2 and spreads keyless calls round-robin', async () => {
  const log = await openLog();
  await log.createTopic('t', { partitions: 4 });
  const keys = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
  const positions = await log.append(
    't',
    keys.map((k) => ({ key: text(k), value: text(k) })),
  );
  positions.forEach((p, i) => {
    assert.equal(p.partition, partitionForKey(text(keys[i]), 4));
  });
  const partitions = new Set<number>();
  for (let i = 0; i < 4; i++) {
    const [p] = await log.append('t', [{ value: text('x') }]);
    partitions.add(p.partition);
  }
  assert.equal(partitions.size, 4);
  const [explicit] = await log.append('t', [{ key: text('alice'), value: text('y'), partition: 3 }]);
  assert.equal(explicit.partition, 3);
});

test('reports unknown topics, bad partitions and out-of-range offsets as typed errors', async () => {
  const log = await openLog();
  await log.createTopic('t', { partitions: 2 });
  await assert.rejects(log.append('nope', [{ value: text('x') }]), assertLogError('UNKNOWN_TOPIC'));
  await assert.rejects(log.read('t', 2, 0), assertLogError('INVALID_PARTITION', /0 to 1/));
  await assert.rejects(
    log.append('t', [{ value: text('x'), partition: 5 }]),
    assertLogError('INVALID_PARTITION'),
  );
  await assert.rejects(
    log.read('t', 0, 1),
    assertLogError('OFFSET_OUT_OF_RANGE', /valid offsets are 0 to 0/),
  );
  await assert.rejects(log.endOffset('t', 9), assertLogError('INVALID_PARTITION'));
});

test('rejects records larger than max.message.bytes and keyless records on compacted topics, writing nothing', async () => {
  const log = await openLog();
  await log.createTopic('small', { config: { 'max.message.bytes': '100' } });
  await assert.rejects(
    log.append('small', [{ value: text('ok') }, { value: Buffer.alloc(200) }]),
    (err: unknown) =>
      assertLogError('RECORD_TOO_LARGE', /max\.message\.bytes=100/)(err) &&
      (err as LogError).recordIndex === 1,
  );
  assert.equal(await log.endOffset('small', 0), 0);
  await log.createTopic('table', { config: { 'cleanup.policy': 'compact' } });
  await assert.rejects(
    log.append('table', [{ value: text('v') }]),
    assertLogError('INVALID_RECORD', /needs a key/),
  );
});

test('keeps data across a clean restart and rolls segments at segment.bytes', async () => {
  const dataDir = tempDir();
  const log = await openLog(dataDir);
  await log.createTopic('t', { config: { 'segment.bytes': '1024' } });
  for (let i = 0; i < 50; i++) await log.append('t', [{ key: text(`k${i}`), value: Buffer.alloc(100, i) }]);
  const segments = (await log.describeTopic('t')).partitions[0].segments;
  assert.ok(segments > 3, `expected several segments, got ${segments}`);
  await log.close();
  const again = await openLog(dataDir);
  assert.equal(again.openReport.recovered, false);
  assert.equal(await again.endOffset('t', 0), 50);
  let offset = 0;
  const seen: number[] = [];
  while (offset < 50) {
    const r = await again.read('t', 0, offset, { maxRecords: 7 });
    for (const rec of r.records) seen.push(rec.value![0]);
    offset = r.nextOffset;
  }
  assert.deepEqual(
    seen,
    Array.from({ length: 50 }, (_, i) => i),
  );
  const [next] = await again.append('t', [{ value: text('after') }]);
  assert.equal(next.offset, 50);
});

test('wakes a waiting reader when data arrives, and times out or aborts otherwise', async () => {
  const log = await openLog();
  await log.createTopic('t');
  const waiting = log.waitForData('t', 0, 0, 10_000);
  await log.append('t', [{ value: text('x') }]);
  assert.equal(await waiting, true);
  assert.equal(await log.waitForData('t', 0, 0, 10), true);
  assert.equal(await log.waitForData('t', 0, 1, 20), false);
  const controller = new AbortController();
  const aborted = log.waitForData('t', 0, 1, 10_000, controller.signal);
  controller.abort();
  assert.equal(await aborted, false);
});

test('stores consumer group offsets durably', async () => {
  const dataDir = tempDir();
  const log = await openLog(dataDir);
  await log.createTopic('t', { partitions: 2 });
  await log.commitOffsets('g1', [
    { topic: 't', partition: 0, offset: 5 },
    { topic: 't', partition: 1, offset: 7, metadata: 'm' },
  ]);
  await log.commitOffsets('g1', [{ topic: 't', partition: 0, offset: 6 }]);
  await assert.rejects(
    log.commitOffsets('g1', [{ topic: 'missing', partition: 0, offset: 1 }]),
    assertLogError('UNKNOWN_TOPIC'),
  );
  await log.close();
  const again = await openLog(dataDir);
  assert.deepEqual(await again.listGroups(), ['g1']);
  assert.deepEqual(await again.committedOffsets('g1', 't'), [
    { topic: 't', partition: 0, offset: 6, metadata: '' },
    { topic: 't', partition: 1, offset: 7, metadata: 'm' },
  ]);
  assert.deepEqual(await again.committedOffsets('other'), []);
});

test('a second process cannot open a data dir in use', async () => {
  const dataDir = tempDir();
  await openLog(dataDir);
  const { spawnSync } = await import('node:child_process');
  const script = `
    import { SegmentLog } from ${JSON.stringify(new URL('./segment-log.js', import.meta.url).href)};
    try { await SegmentLog.open({ dataDir: ${JSON.stringify(dataDir)} }); console.log('opened'); }
    catch (e) { console.log(e.code + ' ' + e.message); }`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.match(child.stdout, /^DATA_DIR_LOCKED .*in use by another Sluice process \(pid \d+\)/);
});

test('takes over a lock left by a process that is gone', async () => {
  const dataDir = tempDir();
  const { writeFileSync, mkdirSync } = await import('node:fs');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, '.lock'), '999999999');
  const log = await openLog(dataDir);
  await log.createTopic('t');
  assert.ok(readdirSync(dataDir).includes('.lock'));
});

test('keeps one cluster id for the life of a data dir', async () => {
  const dataDir = tempDir();
  const log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
  const id = log.clusterId;
  assert.equal(log.openReport.recovered, false, 'a new data dir has nothing to recover');
  assert.match(id, /^[A-Za-z0-9_-]{22}$/);
  await log.close();
  const again = await openLog(dataDir);
  assert.equal(again.clusterId, id);
});

test('readers following a partition see whole appended batches, never part of one', async () => {
  const log = await openLog();
  await log.createTopic('t');
  const batches = 200;
  const size = 50;
  const reader = (async () => {
    let offset = 0;
    const perBatch = new Map<number, number>();
    while (offset < batches * size) {
      await log.waitForData('t', 0, offset, 5000);
      const { records, nextOffset, endOffset } = await log.read('t', 0, offset, { maxRecords: 1_000_000 });
      // Everything below the end offset that existed at read time is returned: whole batches.
      assert.equal(nextOffset, endOffset);
      for (const r of records) {
        const id = Number(r.value!.toString());
        perBatch.set(id, (perBatch.get(id) ?? 0) + 1);
      }
      for (const [id, n] of perBatch) assert.equal(n, size, `batch ${id} seen partially`);
      offset = nextOffset;
    }
    return perBatch.size;
  })();
  for (let b = 0; b < batches; b++) {
    await log.append(
      't',
      Array.from({ length: size }, () => ({ value: Buffer.from(String(b)) })),
    );
    if (b % 7 === 0) await new Promise((r) => setImmediate(r));
  }
  assert.equal(await reader, batches);
});

test('a topic keeps its Kafka topic id across restarts and config changes; created again, it gets another', async () => {
  const dataDir = tempDir();
  let log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
  await log.createTopic('t');
  const id = (await log.describeTopic('t')).topicId;
  assert.match(id ?? '', /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  await log.alterTopicConfig('t', { 'retention.ms': '1000' });
  await log.createPartitions('t', 2);
  assert.equal((await log.describeTopic('t')).topicId, id);
  await log.close();
  // A topic.json from before ids were kept: the next open gives it one, and keeps that one.
  const metaPath = join(dataDir, 'topics', 't', 'topic.json');
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Record<string, unknown>;
  assert.equal(meta.id, id);
  delete meta.id;
  writeFileSync(metaPath, JSON.stringify(meta));
  log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
  const made = (await log.describeTopic('t')).topicId;
  assert.ok(made !== undefined && made !== id);
  await log.close();
  log = await openLog(dataDir);
  assert.equal((await log.describeTopic('t')).topicId, made);
  await log.deleteTopic('t');
  await log.createTopic('t');
  assert.notEqual((await log.describeTopic('t')).topicId, made);
});
