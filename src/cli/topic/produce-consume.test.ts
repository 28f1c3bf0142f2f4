import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { finished, removeTempDirs, runSluice, startSluice, tempDataDir } from '../run-sluice.fixture.js';

after(removeTempDirs);

async function topicIn(dir: string, topic: string, partitions = 1): Promise<void> {
  const run = await runSluice([
    'topic',
    'create',
    topic,
    '--partitions',
    String(partitions),
    '--data-dir',
    dir,
  ]);
  assert.equal(run.code, 0, run.stderr);
}

async function produce(dir: string, topic: string, input: string | Buffer, flags: string[] = []) {
  return runSluice(['topic', 'produce', topic, '--data-dir', dir, ...flags], { input });
}

function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l));
}

test('produced lines come back from --from-beginning --json with every field', async () => {
  const dir = tempDataDir();
  await topicIn(dir, 'orders');
  const notUtf8 = Buffer.from([0xff, 0xfe, 0x41]);
  const input = Buffer.concat([
    Buffer.from('alice:{"amount":3}\nbob:with:colons\r\n:empty key\n'),
    notUtf8,
    Buffer.from(':binary key'),
  ]);
  const produced = await produce(dir, 'orders', input, [
    '--key-separator',
    ':',
    '--timestamp',
    '1700000000000',
    '--header',
    'source=cli',
    '--header',
    'trace=a=b',
  ]);
  assert.equal(produced.code, 0, produced.stderr);
  assert.equal(produced.stdout, '', 'quiet on success');

  const run = await runSluice([
    'topic',
    'consume',
    'orders',
    '--from-beginning',
    '--json',
    '--timeout-ms',
    '200',
    '--data-dir',
    dir,
  ]);
  assert.equal(run.code, 0, run.stderr);
  const headers = [
    { key: 'source', value: 'cli' },
    { key: 'trace', value: 'a=b' },
  ];
  const base = { topic: 'orders', partition: 0, timestamp: 1700000000000, headers };
  assert.deepEqual(jsonLines(run.stdout), [
    { ...base, offset: 0, key: 'alice', value: '{"amount":3}' },
    { ...base, offset: 1, key: 'bob', value: 'with:colons' },
    { ...base, offset: 2, key: '', value: 'empty key' },
    { ...base, offset: 3, key: { base64: notUtf8.toString('base64') }, value: 'binary key' },
  ]);
  assert.match(run.stderr, /Processed a total of 4 messages/);
});

test('without a key separator the key is null and the timestamp is the time of writing', async () => {
  const dir = tempDataDir();
  await topicIn(dir, 'events');
  const before = Date.now();
  await produce(dir, 'events', 'one\n\nthree\n');
  const run = await runSluice([
    'topic',
    'consume',
    'events',
    '--from-beginning',
    '--json',
    '--timeout-ms',
    '100',
    '--data-dir',
    dir,
  ]);
  const records = jsonLines(run.stdout);
  assert.deepEqual(
    records.map((r) => [r.key, r.value, r.headers]),
    [
      [null, 'one', []],
      [null, '', []],
      [null, 'three', []],
    ],
  );
  for (const r of records) assert.ok((r.timestamp as number) >= before);
});

test('plain output prints values, or keys and values with --print-key and --key-separator', async () => {
  const dir = tempDataDir();
  await topicIn(dir, 'kv');
  await produce(dir, 'kv', 'a=1\nb=2\n', ['--key-separator', '=']);
  const values = await runSluice([
    'topic',
    'consume',
    'kv',
    '--from-beginning',
    '--timeout-ms',
    '100',
    '--data-dir',
    dir,
  ]);
  assert.equal(values.stdout, '1\n2\n');
  const keyed = await runSluice([
    'topic',
    'consume',
    'kv',
    '--from-beginning',
    '--timeout-ms',
    '100',
    '--print-key',
    '--data-dir',
    dir,
  ]);
  assert.equal(keyed.stdout, 'a\t1\nb\t2\n');
  const custom = await runSluice([
    'topic',
    'consume',
    'kv',
    '--from-beginning',
    '--timeout-ms',
    '100',
    '--print-key',
    '--key-separator',
    ' -> ',
    '--data-dir',
    dir,
  ]);
  assert.equal(custom.stdout, 'a -> 1\nb -> 2\n');
});

test('consume reads every partition of a topic', async () => {
  const dir = tempDataDir();
  await topicIn(dir, 'spread', 4);
  const keys = Array.from({ length: 40 }, (_, i) => `key${i}`);
  await produce(dir, 'spread', keys.map((k) => `${k}:${k}\n`).join(''), ['--key-separator', ':']);
  const run = await runSluice([
    'topic',
    'consume',
    'spread',
    '--from-beginning',
    '--json',
    '--timeout-ms',
    '100',
    '--data-dir',
    dir,
  ]);
  const records = jsonLines(run.stdout);
  assert.deepEqual(records.map((r) => r.value).sort(), [...keys].sort());
  assert.ok(new Set(records.map((r) => r.partition)).size > 1, 'keys spread over partitions');
});

test('--verbose prints the partition and offset of each record', async () => {
  const dir = tempDataDir();
  await topicIn(dir, 'orders');
  const run = await produce(dir, 'orders', 'a\nb\n', ['--verbose']);
  assert.equal(run.stdout, 'partition 0 offset 0\npartition 0 offset 1\n');
});

test('--max-messages stops after that many records', async () => {
  const dir = tempDataDir();
  await topicIn(dir, 'orders');
  await produce(dir, 'orders', '1\n2\n3\n4\n5\n');
  const run = await runSluice([
    'topic',
    'consume',
    'orders',
    '--from-beginning',
    '--max-messages',
    '2',
    '--data-dir',
    dir,
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, '1\n2\n');
});

test('--timeout-ms returns when no record arrives, also on an empty topic', async () => {
  const dir = tempDataDir();
  await topicIn(dir, 'quiet');
  const empty = await runSluice([
    'topic',
    'consume',
    'quiet',
    '--from-beginning',
    '--timeout-ms',
    '300',
    '--data-dir',
    dir,
  ]);
  assert.equal(empty.code, 0, empty.stderr);
  assert.equal(empty.stdout, '');
  assert.match(empty.stderr, /Processed a total of 0 messages/);

  await produce(dir, 'quiet', 'x\n');
  const fromEnd = await runSluice(['topic', 'consume', 'quiet', '--timeout-ms', '100', '--data-dir', dir]);
  assert.equal(fromEnd.code, 0);
  assert.equal(fromEnd.stdout, '', 'without --from-beginning only new records are printed');
});

test('a consumer group commits where it stopped, so the next consume continues from there', async () => {
  const dir = tempDataDir();
  await topicIn(dir, 'orders');
  await produce(dir, 'orders', '1\n2\n3\n4\n5\n');
  const group = ['--group', 'billing', '--data-dir', dir];
  const first = await runSluice([
    'topic',
    'consume',
    'orders',
    '--from-beginning',
    '--max-messages',
    '2',
    ...group,
  ]);
  assert.equal(first.stdout, '1\n2\n');
  const second = await runSluice(['topic', 'consume', 'orders', '--timeout-ms', '100', ...group]);
  assert.equal(second.stdout, '3\n4\n5\n');
  await produce(dir, 'orders', '6\n');
  const third = await runSluice([
    'topic',
    'consume',
    'orders',
    '--from-beginning',
    '--timeout-ms',
    '100',
    ...group,
  ]);
  assert.equal(third.stdout, '6\n', 'a committed offset wins over --from-beginning, as in Kafka');
  const other = await runSluice([
    'topic',
    'consume',
    'orders',
    '--from-beginning',
    '--timeout-ms',
    '100',
    '--group',
    'audit',
    '--data-dir',
    dir,
  ]);
  assert.equal(other.stdout, '1\n2\n3\n4\n5\n6\n', 'groups are independent');
});

test('--partition with --offset starts that partition at the offset', async () => {
  const dir = tempDataDir();
  await topicIn(dir, 'orders', 2);
  await produce(dir, 'orders', 'a\nb\nc\n', ['--partition', '1']);
  const run = await runSluice([
    'topic',
    'consume',
    'orders',
    '--partition',
    '1',
    '--offset',
    '1',
    '--timeout-ms',
    '100',
    '--data-dir',
    dir,
  ]);
  assert.equal(run.stdout, 'b\nc\n');
  const noPartition = await runSluice(['topic', 'consume', 'orders', '--offset', '1', '--data-dir', dir]);
  assert.equal(noPartition.code, 2);
  assert.match(noPartition.stderr, /--offset needs --partition/);
  const outOfRange = await runSluice([
    'topic',
    'consume',
    'orders',
    '--partition',
    '1',
    '--offset',
    '9',
    '--data-dir',
    dir,
  ]);
  assert.equal(outOfRange.code, 1);
  assert.match(
    outOfRange.stderr,
    /Offset 9 is out of range for orders partition 1: valid offsets are 0 to 3/,
  );
});

test('a line without the key separator is an error naming it, and nothing after it is written', async () => {
  const dir = tempDataDir();
  await topicIn(dir, 'orders');
  const run = await produce(dir, 'orders', 'a:1\nb:2\nno separator\nc:3\n', ['--key-separator', ':']);
  assert.equal(run.code, 1);
  assert.equal(
    run.stderr,
    "sluice: Line 3 has no key separator ':'. Lines 1 to 2 were written, nothing from line 3 on. " +
      'Put the key and the separator before the value on every line, or leave out --key-separator.\n',
  );
  const consumed = await runSluice([
    'topic',
    'consume',
    'orders',
    '--from-beginning',
    '--print-key',
    '--timeout-ms',
    '100',
    '--data-dir',
    dir,
  ]);
  assert.equal(consumed.stdout, 'a\t1\nb\t2\n');
});

test('producing to or consuming from an unknown topic says it does not exist', async () => {
  const dir = tempDataDir();
  await topicIn(dir, 'orders');
  const attempts = [
    ['produce', 'ordres'],
    ['consume', 'ordres', '--timeout-ms', '0'],
  ];
  for (const args of attempts) {
    const run = await runSluice(['topic', ...args, '--data-dir', dir], { input: 'x\n' });
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      "sluice: Topic 'ordres' does not exist. Create it first (sluice topic create ordres) or check the name.\n",
    );
  }
});

test('Ctrl-C stops a waiting consume cleanly: exit 0 and the group offset committed', {
  timeout: 90_000,
}, async () => {
  const dir = tempDataDir();
  await topicIn(dir, 'orders');
  await produce(dir, 'orders', '1\n2\n3\n');
  const child = startSluice([
    'topic',
    'consume',
    'orders',
    '--from-beginning',
    '--group',
    'g',
    '--data-dir',
    dir,
  ]);
  const done = finished(child);
  child.stdin?.end();
  // Once all three records are printed the consumer is waiting for more: interrupt it then.
  let seen = '';
  await new Promise<void>((resolve) => {
    child.stdout?.on('data', (b: Buffer) => {
      seen += b.toString();
      if (seen === '1\n2\n3\n') resolve();
    });
  });
  child.kill('SIGINT');
  const run = await done;
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /Processed a total of 3 messages/);

  await produce(dir, 'orders', '4\n');
  const next = await runSluice([
    'topic',
    'consume',
    'orders',
    '--group',
    'g',
    '--timeout-ms',
    '100',
    '--data-dir',
    dir,
  ]);
  assert.equal(next.stdout, '4\n');
});

test('Ctrl-C ends produce: complete lines are written, a partial line is dropped, exit 0', {
  timeout: 90_000,
}, async () => {
  const dir = tempDataDir();
  await topicIn(dir, 'orders');
  const child = startSluice(['topic', 'produce', 'orders', '--verbose', '--data-dir', dir]);
  const done = finished(child);
  child.stdin?.write('a\nb\nhalf a li');
  let seen = '';
  await new Promise<void>((resolve) => {
    child.stdout?.on('data', (b: Buffer) => {
      seen += b.toString();
      if (seen.split('\n').length > 2) resolve();
    });
  });
  child.kill('SIGINT');
  const run = await done;
  assert.equal(run.code, 0, run.stderr);
  const consumed = await runSluice([
    'topic',
    'consume',
    'orders',
    '--from-beginning',
    '--timeout-ms',
    '0',
    '--data-dir',
    dir,
  ]);
  assert.equal(consumed.stdout, 'a\nb\n');
});

test('bad consume and produce flags exit 2 with the reason', async () => {
  const dir = tempDataDir();
  await topicIn(dir, 'orders');
  const cases: [string[], RegExp][] = [
    [['consume', 'orders', '--max-messages', '0'], /--max-messages must be a whole number ≥ 1, got '0'/],
    [['consume', 'orders', '--timeout-ms', 'soon'], /--timeout-ms must be a whole number ≥ 0, got 'soon'/],
    [
      ['consume', 'orders', '--partition', '0', '--offset', '1', '--from-beginning'],
      /either --offset or --from-beginning/,
    ],
    [['produce', 'orders', '--timestamp', 'yesterday'], /--timestamp must be a whole number ≥ 0/],
    [['produce', 'orders', '--header', 'novalue'], /--header expects key=value, got 'novalue'/],
    [['produce', 'orders', '--key-separator='], /--key-separator must not be empty/],
    [['produce', 'orders', 'extra'], /Unexpected argument 'extra'/],
  ];
  for (const [args, message] of cases) {
    const run = await runSluice(['topic', ...args, '--data-dir', dir], { input: '' });
    assert.equal(run.code, 2, args.join(' '));
    assert.match(run.stderr, message);
  }
});
