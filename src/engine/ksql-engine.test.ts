import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { loadServerConfig } from '../config/index.js';
import { SegmentLog } from '../log/index.js';
import type { Entity } from './entities.js';
import { KsqlEngine, KsqlRequestError } from './ksql-engine.js';
import { fieldsOf } from './test-engine.fixture.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function startEngine(dataDir?: string, flags: Record<string, string> = {}) {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'sluice-engine-'));
  if (dataDir === undefined) cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const log = await SegmentLog.open({ dataDir: dir, cleanerIntervalMs: 0 });
  cleanup.push(() => log.close());
  const config = loadServerConfig({ flags, env: {} });
  const engine = await KsqlEngine.start(log, config);
  return { engine, log, dir };
}

async function failure(promise: Promise<unknown>): Promise<KsqlRequestError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof KsqlRequestError, String(err));
    return err;
  }
  assert.fail('expected the request to fail');
}

const pageviews =
  "CREATE STREAM pageviews (user_id VARCHAR KEY, page STRING, ms BIGINT) WITH (KAFKA_TOPIC='pageviews', VALUE_FORMAT='JSON', PARTITIONS=3);";

test('CREATE STREAM creates the topic when PARTITIONS is given and answers with currentStatus', async () => {
  const { engine, log } = await startEngine();
  const [status] = await engine.execute(pageviews);
  assert.equal(status['@type'], 'currentStatus');
  assert.equal(status.commandId, 'stream/`PAGEVIEWS`/create');
  assert.deepEqual(status.commandStatus, { status: 'SUCCESS', message: 'Stream created' });
  assert.equal(typeof status.commandSequenceNumber, 'number');
  assert.equal((await log.describeTopic('pageviews')).partitions.length, 3);
  const source = engine.metastore.require('PAGEVIEWS');
  assert.deepEqual(
    source.columns.map((c) => [c.name, c.namespace, c.type.kind]),
    [
      ['USER_ID', 'KEY', 'STRING'],
      ['PAGE', 'VALUE', 'STRING'],
      ['MS', 'VALUE', 'BIGINT'],
    ],
  );
  assert.equal(source.keyFormat, 'KAFKA');
  assert.equal(source.valueFormat, 'JSON');
});

test('SHOW STREAMS, SHOW TOPICS and DESCRIBE answer in ksqlDB shapes', async () => {
  const { engine } = await startEngine();
  await engine.execute(pageviews);
  const [streams, topics, described] = await engine.execute('SHOW STREAMS; LIST TOPICS; DESCRIBE pageviews;');
  assert.equal(streams['@type'], 'streams');
  assert.deepEqual(streams.streams, [
    {
      type: 'STREAM',
      name: 'PAGEVIEWS',
      topic: 'pageviews',
      keyFormat: 'KAFKA',
      valueFormat: 'JSON',
      isWindowed: false,
    },
  ]);
  assert.equal(topics['@type'], 'kafka_topics');
  const listed = topics.topics as { name: string; replicaInfo: number[] }[];
  assert.deepEqual(
    listed.find((t) => t.name === 'pageviews'),
    { name: 'pageviews', replicaInfo: [1, 1, 1] },
  );
  assert.ok(!listed.some((t) => t.name.startsWith('_confluent-ksql') || t.name === '__consumer_offsets'));
  const d = (described as Entity & { sourceDescription: Record<string, unknown> }).sourceDescription;
  assert.equal(d.name, 'PAGEVIEWS');
  assert.equal(d.type, 'STREAM');
  assert.equal(d.partitions, 3);
  assert.deepEqual(d.fields, [
    { name: 'USER_ID', schema: { type: 'STRING', fields: null, memberSchema: null }, type: 'KEY' },
    { name: 'PAGE', schema: { type: 'STRING', fields: null, memberSchema: null } },
    { name: 'MS', schema: { type: 'BIGINT', fields: null, memberSchema: null } },
  ]);
  assert.equal(d.statement, pageviews);
});

test('a request with a failing statement is refused whole: the statements before it leave no trace', async () => {
  const { engine, log } = await startEngine();
  const err = await failure(
    engine.execute(
      `${pageviews}\nCREATE STREAM bad (a INT) WITH (KAFKA_TOPIC='missing', VALUE_FORMAT='JSON');\nSHOW STREAMS;`,
    ),
  );
  assert.equal(err.errorCode, 40001);
  assert.match(err.message, /Topic 'missing' does not exist.*PARTITIONS/s);
  assert.match(err.statementText, /CREATE STREAM bad/);
  assert.deepEqual(err.entities, []);
  assert.equal(engine.metastore.get('PAGEVIEWS'), undefined, 'the first statement did not run');
  assert.equal(await log.hasTopic('pageviews'), false);
  assert.equal(engine.metastore.get('BAD'), undefined);
});

test('a syntax error anywhere runs nothing and names line, column and the token', async () => {
  const { engine } = await startEngine();
  const err = await failure(engine.execute(`${pageviews}\nCREATE STREM x (a INT);`));
  assert.equal(err.errorCode, 40001);
  assert.match(err.message, /line 2:8/);
  assert.equal(engine.metastore.get('PAGEVIEWS'), undefined);
});

test('DDL checks follow ksqlDB: missing VALUE_FORMAT, tables need PRIMARY KEY, reserved names, unknown WITH keys', async () => {
  const { engine } = await startEngine();
  const cases: [string, RegExp][] = [
    ["CREATE STREAM s (a INT) WITH (KAFKA_TOPIC='t', PARTITIONS=1);", /missing the 'VALUE_FORMAT' property/],
    [
      "CREATE TABLE t (a INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', PARTITIONS=1);",
      /Tables require a PRIMARY KEY/,
    ],
    [
      "CREATE STREAM s (rowtime BIGINT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', PARTITIONS=1);",
      /'ROWTIME' is a reserved column name/,
    ],
    [
      "CREATE STREAM s (a INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', FOO=1);",
      /Invalid config variable\(s\) in the WITH clause: FOO/,
    ],
    [
      "CREATE STREAM s (a INT PRIMARY KEY) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', PARTITIONS=1);",
      /please use 'KEY' for streams/,
    ],
    [
      "CREATE STREAM s (a INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='PROTOBUF', WRAP_SINGLE_VALUE=false, PARTITIONS=1);",
      /Format 'PROTOBUF' does not support 'WRAP_SINGLE_VALUE' set to 'false'\./,
    ],
    [
      "CREATE STREAM s (a MAP<INT, STRING>) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='PROTOBUF_NOSR', PARTITIONS=1);",
      /Value format does not support schema\.\nformat: PROTOBUF_NOSR[\s\S]*PROTOBUF format only supports MAP types with STRING keys/,
    ],
    [
      "CREATE STREAM s (a INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='PROTOBUF_NOSR', VALUE_PROTOBUF_NULLABLE_REPRESENTATION='maybe', PARTITIONS=1);",
      /Invalid value maybe for configuration VALUE_PROTOBUF_NULLABLE_REPRESENTATION: String must be one of: OPTIONAL, WRAPPER/,
    ],
    [
      "CREATE STREAM s (a INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', VALUE_PROTOBUF_NULLABLE_REPRESENTATION='WRAPPER', PARTITIONS=1);",
      /JSON does not support the following configs: \[VALUE_PROTOBUF_NULLABLE_REPRESENTATION\]/,
    ],
    [
      "CREATE STREAM s (a INT) WITH (VALUE_FORMAT='JSON', PARTITIONS=1);",
      /Missing required property "KAFKA_TOPIC"/,
    ],
  ];
  for (const [sql, expected] of cases) {
    const err = await failure(engine.execute(sql));
    assert.match(err.message, expected, sql);
  }
});

test('the metastore is rebuilt from the command topic after a restart', async () => {
  const first = await startEngine();
  await first.engine.execute(
    `${pageviews} CREATE TYPE address AS STRUCT<street STRING, zip INT>;
     CREATE TABLE users (id STRING PRIMARY KEY, home address) WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON', PARTITIONS=1);
     CREATE STREAM gone (a INT) WITH (KAFKA_TOPIC='gone', VALUE_FORMAT='JSON', PARTITIONS=1);
     DROP STREAM gone DELETE TOPIC;`,
  );
  assert.equal(await first.log.hasTopic('gone'), false);
  await first.log.close();
  const log = await SegmentLog.open({ dataDir: first.dir, cleanerIntervalMs: 0 });
  cleanup.push(() => log.close());
  const engine = await KsqlEngine.start(log, loadServerConfig({ env: {} }));
  assert.deepEqual(
    engine.metastore.all().map((s) => s.name),
    ['PAGEVIEWS', 'USERS'],
  );
  const users = engine.metastore.require('USERS');
  assert.equal(users.columns[1].type.kind, 'STRUCT');
  assert.ok(engine.metastore.types.has('ADDRESS'));
});

test('IF NOT EXISTS and IF EXISTS succeed quietly; without them a clash is an error', async () => {
  const { engine } = await startEngine();
  await engine.execute(pageviews);
  const [again] = await engine.execute(pageviews.replace('CREATE STREAM', 'CREATE STREAM IF NOT EXISTS'));
  assert.match(String((fieldsOf(again).commandStatus as { message: string }).message), /already exists/);
  const clash = await failure(engine.execute(pageviews));
  assert.match(clash.message, /Cannot add stream 'PAGEVIEWS': A stream with the same name already exists/);
  const [dropped] = await engine.execute('DROP STREAM IF EXISTS nothing;');
  assert.match(String((fieldsOf(dropped).commandStatus as { message: string }).message), /does not exist/);
  const wrongKind = await failure(engine.execute('DROP TABLE pageviews;'));
  assert.match(wrongKind.message, /Use DROP STREAM/);
});

test('SELECT and PRINT sent to /ksql are refused with 40002 as in ksqlDB', async () => {
  const { engine } = await startEngine();
  await engine.execute(pageviews);
  const err = await failure(engine.execute('SELECT * FROM pageviews EMIT CHANGES;'));
  assert.equal(err.errorCode, 40002);
  assert.match(err.message, /should be issued to the websocket endpoint '\/query'/);
});

test('SET applies to later statements of the request; DEFINE substitutes variables', async () => {
  const { engine } = await startEngine();
  const entities = await engine.execute(
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ${t} is ksqlDB variable syntax, not a template
    "SET 'ksql.persistence.default.format.value'='JSON'; DEFINE t = 'events'; CREATE STREAM ev (a INT) WITH (KAFKA_TOPIC='${t}', PARTITIONS=1); SHOW PROPERTIES;",
  );
  assert.equal(entities.length, 2);
  assert.equal(engine.metastore.require('EV').topic, 'events');
  const props = entities[1] as Entity & {
    properties: { name: string; value: string }[];
    overwrittenProperties: string[];
  };
  assert.ok(props.overwrittenProperties.includes('ksql.persistence.default.format.value'));
});
