import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KsqlEngine } from './ksql-engine.js';
import { fieldsOf, refusal, startEngine } from './test-engine.fixture.js';

const setup = `
  CREATE STREAM src (id STRING KEY, v INT) WITH (KAFKA_TOPIC='src', VALUE_FORMAT='JSON', PARTITIONS=1);
  CREATE STREAM sink AS SELECT * FROM src;`;

async function queryIds(engine: KsqlEngine): Promise<string[]> {
  const [queries] = await engine.execute('SHOW QUERIES;');
  return (fieldsOf(queries).queries as { id: string }[]).map((q) => q.id);
}

test('DROP of a source written by its CREATE … AS SELECT query terminates the query and drops it', async () => {
  const { engine, log } = await startEngine();
  await engine.execute(setup);
  assert.equal((await queryIds(engine)).length, 1);
  const [dropped] = await engine.execute('DROP STREAM sink DELETE TOPIC;');
  assert.equal(
    (fieldsOf(dropped).commandStatus as { message: string }).message,
    'Source `SINK` (topic: SINK) was dropped.',
  );
  assert.deepEqual(await queryIds(engine), []);
  assert.equal(engine.metastore.get('SINK'), undefined);
  assert.equal(await log.hasTopic('SINK'), false);
  // Nothing reads src any more: it drops too.
  await engine.execute('DROP STREAM src;');
});

test('the drop and its terminated query stay so after a restart from the command topic', async () => {
  const first = await startEngine();
  await first.engine.execute(setup);
  await first.engine.execute('DROP STREAM sink;');
  await first.close();
  const again = await startEngine(first.dir);
  assert.deepEqual(await queryIds(again.engine), []);
  assert.equal(again.engine.metastore.get('SINK'), undefined);
  assert.ok(again.engine.metastore.get('SRC'));
  // The sink can be created again, with a new query.
  const [created] = await again.engine.execute('CREATE STREAM sink AS SELECT * FROM src;');
  assert.match((fieldsOf(created).commandStatus as { queryId: string }).queryId, /^CSAS_SINK_\d+$/);
  assert.equal((await queryIds(again.engine)).length, 1);
});

test('a source that a query-built stream reads cannot be dropped, even with that query terminated', async () => {
  const { engine } = await startEngine();
  await engine.execute(`${setup} CREATE STREAM other AS SELECT * FROM src;`);
  const err = await refusal(engine.execute('DROP STREAM src;'));
  assert.equal(err.errorCode, 40001);
  assert.equal(
    err.message,
    'Cannot drop SRC.\nThe following streams and/or tables read from this source: [OTHER, SINK].\nYou need to drop them before dropping SRC.',
  );
  await engine.execute('TERMINATE ALL;');
  await refusal(engine.execute('DROP STREAM src;'));
  const [described] = await engine.execute('DESCRIBE src EXTENDED;');
  assert.deepEqual(
    (fieldsOf(described).sourceDescription as { sourceConstraints: string[] }).sourceConstraints,
    ['OTHER', 'SINK'],
  );
  await engine.execute('DROP STREAM sink; DROP STREAM other; DROP STREAM src;');
});

test('INSERT INTO queries that read or write a source refuse its drop with the queries to terminate', async () => {
  const { engine } = await startEngine();
  await engine.execute(setup);
  await engine.execute(
    "CREATE STREAM more (id STRING KEY, v INT) WITH (KAFKA_TOPIC='more', VALUE_FORMAT='JSON', PARTITIONS=1);",
  );
  const [insert] = await engine.execute('INSERT INTO sink SELECT * FROM more;');
  const insertId = (fieldsOf(insert).commandStatus as { queryId: string }).queryId;
  const writing = await refusal(engine.execute('DROP STREAM sink;'));
  assert.equal(
    writing.message,
    `Cannot drop SINK.\nThe following queries read from this source: [].\nThe following queries write into this source: [${insertId}].\nYou need to terminate them before dropping SINK.`,
  );
  const reading = await refusal(engine.execute('DROP STREAM more;'));
  assert.equal(
    reading.message,
    `Cannot drop MORE.\nThe following queries read from this source: [${insertId}].\nThe following queries write into this source: [].\nYou need to terminate them before dropping MORE.`,
  );
  assert.equal((await queryIds(engine)).length, 2, 'a refused drop terminates nothing');
  await engine.execute(`TERMINATE ${insertId}; DROP STREAM sink; DROP STREAM more;`);
  assert.deepEqual(await queryIds(engine), []);
});
