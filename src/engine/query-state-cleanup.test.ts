import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { refusal, startEngine } from './test-engine.fixture.js';

// TERMINATE and DROP of a stateful CTAS delete what its state stores left: the store files under
// ksql.streams.state.dir and the changelog topics.

const setup = `
  CREATE STREAM orders (id STRING KEY, item STRING) WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON', PARTITIONS=1);
  SET 'auto.offset.reset'='earliest';
  CREATE TABLE per_item AS SELECT item, COUNT(*) AS n FROM orders GROUP BY item;
  INSERT INTO orders (id, item) VALUES ('o1', 'pear');`;

const appDir = (dir: string) => join(dir, 'state', '_confluent-ksql-default_query_CTAS_PER_ITEM_1');
const changelogs = async (topics: Promise<string[]>) =>
  (await topics).filter((t) => t.endsWith('-changelog'));

test("TERMINATE of a GROUP BY query deletes its state directory and changelog topics; its table can't be pulled any more", async () => {
  const { engine, log, dir } = await startEngine();
  await engine.execute(setup);
  await engine.waitUntilIdle();
  assert.ok(existsSync(appDir(dir)), 'the query keeps its stores here');
  const pear = "SELECT * FROM per_item WHERE item = 'pear';";
  // Pulled before: the statement is prepared, and must not outlive the query it reads.
  const before = await engine.openQuery(pear);
  assert.equal(before.kind, 'pull');
  assert.deepEqual(await changelogs(log.listTopics()), [
    '_confluent-ksql-default_query_CTAS_PER_ITEM_1-Aggregate-Aggregate-Materialize-changelog',
  ]);
  await engine.execute('TERMINATE CTAS_PER_ITEM_1;');
  assert.equal(existsSync(appDir(dir)), false);
  assert.deepEqual(await changelogs(log.listTopics()), []);
  const refused = await refusal(engine.openQuery(pear));
  assert.match(refused.message, /The `PER_ITEM` table isn't queryable/);
});

test('DROP TABLE of a GROUP BY table stops its query and deletes its state and changelog topics', async () => {
  const { engine, log, dir } = await startEngine();
  await engine.execute(setup);
  await engine.waitUntilIdle();
  assert.ok(existsSync(appDir(dir)));
  await engine.execute('DROP TABLE per_item;');
  assert.equal(existsSync(appDir(dir)), false);
  assert.deepEqual(await changelogs(log.listTopics()), []);
});
