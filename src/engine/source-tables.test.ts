import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldsOf, readTopic, refusal, startEngine } from './test-engine.fixture.js';

const create = `CREATE SOURCE TABLE input (k INT PRIMARY KEY, text STRING)
  WITH (KAFKA_TOPIC='test_topic', VALUE_FORMAT='JSON', PARTITIONS=1);`;
const changelog = '_confluent-ksql-default_query_CST_INPUT_0-KsqlTopic-Reduce-changelog';

test('CREATE SOURCE TABLE starts CST_<NAME>_<n>, which materializes the topic into its store (upserts, deletes) until the table is dropped', async () => {
  const first = await startEngine();
  const [created] = await first.engine.execute(create);
  assert.match(JSON.stringify(fieldsOf(created).commandStatus), /Table created/);
  const query = first.engine.queries.get('CST_INPUT_0');
  assert.ok(query, 'the materializing query is registered');
  assert.equal(query.sink, 'INPUT');
  const json = (text: string) => Buffer.from(JSON.stringify({ TEXT: text }));
  const key = (k: number) => Buffer.from([0, 0, 0, k]);
  await first.log.append('test_topic', [
    { key: key(1), value: json('a1') },
    { key: key(2), value: json('a2') },
    { key: key(1), value: null },
    { key: null, value: json('dropped') },
  ]);
  // Caught up with the topic: every record above is in the store.
  while (!(await query.query.isIdle())) await new Promise((resolve) => setTimeout(resolve, 5));
  // The store's changelog holds what the store holds (a batch writes each key's last state once):
  // 1 upserted then deleted, 2 upserted; the keyless record is not a row.
  const records = await readTopic(first.log, changelog, 2);
  const rows = new Map<number, string | null>();
  for (const r of records) rows.set(r.key?.readInt32BE(0) ?? -1, r.value === null ? null : 'row');
  assert.deepEqual([...rows].sort(), [
    [1, null],
    [2, 'row'],
  ]);
  await first.close();

  // A restart replays the statement and resumes the same query from its committed offsets.
  const second = await startEngine(first.dir);
  assert.ok(second.engine.queries.get('CST_INPUT_0'));
  await second.engine.execute('DROP TABLE input;');
  assert.equal(second.engine.queries.get('CST_INPUT_0'), undefined, 'DROP stops the materialization');
});

test('a source table is read-only: INSERT, DELETE TOPIC and CREATE OR REPLACE are refused with ksqlDB’s messages', async () => {
  const { engine } = await startEngine();
  await engine.execute(`${create}
    CREATE SOURCE TABLE input2 (k INT PRIMARY KEY, text STRING) WITH (KAFKA_TOPIC='test_topic', VALUE_FORMAT='JSON');`);
  const refused = async (sql: string) => (await refusal(engine.execute(sql))).message;
  assert.match(
    await refused("INSERT INTO input VALUES (1, 'b');"),
    /Cannot insert values into read-only table: INPUT/,
  );
  assert.match(
    await refused('INSERT INTO input SELECT * FROM input2;'),
    /INSERT INTO can only be used to insert into a stream\. INPUT is a table\./,
  );
  assert.match(
    await refused('DROP TABLE input DELETE TOPIC;'),
    /Cannot delete topic for read-only source: INPUT/,
  );
  for (const replace of [
    "CREATE OR REPLACE SOURCE TABLE input (k INT PRIMARY KEY, text STRING) WITH (KAFKA_TOPIC='test_topic', VALUE_FORMAT='JSON');",
    "CREATE OR REPLACE TABLE input (k INT PRIMARY KEY, text STRING) WITH (KAFKA_TOPIC='test_topic', VALUE_FORMAT='JSON');",
  ])
    assert.match(
      await refused(replace),
      /Cannot add table 'INPUT': CREATE OR REPLACE is not supported on source tables\./,
    );
});
