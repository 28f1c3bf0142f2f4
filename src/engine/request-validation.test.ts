import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KsqlEngine } from './ksql-engine.js';
import { fieldsOf, refusal, startEngine } from './test-engine.fixture.js';

async function queryIds(engine: KsqlEngine): Promise<string[]> {
  const [queries] = await engine.execute('SHOW QUERIES;');
  return (fieldsOf(queries).queries as { id: string }[]).map((q) => q.id);
}

test('when statement 3 fails, statements 1 and 2 leave no metastore entry, topic, command, query or record', async () => {
  const { engine, log } = await startEngine();
  const before = await log.endOffset(engine.commandTopic, 0);
  const third = 'CREATE STREAM c AS SELECT id, nope FROM b;';
  const err = await refusal(
    engine.execute(
      "CREATE STREAM a (id STRING KEY, v INT) WITH (KAFKA_TOPIC='a', VALUE_FORMAT='JSON', PARTITIONS=2);\n" +
        "INSERT INTO a (id, v) VALUES ('k', 1);\n" +
        'CREATE STREAM b AS SELECT * FROM a WHERE v > 0;\n' +
        third,
    ),
  );
  // ksqlDB's answer to a request that fails validation: the failing statement, no entities.
  assert.equal(err.errorCode, 40001);
  assert.equal(err.statementText, third);
  assert.match(err.message, /Column 'NOPE' cannot be resolved/);
  assert.deepEqual(err.entities, []);
  assert.equal(engine.metastore.get('A'), undefined);
  assert.equal(engine.metastore.get('B'), undefined);
  assert.equal(await log.hasTopic('a'), false);
  assert.equal(await log.hasTopic('B'), false);
  assert.equal(await log.endOffset(engine.commandTopic, 0), before, 'no command written');
  assert.deepEqual(await queryIds(engine), []);
});

test('statements validate against what the earlier ones of the request create', async () => {
  const { engine, log } = await startEngine();
  const entities = await engine.execute(`
    CREATE STREAM a (id STRING KEY, v INT) WITH (KAFKA_TOPIC='a', VALUE_FORMAT='JSON', PARTITIONS=1);
    CREATE STREAM b AS SELECT * FROM a WHERE v > 0;
    CREATE STREAM c WITH (KAFKA_TOPIC='B', VALUE_FORMAT='JSON') AS SELECT * FROM b;
    CREATE STREAM over_b (id STRING KEY, v INT) WITH (KAFKA_TOPIC='B', VALUE_FORMAT='JSON');
    INSERT INTO a (id, v) VALUES ('k', 1);
    DESCRIBE b EXTENDED;`);
  assert.equal(entities.length, 5);
  assert.ok(await log.hasTopic('B'));
  assert.equal((await queryIds(engine)).length, 2);
});

test('a query created earlier in the request can be terminated and its sink dropped in the same request', async () => {
  const { engine, log } = await startEngine();
  await engine.execute(
    "CREATE STREAM a (id STRING KEY, v INT) WITH (KAFKA_TOPIC='a', VALUE_FORMAT='JSON', PARTITIONS=1);",
  );
  // The sandbox numbers commands as the command topic will, so the id is known in advance.
  const n = await log.endOffset(engine.commandTopic, 0);
  const entities = await engine.execute(
    `CREATE STREAM b AS SELECT * FROM a; TERMINATE CSAS_B_${n}; DROP STREAM b DELETE TOPIC;`,
  );
  assert.equal(entities.length, 3);
  assert.deepEqual(await queryIds(engine), []);
  assert.equal(await log.hasTopic('B'), false);
});

test('validation stops no running query and deletes no topic when the request fails after a TERMINATE or DROP', async () => {
  const { engine, log } = await startEngine();
  await engine.execute(`
    CREATE STREAM a (id STRING KEY, v INT) WITH (KAFKA_TOPIC='a', VALUE_FORMAT='JSON', PARTITIONS=1);
    SET 'auto.offset.reset'='earliest';
    CREATE STREAM b AS SELECT * FROM a;`);
  const [id] = await queryIds(engine);
  await refusal(engine.execute(`TERMINATE ${id}; DROP STREAM b DELETE TOPIC; DROP STREAM nowhere;`));
  assert.deepEqual(await queryIds(engine), [id]);
  assert.ok(engine.metastore.get('B'));
  assert.ok(await log.hasTopic('B'));
  // The query still runs: a new record reaches its sink.
  await engine.execute("INSERT INTO a (id, v) VALUES ('k', 1);");
  await engine.waitUntilIdle();
  assert.equal(await log.endOffset('B', 0), 1);
});

test('a request that fails leaves nothing to replay: a restart rebuilds only what succeeded', async () => {
  const first = await startEngine();
  await first.engine.execute(
    "CREATE STREAM a (id STRING KEY, v INT) WITH (KAFKA_TOPIC='a', VALUE_FORMAT='JSON', PARTITIONS=1);",
  );
  await refusal(
    first.engine.execute('CREATE STREAM b AS SELECT * FROM a; CREATE STREAM b AS SELECT * FROM a;'),
  );
  await first.close();
  const again = await startEngine(first.dir);
  assert.ok(again.engine.metastore.get('A'));
  assert.equal(again.engine.metastore.get('B'), undefined);
  assert.deepEqual(await queryIds(again.engine), []);
});

test('a type created earlier in the request is known to the statements after it, and one dropped is not', async () => {
  const { engine } = await startEngine();
  const entities = await engine.execute(`
    CREATE TYPE address AS STRUCT<street STRING, city STRING>;
    CREATE STREAM people (id STRING KEY, home address) WITH (KAFKA_TOPIC='people', VALUE_FORMAT='JSON', PARTITIONS=1);`);
  assert.equal(entities.length, 2);
  const err = await refusal(
    engine.execute(`
      DROP TYPE address;
      CREATE STREAM more_people (id STRING KEY, home address) WITH (KAFKA_TOPIC='more', VALUE_FORMAT='JSON', PARTITIONS=1);`),
  );
  assert.match(err.message, /ADDRESS/);
  assert.ok(engine.metastore.types.has('ADDRESS'), 'the DROP TYPE of the refused request did not run');
});
