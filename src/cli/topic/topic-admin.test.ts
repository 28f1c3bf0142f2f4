import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, test } from 'node:test';
import { SegmentLog } from '../../log/index.js';
import { removeTempDirs, runSluice, tempDataDir } from '../run-sluice.fixture.js';

after(removeTempDirs);

test('create, list, describe and delete a topic', async () => {
  const dir = tempDataDir();
  const created = await runSluice([
    'topic',
    'create',
    'orders',
    '--partitions',
    '3',
    '--config',
    'retention.ms=60000',
    '--config',
    'cleanup.policy=compact',
    '--data-dir',
    dir,
  ]);
  assert.equal(created.code, 0, created.stderr);
  assert.equal(created.stdout, 'Created topic orders with 3 partitions.\n');
  assert.equal((await runSluice(['topic', 'create', 'audit', '--data-dir', dir])).code, 0);

  const list = await runSluice(['topic', 'list', '--data-dir', dir]);
  assert.equal(list.stdout, 'audit\norders\n', 'sorted, internal topics hidden');
  const internal = await runSluice(['topic', 'list', '--internal', '--data-dir', dir]);
  assert.equal(internal.stdout, '__consumer_offsets\naudit\norders\n');

  // Compacted topics need keys.
  const produced = await runSluice(
    ['topic', 'produce', 'orders', '--partition', '1', '--key-separator', ':', '--data-dir', dir],
    { input: 'k:a\nk:b\n' },
  );
  assert.equal(produced.code, 0, produced.stderr);
  const described = await runSluice(['topic', 'describe', 'orders', '--data-dir', dir]);
  assert.equal(described.code, 0, described.stderr);
  const lines = described.stdout.split('\n');
  assert.equal(lines[0], 'Topic: orders');
  assert.equal(lines[1], 'Partitions: 3');
  assert.equal(lines[2], 'Configs (non-default): cleanup.policy=compact, retention.ms=60000');
  assert.match(lines[4], /^Partition\s+Beginning offset\s+End offset\s+Size \(bytes\)\s+Segments$/);
  assert.match(lines[5], /^0\s+0\s+0\s+0\s+1$/);
  assert.match(lines[6], /^1\s+0\s+2\s+[1-9]\d*\s+1$/);

  const json = await runSluice(['topic', 'describe', 'orders', '--json', '--data-dir', dir]);
  const d = JSON.parse(json.stdout);
  assert.deepEqual(d.config, { 'cleanup.policy': 'compact', 'retention.ms': '60000' });
  assert.deepEqual(
    d.partitions.map((p: { endOffset: number }) => p.endOffset),
    [0, 2, 0],
  );

  const deleted = await runSluice(['topic', 'delete', 'orders', '--data-dir', dir]);
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.equal(deleted.stdout, 'Deleted topic orders.\n');
  assert.equal((await runSluice(['topic', 'list', '--data-dir', dir])).stdout, 'audit\n');
});

test('the data dir comes from SLUICE_DATA_DIR when --data-dir is not given', async () => {
  const dir = tempDataDir();
  await runSluice(['topic', 'create', 'events'], { env: { SLUICE_DATA_DIR: dir } });
  assert.equal((await runSluice(['topic', 'list', '--data-dir', dir])).stdout, 'events\n');
});

test('describing or deleting an unknown topic says it does not exist and how to create it', async () => {
  const dir = tempDataDir();
  await runSluice(['topic', 'create', 'orders', '--data-dir', dir]);
  for (const command of ['describe', 'delete']) {
    const run = await runSluice(['topic', command, 'ordrs', '--data-dir', dir]);
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      "sluice: Topic 'ordrs' does not exist. Create it first (sluice topic create ordrs) or check the name.\n",
    );
  }
  const missingDir = await runSluice(['topic', 'describe', 'orders', '--data-dir', `${dir}-typo`]);
  assert.equal(missingDir.code, 1);
  assert.match(missingDir.stderr, /Topic 'orders' does not exist: there is no Sluice data dir at .*-typo/);
  assert.equal(existsSync(`${dir}-typo`), false, 'a reading command does not create a data dir');
});

test('listing a data dir that does not exist prints nothing and creates nothing', async () => {
  const dir = tempDataDir();
  const run = await runSluice(['topic', 'list', '--data-dir', dir]);
  assert.equal(run.code, 0);
  assert.equal(run.stdout, '');
  assert.equal(existsSync(dir), false);
});

test('creating a topic twice or with a bad config or partition count fails with the reason', async () => {
  const dir = tempDataDir();
  await runSluice(['topic', 'create', 'orders', '--data-dir', dir]);
  const twice = await runSluice(['topic', 'create', 'orders', '--data-dir', dir]);
  assert.equal(twice.code, 1);
  assert.equal(twice.stderr, "sluice: Topic 'orders' already exists.\n");
  const quietly = await runSluice(['topic', 'create', 'orders', '--if-not-exists', '--data-dir', dir]);
  assert.equal(quietly.code, 0);

  const config = await runSluice([
    'topic',
    'create',
    'x',
    '--config',
    'retention.ms=soon',
    '--data-dir',
    dir,
  ]);
  assert.equal(config.code, 1);
  assert.match(config.stderr, /^sluice: Invalid value 'soon' for topic config 'retention.ms'/);

  const noEquals = await runSluice(['topic', 'create', 'x', '--config', 'retention.ms', '--data-dir', dir]);
  assert.equal(noEquals.code, 2);
  assert.match(noEquals.stderr, /--config expects key=value, got 'retention.ms'/);

  const partitions = await runSluice(['topic', 'create', 'x', '--partitions', 'three', '--data-dir', dir]);
  assert.equal(partitions.code, 2);
  assert.match(partitions.stderr, /--partitions must be a whole number from 1 to 10000, got 'three'/);

  const missing = await runSluice(['topic', 'create', '--data-dir', dir]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^sluice: Missing <topic>\./);
});

test('a data dir held by another process is reported without a stack trace, exit 1', async () => {
  const dir = tempDataDir();
  const holder = await SegmentLog.open({ dataDir: dir, cleanerIntervalMs: 0 });
  try {
    const run = await runSluice(['topic', 'list', '--data-dir', dir]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      new RegExp(
        `^sluice: The data dir .* is in use by another Sluice process \\(pid ${process.pid}\\)\\. Stop it`,
      ),
    );
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  } finally {
    await holder.close();
  }
});

test('--server and --data-dir together are refused', async () => {
  const run = await runSluice([
    'topic',
    'list',
    '--server',
    'http://localhost:8088',
    '--data-dir',
    tempDataDir(),
  ]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /either --server or --data-dir, not both/);
});

test("the data-dir tools refuse to delete or write Sluice's internal topics (under their default names)", async () => {
  const dir = tempDataDir();
  await runSluice(['topic', 'create', '_confluent-ksql-default__command_topic', '--data-dir', dir]);
  const deleted = await runSluice([
    'topic',
    'delete',
    '_confluent-ksql-default__command_topic',
    '--data-dir',
    dir,
  ]);
  assert.equal(deleted.code, 1);
  assert.match(
    deleted.stderr,
    /is the command topic, which defines every stream, table and query: Sluice refuses to delete it/,
  );
  const offsets = await runSluice(['topic', 'delete', '__consumer_offsets', '--data-dir', dir]);
  assert.equal(offsets.code, 1);
  assert.match(offsets.stderr, /refuses to delete it/);
  const written = await runSluice(['topic', 'produce', 'connect-configs', '--data-dir', dir], {
    input: 'x\n',
  });
  assert.equal(written.code, 1);
  assert.match(written.stderr, /Connect worker's config topic.*refuses to write to it/);
  const list = await runSluice(['topic', 'list', '--data-dir', dir]);
  assert.equal(list.stdout, '_confluent-ksql-default__command_topic\n', 'still there; nothing else created');
});
