import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { builtinAggregates } from '../../functions/index.js';
import { SegmentLog } from '../../log/index.js';
import type { SqlType, SqlValue } from '../../types/index.js';
import { BIGINT, INTEGER, STRING } from '../../types/index.js';
import { StateStores, type StoreSpec } from '../state/index.js';
import {
  AggregateCalls,
  type AggregateChange,
  aggregateStateCodec,
  type GroupedRecord,
  SessionWindowAggregator,
  StreamAggregator,
  TableAggregator,
  TimeWindowAggregator,
} from './index.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const STORE = 'Aggregate-Aggregate-Materialize';

async function openStores(
  spec: StoreSpec,
  dirs = { data: tempDir(), state: tempDir() },
): Promise<StateStores & { closeAll(): Promise<void> }> {
  const log = await SegmentLog.open({ dataDir: dirs.data, cleanerIntervalMs: 0 });
  const stores = await StateStores.open({
    log,
    stateDir: dirs.state,
    applicationId: '_confluent-ksql-default_query_CTAS_T_0',
    partition: 0,
    partitions: 1,
    stores: [spec],
  });
  const closeAll = async () => {
    await stores.close();
    await log.close();
  };
  cleanup.push(closeAll);
  return Object.assign(stores, { closeAll });
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-aggregate-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** COUNT(*) and SUM(amount), as a query would resolve them. */
function countAndSum(): AggregateCalls {
  const resolve = (name: string, types: SqlType[]) => builtinAggregates.resolve(name, types).create();
  return new AggregateCalls([resolve('COUNT', [BIGINT]), resolve('SUM', [INTEGER])]);
}

/** A row of `region` with `amount` at `timestamp`; COUNT(*) counts ROWTIME. */
const row = (region: string | null, amount: number | null, timestamp: number): GroupedRecord => ({
  key: Buffer.from(region ?? ''),
  keyValues: [region],
  inputs: [BigInt(timestamp), amount],
  timestamp,
});

const show = (changes: AggregateChange[]) =>
  changes.map((c) => [
    c.key.toString(),
    ...(c.window ? [c.window.start, c.window.end] : []),
    c.results === null ? null : c.results.map((v: SqlValue) => (typeof v === 'bigint' ? Number(v) : v)),
    c.timestamp,
  ]);

test('a stream GROUP BY emits every update of its group, drops NULL keys, and keeps counting after a restart', async () => {
  const dirs = { data: tempDir(), state: tempDir() };
  let stores = await openStores({ name: STORE, kind: 'keyValue' }, dirs);
  let aggregator = new StreamAggregator(countAndSum(), stores.keyValueStore(STORE, aggregateStateCodec));
  const out = aggregator.process([
    row('east', 5, 100),
    row('west', 1, 90),
    row(null, 7, 95),
    row('east', null, 80),
  ]);
  await stores.commit();
  assert.deepEqual(show(out.changes), [
    ['east', [1, 5], 100],
    ['west', [1, 1], 90],
    // A NULL amount is skipped by SUM but the row still counts; the row time stays the largest seen.
    ['east', [2, 5], 100],
  ]);
  assert.deepEqual(
    out.dropped.map((d) => d.message),
    ['Group-by column with index 0 resolved to null. The source row will be excluded from the table.'],
  );
  await stores.closeAll();
  stores = await openStores({ name: STORE, kind: 'keyValue' }, dirs);
  aggregator = new StreamAggregator(countAndSum(), stores.keyValueStore(STORE, aggregateStateCodec));
  assert.deepEqual(show(aggregator.process([row('east', 10, 120)]).changes), [['east', [3, 15], 120]]);
});

test('a table GROUP BY subtracts the old row then adds the new one, and keeps emptied groups', async () => {
  const stores = await openStores({ name: STORE, kind: 'keyValue' });
  const aggregator = new TableAggregator(countAndSum(), stores.keyValueStore(STORE, aggregateStateCodec));
  const out = aggregator.process([
    { old: null, new: row('east', 5, 10), timestamp: 10 },
    // The row moves from east to west: east loses it, then west gains it.
    { old: row('east', 5, 10), new: row('west', 5, 20), timestamp: 20 },
    // The same group: subtract then add, two outputs.
    { old: row('west', 5, 20), new: row('west', 7, 30), timestamp: 30 },
    // A delete takes it out only.
    { old: row('west', 7, 30), new: null, timestamp: 40 },
  ]);
  assert.deepEqual(show(out.changes), [
    ['east', [1, 5], 10],
    ['east', [0, 0], 20],
    ['west', [1, 5], 20],
    ['west', [0, 0], 30],
    ['west', [1, 7], 30],
    ['west', [0, 0], 40],
  ]);
});

test('a tumbling window counts each record in its window and drops records for closed windows', async () => {
  const stores = await openStores({ name: STORE, kind: 'window', retentionMs: 1000 });
  const aggregator = new TimeWindowAggregator(countAndSum(), stores.windowStore(STORE, aggregateStateCodec), {
    sizeMs: 100,
    advanceMs: 100,
    graceMs: 60,
    emitFinal: false,
  });
  const out = aggregator.process([
    row('a', 1, 10),
    row('a', 2, 150),
    row('a', 3, 90), // within grace: window [0, 100) is open while its end > stream time 150 − grace 60
    row('a', 4, 260),
    row('a', 5, 95), // stream time 260 − grace 60 = 200 ≥ 100: too late
  ]);
  assert.deepEqual(show(out.changes), [
    ['a', 0, 100, [1, 1], 10],
    ['a', 100, 200, [1, 2], 150],
    ['a', 0, 100, [2, 4], 90],
    ['a', 200, 300, [1, 4], 260],
  ]);
  assert.equal(out.dropped.length, 1);
  assert.match(
    out.dropped[0].message,
    /Skipping record for expired window\. timestamp=\[95\] window=\[0,100\]/,
  );
});

test('a hopping window updates every window a record falls in', async () => {
  const stores = await openStores({ name: STORE, kind: 'window', retentionMs: 1000 });
  const aggregator = new TimeWindowAggregator(countAndSum(), stores.windowStore(STORE, aggregateStateCodec), {
    sizeMs: 30,
    advanceMs: 10,
    graceMs: 100,
    emitFinal: false,
  });
  assert.deepEqual(
    show(aggregator.process([row('a', 1, 25)]).changes).map((c) => [c[1], c[2]]),
    [
      [0, 30],
      [10, 40],
      [20, 50],
    ],
  );
});

test('EMIT FINAL emits each window once it closes, for every key in start order', async () => {
  const stores = await openStores({ name: STORE, kind: 'window', retentionMs: 1000 });
  const aggregator = new TimeWindowAggregator(countAndSum(), stores.windowStore(STORE, aggregateStateCodec), {
    sizeMs: 100,
    advanceMs: 100,
    graceMs: 0,
    emitFinal: true,
  });
  assert.deepEqual(aggregator.process([row('b', 1, 10), row('a', 2, 20), row('b', 3, 99)]).changes, []);
  assert.deepEqual(show(aggregator.process([row('a', 4, 130), row('a', 5, 150)]).changes), [
    ['a', 0, 100, [1, 2], 20],
    ['b', 0, 100, [2, 4], 99],
  ]);
  assert.deepEqual(show(aggregator.process([row('c', 1, 205)]).changes), [['a', 100, 200, [2, 9], 150]]);
});

test('EMIT FINAL skips a closed window that retention dropped after a jump in time, as ksqlDB does', async () => {
  // Retention = size + grace, ksqlDB's default.
  const stores = await openStores({ name: STORE, kind: 'window', retentionMs: 100 });
  const aggregator = new TimeWindowAggregator(countAndSum(), stores.windowStore(STORE, aggregateStateCodec), {
    sizeMs: 100,
    advanceMs: 100,
    graceMs: 0,
    emitFinal: true,
  });
  // Window [0, 100) closes at 500, but the newest window start is 500: it is gone by then.
  assert.deepEqual(aggregator.process([row('a', 1, 10), row('a', 2, 500)]).changes, []);
  assert.deepEqual(show(aggregator.process([row('a', 3, 650)]).changes), [['a', 500, 600, [1, 2], 500]]);
});

test('EMIT FINAL keeps a window while its start is within retention of the newest window start', async () => {
  const stores = await openStores({ name: STORE, kind: 'window', retentionMs: 100 });
  const aggregator = new TimeWindowAggregator(countAndSum(), stores.windowStore(STORE, aggregateStateCodec), {
    sizeMs: 100,
    advanceMs: 100,
    graceMs: 0,
    emitFinal: true,
  });
  // Stream time 599 is 199 past window [400, 500)'s start, but the newest start (500) only 100.
  assert.deepEqual(show(aggregator.process([row('a', 1, 450), row('a', 2, 599)]).changes), [
    ['a', 400, 500, [1, 1], 450],
  ]);
});

test('EMIT FINAL remembers what it emitted across a restart', async () => {
  const dirs = { data: tempDir(), state: tempDir() };
  const specs: StoreSpec[] = [
    { name: STORE, kind: 'window', retentionMs: 1000 },
    { name: 'Aggregate-Emit-Progress', kind: 'keyValue' },
  ];
  const open = async () => {
    const log = await SegmentLog.open({ dataDir: dirs.data, cleanerIntervalMs: 0 });
    const stores = await StateStores.open({
      log,
      stateDir: dirs.state,
      applicationId: '_confluent-ksql-default_query_CTAS_T_0',
      partition: 0,
      partitions: 1,
      stores: specs,
    });
    const aggregator = new TimeWindowAggregator(
      countAndSum(),
      stores.windowStore(STORE, aggregateStateCodec),
      {
        sizeMs: 100,
        advanceMs: 100,
        graceMs: 0,
        emitFinal: true,
        emitProgress: stores.keyValueStore('Aggregate-Emit-Progress', {
          encode: (n: number) => Buffer.from(String(n)),
          decode: (b: Buffer) => Number(b.toString()),
        }),
      },
    );
    const close = async () => {
      await stores.close();
      await log.close();
    };
    cleanup.push(close);
    return { stores, aggregator, close };
  };
  let q = await open();
  assert.deepEqual(show(q.aggregator.process([row('a', 1, 10), row('a', 2, 150)]).changes), [
    ['a', 0, 100, [1, 1], 10],
  ]);
  await q.stores.commit();
  await q.close();
  q = await open();
  // Window [0, 100) went out before the restart; only [100, 200) closes now.
  assert.deepEqual(show(q.aggregator.process([row('a', 3, 210)]).changes), [['a', 100, 200, [1, 2], 150]]);
});

test('a session absorbed by a merge emits a tombstone before the merged session', async () => {
  const stores = await openStores({ name: STORE, kind: 'session', retentionMs: 10_000 });
  const aggregator = new SessionWindowAggregator(
    countAndSum(),
    stores.sessionStore(STORE, aggregateStateCodec),
    {
      gapMs: 15,
      graceMs: 100,
      emitFinal: false,
    },
  );
  const out = aggregator.process([row('u', 1, 100), row('u', 2, 125), row('u', 3, 112)]);
  assert.deepEqual(show(out.changes), [
    ['u', 100, 100, [1, 1], 100],
    ['u', 125, 125, [1, 2], 125],
    // 112 is within the gap of 15 of both: they merge into [100, 125].
    ['u', 100, 100, null, 100],
    ['u', 125, 125, null, 125],
    ['u', 100, 125, [3, 6], 125],
  ]);
  const late = aggregator.process([row('u', 4, 400), row('u', 5, 150)]);
  assert.equal(late.changes.length, 1);
  assert.match(late.dropped[0].message, /window=\[150,150\]/);
});

test('the aggregate calls reject undo for a function that cannot aggregate tables', () => {
  const calls = new AggregateCalls([builtinAggregates.resolve('MAX', [STRING]).create()]);
  assert.throws(() => calls.undo(calls.initialize(), ['x'], 1), /without undo/);
});
