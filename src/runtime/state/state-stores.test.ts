import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { InternalTopics, type Log, SegmentLog } from '../../log/index.js';
import {
  changelogTopicName,
  deleteQueryState,
  queryApplicationId,
  StateStores,
  type StoreSpec,
  type ValueCodec,
} from './index.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-state-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function openLog(dataDir = tempDir()): Promise<SegmentLog> {
  const log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
  cleanup.push(() => log.close());
  return log;
}

const APP = queryApplicationId('default_', 'CTAS_T_0');
const text: ValueCodec<string> = { encode: (s) => Buffer.from(s), decode: (b) => b.toString() };
const k = (s: string) => Buffer.from(s);

async function openStores(
  log: Log,
  stateDir: string,
  stores: StoreSpec[],
  applicationId = APP,
): Promise<StateStores> {
  const s = await StateStores.open({ log, stateDir, applicationId, partition: 0, partitions: 1, stores });
  cleanup.push(() => s.close());
  return s;
}

async function changelog(log: Log, topic: string): Promise<{ key: Buffer; value: string | null }[]> {
  const out: { key: Buffer; value: string | null }[] = [];
  let offset = await log.beginningOffset(topic, 0);
  while (offset < (await log.endOffset(topic, 0))) {
    const r = await log.read(topic, 0, offset);
    for (const rec of r.records) out.push({ key: rec.key as Buffer, value: rec.value?.toString() ?? null });
    offset = r.nextOffset;
  }
  return out;
}

const KV: StoreSpec[] = [{ name: 'Aggregate-Aggregate-Materialize', kind: 'keyValue' }];

test('names the changelog as ksqlDB does, compacted and protected as an internal topic', async () => {
  const log = await openLog();
  await openStores(log, tempDir(), KV);
  const topic = '_confluent-ksql-default_query_CTAS_T_0-Aggregate-Aggregate-Materialize-changelog';
  assert.equal(changelogTopicName(APP, 'Aggregate-Aggregate-Materialize'), topic);
  assert.equal((await log.describeTopic(topic)).config['cleanup.policy'], 'compact');
  assert.throws(() => new InternalTopics().check(topic, 'delete'), /state-store changelog/);
});

test('a batch reads its own writes at once and reaches files and changelog only when it commits', async () => {
  const log = await openLog();
  const stateDir = tempDir();
  const stores = await openStores(log, stateDir, KV);
  const kv = stores.keyValueStore('Aggregate-Aggregate-Materialize', text);
  kv.put(k('b'), 'one', 10);
  kv.put(k('a'), 'two', 11);
  kv.put(k('b'), 'three', 12);
  assert.equal(kv.get(k('b')), 'three');
  const topic = changelogTopicName(APP, 'Aggregate-Aggregate-Materialize');
  assert.equal(await log.endOffset(topic, 0), 0);
  await stores.commit();
  // One record per key and batch: the key written twice is written once, with its last value.
  assert.deepEqual(
    (await changelog(log, topic)).map((r) => [r.key.toString(), r.value]),
    [
      ['b', 'three'],
      ['a', 'two'],
    ],
  );
  kv.put(k('a'), null, 13);
  kv.put(k('c'), 'four', 13);
  assert.deepEqual(
    [...kv.all()].map((e) => [e.key.toString(), e.value]),
    [
      ['b', 'three'],
      ['c', 'four'],
    ],
  );
  stores.discardBatch();
  assert.equal(kv.get(k('a')), 'two');
  assert.deepEqual(
    [...kv.range(k('a'), k('az'))].map((e) => e.value),
    ['two'],
  );
});

test('reopening resumes from the checkpoint without replaying the changelog', async () => {
  const log = await openLog();
  const stateDir = tempDir();
  let stores = await openStores(log, stateDir, KV);
  let kv = stores.keyValueStore('Aggregate-Aggregate-Materialize', text);
  for (let i = 0; i < 50; i++) {
    kv.put(k(`key${i}`), `v${i}`, i);
    await stores.commit();
  }
  await stores.close();
  stores = await openStores(log, stateDir, KV);
  assert.deepEqual(
    stores.restored.map((r) => [r.fromOffset, r.toOffset, r.records, r.rebuilt]),
    [[50, 50, 0, false]],
  );
  kv = stores.keyValueStore('Aggregate-Aggregate-Materialize', text);
  assert.equal(kv.get(k('key49')), 'v49');
});

test('a deleted store directory is rebuilt from the changelog, tombstones included', async () => {
  const log = await openLog();
  const stateDir = tempDir();
  let stores = await openStores(log, stateDir, KV);
  let kv = stores.keyValueStore('Aggregate-Aggregate-Materialize', text);
  for (let i = 0; i < 1000; i++) kv.put(k(`key${i}`), `v${i}`, i);
  await stores.commit();
  kv.put(k('key7'), null, 2000);
  kv.put(k('key8'), 'changed', 2000);
  await stores.commit();
  await stores.close();
  rmSync(stateDir, { recursive: true, force: true });

  stores = await openStores(log, stateDir, KV);
  assert.deepEqual(
    stores.restored.map((r) => [r.fromOffset, r.toOffset, r.records, r.rebuilt]),
    [[0, 1002, 1002, true]],
  );
  kv = stores.keyValueStore('Aggregate-Aggregate-Materialize', text);
  assert.equal(kv.get(k('key7')), undefined);
  assert.equal(kv.get(k('key8')), 'changed');
  assert.equal(kv.get(k('key999')), 'v999');
  assert.equal([...kv.all()].length, 999);
});

test('files ahead of their changelog (the topic was deleted and made again) are rebuilt from it', async () => {
  const log = await openLog();
  const stateDir = tempDir();
  let stores = await openStores(log, stateDir, KV);
  const kv = stores.keyValueStore('Aggregate-Aggregate-Materialize', text);
  kv.put(k('a'), 'old', 1);
  kv.put(k('b'), 'old', 1);
  await stores.commit();
  await stores.close();
  await log.deleteTopic(changelogTopicName(APP, 'Aggregate-Aggregate-Materialize'));
  stores = await openStores(log, stateDir, KV);
  assert.equal(stores.restored[0].rebuilt, true);
  assert.equal(stores.keyValueStore('Aggregate-Aggregate-Materialize', text).get(k('a')), undefined);
});

test('a window store keeps each key’s windows apart and in start order, and expires them after retention', async () => {
  const log = await openLog();
  const stateDir = tempDir();
  const spec: StoreSpec[] = [{ name: 'Aggregate-Aggregate-Materialize', kind: 'window', retentionMs: 1000 }];
  let stores = await openStores(log, stateDir, spec);
  let ws = stores.windowStore('Aggregate-Aggregate-Materialize', text);
  ws.put(k('a'), 200, 'a200', 250);
  ws.put(k('a'), 100, 'a100', 150);
  // A longer key that begins with the first key's bytes must not show among its windows.
  ws.put(Buffer.concat([k('a'), Buffer.alloc(8)]), 100, 'other', 150);
  await stores.commit();
  ws.put(k('a'), 300, 'a300', 350);
  assert.deepEqual(
    ws.fetch(k('a'), 0, 1000).map((w) => [w.windowStart, w.value]),
    [
      [100, 'a100'],
      [200, 'a200'],
      [300, 'a300'],
    ],
  );
  assert.equal(ws.get(k('a'), 200), 'a200');
  await stores.commit();
  const topic = changelogTopicName(APP, 'Aggregate-Aggregate-Materialize');
  const described = await log.describeTopic(topic);
  assert.equal(described.config['cleanup.policy'], 'compact,delete');
  assert.equal(described.config['retention.ms'], String(1000 + 86_400_000));
  // Kafka Streams' changelog key: key bytes, 8-byte start, 4-byte sequence number.
  const first = (await changelog(log, topic))[0].key;
  assert.deepEqual(first, Buffer.concat([k('a'), Buffer.from([0, 0, 0, 0, 0, 0, 0, 200]), Buffer.alloc(4)]));

  ws.observeStreamTime(1250);
  assert.deepEqual(
    ws.fetch(k('a'), 0, 1000).map((w) => w.windowStart),
    [300],
  );
  assert.deepEqual(
    ws.fetchAll(0, 1000).map((w) => [w.key.toString(), w.windowStart]),
    [['a', 300]],
  );
  await stores.commit();
  await stores.close();
  rmSync(stateDir, { recursive: true, force: true });
  stores = await openStores(log, stateDir, spec);
  ws = stores.windowStore('Aggregate-Aggregate-Materialize', text);
  assert.deepEqual(
    ws.fetch(k('a'), 0, 1000).map((w) => w.value),
    ['a100', 'a200', 'a300'],
  );
  // Read from the files after a restart, and a window newer than all of them is new.
  assert.equal(ws.get(k('a'), 300), 'a300');
  assert.equal(ws.get(k('a'), 400), undefined);
  ws.put(k('a'), 400, 'a400', 450);
  assert.equal(ws.get(k('a'), 400), 'a400');
});

test('a session store finds overlapping sessions, removes merged ones and restores them', async () => {
  const log = await openLog();
  const stateDir = tempDir();
  const spec: StoreSpec[] = [
    { name: 'Aggregate-Aggregate-Materialize', kind: 'session', retentionMs: 10_000 },
  ];
  let stores = await openStores(log, stateDir, spec);
  let ss = stores.sessionStore('Aggregate-Aggregate-Materialize', text);
  ss.put(k('u'), 100, 200, 's1', 200);
  ss.put(k('u'), 500, 600, 's2', 600);
  ss.put(k('v'), 150, 150, 'v1', 150);
  await stores.commit();
  assert.deepEqual(
    ss.findSessions(k('u'), 180, 520).map((s) => [s.start, s.end, s.value]),
    [
      [100, 200, 's1'],
      [500, 600, 's2'],
    ],
  );
  assert.deepEqual(
    ss.findSessions(k('u'), 201, 499).map((s) => s.value),
    [],
  );
  ss.put(k('u'), 100, 200, null, 300);
  ss.put(k('u'), 500, 600, null, 300);
  ss.put(k('u'), 100, 600, 'merged', 600);
  await stores.commit();
  const records = await changelog(log, changelogTopicName(APP, 'Aggregate-Aggregate-Materialize'));
  // Kafka Streams' session changelog key: key bytes, 8-byte end, 8-byte start.
  assert.deepEqual(
    records.at(-1)?.key,
    Buffer.concat([k('u'), Buffer.from([0, 0, 0, 0, 0, 0, 2, 88]), Buffer.from([0, 0, 0, 0, 0, 0, 0, 100])]),
  );
  await stores.close();
  rmSync(stateDir, { recursive: true, force: true });
  stores = await openStores(log, stateDir, spec);
  ss = stores.sessionStore('Aggregate-Aggregate-Materialize', text);
  assert.deepEqual(
    ss.fetchAll(0, 10_000).map((s) => [s.key.toString(), s.start, s.end, s.value]),
    [
      ['u', 100, 600, 'merged'],
      ['v', 150, 150, 'v1'],
    ],
  );
});

test('an aborted batch that changed a committed value in place reads the committed value again', async () => {
  const log = await openLog();
  const stores = await openStores(log, tempDir(), KV);
  const json: ValueCodec<{ n: number }> = {
    encode: (v) => Buffer.from(JSON.stringify(v)),
    decode: (b) => JSON.parse(b.toString()),
  };
  const kv = stores.keyValueStore('Aggregate-Aggregate-Materialize', json);
  kv.put(k('a'), { n: 1 }, 1);
  await stores.commit();
  const acc = kv.get(k('a')) as { n: number };
  acc.n = 99; // an aggregate updating its accumulator in place
  kv.put(k('a'), acc, 2);
  stores.discardBatch();
  assert.deepEqual(kv.get(k('a')), { n: 1 });
});

test('an aborted batch that changed a cached flushed value in place reads the flushed value again', async () => {
  const log = await openLog();
  const stores = await StateStores.open({
    log,
    stateDir: tempDir(),
    applicationId: APP,
    partition: 0,
    partitions: 1,
    stores: KV,
    maxUnflushedEntries: 1,
  });
  cleanup.push(() => stores.close());
  const json: ValueCodec<{ n: number }> = {
    encode: (v) => Buffer.from(JSON.stringify(v)),
    decode: (b) => JSON.parse(b.toString()),
  };
  const kv = stores.keyValueStore('Aggregate-Aggregate-Materialize', json);
  kv.put(k('a'), { n: 1 }, 1);
  await stores.commit(); // flushed at once: the value stays cached
  assert.deepEqual(stores.checkpoints(), { 'Aggregate-Aggregate-Materialize': 1 });
  const cached = kv.get(k('a')) as { n: number };
  cached.n = 99;
  kv.put(k('a'), cached, 2);
  stores.discardBatch();
  assert.deepEqual(kv.get(k('a')), { n: 1 });
});

test('an aborted batch that changed a window in place reads its committed, flushed or absent value again', async () => {
  const log = await openLog();
  const spec: StoreSpec[] = [
    { name: 'Aggregate-Aggregate-Materialize', kind: 'window', retentionMs: 10_000 },
  ];
  const stores = await StateStores.open({
    log,
    stateDir: tempDir(),
    applicationId: APP,
    partition: 0,
    partitions: 1,
    stores: spec,
    flushIntervalMs: Number.MAX_SAFE_INTEGER,
  });
  cleanup.push(() => stores.close());
  const json: ValueCodec<{ n: number }> = {
    encode: (v) => Buffer.from(JSON.stringify(v)),
    decode: (b) => JSON.parse(b.toString()),
  };
  const ws = stores.windowStore('Aggregate-Aggregate-Materialize', json);
  ws.put(k('a'), 0, { n: 1 }, 1); // committed, then flushed: held in memory as equal to the files
  ws.put(k('a'), 100, { n: 2 }, 1); // committed, not flushed
  await stores.commit();
  stores.flush();
  ws.put(k('a'), 100, { n: 3 }, 2);
  await stores.commit();
  for (const start of [0, 100]) {
    const acc = ws.get(k('a'), start) as { n: number };
    acc.n = 99; // an aggregate updating its accumulator in place
    ws.put(k('a'), start, acc, 3);
  }
  ws.put(k('a'), 200, { n: 4 }, 3); // new in the aborted batch
  stores.discardBatch();
  assert.deepEqual(ws.get(k('a'), 0), { n: 1 });
  assert.deepEqual(ws.get(k('a'), 100), { n: 3 });
  assert.equal(ws.get(k('a'), 200), undefined);
  assert.deepEqual(
    ws.fetch(k('a'), 0, 1000).map((w) => [w.windowStart, w.value]),
    [
      [0, { n: 1 }],
      [100, { n: 3 }],
    ],
  );
  assert.equal(stores.hasPendingWrites, false);
});

test('a window store keeps at most cachedEntries flushed windows in memory and reads the rest from its files', async () => {
  const log = await openLog();
  const spec: StoreSpec[] = [
    { name: 'Aggregate-Aggregate-Materialize', kind: 'window', retentionMs: 100_000 },
  ];
  const stores = await StateStores.open({
    log,
    stateDir: tempDir(),
    applicationId: APP,
    partition: 0,
    partitions: 1,
    stores: spec,
    maxUnflushedEntries: 1,
    cachedEntries: 2,
  });
  cleanup.push(() => stores.close());
  const ws = stores.windowStore('Aggregate-Aggregate-Materialize', text);
  for (let i = 0; i < 5; i++) {
    ws.put(k('a'), i * 10, `a${i}`, i);
    ws.put(k('b'), i * 10, `b${i}`, i);
    await stores.commit(); // each commit flushes (maxUnflushedEntries: 1)
  }
  assert.equal(stores.windowMemorySize('Aggregate-Aggregate-Materialize'), 2);
  assert.deepEqual(
    ws.fetch(k('a'), 0, 100).map((w) => w.value),
    ['a0', 'a1', 'a2', 'a3', 'a4'],
  );
  assert.deepEqual(
    ws.fetchAll(0, 100).map((w) => `${w.key}${w.windowStart}`),
    ['a0', 'a10', 'a20', 'a30', 'a40', 'b0', 'b10', 'b20', 'b30', 'b40'],
  );
  assert.equal(ws.get(k('b'), 0), 'b0');
});

test('committed changes are read from memory until flushed, then from the files', async () => {
  const log = await openLog();
  const stateDir = tempDir();
  const stores = await StateStores.open({
    log,
    stateDir,
    applicationId: APP,
    partition: 0,
    partitions: 1,
    stores: KV,
    maxUnflushedEntries: 3,
    flushIntervalMs: Number.MAX_SAFE_INTEGER,
  });
  cleanup.push(() => stores.close());
  const kv = stores.keyValueStore('Aggregate-Aggregate-Materialize', text);
  kv.put(k('a'), '1', 1);
  kv.put(k('b'), '2', 1);
  await stores.commit();
  assert.deepEqual(stores.checkpoints(), { 'Aggregate-Aggregate-Materialize': 0 });
  assert.deepEqual(
    [...kv.all()].map((e) => e.value),
    ['1', '2'],
  );
  kv.put(k('c'), '3', 2);
  await stores.commit();
  assert.deepEqual(stores.checkpoints(), { 'Aggregate-Aggregate-Materialize': 3 });
  assert.equal(kv.get(k('c')), '3');
});

test('an aborted transaction leaves neither changelog nor files changed', async () => {
  const log = await openLog();
  const stores = await openStores(log, tempDir(), KV);
  const kv = stores.keyValueStore('Aggregate-Aggregate-Materialize', text);
  kv.put(k('a'), 'x', 1);
  const tx = log.beginTransaction(APP);
  stores.stageChangelog(tx);
  await tx.abort();
  stores.discardBatch();
  assert.equal(kv.get(k('a')), undefined);
  assert.equal(await log.endOffset(changelogTopicName(APP, 'Aggregate-Aggregate-Materialize'), 0), 0);
});

test('a terminated query’s changelogs and state directory can be removed, and nothing else', async () => {
  const log = await openLog();
  const stateDir = tempDir();
  const stores = await openStores(log, stateDir, [...KV, { name: 'Other', kind: 'keyValue' }]);
  stores.keyValueStore('Other', text).put(k('a'), 'x', 1);
  await stores.commit();
  await stores.close();
  await log.createTopic(`${APP}-notes`);
  await log.createTopic('_confluent-ksql-default_query_CTAS_T_01-Other-changelog');
  const deleted = await deleteQueryState(log, stateDir, APP);
  assert.deepEqual(deleted.sort(), [
    changelogTopicName(APP, 'Aggregate-Aggregate-Materialize'),
    changelogTopicName(APP, 'Other'),
  ]);
  assert.equal(existsSync(join(stateDir, APP)), false);
  // A topic of another query whose id merely starts alike stays.
  assert.ok(await log.hasTopic('_confluent-ksql-default_query_CTAS_T_01-Other-changelog'));
  assert.ok(await log.hasTopic(`${APP}-notes`));
});

test('asking for an undeclared store or the wrong kind names it', async () => {
  const log = await openLog();
  const stores = await openStores(log, tempDir(), KV);
  assert.throws(() => stores.windowStore('Aggregate-Aggregate-Materialize', text), /is a keyValue store/);
  assert.throws(() => stores.keyValueStore('nope', text), /No state store 'nope'/);
  await assert.rejects(
    StateStores.open({
      log,
      stateDir: tempDir(),
      applicationId: APP,
      partition: 0,
      partitions: 1,
      stores: [{ name: 'w', kind: 'window' }],
    }),
    /needs a retention/,
  );
});

const fixture = new URL('./state-crash.fixture.js', import.meta.url).pathname;

function runChild(
  args: string[],
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fixture, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

for (const stage of ['before-commit', 'after-log-commit', 'after-flush']) {
  test(`SIGKILL ${stage} loses no update and applies none twice`, async () => {
    const dataDir = tempDir();
    const stateDir = tempDir();
    const keys = 7;
    const total = 500;
    {
      const log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
      await log.createTopic('in');
      await log.createTopic('out');
      await log.append(
        'in',
        Array.from({ length: total }, (_, i) => ({
          key: k(`k${i % keys}`),
          value: k(String(i)),
          partition: 0,
        })),
      );
      await log.close();
    }
    const killed = await runChild([dataDir, stateDir, '3', stage, '40']);
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    const finished = await runChild([dataDir, stateDir, '-1', stage, '40']);
    assert.equal(finished.code, 0, finished.stderr);
    const [restored] = JSON.parse(finished.stdout.split('\n')[0]) as {
      records: number;
      fromOffset: number;
    }[];
    // Killed before the files were flushed, the restart replays the changelog records they lacked;
    // killed right after a flush, it replays nothing.
    if (stage === 'after-flush') assert.equal(restored.records, 0);
    else assert.ok(restored.records > 0);

    const log = await openLog(dataDir);
    const outputs = await changelog(log, 'out');
    assert.equal(outputs.length, total);
    const seen = new Map<string, number>();
    for (const o of outputs) {
      const n = (seen.get(o.key.toString()) ?? 0) + 1;
      seen.set(o.key.toString(), n);
      assert.equal(o.value, String(n), `output for ${o.key} counts every input once`);
    }
    const stores = await openStores(log, stateDir, KV, '_confluent-ksql-test_query_CTAS_COUNTS_0');
    assert.equal(stores.restored[0].records, 0);
    const counts = stores.keyValueStore('Aggregate-Aggregate-Materialize', text);
    for (let i = 0; i < keys; i++) {
      const expected = Math.floor(total / keys) + (i < total % keys ? 1 : 0);
      assert.equal(counts.get(k(`k${i}`)), String(expected));
    }
  });
}
