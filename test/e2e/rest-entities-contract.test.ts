import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { RunningServer } from '../../src/app/index.js';
import { jacksonPretty } from '../../src/cli/shell/jackson-json.js';
import { KsqlClient, ServerError } from '../../src/cli/shell/ksql-client.js';
import { renderEntity } from '../../src/cli/shell/render-entity.js';
import {
  isKnownEntity,
  isKsqlErrorBody,
  isQueryStreamHeader,
  KSQL_ENTITY_TYPES,
  type KsqlEntity,
  type KsqlEntityType,
  type StreamedRow,
} from '../../src/rest-model/index.js';
import { serverForTests } from '../../src/server/test-server.fixture.js';

/*
 * The contract between the server and the CLI: every statement kind goes through the real server
 * over HTTP and the CLI's client, and every entity that comes back is one of the REST model's types,
 * drawn by the renderer's typed switch (not its JSON fallback for other servers' entities). Between
 * them the statements produce every entity type of the model.
 */

let server: RunningServer;
serverForTests({}, (s) => {
  server = s;
});
const dir = mkdtempSync(join(tmpdir(), 'sluice-entities-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const scope = { properties: {}, variables: {} };
const seen = new Set<KsqlEntityType>();

/** Runs statements through the CLI's client and renders each answer as the shell does. */
async function run(client: KsqlClient, ksql: string): Promise<KsqlEntity[]> {
  const entities = await client.execute(ksql, scope);
  const known: KsqlEntity[] = [];
  for (const e of entities) {
    assert.ok(isKnownEntity(e), `${ksql} answered an entity the REST model lacks: ${JSON.stringify(e)}`);
    const text = renderEntity(e, { width: 120 });
    assert.notEqual(text, `${jacksonPretty(e)}\n`, `${e['@type']} is drawn as JSON`);
    assert.doesNotMatch(text, /^\s*[{[]/, `${e['@type']} is drawn as JSON: ${text}`);
    assert.ok(text.trim().length > 0, `${e['@type']} is drawn as nothing`);
    seen.add(e['@type']);
    known.push(e);
  }
  return known;
}

function only<T extends KsqlEntityType>(entities: readonly KsqlEntity[], type: T) {
  assert.equal(entities.length, 1);
  const [e] = entities;
  assert.equal(e['@type'], type);
  return e as Extract<KsqlEntity, { '@type': T }>;
}

test('every statement kind answers entities of the REST model that the CLI draws without its JSON fallback', {
  timeout: 120_000,
}, async () => {
  const client = new KsqlClient(server.url);
  const input = join(dir, 'in.txt');
  writeFileSync(input, 'a\nb\n');

  await run(
    client,
    "CREATE STREAM orders (id INT KEY, item STRING) WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON', PARTITIONS=1);",
  );
  await run(
    client,
    "CREATE TABLE items (id INT PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='items', VALUE_FORMAT='JSON', PARTITIONS=1);",
  );
  await run(client, 'CREATE TYPE address AS STRUCT<street STRING, zip INT>;');
  const created = only(await run(client, 'CREATE STREAM big AS SELECT * FROM orders;'), 'currentStatus');
  const queryId = created.commandStatus.queryId ?? assert.fail('CREATE … AS SELECT names its query');
  for (const statement of [
    'SHOW STREAMS;',
    'SHOW TABLES;',
    'SHOW TOPICS;',
    'SHOW TOPICS EXTENDED;',
    'SHOW PROPERTIES;',
    'SHOW QUERIES;',
    'SHOW FUNCTIONS;',
    'SHOW TYPES;',
    "DEFINE who = 'me'; SHOW VARIABLES;",
    'DESCRIBE orders;',
    'DESCRIBE items EXTENDED;',
    'DESCRIBE STREAMS;',
    'DESCRIBE FUNCTION ucase;',
    `EXPLAIN ${queryId};`,
    'EXPLAIN SELECT * FROM orders EMIT CHANGES;',
    'DROP STREAM IF EXISTS nothing_here;',
    "INSERT INTO orders (id, item) VALUES (1, 'pen');",
    `CREATE SOURCE CONNECTOR src WITH ('connector.class'='FileStreamSource', 'file'='${input}', 'topic'='lines');`,
    'SHOW CONNECTORS;',
    'SHOW CONNECTOR PLUGINS;',
    'DESCRIBE CONNECTOR src;',
    'SHOW CONNECTOR STATUS;',
    'SHOW CONNECTOR OFFSETS src;',
    'PAUSE CONNECTOR src;',
    'DROP CONNECTOR src;',
    `TERMINATE ${queryId};`,
  ]) {
    await run(client, statement);
  }

  // A push query: its header and rows in the model's shapes, and TERMINATE of it (terminate_query).
  const abort = new AbortController();
  try {
    const push = await client.streamQuery(
      'SELECT * FROM orders EMIT CHANGES;',
      { properties: { 'auto.offset.reset': 'earliest' }, variables: {} },
      abort.signal,
    );
    assert.ok(isQueryStreamHeader(push), 'the /query-stream header');
    assert.deepEqual(push.columnNames, ['ID', 'ITEM']);
    const rows = push.rows[Symbol.asyncIterator]();
    assert.deepEqual((await rows.next()).value, [1, 'pen']);
    only(await run(client, `TERMINATE ${push.queryId};`), 'terminate_query');
  } finally {
    abort.abort();
  }

  assert.deepEqual(
    KSQL_ENTITY_TYPES.filter((t) => !seen.has(t)),
    [],
    'entity types of the model that no statement produced',
  );
});

test("errors come back in the model's error bodies", async () => {
  const client = new KsqlClient(server.url);
  const refused = await client.execute('DESCRIBE no_such_stream;', scope).then(
    () => assert.fail('DESCRIBE of a missing stream succeeded'),
    (err: unknown) => err,
  );
  assert.ok(refused instanceof ServerError);
  assert.ok(isKsqlErrorBody(refused.body), JSON.stringify(refused.body));
  assert.equal(refused.body['@type'], 'statement_error');
  assert.equal(refused.body.error_code, 40001);
  assert.equal(refused.body.statementText, 'DESCRIBE no_such_stream;');

  const generic = await fetch(`${server.url}/ksql`, { method: 'POST', body: '{"sql": "SHOW STREAMS;"}' });
  const body: unknown = await generic.json();
  assert.ok(isKsqlErrorBody(body), JSON.stringify(body));
  assert.deepEqual([generic.status, body['@type'], body.error_code], [400, 'generic_error', 40000]);
});

test("/query streams ksqlDB's StreamedRow elements: a header, rows and a final message", async () => {
  const answer = await fetch(`${server.url}/query`, {
    method: 'POST',
    body: JSON.stringify({
      ksql: 'SELECT * FROM orders EMIT CHANGES LIMIT 1;',
      streamsProperties: { 'auto.offset.reset': 'earliest' },
    }),
  });
  const elements = (await answer.json()) as StreamedRow[];
  const [header, row, end] = elements;
  assert.ok(
    'header' in header && header.header.schema === '`ID` INTEGER, `ITEM` STRING',
    JSON.stringify(header),
  );
  assert.deepEqual(row, { row: { columns: [1, 'pen'] } });
  assert.deepEqual(end, { finalMessage: 'Limit Reached' });
});
