// The real `sluice test-runner` as a child process: exit codes and what it prints.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runSluice } from '../cli/run-sluice.fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-test-runner-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | object): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const sql = write(
  'statements.sql',
  `CREATE STREAM orders (id STRING KEY, qty INT) WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON');
   CREATE STREAM big AS SELECT id, qty FROM orders WHERE qty > 1;`,
);
const input = write('input.json', {
  inputs: [
    { topic: 'orders', key: 'a', value: { QTY: 1 }, timestamp: 1 },
    { topic: 'orders', key: 'b', value: { QTY: 2 }, timestamp: 2 },
  ],
});

test('a passing test prints ksqlDB’s “Test passed!” and exits 0', async () => {
  const output = write('pass.json', {
    outputs: [{ topic: 'BIG', key: 'b', value: { QTY: 2 }, timestamp: 2 }],
  });
  const run = await runSluice([
    'test-runner',
    '--sql-file',
    sql,
    '--input-file',
    input,
    '--output-file',
    output,
  ]);
  assert.equal(run.stderr, '');
  assert.equal(run.stdout, '\t >>> Test passed!\n');
  assert.equal(run.code, 0);
});

test('a failing test prints the difference on stderr and exits 1 (short flags)', async () => {
  const output = write('fail.json', {
    outputs: [{ topic: 'BIG', key: 'b', value: { QTY: 3 }, timestamp: 2 }],
  });
  const run = await runSluice(['test-runner', '-s', sql, '-i', input, '-o', output]);
  assert.equal(run.code, 1);
  assert.equal(run.stdout, '');
  assert.equal(
    run.stderr,
    [
      '\t>>>>> Test failed: the output does not match the output file (1 problem).',
      '',
      "Topic 'BIG', record 0 (outputs[0]) does not match:",
      '  expected: key "b", value {"QTY":3}, timestamp 2',
      '  actual:   key "b", value {"QTY":2}, timestamp 2',
      '  - value.QTY: expected 3 but was 2',
      '',
    ].join('\n'),
  );
});

test('a missing required flag is a usage error with exit 2', async () => {
  const run = await runSluice(['test-runner', '-s', sql]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /both --sql-file \(-s\) and --output-file \(-o\) are required/);
  const unknown = await runSluice(['test-runner', '--extension-dir', dir]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown option '--extension-dir'/);
});

test('a file that cannot be read or is not a test file exits 1 naming it', async () => {
  const missing = await runSluice(['test-runner', '-s', sql, '-o', join(dir, 'nope.json')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Cannot read the output file '.*nope\.json': no such file\./);
  const wrong = write('wrong.json', { outputs: [{ topic: 'BIG', value: 1, timestamp: 'noon' }] });
  const bad = await runSluice(['test-runner', '-s', sql, '-o', wrong]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /wrong\.json: outputs\[0\]\.timestamp must be a whole number of milliseconds/);
});

test('--help and sluice help test-runner print the usage', async () => {
  for (const args of [
    ['test-runner', '--help'],
    ['help', 'test-runner'],
  ]) {
    const run = await runSluice(args);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^Usage: sluice test-runner --sql-file FILE/);
  }
});
