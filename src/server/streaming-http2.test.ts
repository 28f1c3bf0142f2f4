import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import ksqldbClient, { type OptionalExtraParams } from 'ksqldb-client';
import { type RunningServer, startServer } from '../app/index.js';
import { loadServerConfig } from '../config/index.js';
import { http2Post, until } from './streaming-test-client.fixture.js';

// Every streaming endpoint over real HTTP/2, reading from the earliest offset with many rows of
// varied sizes already in the topic: the pattern that corrupted rows on Node 20.

// The package is CommonJS whose module.exports is the class, while its types declare a default export.
const KsqldbClient = ksqldbClient as unknown as typeof ksqldbClient.default;

const ROWS = 2000;
const earliest = { 'auto.offset.reset': 'earliest' };
let server: RunningServer;
let dataDir: string;

/** Row i's text: 0 to ~1500 characters, with multi-byte characters and characters JSON escapes. */
function text(i: number): string {
  const pattern = 'aé"\\\n€😀bc';
  return pattern.repeat((i * 37) % 170).slice(0, (i * 37) % 1500);
}

const expectedRows = Array.from({ length: ROWS }, (_, i) => [`k${i}`, text(i)]);

async function ksql(statements: string): Promise<void> {
  const res = await fetch(`${server.url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ksql: statements }),
  });
  assert.equal(res.status, 200, await res.text());
}

function insertBody(target: string): string {
  const lines = [JSON.stringify({ target })];
  for (const [id, txt] of expectedRows) lines.push(JSON.stringify({ ID: id, TXT: txt }));
  return `${lines.join('\n')}\n`;
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sluice-h2-'));
  server = await startServer(
    loadServerConfig({ flags: { listeners: 'http://127.0.0.1:0', 'sluice.data.dir': dataDir }, env: {} }),
  );
  await ksql(
    "CREATE STREAM texts (id STRING KEY, txt STRING) WITH (KAFKA_TOPIC='texts', VALUE_FORMAT='JSON', PARTITIONS=1);" +
      "CREATE STREAM texts_h2 (id STRING KEY, txt STRING) WITH (KAFKA_TOPIC='texts_h2', VALUE_FORMAT='JSON', PARTITIONS=1);" +
      "CREATE STREAM texts_client (id STRING KEY, txt STRING) WITH (KAFKA_TOPIC='texts_client', VALUE_FORMAT='JSON', PARTITIONS=1);",
  );
  const res = await fetch(`${server.url}/inserts-stream`, { method: 'POST', body: insertBody('TEXTS') });
  const acks = (await res.text()).trim().split('\n');
  assert.equal(acks.length, ROWS);
});

after(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function queryStreamBody(limit: number): string {
  return JSON.stringify({
    sql: `SELECT id, txt FROM texts EMIT CHANGES LIMIT ${limit};`,
    properties: earliest,
  });
}

function checkDelimited(body: Buffer, limit: number): void {
  const lines = body.toString('utf8').split('\n');
  assert.equal(lines.pop(), '', 'the answer ends with a newline');
  assert.deepEqual(JSON.parse(lines[0]).columnNames, ['ID', 'TXT']);
  assert.deepEqual(
    lines.slice(1).map((l) => JSON.parse(l)),
    expectedRows.slice(0, limit),
  );
}

function checkJsonArray(body: Buffer, limit: number): void {
  const [meta, ...rows] = JSON.parse(body.toString('utf8')) as unknown[];
  assert.deepEqual((meta as { columnNames: string[] }).columnNames, ['ID', 'TXT']);
  assert.deepEqual(rows, expectedRows.slice(0, limit));
}

function checkStreamedRows(body: Buffer, limit: number): void {
  const [header, ...rest] = JSON.parse(body.toString('utf8')) as Record<string, unknown>[];
  assert.equal((header.header as { schema: string }).schema, '`ID` STRING, `TXT` STRING');
  assert.deepEqual(rest.pop(), { finalMessage: 'Limit Reached' });
  assert.deepEqual(
    rest,
    expectedRows.slice(0, limit).map((columns) => ({ row: { columns } })),
  );
}

for (const limit of [1, 2, ROWS]) {
  test(`/query-stream over HTTP/2, delimited, earliest, LIMIT ${limit}: exactly the rows, one per DATA frame`, async () => {
    const answer = await http2Post(server.url, '/query-stream', queryStreamBody(limit), {
      'content-type': 'application/json',
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.contentType, 'application/vnd.ksqlapi.delimited.v1');
    checkDelimited(answer.body, limit);
    // No frame holds parts of two rows. (A frame's data may reach the client in two reads, so a
    // row may come in two chunks, never two rows in one.)
    assert.ok(answer.chunks.length >= limit + 1);
    for (const chunk of answer.chunks) {
      const end = chunk.indexOf('\n');
      assert.ok(
        end === -1 || end === chunk.length - 1,
        `two rows in one frame: ${chunk.toString().slice(0, 80)}`,
      );
    }
  });

  test(`/query-stream over HTTP/2, JSON, earliest, LIMIT ${limit}: exactly the rows, one per DATA frame`, async () => {
    const answer = await http2Post(server.url, '/query-stream', queryStreamBody(limit), {
      'content-type': 'application/json',
      accept: 'application/json',
    });
    assert.equal(answer.status, 200);
    checkJsonArray(answer.body, limit);
    // The metadata, each row, then the closing bracket.
    assert.ok(answer.chunks.length >= limit + 2);
    assert.equal(answer.chunks.at(-1)?.toString(), ']');
    // `"],["` only occurs between two rows (quotes inside values are escaped).
    for (const chunk of answer.chunks) assert.ok(!chunk.includes('"],["'), 'two rows in one frame');
  });

  test(`/query over HTTP/2, earliest, LIMIT ${limit}: exactly the rows`, async () => {
    const answer = await http2Post(
      server.url,
      '/query',
      JSON.stringify({
        ksql: `SELECT id, txt FROM texts EMIT CHANGES LIMIT ${limit};`,
        streamsProperties: earliest,
      }),
      { 'content-type': 'application/json' },
    );
    assert.equal(answer.status, 200);
    checkStreamedRows(answer.body, limit);
  });
}

test('PRINT over HTTP/2 FROM BEGINNING: exactly the records, one line each', async () => {
  const answer = await http2Post(
    server.url,
    '/query-stream',
    JSON.stringify({ sql: `PRINT 'texts' FROM BEGINNING LIMIT ${ROWS};` }),
    { 'content-type': 'application/json' },
  );
  assert.equal(answer.status, 200);
  const lines = answer.body.toString('utf8').split('\n');
  assert.equal(lines.pop(), '');
  assert.deepEqual(lines.slice(0, 2), ['Key format: KAFKA_STRING', 'Value format: JSON or KAFKA_STRING']);
  const { records } = await server.log.read('texts', 0, 0, { maxRecords: ROWS, maxBytes: 64 * 1024 * 1024 });
  assert.equal(lines.length - 2, ROWS);
  records.forEach((r, i) => {
    assert.ok(
      lines[i + 2].endsWith(`, key: k${i}, value: ${r.value!.toString()}, partition: 0`),
      `line ${i + 2}: ${lines[i + 2].slice(0, 120)}`,
    );
  });
});

test('/inserts-stream over HTTP/2: every row written and acknowledged in order', async () => {
  const answer = await http2Post(server.url, '/inserts-stream', insertBody('TEXTS_H2'), {
    'content-type': 'application/vnd.ksqlapi.delimited.v1',
  });
  assert.equal(answer.status, 200);
  const acks = answer.body
    .toString()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    acks,
    expectedRows.map((_, seq) => ({ status: 'ok', seq })),
  );
  const read = await http2Post(
    server.url,
    '/query-stream',
    JSON.stringify({ sql: `SELECT id, txt FROM texts_h2 EMIT CHANGES LIMIT ${ROWS};`, properties: earliest }),
    { 'content-type': 'application/json' },
  );
  checkDelimited(read.body, ROWS);
});

const hasCurl = spawnSync('curl', ['--version']).status === 0;

function curlHttp2(path: string, body: string, accept?: string): Promise<Buffer> {
  const args = [
    '-sS',
    '--http2-prior-knowledge',
    '-X',
    'POST',
    `${server.url}${path}`,
    '--data-binary',
    body,
  ];
  if (accept !== undefined) args.push('-H', `accept: ${accept}`);
  return new Promise((resolve, reject) => {
    execFile('curl', args, { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 }, (err, stdout) =>
      err === null ? resolve(stdout) : reject(err),
    );
  });
}

test('curl --http2-prior-knowledge reads every streaming endpoint intact', {
  skip: !hasCurl && 'curl is not installed',
}, async () => {
  for (const limit of [2, ROWS]) {
    checkDelimited(await curlHttp2('/query-stream', queryStreamBody(limit)), limit);
    checkJsonArray(await curlHttp2('/query-stream', queryStreamBody(limit), 'application/json'), limit);
    checkStreamedRows(
      await curlHttp2(
        '/query',
        JSON.stringify({
          ksql: `SELECT id, txt FROM texts EMIT CHANGES LIMIT ${limit};`,
          streamsProperties: earliest,
        }),
      ),
      limit,
    );
  }
  const printed = (
    await curlHttp2('/query-stream', JSON.stringify({ sql: `PRINT 'texts' FROM BEGINNING LIMIT ${ROWS};` }))
  )
    .toString('utf8')
    .split('\n');
  assert.equal(printed.pop(), '');
  assert.equal(printed.length, ROWS + 2);
  for (const [i, line] of printed.slice(2).entries()) {
    assert.match(line, new RegExp(`, key: k${i}, value: \\{"TXT":.*\\}, partition: 0$`));
  }
});

test('the ksqldb-client npm package (one JSON value per DATA frame) reads push query rows, inserts and closes queries', async () => {
  const url = new URL(server.url);
  const client = new KsqldbClient({ host: `http://${url.hostname}`, port: url.port });
  await client.connect();
  try {
    const limit = 40;
    const received: unknown[] = [];
    const done = await client.streamQuery(
      `SELECT id, txt FROM texts EMIT CHANGES LIMIT ${limit};`,
      (data) => received.push(...((data.rows ?? []) as unknown[])),
      // The package spreads these into the body; /query-stream reads `properties`.
      { properties: earliest } as OptionalExtraParams,
    );
    assert.equal(done.status, 200);
    assert.deepEqual(
      received,
      expectedRows.slice(0, limit).map(([ID, TXT]) => ({ ID, TXT })),
    );

    const inserted = await client.insertInto('TEXTS_CLIENT', { ID: 'c1', TXT: 'from the client' });
    assert.equal(inserted.status, 200, JSON.stringify(inserted.error));

    let queryId = '';
    const live: unknown[] = [];
    const ended = client.streamQuery(
      "SELECT id, txt FROM texts_client WHERE id = 'c2' EMIT CHANGES;",
      (data) => {
        queryId = data.metadata.queryId ?? '';
        live.push(...((data.rows ?? []) as unknown[]));
      },
    );
    await until('the live query to start', () => queryId !== '');
    await client.insertInto('TEXTS_CLIENT', { ID: 'c2', TXT: 'live' });
    await until('the live row', () => live.length === 1);
    assert.deepEqual(live, [{ ID: 'c2', TXT: 'live' }]);
    const closed = await client.terminatePushQuery(queryId);
    assert.equal(closed.status, 200);
    assert.equal((await ended).status, 200);
  } finally {
    await client.disconnect();
  }
});
