import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildRegistryApp, SchemaStore } from '../../registry/index.js';
import { startTestWorker, type TestWorker, until } from '../worker/test-worker.fixture.js';

// A worker's source and sink tasks with io.confluent.connect.avro.AvroConverter: the source task
// waits for the schema's registration before its first write, the sink task fetches the schema by
// the id in the bytes before converting them.

let dir: string;
let worker: TestWorker;
let registry: FastifyInstance;
let url: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-avro-worker-'));
  worker = await startTestWorker(dir);
  registry = buildRegistryApp(await SchemaStore.open(worker.log));
  await registry.listen({ host: '127.0.0.1', port: 0 });
  const address = registry.server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
});

after(async () => {
  await worker.close();
  await registry.close();
  rmSync(dir, { recursive: true, force: true });
});

function fileText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

test('FileStreamSource writes Avro under a registered <topic>-value schema, and FileStreamSink reads it back', async () => {
  const input = join(dir, 'in.txt');
  const output = join(dir, 'out.txt');
  writeFileSync(input, 'one\ntwo\n');
  const avro = {
    'value.converter': 'io.confluent.connect.avro.AvroConverter',
    'value.converter.schema.registry.url': url,
  };
  await worker.herder.createConnector('avro-in', {
    'connector.class': 'FileStreamSource',
    file: input,
    topic: 'avro-lines',
    ...avro,
  });
  await until(
    'two records',
    async () =>
      (await worker.log.hasTopic('avro-lines')) && (await worker.log.endOffset('avro-lines', 0)) === 2,
  );
  const latest = (await (await fetch(`${url}/subjects/avro-lines-value/versions/latest`)).json()) as {
    id: number;
    schema: string;
  };
  assert.equal(latest.schema, '"string"');
  const { records } = await worker.log.read('avro-lines', 0, 0);
  const value = records[0].value ?? assert.fail('a value');
  assert.equal(value[0], 0);
  assert.equal(value.readInt32BE(1), latest.id);
  // Avro string: zig-zag length 3 (6), then the bytes.
  assert.deepEqual([...value.subarray(5)], [6, ...Buffer.from('one')]);

  await worker.herder.createConnector('avro-out', {
    'connector.class': 'FileStreamSink',
    file: output,
    topics: 'avro-lines',
    ...avro,
  });
  await until('both lines in the sink file', () => fileText(output) === 'one\ntwo\n');
});
