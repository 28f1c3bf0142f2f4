import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runSluice } from './run-sluice.fixture.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

test('--version prints the version from package.json', async () => {
  const run = await runSluice(['--version']);
  assert.equal(run.code, 0);
  assert.equal(run.stdout, `sluice ${pkg.version}\n`);
});

test('--help and help list every command and exit 0', async () => {
  for (const args of [['--help'], ['help']]) {
    const run = await runSluice(args);
    assert.equal(run.code, 0);
    for (const name of ['topic', 'server', 'cli', 'test-runner', 'plugin', 'connect']) {
      assert.match(run.stdout, new RegExp(`^  ${name} `, 'm'));
    }
  }
});

test('help for a command prints that command’s help', async () => {
  const run = await runSluice(['help', 'topic']);
  assert.equal(run.code, 0);
  assert.match(run.stdout, /Usage: sluice topic <command>/);
  assert.match(run.stdout, /produce/);
});

test('an unknown command exits 2 naming it and listing the commands', async () => {
  const run = await runSluice(['frobnicate']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /^sluice: Unknown command 'frobnicate'\. Commands: topic, server, cli/);
  assert.equal(run.stdout, '');
});

test('no command at all prints the usage to stderr and exits 2', async () => {
  const run = await runSluice([]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /Usage: sluice <command>/);
});

test('sluice connect names an unreachable Kafka broker, and refuses bad flags, saying what to do', async () => {
  const broker = await runSluice(['connect', '--bootstrap-server', 'broker.invalid:9092']);
  assert.equal(broker.code, 1);
  assert.match(broker.stderr, /No Kafka broker of bootstrap.servers=broker.invalid:9092 answered/);
  const neither = await runSluice(['connect', '--bootstrap-server', 'ftp://h/x']);
  assert.equal(neither.code, 1);
  assert.match(neither.stderr, /neither a Kafka broker \(host:port\) nor a Sluice server/);
  const both = await runSluice(['connect', '--data-dir', 'x', '--bootstrap-server', 'http://h:8088']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /give one/);
  const port = await runSluice(['connect', '--port', 'http']);
  assert.equal(port.code, 2);
  assert.match(port.stderr, /--port must be a port number, got 'http'/);
});

test('sluice server rejects a bad flag with its usage and exit 2', async () => {
  const run = await runSluice(['server', '--port', 'eighty']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--port must be a number, got 'eighty'/);
});

test('an unknown topic command or flag exits 2 and points at the help', async () => {
  const sub = await runSluice(['topic', 'explode']);
  assert.equal(sub.code, 2);
  assert.match(
    sub.stderr,
    /Unknown topic command 'explode'\. Commands: create, list, describe, delete, produce, consume/,
  );

  const flag = await runSluice(['topic', 'list', '--colour']);
  assert.equal(flag.code, 2);
  assert.match(
    flag.stderr,
    /^sluice: Unknown option '--colour' for 'sluice topic list'\.\nRun 'sluice topic list --help'/,
  );
});
