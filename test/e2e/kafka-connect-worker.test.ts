// A real Apache Kafka Connect worker (Kafka 4.1's ConnectDistributed, from Maven Central) runs against
// `sluice server`'s Kafka listener unchanged: it creates its config, offset and status topics, joins
// its group through the listener's coordinator, and a FileStreamSource connector's records land in
// Sluice's log, where Kafka's console consumer reads them back.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort } from '../../src/connect/free-port.js';
import { kafkaJava, runKafkaTool } from './kafka-peers.fixture.js';
import { killServerChildren, type ServerChild, startServerChild } from './server-child.fixture.js';

let dir: string;
let server: ServerChild;
let worker: ChildProcess | undefined;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-kafka-connect-'));
  if (kafkaJava.missing === undefined) server = await startServerChild(['--data-dir', join(dir, 'data')]);
});

after(() => {
  worker?.kill('SIGKILL');
  killServerChildren();
  rmSync(dir, { recursive: true, force: true });
});

/** Resolves once the worker's output matches `pattern`; rejects if it exits first. */
function waitForOutput(child: ChildProcess, pattern: RegExp, output: { text: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (chunk: Buffer) => {
      output.text += chunk.toString();
      if (pattern.test(output.text)) resolve();
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', (code) =>
      reject(new Error(`the Connect worker exited with ${code}:\n${output.text.slice(-4000)}`)),
    );
  });
}

test('a Kafka Connect worker joins through the listener and its FileStreamSource writes into the log', {
  skip: kafkaJava.missing,
  timeout: 240_000,
}, async () => {
  const bootstrap = /Kafka listener: PLAINTEXT:\/\/(\S+)/.exec(server.output())?.[1];
  assert.ok(bootstrap, server.output());
  const restPort = await freePort();
  const properties = join(dir, 'worker.properties');
  writeFileSync(
    properties,
    [
      `bootstrap.servers=${bootstrap}`,
      'group.id=sluice-connect-test',
      'key.converter=org.apache.kafka.connect.storage.StringConverter',
      'value.converter=org.apache.kafka.connect.storage.StringConverter',
      'config.storage.topic=test-connect-configs',
      'offset.storage.topic=test-connect-offsets',
      'status.storage.topic=test-connect-status',
      'offset.flush.interval.ms=1000',
      `listeners=http://127.0.0.1:${restPort}`,
    ].join('\n'),
  );
  worker = spawn(
    'java',
    ['-cp', kafkaJava.classpath, 'org.apache.kafka.connect.cli.ConnectDistributed', properties],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output = { text: '' };
  // The herder logs this once it has read its config topic and joined the group.
  await waitForOutput(worker, /Finished starting connectors and tasks|Joined group at generation/, output);
  const rest = `http://127.0.0.1:${restPort}`;
  const root = (await (await fetch(`${rest}/`)).json()) as { kafka_cluster_id: string };
  assert.ok(root.kafka_cluster_id.length > 0);
  const input = join(dir, 'input.txt');
  writeFileSync(input, 'first line\nsecond line\nthird line\n');
  const created = await fetch(`${rest}/connectors`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'lines',
      config: {
        'connector.class': 'FileStreamSource',
        file: input,
        topic: 'connect-lines',
        'tasks.max': '1',
      },
    }),
  });
  assert.equal(created.status, 201, await created.text());
  // The console consumer waits for the three records (up to its timeout): the task's writes are the signal.
  const consumed = await runKafkaTool(
    'org.apache.kafka.tools.consumer.ConsoleConsumer',
    [
      '--bootstrap-server',
      bootstrap,
      '--topic',
      'connect-lines',
      '--from-beginning',
      '--max-messages',
      '3',
      '--timeout-ms',
      '120000',
    ],
    { timeoutMs: 150_000 },
  );
  assert.equal(consumed.code, 0, consumed.stderr.slice(-3000));
  assert.deepEqual(consumed.stdout.trim().split('\n'), ['first line', 'second line', 'third line']);
});
