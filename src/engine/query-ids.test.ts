import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Entity } from './entities.js';
import type { KsqlEngine } from './ksql-engine.js';
import { fieldsOf, startEngine } from './test-engine.fixture.js';

const source =
  "CREATE STREAM src (id STRING KEY, v INT) WITH (KAFKA_TOPIC='src', VALUE_FORMAT='JSON', PARTITIONS=1);";

async function queryIds(engine: KsqlEngine): Promise<string[]> {
  const [queries] = await engine.execute('SHOW QUERIES;');
  return (fieldsOf(queries).queries as { id: string }[]).map((q) => q.id);
}

function queryIdOf(status: Entity): string {
  return (fieldsOf(status).commandStatus as { queryId: string }).queryId;
}

test('query ids are built as ksqlDB builds them: prefix, sink upper-cased, command offset', async () => {
  const { engine } = await startEngine();
  await engine.execute(source);
  const [csas] = await engine.execute('CREATE STREAM "lower_sink" AS SELECT * FROM src;');
  const n = fieldsOf(csas).commandSequenceNumber as number;
  assert.equal(queryIdOf(csas), `CSAS_LOWER_SINK_${n}`);
  assert.equal(
    (fieldsOf(csas).commandStatus as { message: string }).message,
    `Created query with ID CSAS_LOWER_SINK_${n}`,
  );
  await engine.execute(
    "CREATE TABLE t (id STRING PRIMARY KEY, v INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', PARTITIONS=1);",
  );
  const [ctas] = await engine.execute('CREATE TABLE "Totals" AS SELECT * FROM t;');
  assert.equal(queryIdOf(ctas), `CTAS_TOTALS_${fieldsOf(ctas).commandSequenceNumber}`);
  const [insert] = await engine.execute('INSERT INTO "lower_sink" SELECT * FROM src;');
  assert.equal(queryIdOf(insert), `INSERTQUERY_${fieldsOf(insert).commandSequenceNumber}`);
});

test('TERMINATE and EXPLAIN take a query id in any case', async () => {
  const { engine } = await startEngine();
  await engine.execute(source);
  const [csas] = await engine.execute('CREATE STREAM "lower_sink" AS SELECT * FROM src;');
  const id = queryIdOf(csas);
  const [explained] = await engine.execute(`EXPLAIN "${id.toLowerCase()}";`);
  assert.equal((fieldsOf(explained).queryDescription as { id: string }).id, id);
  const [plain] = await engine.execute(`EXPLAIN ${id.toLowerCase()};`);
  assert.equal((fieldsOf(plain).queryDescription as { id: string }).id, id);
  await engine.execute(`TERMINATE "${id.toLowerCase().replace('csas', 'Csas')}";`);
  const [queries] = await engine.execute('SHOW QUERIES;');
  assert.deepEqual(fieldsOf(queries).queries, []);
});

test('a query persisted under its old mixed-case id resumes from the offsets of its old consumer group', async () => {
  const first = await startEngine();
  await first.engine.execute(source);
  await first.engine.execute(`
    INSERT INTO src (id, v) VALUES ('a', 1);
    INSERT INTO src (id, v) VALUES ('b', 2);
    INSERT INTO src (id, v) VALUES ('c', 3);`);
  // The next command's offset is the query's N; its group under the id Sluice used to build.
  const n = await first.log.endOffset(first.engine.commandTopic, 0);
  await first.log.commitOffsets(`_confluent-ksql-default_query_CSAS_lower_sink_${n}`, [
    { topic: 'src', partition: 0, offset: 2 },
  ]);
  const [csas] = await first.engine.execute(
    "SET 'auto.offset.reset'='earliest'; CREATE STREAM \"lower_sink\" AS SELECT * FROM src;",
  );
  assert.equal(queryIdOf(csas), `CSAS_LOWER_SINK_${n}`);
  await first.engine.waitUntilIdle();
  const keys: string[] = [];
  let offset = 0;
  while (offset < (await first.log.endOffset('lower_sink', 0))) {
    const r = await first.log.read('lower_sink', 0, offset);
    keys.push(...r.records.map((x) => x.key!.toString()));
    offset = r.nextOffset;
  }
  assert.deepEqual(keys, ['c'], 'only what the old group had not committed');
});

test("N follows ksqlDB's query id counter: a TERMINATE moves no counter, and a restart rebuilds the same ids", async () => {
  const first = await startEngine();
  await first.engine.execute(source);
  const [b] = await first.engine.execute('CREATE STREAM b AS SELECT * FROM src;');
  const bId = queryIdOf(b);
  assert.equal(bId, `CSAS_B_${fieldsOf(b).commandSequenceNumber}`);
  const [terminated] = await first.engine.execute(`TERMINATE ${bId};`);
  const [c] = await first.engine.execute('CREATE STREAM c AS SELECT * FROM src;');
  // ksqlDB sets its generator to one past each planned command; TERMINATE has no plan.
  assert.equal(fieldsOf(c).commandSequenceNumber, (fieldsOf(terminated).commandSequenceNumber as number) + 1);
  assert.equal(queryIdOf(c), `CSAS_C_${fieldsOf(terminated).commandSequenceNumber}`);
  const [insert] = await first.engine.execute('INSERT INTO c SELECT * FROM src;');
  assert.equal(queryIdOf(insert), `INSERTQUERY_${fieldsOf(insert).commandSequenceNumber}`);
  // Validating a request numbers its queries the same way, so a TERMINATE later in it finds them.
  const n = await first.log.endOffset(first.engine.commandTopic, 0);
  await first.engine.execute(
    `TERMINATE ${queryIdOf(insert)}; CREATE STREAM d AS SELECT * FROM src; TERMINATE CSAS_D_${n};`,
  );
  const before = (await queryIds(first.engine)).sort();
  await first.close();
  const again = await startEngine(first.dir);
  assert.deepEqual((await queryIds(again.engine)).sort(), before);
  assert.deepEqual(before, [queryIdOf(c)]);
});

test('a query whose id a TERMINATE before it now changes resumes from the group of its older id', async () => {
  const first = await startEngine();
  await first.engine.execute(source);
  await first.engine.execute(
    "INSERT INTO src (id, v) VALUES ('a', 1); INSERT INTO src (id, v) VALUES ('b', 2);",
  );
  const [b] = await first.engine.execute('CREATE STREAM b AS SELECT * FROM src;');
  await first.engine.execute(`TERMINATE ${queryIdOf(b)};`);
  // Older Sluice named the next query after its own offset; its group holds the committed offsets.
  const own = await first.log.endOffset(first.engine.commandTopic, 0);
  await first.log.commitOffsets(`_confluent-ksql-default_query_CSAS_C_${own}`, [
    { topic: 'src', partition: 0, offset: 1 },
  ]);
  const [c] = await first.engine.execute(
    "SET 'auto.offset.reset'='earliest'; CREATE STREAM c AS SELECT * FROM src;",
  );
  assert.equal(queryIdOf(c), `CSAS_C_${own - 1}`);
  await first.engine.waitUntilIdle();
  const { records } = await first.log.read('C', 0, 0);
  assert.deepEqual(
    records.map((r) => r.key!.toString()),
    ['b'],
    'only what the older group had not committed',
  );
});
