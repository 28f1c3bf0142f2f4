import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SegmentLog } from '../log/index.js';
import { fieldsOf, startEngine } from './test-engine.fixture.js';

test('a data dir whose command topic was deleted behind its back does not start empty unless told to', async () => {
  const first = await startEngine();
  await first.engine.execute(
    "CREATE STREAM s (x INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON', PARTITIONS=1);",
  );
  await first.close();
  const log = await SegmentLog.open({ dataDir: first.dir, cleanerIntervalMs: 0 });
  await log.deleteTopic('_confluent-ksql-default__command_topic');
  await log.close();

  await assert.rejects(startEngine(first.dir), {
    message:
      /^The command topic _confluent-ksql-default__command_topic is missing, .*processing log default_ksql_processing_log is here.*sluice\.allow\.missing\.command\.topic=true/,
  });
  const empty = await startEngine(first.dir, { 'sluice.allow.missing.command.topic': 'true' });
  const [streams] = await empty.engine.execute('SHOW STREAMS;');
  assert.deepEqual(
    (fieldsOf(streams).streams as { name: string }[]).map((s) => s.name),
    [],
    'started empty, as asked',
  );
  await empty.close();
  // The command topic exists again, so later starts need no setting.
  await (await startEngine(first.dir)).close();
});

test('a fresh data dir starts without the setting', async () => {
  const fresh = await startEngine();
  assert.ok(await fresh.log.hasTopic('_confluent-ksql-default__command_topic'));
});
