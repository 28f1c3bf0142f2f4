import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadServerConfig } from '../config/index.js';
import { KsqlEngine } from '../engine/index.js';
import { SegmentLog } from '../log/index.js';
import { BasicAuthenticator } from './auth/basic-authenticator.js';
import { passwordLine } from './client/index.js';
import { pullFastPath, pullFastPathAnswers } from './pull-fast-path.js';
import { buildRestApp } from './rest-app.js';

// The pull-query fast path answers exactly as Fastify's routes do: one engine behind two REST apps,
// one with the fast path and one without, each request sent to both, the raw answers compared byte
// for byte (the Date header and the query ids, which hold the time, aside).

let dir: string;
let log: SegmentLog;
let engine: KsqlEngine;
const apps: FastifyInstance[] = [];
/** Ports of the apps: with and without the fast path, without and with basic authentication. */
const ports = { fast: 0, routed: 0, fastAuth: 0, routedAuth: 0 };

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-fast-path-'));
  log = await SegmentLog.open({ dataDir: join(dir, 'log'), cleanerIntervalMs: 0 });
  engine = await KsqlEngine.start(
    log,
    loadServerConfig({
      flags: { 'ksql.streams.commit.interval.ms': '0', 'ksql.streams.state.dir': join(dir, 'state') },
      env: {},
    }),
  );
  await engine.execute(
    `CREATE STREAM orders (id STRING KEY, item STRING, qty INT) WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON', PARTITIONS=1);
     CREATE TABLE per_item AS SELECT item, COUNT(*) AS n, SUM(qty) AS total FROM orders GROUP BY item;
     CREATE TABLE plain (id STRING PRIMARY KEY, v INT) WITH (KAFKA_TOPIC='plain', VALUE_FORMAT='JSON', PARTITIONS=1);
     INSERT INTO orders (id, item, qty) VALUES ('o1', 'pear', 3);
     INSERT INTO orders (id, item, qty) VALUES ('o2', 'apple', 5);
     INSERT INTO orders (id, item, qty) VALUES ('o3', 'pear', 4);`,
    { streamsProperties: { 'auto.offset.reset': 'earliest' } },
  );
  for (;;) {
    const opened = await engine.openQuery("SELECT n FROM per_item WHERE item = 'pear';");
    if (opened.kind !== 'pull') throw new Error('expected a pull query');
    const rows = [];
    for await (const batch of opened.query.rows) rows.push(...batch.rows);
    if (rows.length === 1 && rows[0][0] === 2n) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const passwords = join(dir, 'passwords');
  writeFileSync(passwords, `${await passwordLine('ann', 'reader', 'secret')}\n`);
  const start = async (fast: boolean, auth: boolean) => {
    const app = buildRestApp({
      log,
      engine,
      identity: { version: '0.0.0', serviceId: 'test', hostPort: 'localhost:0' },
      pullFastPath: fast,
      crossOrigin: { allowOrigins: ['https://friend.example'], allowMethods: ['POST'], allowHeaders: [] },
      ...(auth
        ? {
            authenticator: new BasicAuthenticator({
              passwordFile: passwords,
              realm: '',
              allowedRoles: ['*'],
              failedLogins: { maxFailures: 2, windowMs: 60_000 },
            }),
          }
        : {}),
    });
    apps.push(app);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  };
  ports.fast = await start(true, false);
  ports.routed = await start(false, false);
  ports.fastAuth = await start(true, true);
  ports.routedAuth = await start(false, true);
});

after(async () => {
  for (const app of apps) await app.close();
  await engine?.close();
  await log?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Request {
  readonly path: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Sends requests on one connection, one after the other, and gives the raw bytes of all the answers. */
function exchange(port: number, requests: readonly Request[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let text = '';
    const texts = requests.map((r, i) => {
      const last = i === requests.length - 1;
      const headers = {
        host: `127.0.0.1:${port}`,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(r.body)),
        ...(last ? { connection: 'close' } : {}),
        ...r.headers,
      };
      const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
      return `POST ${r.path} HTTP/1.1\r\n${lines.join('')}\r\n${r.body}`;
    });
    let sent = 0;
    const sendNext = () => {
      if (sent < texts.length) socket.write(texts[sent++]);
    };
    socket.setEncoding('utf8');
    socket.on('connect', sendNext);
    socket.on('data', (chunk: string) => {
      text += chunk;
      // The next request once this answer is complete (a chunked body's end, or a sized one's).
      const answers = text.split(/HTTP\/1\.1 /).length - 1;
      if (answers === sent && answerComplete(text)) sendNext();
    });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

/** Whether the last answer in `text` has arrived whole. */
function answerComplete(text: string): boolean {
  const last = text.slice(text.lastIndexOf('HTTP/1.1 '));
  const headEnd = last.indexOf('\r\n\r\n');
  if (headEnd < 0) return false;
  const length = /\r\ncontent-length: (\d+)/i.exec(last.slice(0, headEnd));
  if (length !== null) return Buffer.byteLength(last.slice(headEnd + 4)) >= Number(length[1]);
  return last.endsWith('\r\n0\r\n\r\n');
}

/**
 * Answers without what differs from one moment to the next: the Date header and query ids (and the
 * chunk sizes around a push query's random id, whose digits vary in number).
 */
function steady(text: string): string {
  const out = text.replace(/\r\ndate: [^\r]*/gi, '\r\ndate: -').replace(/query_\d+/g, 'query_-');
  if (!/transient_[A-Z_]+?_\d+/.test(out)) return out;
  return out.replace(/(transient_[A-Z_]+?_)\d+/g, '$1-').replace(/\r\n\r\n[0-9a-f]+\r\n/g, '\r\n\r\n-\r\n');
}

/** Sends the requests to both apps (twice, so the first prepares what the second finds) and compares. */
async function sameOnBoth(requests: readonly Request[], auth = false): Promise<string> {
  const fast = auth ? ports.fastAuth : ports.fast;
  const routed = auth ? ports.routedAuth : ports.routed;
  await exchange(fast, requests);
  await exchange(routed, requests);
  const a = steady(await exchange(fast, requests));
  const b = steady(await exchange(routed, requests));
  assert.equal(a, b);
  return a;
}

const lookup = (sql: string, extra: Record<string, unknown> = {}) => JSON.stringify({ sql, ...extra });

test('key lookups on /query-stream are answered by the fast path with the route’s bytes, in each layout', async () => {
  const before = pullFastPathAnswers();
  const sql = "SELECT * FROM per_item WHERE item = 'pear';";
  const delimited = await sameOnBoth([{ path: '/query-stream', body: lookup(sql) }]);
  assert.match(delimited, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(delimited, /content-type: application\/vnd\.ksqlapi\.delimited\.v1\r\n/);
  assert.match(delimited, /\["pear",2,7\]\n/);
  for (const accept of [
    'application/json',
    'application/vnd.ksql.v1+json',
    'application/vnd.ksqlapi.delimited.v1',
    'application/vnd.ksql.v1+json, application/vnd.ksqlapi.delimited.v1',
  ]) {
    const answer = await sameOnBoth([{ path: '/query-stream', body: lookup(sql), headers: { accept } }]);
    assert.match(answer, /pear/);
  }
  // Keys the cached plan did not have: re-bound; one that is missing: no rows; IN: two rows.
  await sameOnBoth([{ path: '/query-stream', body: lookup("SELECT * FROM per_item WHERE item = 'apple';") }]);
  const none = await sameOnBoth([
    { path: '/query-stream', body: lookup("SELECT * FROM per_item WHERE item = 'fig';") },
  ]);
  assert.doesNotMatch(none, /\["fig"/);
  const both = await sameOnBoth([
    { path: '/query-stream', body: lookup("SELECT item, n FROM per_item WHERE item IN ('pear', 'apple');") },
  ]);
  assert.match(both, /\["pear",2\]\n\["apple",1\]\n/);
  assert.ok(pullFastPathAnswers() - before >= 8, 'the fast path answered the repeated lookups');
});

test('/query key lookups give ksqlDB’s StreamedRow array on both paths', async () => {
  const before = pullFastPathAnswers();
  const answer = await sameOnBoth([
    { path: '/query', body: JSON.stringify({ ksql: "SELECT * FROM per_item WHERE item = 'pear';" }) },
  ]);
  assert.match(answer, /"schema":"`ITEM` STRING KEY, `N` BIGINT, `TOTAL` INTEGER"/);
  assert.match(answer, /\{"row":\{"columns":\["pear",2,7\]\}\}/);
  assert.ok(pullFastPathAnswers() > before);
});

test('several requests on one keep-alive connection, lookups and others mixed, answer the same, up to a bad body that closes it', async () => {
  const requests: Request[] = [
    { path: '/query-stream', body: lookup("SELECT * FROM per_item WHERE item = 'pear';") },
    { path: '/query-stream', body: lookup("SELECT n FROM per_item WHERE item = 'apple';") },
    { path: '/ksql', body: JSON.stringify({ ksql: 'SHOW TABLES;' }) },
    { path: '/query', body: JSON.stringify({ ksql: "SELECT total FROM per_item WHERE item = 'pear';" }) },
    // Fastify closes the connection after a body it cannot parse, on both paths.
    { path: '/query-stream', body: '{"sql": "SELECT * FROM per_item WHERE' },
  ];
  const answers = await sameOnBoth(requests);
  assert.equal(answers.split('HTTP/1.1 ').length - 1, requests.length);
});

test('refusals are the route’s (bad JSON, no sql field, statement errors, properties), and so are scans and push queries', async () => {
  const cases: Request[] = [
    { path: '/query-stream', body: '{"sql": ' },
    { path: '/query-stream', body: '' },
    { path: '/query-stream', body: JSON.stringify({ ksql: 'SELECT 1;' }) },
    { path: '/query', body: JSON.stringify({ sql: 'SELECT 1;' }) },
    { path: '/query-stream', body: lookup('SELECT * FROM per_item WHERE item = 5;') },
    { path: '/query-stream', body: lookup("SELECT * FROM plain WHERE id = 'a';") },
    { path: '/query-stream', body: lookup("SELECT * FROM nowhere WHERE id = 'a';") },
    { path: '/query-stream', body: lookup('SELECT * FROM per_item WHERE n = 2;') },
    { path: '/query-stream', body: lookup("SELECT * FROM per_item WHERE item = 'a'; SHOW TABLES;") },
    {
      path: '/query-stream',
      body: lookup("SELECT * FROM per_item WHERE item = 'pear';", { properties: { 'no.such.property': 1 } }),
    },
    {
      path: '/query-stream',
      body: lookup('SELECT id, qty FROM orders EMIT CHANGES LIMIT 2;', {
        properties: { 'auto.offset.reset': 'earliest' },
      }),
    },
  ];
  for (const request of cases) await sameOnBoth([request]);
  const statementError = await sameOnBoth([cases[5]]);
  assert.match(statementError, /^HTTP\/1\.1 400 /);
  assert.match(statementError, /isn't queryable/);
});

test('cross-origin requests keep the hooks’ refusal, and an admitted origin its CORS headers, on both paths', async () => {
  const admitted = await sameOnBoth([
    {
      path: '/query-stream',
      body: lookup("SELECT * FROM per_item WHERE item = 'pear';"),
      headers: { origin: 'https://friend.example' },
    },
  ]);
  assert.match(admitted, /^HTTP\/1\.1 200 /);
  assert.match(admitted, /\r\naccess-control-allow-origin: https:\/\/friend\.example\r\n/);
  const answer = await sameOnBoth([
    {
      path: '/query-stream',
      body: lookup("SELECT * FROM per_item WHERE item = 'pear';"),
      headers: { origin: 'https://elsewhere.example' },
    },
  ]);
  assert.match(answer, /^HTTP\/1\.1 403 /);
});

test('with basic authentication: answers for no, wrong and right credentials match, and a wrong password counts once', async () => {
  const body = lookup("SELECT * FROM per_item WHERE item = 'pear';");
  const before = pullFastPathAnswers();
  const right = await sameOnBoth(
    [{ path: '/query-stream', body, headers: { authorization: basic('ann', 'secret') } }],
    true,
  );
  assert.match(right, /^HTTP\/1\.1 200 /);
  assert.ok(pullFastPathAnswers() > before, 'the fast path answered an authenticated lookup');
  const none = await sameOnBoth([{ path: '/query-stream', body }], true);
  assert.match(none, /^HTTP\/1\.1 401 /);
  assert.match(none, /www-authenticate: Basic realm="Sluice"/);
  // The failed-login limit admits two failures a minute: on each app the first two wrong passwords are
  // 401 (each counted once, though the fast path looked before Fastify did), the third 429.
  const wrong: Request = { path: '/query-stream', body, headers: { authorization: basic('ann', 'nope') } };
  const fast = [
    steady(await exchange(ports.fastAuth, [wrong])),
    steady(await exchange(ports.fastAuth, [wrong])),
  ];
  const routed = [
    steady(await exchange(ports.routedAuth, [wrong])),
    steady(await exchange(ports.routedAuth, [wrong])),
  ];
  assert.deepEqual(fast, routed);
  assert.match(fast[1], /^HTTP\/1\.1 401 /);
  const third = [
    steady(await exchange(ports.fastAuth, [wrong])),
    steady(await exchange(ports.routedAuth, [wrong])),
  ];
  assert.match(third[0], /^HTTP\/1\.1 429 /);
  // The seconds left depend on when each app's window began, a second apart on a busy machine.
  const untimed = (text: string) =>
    text.replace(/retry-after: \d+/, '').replace(/try again in \d+ s/, 'try again in - s');
  assert.equal(untimed(third[0]), untimed(third[1]));
});

test('a key lookup (rows read at once) answers the same bytes as a range scan with the same rows (rows streamed)', async () => {
  const lookupSql = "SELECT * FROM per_item WHERE item IN ('apple', 'pear');";
  const scanSql = "SELECT * FROM per_item WHERE item >= 'apple' AND item <= 'pear';";
  for (const [path, field, accept] of [
    ['/query-stream', 'sql', undefined],
    ['/query-stream', 'sql', 'application/json'],
    ['/query', 'ksql', undefined],
  ] as const) {
    const headers: Record<string, string> = accept === undefined ? {} : { accept };
    const answer = async (sql: string) =>
      steady(await exchange(ports.fast, [{ path, body: JSON.stringify({ [field]: sql }), headers }]));
    assert.equal(await answer(lookupSql), await answer(scanSql), `${path} ${accept ?? ''}`);
    const none = async (sql: string) => answer(sql.replaceAll('apple', 'kiwi').replaceAll('pear', 'kiwj'));
    assert.equal(await none(lookupSql), await none(scanSql), `${path} ${accept ?? ''}, no rows`);
  }
});

test('bodies the fast path reads without JSON.parse and those it parses (escapes, spaces, other fields) answer as the route does', async () => {
  const before = pullFastPathAnswers();
  const sql = "SELECT * FROM per_item WHERE item = 'pear';";
  const plain = await sameOnBoth([{ path: '/query-stream', body: `{"sql":"${sql}"}` }]);
  assert.match(plain, /\["pear",2,7\]\n/);
  for (const body of [
    '{"sql":"SELECT * FROM per_item WHERE item = \'p\\u0065ar\';"}',
    `{"sql": "${sql}"}`,
    `{"properties":{},"sql":"${sql}"}`,
    `{"sql":"${sql}","sessionVariables":{}}`,
    '{"sql":"SELECT * FROM per_item WHERE item = \'pear\';\\n"}',
  ]) {
    const answer = await sameOnBoth([{ path: '/query-stream', body }]);
    assert.match(answer, /\["pear",2,7\]\n/, body);
  }
  // Each sent twice; the text ending in a newline is a shape of its own, planned on its first request.
  assert.ok(pullFastPathAnswers() - before >= 11, 'the fast path answered them all');
  // A raw control character in a JSON string is not JSON: the route's 400, on both paths.
  const tab = await sameOnBoth([{ path: '/query-stream', body: `{"sql":"SELECT *\tFROM per_item;"}` }]);
  assert.match(tab, /^HTTP\/1\.1 400 /);
  // The other endpoint's field is not this one's statement.
  await sameOnBoth([{ path: '/query', body: `{"sql":"${sql}"}` }]);
  await sameOnBoth([{ path: '/query-stream', body: `{"ksql":"${sql}"}` }]);
  const query = await sameOnBoth([{ path: '/query', body: `{"ksql":"${sql}"}` }]);
  assert.match(query, /\{"row":\{"columns":\["pear",2,7\]\}\}/);
});

test('a prepared key lookup is answered within the event that completes its body (no turn of the event loop)', async () => {
  const routed: string[] = [];
  const server = createServer(
    pullFastPath({ engine, internalTopics: () => undefined, bodyLimit: 1024 * 1024 }, (req, res) => {
      routed.push(req.url ?? '');
      res.writeHead(404);
      res.end();
    }),
  );
  const endedAtBodyEnd: boolean[] = [];
  // Registered after the fast path's listeners, so these run right after them, in the same event.
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    req.on('end', () => endedAtBodyEnd.push(res.writableEnded));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    // Prepared through the engine (the routed path does that in the server).
    await engine.openQuery("SELECT * FROM per_item WHERE item = 'pear';");
    const answer = await exchange(port, [
      { path: '/query-stream', body: lookup("SELECT * FROM per_item WHERE item = 'apple';") },
      { path: '/query', body: JSON.stringify({ ksql: "SELECT * FROM per_item WHERE item = 'pear';" }) },
    ]);
    assert.match(answer, /\["apple",1,5\]\n/);
    assert.match(answer, /\{"row":\{"columns":\["pear",2,7\]\}\}/);
    assert.deepEqual(routed, []);
    assert.deepEqual(endedAtBodyEnd, [true, true]);
  } finally {
    server.close();
  }
});
