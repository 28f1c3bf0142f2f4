import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import type { SegmentLog } from '../../log/index.js';
import { ConnectError } from './connect-error.js';
import { startTestWorker, until } from './test-worker.fixture.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function start(existing?: string) {
  const dir = existing ?? mkdtempSync(join(tmpdir(), 'sluice-herder-'));
  if (existing === undefined) cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const worker = await startTestWorker(dir);
  cleanup.push(worker.close);
  return worker;
}

async function topicValues(log: SegmentLog, topic: string): Promise<string[]> {
  if (!(await log.hasTopic(topic))) return [];
  const out: string[] = [];
  let offset = 0;
  while (offset < (await log.endOffset(topic, 0))) {
    const r = await log.read(topic, 0, offset);
    out.push(...r.records.map((x) => x.value!.toString()));
    offset = r.nextOffset;
  }
  return out;
}

test('a source connector writes records and its status, and resumes from its offsets after a restart', async () => {
  const first = await start();
  const file = join(first.dir, 'in.txt');
  writeFileSync(file, 'one\ntwo\n');
  await first.herder.createConnector('file-in', {
    'connector.class': 'FileStreamSource',
    file,
    topic: 'lines',
  });
  await until('two lines', async () => (await topicValues(first.log, 'lines')).length === 2);
  const status = first.herder.connectorStatus('file-in');
  assert.equal(status.connector.state, 'RUNNING');
  assert.equal(status.type, 'source');
  assert.deepEqual(
    status.tasks.map((t) => t.state),
    ['RUNNING'],
  );
  assert.deepEqual(first.herder.connectorTopics('file-in'), ['lines']);
  await first.close();

  appendFileSync(file, 'three\n');
  const again = await start(first.dir);
  // Offsets are committed every offset.flush.interval.ms once a poll returns: once the offset after
  // "three" is, the task has written everything it read, repeats included.
  await until('the offset after "three"', async () => {
    const o = await again.herder.connectorOffsets('file-in');
    return (o.offsets[0]?.offset as { position?: number } | undefined)?.position === 14;
  });
  assert.deepEqual(
    await topicValues(again.log, 'lines'),
    ['one', 'two', 'three'],
    'nothing repeated, nothing lost',
  );
  assert.deepEqual((await again.herder.connectorOffsets('file-in')).offsets[0].partition, { filename: file });
});

test('a bad config is refused before anything starts, with every problem listed by key', async () => {
  const { herder } = await start();
  await assert.rejects(
    herder.createConnector('bad', { 'connector.class': 'FileStreamSource', 'tasks.max': 'two' }),
    (err: unknown) => {
      assert.ok(err instanceof ConnectError);
      assert.equal(err.status, 400);
      assert.match(err.message, /contains the following 2 error\(s\):/);
      assert.match(
        err.message,
        /\nInvalid value two for configuration tasks\.max: Not a number of type INT\n/,
      );
      assert.match(err.message, /\nMissing required configuration "topic" which has no default value\.\n/);
      return true;
    },
  );
  await assert.rejects(
    herder.createConnector('x', { 'connector.class': 'NoSuchConnector' }),
    /Failed to find any class that implements Connector/,
  );
  await assert.rejects(herder.createConnector('x', {}), /contains no connector type/);
  assert.deepEqual(herder.connectorNames(), []);
});

test('pause, resume, stop and delete move the connector through Kafka Connect states', async () => {
  const { herder, dir } = await start();
  const file = join(dir, 'in.txt');
  writeFileSync(file, 'a\n');
  await herder.createConnector('c', {
    'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
    file,
    topic: 't',
  });
  await herder.pauseConnector('c');
  assert.equal(herder.connectorStatus('c').connector.state, 'PAUSED');
  assert.deepEqual(
    herder.connectorStatus('c').tasks.map((t) => t.state),
    ['PAUSED'],
  );
  await herder.resumeConnector('c');
  assert.equal(herder.connectorStatus('c').connector.state, 'RUNNING');
  await herder.stopConnector('c');
  assert.equal(herder.connectorStatus('c').connector.state, 'STOPPED');
  assert.deepEqual(herder.connectorStatus('c').tasks, []);
  await herder.resumeConnector('c');
  assert.equal(herder.connectorStatus('c').connector.state, 'RUNNING');
  await herder.deleteConnector('c');
  assert.throws(() => herder.connectorStatus('c'), /No status found for connector c/);
  await assert.rejects(
    herder
      .createConnector('dup', { 'connector.class': 'FileStreamSource', file, topic: 't' })
      .then(() => herder.createConnector('dup', { 'connector.class': 'FileStreamSource', file, topic: 't' })),
    (err: unknown) => err instanceof ConnectError && err.status === 409,
  );
});

test('a sink connector writes a topic to a file and commits its group offsets', async () => {
  const { herder, log, dir } = await start();
  await log.createTopic('out');
  await log.append('out', [{ value: Buffer.from('x') }, { value: Buffer.from('y') }]);
  const file = join(dir, 'out.txt');
  await herder.createConnector('file-out', { 'connector.class': 'FileStreamSink', file, topics: 'out' });
  await until('two lines in the file', () => {
    try {
      return readFileSync(file, 'utf8') === 'x\ny\n';
    } catch {
      return false;
    }
  });
  await until('committed offsets', async () => {
    const o = await herder.connectorOffsets('file-out');
    return o.offsets.length === 1 && (o.offsets[0].offset as { kafka_offset: number }).kafka_offset === 2;
  });
  assert.deepEqual((await herder.connectorOffsets('file-out')).offsets[0].partition, {
    kafka_topic: 'out',
    kafka_partition: 0,
  });
});

test('offsets can be altered and reset only while the connector is stopped', async () => {
  const { herder, dir } = await start();
  const file = join(dir, 'in.txt');
  writeFileSync(file, 'a\nb\n');
  await herder.createConnector('c', { 'connector.class': 'FileStreamSource', file, topic: 't' });
  await assert.rejects(herder.alterOffsets('c', null), /must be in the STOPPED state/);
  await herder.stopConnector('c');
  assert.match(
    await herder.alterOffsets('c', [{ partition: { filename: file }, offset: { position: 2 } }]),
    /altered successfully/,
  );
  assert.deepEqual((await herder.connectorOffsets('c')).offsets, [
    { partition: { filename: file }, offset: { position: 2 } },
  ]);
  assert.match(await herder.alterOffsets('c', null), /reset successfully/);
  assert.deepEqual((await herder.connectorOffsets('c')).offsets, []);
});
