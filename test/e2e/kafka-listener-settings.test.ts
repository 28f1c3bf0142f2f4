// How `sluice server` places its Kafka listener: --kafka-port, sluice.kafka.listeners, and off.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, test } from 'node:test';
import { runSluice } from '../../src/cli/run-sluice.fixture.js';
import { freePort } from '../../src/connect/free-port.js';
import { RawKafkaClient } from '../../src/kafka/broker/test-kafka-client.fixture.js';
import { API_VERSIONS } from '../../src/kafka/protocol/messages.js';
import { killServerChildren, startServerChild } from './server-child.fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-kafka-settings-'));
afterEach(() => killServerChildren());
after(() => rmSync(dir, { recursive: true, force: true }));

test('--kafka-port N serves Kafka clients on that port and says so', async () => {
  const port = await freePort();
  const server = await startServerChild(['--data-dir', join(dir, 'a'), '--kafka-port', String(port)]);
  assert.match(server.output(), new RegExp(`Kafka listener: PLAINTEXT://127\\.0\\.0\\.1:${port}\\b`));
  const client = await RawKafkaClient.connect(port);
  const answer = await client.request(API_VERSIONS, 0, {});
  assert.equal(answer.errorCode, 0);
  client.close();
});

test('an empty sluice.kafka.listeners turns the listener off', async () => {
  const server = await startServerChild(['--data-dir', join(dir, 'b')], { KSQL_SLUICE_KAFKA_LISTENERS: '' });
  assert.doesNotMatch(server.output(), /Kafka listener:/);
});

test('a bad --kafka-port or listener, and a port in use, stop the start naming what to change', async () => {
  const bad = await runSluice(['server', '--data-dir', join(dir, 'c'), '--kafka-port', 'ninety']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--kafka-port must be a port number, got 'ninety'/);
  const scheme = await runSluice(['server', '--data-dir', join(dir, 'c')], {
    env: { KSQL_LISTENERS: 'http://127.0.0.1:0', KSQL_SLUICE_KAFKA_LISTENERS: 'SASL_SCRAM://127.0.0.1:9093' },
  });
  assert.equal(scheme.code, 1);
  assert.match(scheme.stderr, /sluice\.kafka\.listeners.*PLAINTEXT:\/\/HOST:PORT/);
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const address = taken.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  try {
    const busy = await runSluice([
      'server',
      '--data-dir',
      join(dir, 'd'),
      '--port',
      '0',
      '--kafka-port',
      String(port),
    ]);
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, /Kafka listener's address PLAINTEXT:\/\/127\.0\.0\.1:\d+ is already in use/);
  } finally {
    taken.close();
  }
});
