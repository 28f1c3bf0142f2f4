import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serializeTimeWindowedKey } from '../runtime/index.js';
import { fieldsOf, refusal, startEngine } from './test-engine.fixture.js';

test('a windowed aggregate’s table is a windowed source, and a push query over it shows each key’s window', async () => {
  const { engine, log } = await startEngine();
  await engine.execute(`
    CREATE STREAM clicks (id STRING KEY, page STRING) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=1);
    SET 'auto.offset.reset'='earliest';
    CREATE TABLE per_page WITH (KAFKA_TOPIC='per_page') AS
      SELECT page, COUNT(*) AS n FROM clicks WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY page;`);
  const [tables] = await engine.execute('SHOW TABLES;');
  assert.deepEqual(
    (fieldsOf(tables).tables as { name: string; isWindowed: boolean }[]).map((t) => [t.name, t.isWindowed]),
    [['PER_PAGE', true]],
  );
  const [described] = await engine.execute('DESCRIBE per_page;');
  assert.equal((fieldsOf(described).sourceDescription as { windowType: string }).windowType, 'TUMBLING');

  const handle = await engine.pushQuery('SELECT * FROM per_page EMIT CHANGES LIMIT 2;', {
    streamsProperties: { 'auto.offset.reset': 'earliest' },
  });
  assert.deepEqual(handle.columnNames, ['PAGE', 'WINDOWSTART', 'WINDOWEND', 'N']);
  const rows: unknown[][] = [];
  const reading = (async () => {
    for await (const batch of handle.rows) rows.push(...batch.rows);
  })();
  await log.append('clicks', [
    { key: Buffer.from('u1'), value: Buffer.from('{"PAGE":"home"}'), timestamp: 12_000 },
    { key: Buffer.from('u2'), value: Buffer.from('{"PAGE":"home"}'), timestamp: 25_000 },
  ]);
  await reading;
  handle.close();
  assert.deepEqual(rows, [
    ['home', 10_000n, 20_000n, 1n],
    ['home', 20_000n, 30_000n, 1n],
  ]);
});

test('WINDOW_TYPE and WINDOW_SIZE declare a windowed source, checked as ksqlDB checks them; WHERE may read its window', async () => {
  const { engine, log } = await startEngine();
  await engine.execute(
    "CREATE TABLE counts (id STRING PRIMARY KEY, n BIGINT) WITH (KAFKA_TOPIC='counts', VALUE_FORMAT='JSON', PARTITIONS=1, WINDOW_TYPE='hopping', WINDOW_SIZE='10 SECONDS');",
  );
  const refused = async (sql: string) => (await refusal(engine.execute(sql))).message;
  assert.match(
    await refused(
      "CREATE TABLE s (id STRING PRIMARY KEY, n BIGINT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON', PARTITIONS=1, WINDOW_TYPE='SESSION', WINDOW_SIZE='1 SECOND');",
    ),
    /'WINDOW_SIZE' should not be set for SESSION windows\./,
  );
  assert.match(
    await refused(
      "CREATE TABLE t (id STRING PRIMARY KEY, n BIGINT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', PARTITIONS=1, WINDOW_TYPE='TUMBLING');",
    ),
    /Tumbling and Hopping window types should set WINDOW_SIZE in the WITH clause\./,
  );
  assert.match(
    await refused('CREATE TABLE c2 AS SELECT * FROM counts;'),
    /KSQL does not support persistent queries on windowed tables\./,
  );
  await engine.execute(
    "CREATE STREAM hits (id STRING KEY, n BIGINT) WITH (KAFKA_TOPIC='hits', VALUE_FORMAT='JSON', PARTITIONS=1, WINDOW_TYPE='SESSION');",
  );
  await engine.execute(
    "CREATE TABLE names (id STRING PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='names', VALUE_FORMAT='JSON', PARTITIONS=1);",
  );
  assert.match(
    await refused('CREATE STREAM j AS SELECT h.id, h.n, t.name FROM hits h JOIN names t ON h.id = t.id;'),
    /Can not join windowed source to non-windowed source\./,
  );

  const handle = await engine.pushQuery(
    'SELECT id, n FROM counts WHERE WINDOWSTART >= 5000 EMIT CHANGES LIMIT 1;',
    {
      streamsProperties: { 'auto.offset.reset': 'earliest' },
    },
  );
  const rows: unknown[][] = [];
  const reading = (async () => {
    for await (const batch of handle.rows) rows.push(...batch.rows);
  })();
  await log.append('counts', [
    { key: serializeTimeWindowedKey(Buffer.from('a'), 0), value: Buffer.from('{"N":1}') },
    { key: serializeTimeWindowedKey(Buffer.from('b'), 5000), value: Buffer.from('{"N":2}') },
  ]);
  await reading;
  handle.close();
  assert.deepEqual(rows, [['b', 2n]]);
});

test('GROUP BY on a windowed stream is refused as ksqlDB refuses it: exactly its key (no re-key needed, but a windowed key) with its own message, anything else as a re-key', async () => {
  const { engine } = await startEngine();
  await engine.execute(
    "CREATE STREAM hits (id STRING KEY, page STRING) WITH (KAFKA_TOPIC='hits', VALUE_FORMAT='JSON', PARTITIONS=1, WINDOW_TYPE='TUMBLING', WINDOW_SIZE='1 MINUTE');",
  );
  const refused = async (sql: string) => {
    const error = await refusal(engine.execute(sql));
    return `${error.errorCode} ${error.message}`;
  };
  for (const sql of [
    'CREATE TABLE per_id AS SELECT id, COUNT(*) AS n FROM hits GROUP BY id;',
    'CREATE TABLE per_id AS SELECT h.id, COUNT(*) AS n FROM hits h GROUP BY h.id;',
    'CREATE TABLE per_id AS SELECT id, COUNT(*) AS n FROM hits WINDOW TUMBLING (SIZE 1 HOUR) GROUP BY id;',
  ])
    assert.equal(await refused(sql), '40001 Group by on windowed should always require rekey', sql);
  await assert.rejects(
    engine.pushQuery('SELECT id, COUNT(*) FROM hits GROUP BY id EMIT CHANGES;', {}),
    /Group by on windowed should always require rekey/,
  );
  for (const sql of [
    'CREATE TABLE per_page AS SELECT page, COUNT(*) AS n FROM hits GROUP BY page;',
    'CREATE TABLE per_two AS SELECT id, page, COUNT(*) AS n FROM hits GROUP BY id, page;',
    'CREATE STREAM by_page AS SELECT * FROM hits PARTITION BY page;',
  ])
    assert.match(await refused(sql), /Implicit repartitioning of windowed sources is not supported\./, sql);
});
