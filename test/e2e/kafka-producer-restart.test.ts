// An idempotent producer's state outlives the server, as it outlives a Kafka broker: after a SIGKILL
// and a restart on the same data dir, no producer id is handed out a second time, a batch retried
// with its old sequence numbers is recognised (answered with its original offset, not written
// again), and a sequence gap is still refused.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { RawKafkaClient } from '../../src/kafka/broker/test-kafka-client.fixture.js';
import { ErrorCode } from '../../src/kafka/protocol/error-codes.js';
import { CREATE_TOPICS, INIT_PRODUCER_ID, LIST_OFFSETS, PRODUCE } from '../../src/kafka/protocol/messages.js';
import type { Struct } from '../../src/kafka/protocol/schema.js';
import { encodeProducedBatch } from '../../src/kafka/records/record-batch.js';
import { killServerChildren, type ServerChild, startServerChild } from './server-child.fixture.js';

const dataDir = mkdtempSync(join(tmpdir(), 'sluice-producer-restart-'));
const clients: RawKafkaClient[] = [];

after(() => {
  for (const c of clients) c.close();
  killServerChildren();
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<{ server: ServerChild; client: RawKafkaClient }> {
  const server = await startServerChild(['--data-dir', dataDir]);
  const port = /Kafka listener: PLAINTEXT:\/\/\S+:(\d+)/.exec(server.output())?.[1];
  assert.ok(port, `no Kafka listener line in:\n${server.output()}`);
  const client = await RawKafkaClient.connect(Number(port));
  clients.push(client);
  return { server, client };
}

async function producerId(client: RawKafkaClient): Promise<number> {
  const answer = await client.request(INIT_PRODUCER_ID, 4, {
    transactionalId: null,
    transactionTimeoutMs: 60000,
    producerId: -1,
    producerEpoch: -1,
  });
  assert.equal(answer.errorCode, ErrorCode.NONE);
  return answer.producerId as number;
}

async function produce(
  client: RawKafkaClient,
  producer: number,
  baseSequence: number,
  values: string[],
): Promise<{ errorCode: number; baseOffset: number }> {
  const records = encodeProducedBatch({
    baseTimestamp: 1700000000000,
    producerId: producer,
    producerEpoch: 0,
    baseSequence,
    records: values.map((v, i) => ({ key: null, value: Buffer.from(v), timestampDelta: i })),
  });
  const answer = await client.request(PRODUCE, 9, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30000,
    topicData: [{ name: 'payments', partitionData: [{ index: 0, records }] }],
  });
  const partition = ((answer.responses as Struct[])[0].partitionResponses as Struct[])[0];
  return { errorCode: partition.errorCode as number, baseOffset: partition.baseOffset as number };
}

async function endOffset(client: RawKafkaClient): Promise<number> {
  const answer = await client.request(LIST_OFFSETS, 7, {
    replicaId: -1,
    isolationLevel: 0,
    topics: [{ name: 'payments', partitions: [{ partitionIndex: 0, timestamp: -1 }] }],
  });
  return ((answer.topics as Struct[])[0].partitions as { offset: number }[])[0].offset;
}

test('after a SIGKILL, producer ids are new, a retried batch is not written twice and a gap is refused', async () => {
  const first = await start();
  const created = await first.client.request(CREATE_TOPICS, 5, {
    topics: [{ name: 'payments', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
    timeoutMs: 30000,
    validateOnly: false,
  });
  assert.equal((created.topics as Struct[])[0].errorCode, ErrorCode.NONE);
  const ids = [await producerId(first.client), await producerId(first.client)];
  const producer = ids[0];
  assert.deepEqual(await produce(first.client, producer, 0, ['a', 'b']), {
    errorCode: ErrorCode.NONE,
    baseOffset: 0,
  });
  assert.deepEqual(await produce(first.client, producer, 2, ['c']), {
    errorCode: ErrorCode.NONE,
    baseOffset: 2,
  });
  first.client.close();
  first.server.child.kill('SIGKILL');
  await first.server.exit;

  const second = await start();
  const after = await producerId(second.client);
  assert.ok(
    !ids.includes(after),
    `producer id ${after} was handed out before the restart (${ids.join(', ')})`,
  );
  // The answer to the last batch was lost with the server: the producer sends it again.
  assert.deepEqual(await produce(second.client, producer, 2, ['c']), {
    errorCode: ErrorCode.NONE,
    baseOffset: 2,
  });
  assert.deepEqual(await produce(second.client, producer, 0, ['a', 'b']), {
    errorCode: ErrorCode.NONE,
    baseOffset: 0,
  });
  assert.equal(await endOffset(second.client), 3, 'nothing was written twice');
  assert.equal(
    (await produce(second.client, producer, 5, ['f'])).errorCode,
    ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
  );
  assert.deepEqual(await produce(second.client, producer, 3, ['d']), {
    errorCode: ErrorCode.NONE,
    baseOffset: 3,
  });
});
