import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type RunningServer, startServer } from '../../app/index.js';
import { loadServerConfig } from '../../config/index.js';
import { removeTempDirs, runSluice, tempDataDir } from '../run-sluice.fixture.js';

// The same topic tools, through a running server's REST API instead of a data dir.
let server: RunningServer;

before(async () => {
  server = await startServer(
    loadServerConfig({
      flags: { listeners: 'http://127.0.0.1:0', 'sluice.data.dir': tempDataDir() },
      env: {},
    }),
  );
});

after(async () => {
  await server.close();
  removeTempDirs();
});

const at = () => ['--server', server.url];

/** Resolves when a client first long-polls the server's log for new records of `topic`. */
function consumerWaiting(topic: string): Promise<void> {
  const log = server.log;
  const waitForData = log.waitForData;
  return new Promise((resolve) => {
    log.waitForData = (...args) => {
      if (args[0] === topic) {
        log.waitForData = waitForData;
        resolve();
      }
      return waitForData.apply(log, args);
    };
  });
}

test('creates, lists, describes and deletes topics through a running server', async () => {
  const created = await runSluice([
    'topic',
    'create',
    'clicks',
    '--partitions',
    '2',
    '--config',
    'retention.ms=60000',
    ...at(),
  ]);
  assert.equal(created.code, 0, created.stderr);
  assert.equal(created.stdout, 'Created topic clicks with 2 partitions.\n');
  const list = await runSluice(['topic', 'list', ...at()]);
  assert.match(list.stdout, /^clicks$/m);
  const described = await runSluice(['topic', 'describe', 'clicks', '--json', ...at()]);
  assert.equal(described.code, 0, described.stderr);
  const d = JSON.parse(described.stdout);
  assert.equal(d.partitions.length, 2);
  assert.equal(d.config['retention.ms'], '60000');
  const deleted = await runSluice(['topic', 'delete', 'clicks', ...at()]);
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.equal(await server.log.hasTopic('clicks'), false);
});

test('produces and consumes through a running server, with keys, headers, timestamps and groups', async () => {
  await runSluice(['topic', 'create', 'pages', ...at()]);
  const produced = await runSluice(
    [
      'topic',
      'produce',
      'pages',
      '--key-separator',
      ':',
      '--header',
      'src=cli',
      '--timestamp',
      '1700000000000',
      ...at(),
    ],
    { input: 'u1:home\nu2:cart\nu3:pay\n' },
  );
  assert.equal(produced.code, 0, produced.stderr);
  // The server wrote them into its own log.
  assert.equal(await server.log.endOffset('pages', 0), 3);

  const first = await runSluice([
    'topic',
    'consume',
    'pages',
    '--from-beginning',
    '--json',
    '--max-messages',
    '2',
    '--group',
    'g',
    ...at(),
  ]);
  assert.equal(first.code, 0, first.stderr);
  const rows = first.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    rows.map((r) => [r.offset, r.key, r.value, r.timestamp]),
    [
      [0, 'u1', 'home', 1700000000000],
      [1, 'u2', 'cart', 1700000000000],
    ],
  );
  assert.deepEqual(rows[0].headers, [{ key: 'src', value: 'cli' }]);

  const rest = await runSluice(['topic', 'consume', 'pages', '--group', 'g', '--timeout-ms', '300', ...at()]);
  assert.equal(rest.stdout, 'pay\n', 'the group continues after what it committed');
});

test('a consumer waiting on a server receives records produced after it started', async () => {
  await runSluice(['topic', 'create', 'live', ...at()]);
  const consuming = runSluice([
    'topic',
    'consume',
    'live',
    '--max-messages',
    '1',
    '--timeout-ms',
    '20000',
    ...at(),
  ]);
  // The record is appended to the server's log directly once the consumer waits there for new data.
  await consumerWaiting('live');
  await server.log.append('live', [{ value: Buffer.from('late') }]);
  const result = await consuming;
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'late\n');
});

test('errors from the server keep their meaning: unknown topic, unreachable server, bad URL', async () => {
  const unknown = await runSluice(['topic', 'describe', 'nope', ...at()]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /Topic 'nope' does not exist/);
  const unreachable = await runSluice(['topic', 'list', '--server', 'http://127.0.0.1:1']);
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stderr, /Cannot reach a Sluice server at http:\/\/127\.0\.0\.1:1/);
  const bad = await runSluice(['topic', 'list', '--server', 'localhost:8088']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /must be an http:\/\/ or https:\/\/ URL/);
});
