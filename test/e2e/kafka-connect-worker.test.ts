// A real Apache Kafka Connect worker (Kafka 4.1's ConnectDistributed, from Maven Central) runs against
// `sluice server`'s Kafka listener unchanged: it creates its config, offset and status topics, joins
// its group through the listener's coordinator, and a FileStreamSource connector's records land in
// Sluice's log, where Kafka's console consumer reads them back.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  type JavaConnectWorker,
  javaConnectMissing,
  startJavaConnectWorker,
} from './java-connect-worker.fixture.js';
import { runKafkaTool } from './kafka-peers.fixture.js';
import { killServerChildren, type ServerChild, startServerChild } from './server-child.fixture.js';

let dir: string;
let server: ServerChild;
let worker: JavaConnectWorker | undefined;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-kafka-connect-'));
  if (javaConnectMissing === undefined) server = await startServerChild(['--data-dir', join(dir, 'data')]);
});

after(() => {
  worker?.child.kill('SIGKILL');
  killServerChildren();
  rmSync(dir, { recursive: true, force: true });
});

test('a Kafka Connect worker joins through the listener and its FileStreamSource writes into the log', {
  skip: javaConnectMissing,
  timeout: 240_000,
}, async () => {
  const bootstrap = /Kafka listener: PLAINTEXT:\/\/(\S+)/.exec(server.output())?.[1];
  assert.ok(bootstrap, server.output());
  worker = await startJavaConnectWorker({ dir, bootstrap, groupId: 'sluice-connect-test' });
  const rest = worker.restUrl;
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
