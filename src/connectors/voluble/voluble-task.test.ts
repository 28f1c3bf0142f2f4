import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type ConnectValue,
  type SourceOffset,
  type SourcePartition,
  type SourceRecord,
  Struct,
} from '../../connect/api/index.js';
import { taskContext } from './test-contexts.js';
import { LIVELOCK_MESSAGE } from './voluble-generator.js';
import { VolubleSourceTask, type VolubleTaskEnvironment, volublePartition } from './voluble-task.js';

/** A clock that only moves when told, and a sleep that records the wait and advances the clock. */
function fakeTime(): VolubleTaskEnvironment & { waits: number[]; nowMs: number } {
  const env = {
    nowMs: 1_000_000,
    waits: [] as number[],
    now: () => env.nowMs,
    sleep: async (ms: number) => {
      env.waits.push(ms);
      env.nowMs += ms;
    },
  };
  return env;
}

async function startedTask(
  props: Record<string, string>,
  offsets: [SourcePartition, SourceOffset][] = [],
  env = fakeTime(),
  batchSize = 1000,
) {
  const task = new VolubleSourceTask({ environment: env, batchSize });
  const config = { 'global.seed': '7', ...props };
  task.initialize(taskContext(config, offsets));
  await task.start(config);
  return { task, env };
}

async function pollRecords(props: Record<string, string>, n: number): Promise<SourceRecord[]> {
  const { task } = await startedTask(props);
  const out: SourceRecord[] = [];
  while (out.length < n) {
    const batch = await task.poll();
    if (batch === null) break;
    out.push(...batch);
  }
  return out.slice(0, n);
}

const field = (value: ConnectValue, path: string): ConnectValue => {
  let v: ConnectValue = value;
  for (const part of path.split('->')) v = v instanceof Struct ? v.get(part) : null;
  return v;
};

test('topics take turns, and a matching key copies a key emitted before', async () => {
  const records = await pollRecords(
    {
      'genkp.owners.with': '#{Internet.uuid}',
      'genv.cats.owner.matching': 'owners.key',
      'genk.cats.name.with': '#{Cat.name}',
    },
    200,
  );
  assert.deepEqual(
    records.slice(0, 4).map((r) => r.topic),
    ['owners', 'cats', 'owners', 'cats'],
  );
  const seen = new Set<ConnectValue>();
  for (const r of records) {
    if (r.topic === 'owners') seen.add(r.key);
    else assert.ok(seen.has(field(r.value, 'owner')), 'the owner was emitted earlier');
  }
});

test('a nested field can be matched, and a record takes all its matches from one sampled record', async () => {
  const records = await pollRecords(
    {
      'genv.teamA.stadium->location.with': '#{Address.state}',
      'genv.teamA.stadium->name.with': '#{Company.name}',
      'genv.teamB.where.matching': 'teamA.value.stadium->location',
      'genv.teamB.which.matching': 'teamA.value.stadium->name',
    },
    200,
  );
  const stadiums = new Set(
    records
      .filter((r) => r.topic === 'teamA')
      .map((r) => `${field(r.value, 'stadium->location')}|${field(r.value, 'stadium->name')}`),
  );
  const a = records.find((r) => r.topic === 'teamA');
  assert.equal(a?.valueSchema?.fields?.[0].schema.name, 'io.mdrogalis.Gen1');
  for (const r of records.filter((x) => x.topic === 'teamB')) {
    assert.ok(stadiums.has(`${field(r.value, 'where')}|${field(r.value, 'which')}`));
  }
});

test('sometimes reuses a matched value at about the matching rate', async () => {
  const records = await pollRecords(
    {
      'genkp.users.sometimes.with': "#{number.number_between '0','1000000000'}",
      'genkp.users.sometimes.matching': 'users.key',
      'attrkp.users.matching.rate': '0.3',
    },
    2000,
  );
  const seen = new Set<ConnectValue>();
  let reused = 0;
  for (const r of records) {
    if (seen.has(r.key)) reused++;
    seen.add(r.key);
  }
  assert.ok(reused > 0.25 * 2000 && reused < 0.35 * 2000, `reused ${reused} of 2000`);
});

test('null and tombstone rates blank keys, fields and values at about their rates', async () => {
  const records = await pollRecords(
    {
      'genkp.t.with': '#{Internet.uuid}',
      'attrkp.t.null.rate': '0.2',
      'genv.t.a.with': 'A',
      'genv.t.b.with': 'B',
      'attrv.t.a.null.rate': '1',
      'topic.t.tombstone.rate': '0.5',
    },
    2000,
  );
  const nullKeys = records.filter((r) => r.key === null).length;
  const tombstones = records.filter((r) => r.value === null).length;
  assert.ok(nullKeys > 300 && nullKeys < 500, `${nullKeys} null keys`);
  assert.ok(tombstones > 900 && tombstones < 1100, `${tombstones} tombstones`);
  for (const r of records.filter((x) => x.value !== null)) {
    assert.equal(field(r.value, 'a'), null);
    assert.equal(field(r.value, 'b'), 'B');
  }
});

test('records.exactly ends a topic, and when every topic has ended polls wait and return nothing', async () => {
  const { task, env } = await startedTask({
    'genkp.few.with': 'k',
    'topic.few.records.exactly': '3',
    'genkp.some.with': 'k',
    'topic.some.records.exactly': '5',
  });
  const records = (await task.poll()) ?? [];
  assert.deepEqual(
    records.map((r) => r.topic),
    ['few', 'some', 'few', 'some', 'few', 'some', 'some', 'some'],
  );
  assert.deepEqual(records.at(-1)?.sourceOffset, { emitted: 5 });
  assert.equal(await task.poll(), null);
  assert.equal(await task.poll(), null);
  assert.deepEqual(env.waits, [1000, 1000], 'an exhausted task idles instead of spinning');
});

test('a restarted task resumes the records.exactly count from its stored offsets', async () => {
  const props = { 'genkp.few.with': 'k', 'topic.few.records.exactly': '5' };
  const { task } = await startedTask(props, [[volublePartition('few', 0), { emitted: 3 }]]);
  const records = (await task.poll()) ?? [];
  assert.deepEqual(
    records.map((r) => [r.sourcePartition, r.sourceOffset]),
    [
      [{ 'voluble.topic': 'few', 'task.id': 0 }, { emitted: 4 }],
      [{ 'voluble.topic': 'few', 'task.id': 0 }, { emitted: 5 }],
    ],
  );
});

test('throttled topics make the poll wait until the next is due; a topic throttle beats the global one', async () => {
  const { task, env } = await startedTask({
    'genkp.slow.with': 's',
    'genkp.fast.with': 'f',
    'global.throttle.ms': '500',
    'topic.fast.throttle.ms': '100',
  });
  assert.deepEqual(
    (await task.poll())?.map((r) => r.topic),
    ['slow', 'fast'],
  );
  assert.deepEqual(
    (await task.poll())?.map((r) => r.topic),
    ['fast'],
  );
  assert.deepEqual(env.waits, [100]);
  for (let i = 0; i < 3; i++)
    assert.deepEqual(
      (await task.poll())?.map((r) => r.topic),
      ['fast'],
    );
  assert.deepEqual(
    (await task.poll())?.map((r) => r.topic).sort(),
    ['fast', 'slow'],
    'at 500 ms both are due',
  );
  assert.deepEqual(env.waits, [100, 100, 100, 100, 100]);
});

test('a long throttle waits at most the poll limit, so stop and pause take effect', async () => {
  const { task, env } = await startedTask({ 'genkp.t.with': 'x', 'global.throttle.ms': '60000' });
  await task.poll();
  assert.equal(await task.poll(), null);
  assert.deepEqual(env.waits, [1000]);
});

test('the same global.seed gives the same records, a different one different records', async () => {
  const props = {
    'genkp.t.with': '#{Internet.uuid}',
    'genv.t.n.with': '#{Name.full_name}',
    'attrv.t.n.null.rate': '0.3',
  };
  const run = async (seed: string) =>
    (await pollRecords({ ...props, 'global.seed': seed }, 20)).map(
      (r) => `${String(r.key)} ${String(field(r.value, 'n'))}`,
    );
  assert.deepEqual(await run('1'), await run('1'));
  assert.notDeepEqual(await run('1'), await run('2'));
});

test('a retained history of one record matches only the latest record', async () => {
  const records = await pollRecords(
    {
      'genkp.src.with': '#{Internet.uuid}',
      'topic.src.history.records.max': '1',
      'genkp.copy.matching': 'src.key',
    },
    100,
  );
  for (let i = 1; i < records.length; i += 2) assert.equal(records[i].key, records[i - 1].key);
});

test('strict matching that can never be satisfied fails the poll as livelocked', async () => {
  const { task } = await startedTask({ 'genkp.loop.matching': 'loop.key' });
  await assert.rejects(task.poll(), { message: LIVELOCK_MESSAGE });
});

test('stop makes a waiting poll return', async () => {
  const env = fakeTime();
  const { task } = await startedTask({ 'genkp.t.with': 'x', 'global.throttle.ms': '500' }, [], {
    ...env,
    sleep: (_ms, signal) =>
      new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })),
  });
  await task.poll();
  const waiting = task.poll();
  task.stop();
  assert.equal(await waiting, null);
});
