import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refusal, startEngine } from './test-engine.fixture.js';

// A property a request sets must be one ksqlDB would take, so a typo is an error, not a silent no-op.

test('SET of an unknown property is refused with ksqlDB message, before anything of the request runs', async () => {
  const { engine, log } = await startEngine();
  const err = await refusal(
    engine.execute(
      "CREATE STREAM s (x INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON', PARTITIONS=1); SET 'auto.offset.rest' = 'earliest';",
    ),
  );
  assert.equal(err.errorCode, 40001);
  assert.equal(
    err.message,
    "Not recognizable as ksql, streams, consumer, or producer property: 'auto.offset.rest'",
  );
  assert.equal(await log.hasTopic('s'), false, 'the CREATE before it did not run');
});

test('values Sluice reads are checked: auto.offset.reset and the commit interval', async () => {
  const { engine } = await startEngine();
  const reset = await refusal(engine.execute("SET 'auto.offset.reset' = 'sometimes';"));
  assert.match(
    reset.message,
    /^Invalid value sometimes for configuration auto\.offset\.reset: String must be one of: earliest, latest$/,
  );
  const commit = await refusal(engine.execute("SET 'ksql.streams.commit.interval.ms' = 'soon';"));
  assert.match(commit.message, /Invalid value soon for configuration commit\.interval\.ms/);
});

test('streamsProperties of a request and of a push query are checked the same way', async () => {
  const { engine } = await startEngine();
  await engine.execute("CREATE STREAM s (x INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON', PARTITIONS=1);");
  const onKsql = await refusal(engine.execute('SHOW STREAMS;', { streamsProperties: { 'foo.bar': 1 } }));
  assert.match(onKsql.message, /Not recognizable .*'foo\.bar'/);
  const onQuery = await refusal(
    engine.openQuery('SELECT * FROM s EMIT CHANGES;', {
      streamsProperties: { 'consumer.max.pol.records': 5 },
    }),
  );
  assert.match(onQuery.message, /Not recognizable .*'consumer\.max\.pol\.records'/);
});

test('ksql, streams, consumer and producer properties, plain or prefixed, are taken', async () => {
  const { engine } = await startEngine();
  const script = [
    "SET 'auto.offset.reset' = 'earliest';",
    "SET 'ksql.streams.auto.offset.reset' = 'latest';",
    "SET 'processing.guarantee' = 'exactly_once_v2';",
    "SET 'cache.max.bytes.buffering' = '0';",
    "SET 'consumer.max.poll.records' = '10';",
    "SET 'producer.linger.ms' = '5';",
    "SET 'ksql.query.pull.table.scan.enabled' = 'true';",
    "UNSET 'auto.offset.reset';",
  ].join('\n');
  assert.deepEqual(await engine.execute(script), []);
});
