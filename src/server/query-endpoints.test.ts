import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningServer, startServer } from '../app/index.js';
import { loadServerConfig } from '../config/index.js';
import { http2Post } from './streaming-test-client.fixture.js';

let server: RunningServer;
let dataDir: string;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sluice-query-'));
  server = await startServer(
    loadServerConfig({ flags: { listeners: 'http://127.0.0.1:0', 'sluice.data.dir': dataDir }, env: {} }),
  );
  await ksql(
    "CREATE STREAM readings (sensor STRING KEY, temp DOUBLE, at TIMESTAMP, n BIGINT) WITH (KAFKA_TOPIC='readings', VALUE_FORMAT='JSON', PARTITIONS=1);" +
      "INSERT INTO readings (sensor, temp, at, n) VALUES ('s1', 21.5, '2024-05-01T10:00:00', 9007199254740993);" +
      "INSERT INTO readings (sensor, temp, at, n) VALUES ('s2', 30.0, '2024-05-01T10:01:00', 2);",
  );
});

after(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function ksql(statements: string): Promise<unknown> {
  const res = await fetch(`${server.url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ksql: statements }),
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  return body;
}

const earliest = { 'auto.offset.reset': 'earliest' };

test('/query-stream streams delimited rows: metadata first, then one JSON array per line, exact BIGINTs', async () => {
  const res = await fetch(`${server.url}/query-stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      sql: 'SELECT sensor, temp, at, n FROM readings EMIT CHANGES LIMIT 2;',
      properties: earliest,
    }),
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/vnd.ksqlapi.delimited.v1');
  const lines = (await res.text()).trim().split('\n');
  const meta = JSON.parse(lines[0]);
  assert.match(meta.queryId, /^transient_READINGS_\d+$/);
  assert.deepEqual(meta.columnNames, ['SENSOR', 'TEMP', 'AT', 'N']);
  assert.deepEqual(meta.columnTypes, ['STRING', 'DOUBLE', 'TIMESTAMP', 'BIGINT']);
  assert.equal(lines[1], '["s1",21.5,"2024-05-01T10:00:00.000",9007199254740993]');
  assert.equal(lines[2], '["s2",30,"2024-05-01T10:01:00.000",2]');
});

test('/query-stream answers a JSON array when asked for application/json', async () => {
  const res = await fetch(`${server.url}/query-stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      sql: 'SELECT sensor FROM readings WHERE temp > 25 EMIT CHANGES LIMIT 1;',
      properties: earliest,
    }),
  });
  const body = JSON.parse(await res.text());
  assert.deepEqual(body[0].columnNames, ['SENSOR']);
  assert.deepEqual(body[1], ['s2']);
});

test('/query answers in the old chunked format with header, rows and a final message', async () => {
  const res = await fetch(`${server.url}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      ksql: 'SELECT sensor, temp FROM readings EMIT CHANGES LIMIT 2;',
      streamsProperties: earliest,
    }),
  });
  const body = JSON.parse(await res.text());
  assert.equal(body[0].header.schema, '`SENSOR` STRING, `TEMP` DOUBLE');
  assert.deepEqual(body[1], { row: { columns: ['s1', 21.5] } });
  assert.deepEqual(body[3], { finalMessage: 'Limit Reached' });
});

test('/query-stream over HTTP/2 delivers rows as they are inserted, and /close-query ends it', async () => {
  const session = connect(server.url);
  try {
    const req = session.request({
      ':method': 'POST',
      ':path': '/query-stream',
      'content-type': 'application/json',
    });
    req.end(JSON.stringify({ sql: "SELECT sensor, temp FROM readings WHERE sensor = 'live' EMIT CHANGES;" }));
    req.setEncoding('utf8');
    let text = '';
    let queryId = '';
    const gotRow = new Promise<void>((resolve) => {
      req.on('data', (chunk: string) => {
        text += chunk;
        if (queryId === '' && text.includes('\n')) queryId = JSON.parse(text.split('\n')[0]).queryId;
        if (text.split('\n').length > 2) resolve();
      });
    });
    const ended = new Promise<void>((resolve) => req.on('end', () => resolve()));
    // Latest by default: only rows inserted after the query starts reading arrive, and nothing tells
    // when that is, so the row is inserted again until one arrives (no guess at a start-up time).
    let arrived = false;
    void gotRow.then(() => {
      arrived = true;
    });
    while (!arrived) {
      await ksql("INSERT INTO readings (sensor, temp) VALUES ('live', 1.5);");
      await Promise.race([gotRow, new Promise((r) => setTimeout(r, 50))]);
    }
    assert.equal(text.split('\n')[1], '["live",1.5]');
    const closed = await fetch(`${server.url}/close-query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ queryId }),
    });
    assert.equal(closed.status, 200);
    await ended;
  } finally {
    session.close();
  }
});

test('query endpoint errors use ksqlDB error bodies', async () => {
  const unknown = await fetch(`${server.url}/query-stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql: 'SELECT * FROM nowhere EMIT CHANGES;' }),
  });
  assert.equal(unknown.status, 400);
  const body = (await unknown.json()) as { '@type': string; message: string };
  assert.equal(body['@type'], 'statement_error');
  assert.match(body.message, /NOWHERE does not exist/);
  const close = await fetch(`${server.url}/close-query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ queryId: 'nope' }),
  });
  assert.equal(close.status, 400);
  assert.match(((await close.json()) as { message: string }).message, /No query with id nope/);
});

test('/inserts-stream writes each row and acknowledges it, rejecting bad rows one by one', async () => {
  await ksql(
    "CREATE STREAM pings (id STRING KEY, n INT) WITH (KAFKA_TOPIC='pings', VALUE_FORMAT='JSON', PARTITIONS=1);",
  );
  const res = await fetch(`${server.url}/inserts-stream`, {
    method: 'POST',
    body: '{"target": "PINGS"}\n{"ID": "a", "N": 1}\n{"id": "b", "n": "two"}\n{"id": "c", "n": 3}\n',
  });
  assert.equal(res.status, 200);
  const acks = (await res.text())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(acks[0], { status: 'ok', seq: 0 });
  assert.equal(acks[1].status, 'error');
  assert.match(acks[1].message, /N/);
  assert.deepEqual(acks[2], { status: 'ok', seq: 2 });
  const { records } = await server.log.read('pings', 0, 0);
  assert.deepEqual(
    records.map((r) => [r.key!.toString(), r.value!.toString()]),
    [
      ['a', '{"N":1}'],
      ['c', '{"N":3}'],
    ],
  );
  // The target is an identifier: upper-cased unless quoted.
  const lower = await fetch(`${server.url}/inserts-stream`, {
    method: 'POST',
    body: '{"target": "pings"}\n{"ID": "d", "N": 4}\n',
  });
  assert.deepEqual(JSON.parse(await lower.text()), { status: 'ok', seq: 0 });
});

test("/inserts-stream refuses an unknown or read-only target with ksqlDB's generic error", async () => {
  const refusal = async (target: string) => {
    const res = await fetch(`${server.url}/inserts-stream`, {
      method: 'POST',
      body: `${JSON.stringify({ target })}\n{"a":1}\n`,
    });
    assert.equal(res.status, 400);
    return res.json();
  };
  assert.deepEqual(await refusal('nope'), {
    '@type': 'generic_error',
    error_code: 40001,
    message: 'Cannot insert values into an unknown stream/table: NOPE',
  });
  assert.deepEqual(await refusal('"readings"'), {
    '@type': 'generic_error',
    error_code: 40001,
    message:
      'Cannot insert values into an unknown stream/table: readings\nDid you mean READINGS? Hint: try removing double quotes from the source name.',
  });
  await ksql(
    "CREATE SOURCE STREAM fixed (id STRING KEY, n INT) WITH (KAFKA_TOPIC='fixed', VALUE_FORMAT='JSON', PARTITIONS=1);",
  );
  assert.deepEqual(await refusal('fixed'), {
    '@type': 'generic_error',
    error_code: 40001,
    message: 'Cannot insert values into read-only stream: FIXED',
  });
});

test('an oversized request body is refused with 413 and a clear message', async () => {
  const res = await fetch(`${server.url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ksql: `SHOW STREAMS; -- ${'x'.repeat(33 * 1024 * 1024)}` }),
  });
  assert.equal(res.status, 413);
  const body = (await res.json()) as { error_code: number; message: string };
  assert.equal(body.error_code, 41300);
  assert.match(body.message, /too large/);
});

test('PRINT streams a topic as text lines with the formats it sees, honouring FROM BEGINNING and LIMIT', async () => {
  const res = await fetch(`${server.url}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ksql: "PRINT 'readings' FROM BEGINNING LIMIT 2;" }),
  });
  assert.equal(res.status, 200);
  const lines = (await res.text()).trim().split('\n');
  assert.deepEqual(lines.slice(0, 2), ['Key format: KAFKA_STRING', 'Value format: JSON or KAFKA_STRING']);
  assert.match(
    lines[2],
    /^rowtime: \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}\.\d{3} Z, key: s1, value: \{"TEMP":21\.5,.*\}, partition: 0$/,
  );
  assert.equal(lines.length, 4);
  const missing = await fetch(`${server.url}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ksql: "PRINT 'nope';" }),
  });
  assert.equal(missing.status, 400);
  assert.match(((await missing.json()) as { message: string }).message, /Could not find topic 'nope'/);
});

/** Reads a streamed answer up to its first newline: the query's metadata. */
async function firstLine(
  res: Response,
): Promise<{ line: string; reader: ReadableStreamDefaultReader<Uint8Array> }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('\n')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return { line: text.split('\n')[0], reader };
}

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  while (!(await reader.read()).done);
}

// ksqlDB's routes set no request type: whatever the client declares, or nothing, the body is JSON.
for (const contentType of [
  'application/vnd.ksqlapi.delimited.v1',
  'application/json',
  'application/vnd.ksql.v1+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  undefined,
]) {
  test(`/query-stream, /query, /inserts-stream and /close-query read JSON sent as ${contentType ?? 'no type'}`, async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: contentType === undefined ? {} : { 'content-type': contentType },
        // Bytes, so that fetch adds no type of its own.
        body: new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body)),
      });
    const streamed = await post('/query-stream', {
      sql: 'SELECT sensor FROM readings EMIT CHANGES LIMIT 1;',
      properties: earliest,
    });
    assert.equal(streamed.status, 200);
    assert.deepEqual((await streamed.text()).trim().split('\n').slice(1), ['["s1"]']);

    const old = await post('/query', {
      ksql: 'SELECT sensor FROM readings EMIT CHANGES LIMIT 1;',
      streamsProperties: earliest,
    });
    assert.equal(old.status, 200);
    assert.deepEqual(JSON.parse(await old.text())[1], { row: { columns: ['s1'] } });

    const inserted = await post('/inserts-stream', '{"target":"READINGS"}\n{"SENSOR":"typed","TEMP":1}\n');
    assert.equal(inserted.status, 200);
    assert.deepEqual(JSON.parse(await inserted.text()), { status: 'ok', seq: 0 });

    const live = await post('/query-stream', { sql: 'SELECT sensor FROM readings EMIT CHANGES;' });
    const { line, reader } = await firstLine(live);
    const closed = await post('/close-query', { queryId: JSON.parse(line).queryId });
    assert.equal(closed.status, 200, await closed.text());
    await drain(reader);
  });
}

test('over HTTP/2 a body with neither type nor length is read as JSON on every query endpoint', async () => {
  const streamed = await http2Post(
    server.url,
    '/query-stream',
    JSON.stringify({ sql: 'SELECT sensor FROM readings EMIT CHANGES LIMIT 1;', properties: earliest }),
  );
  assert.equal(streamed.status, 200, streamed.body.toString());
  const old = await http2Post(
    server.url,
    '/query',
    JSON.stringify({
      ksql: 'SELECT sensor FROM readings EMIT CHANGES LIMIT 1;',
      streamsProperties: earliest,
    }),
  );
  assert.deepEqual(JSON.parse(old.body.toString())[1], { row: { columns: ['s1'] } });
  const inserted = await http2Post(server.url, '/inserts-stream', '{"target":"READINGS"}\n{"SENSOR":"h2"}\n');
  assert.deepEqual(JSON.parse(inserted.body.toString()), { status: 'ok', seq: 0 });
  const closed = await http2Post(server.url, '/close-query', JSON.stringify({ queryId: 'none' }));
  assert.equal(closed.status, 400);
  assert.match(JSON.parse(closed.body.toString()).message, /No query with id none/);
});

/** Opens a push query with `body` on `path`, reads until `ready` holds, runs `then`, reads the rest. */
async function streamAround(
  path: string,
  body: unknown,
  headers: Record<string, string>,
  ready: (text: string) => boolean,
  then: (text: string) => Promise<void>,
): Promise<string> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!ready(text)) text += decoder.decode((await reader.read()).value, { stream: true });
  await then(text);
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    text += decoder.decode(next.value, { stream: true });
  }
  return text;
}

test("a push query that fails mid-stream ends with ksqlDB's error element in every format", async () => {
  const failing = async (path: string, headers: Record<string, string>, ready: (t: string) => boolean) => {
    const topic = `doomed_${path.length}_${Object.keys(headers).length}`;
    await ksql(
      `CREATE STREAM ${topic} (id INT KEY, n INT) WITH (KAFKA_TOPIC='${topic}', VALUE_FORMAT='JSON', PARTITIONS=1);` +
        `INSERT INTO ${topic} (id, n) VALUES (1, 1);`,
    );
    const sql = `SELECT id, n FROM ${topic} EMIT CHANGES;`;
    return streamAround(
      path,
      { sql, ksql: sql, properties: earliest, streamsProperties: earliest },
      headers,
      ready,
      () => server.log.deleteTopic(topic),
    );
  };
  const error = {
    '@type': 'generic_error',
    error_code: 50000,
    message:
      "Topic 'doomed_6_0' does not exist. Create it first (sluice topic create doomed_6_0) or check the name.",
  };
  const old = JSON.parse(await failing('/query', {}, (t) => t.includes('"row"')));
  assert.deepEqual(old.slice(1), [{ row: { columns: [1, 1] } }, { errorMessage: error }]);

  const delimited = (await failing('/query-stream', {}, (t) => t.includes('[1,1]'))).trim().split('\n');
  assert.deepEqual(
    delimited.slice(1).map((l) => JSON.parse(l)),
    [[1, 1], { ...error, message: error.message.replaceAll('doomed_6_0', 'doomed_13_0') }],
  );

  const json = JSON.parse(
    await failing('/query-stream', { accept: 'application/json' }, (t) => t.includes('[1,1]')),
  );
  assert.deepEqual(json.slice(1), [
    [1, 1],
    { ...error, message: error.message.replaceAll('doomed_6_0', 'doomed_13_1') },
  ]);
});

test('/query ends with "Query Completed" when /close-query closes it', async () => {
  const text = await streamAround(
    '/query',
    { ksql: "SELECT sensor FROM readings WHERE sensor = 'never' EMIT CHANGES;" },
    {},
    (t) => t.includes('header'),
    async (t) => {
      const queryId = JSON.parse(`${t.slice(1)}`).header.queryId;
      const closed = await fetch(`${server.url}/close-query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ queryId }),
      });
      assert.equal(closed.status, 200);
    },
  );
  assert.deepEqual(JSON.parse(text).slice(1), [{ finalMessage: 'Query Completed' }]);
});
