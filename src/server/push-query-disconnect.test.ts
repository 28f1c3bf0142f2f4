import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as http1Request } from 'node:http';
import { connect, constants } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { type RunningServer, startServer } from '../app/index.js';
import { loadServerConfig } from '../config/index.js';
import { until } from './streaming-test-client.fixture.js';

// A push query lives as long as its client: whatever way the client goes, nothing stays registered.

let server: RunningServer;
let dataDir: string;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sluice-disconnect-'));
  server = await startServer(
    loadServerConfig({ flags: { listeners: 'http://127.0.0.1:0', 'sluice.data.dir': dataDir }, env: {} }),
  );
  await ksql(
    "CREATE STREAM ticks (id INT KEY, n INT) WITH (KAFKA_TOPIC='ticks', VALUE_FORMAT='JSON', PARTITIONS=1);",
  );
  const rows = Array.from({ length: 500 }, (_, i) => JSON.stringify({ ID: i, N: i })).join('\n');
  const res = await fetch(`${server.url}/inserts-stream`, {
    method: 'POST',
    body: `{"target":"TICKS"}\n${rows}\n`,
  });
  await res.text();
});

after(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function ksql(statements: string): Promise<unknown[]> {
  const res = await fetch(`${server.url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ksql: statements }),
  });
  const body = (await res.json()) as unknown[];
  assert.equal(res.status, 200, JSON.stringify(body));
  return body;
}

/** The push queries SHOW QUERIES lists. */
async function pushQueries(): Promise<string[]> {
  const [listing] = (await ksql('SHOW QUERIES;')) as { queries: { id: string; queryType: string }[] }[];
  return listing.queries.filter((q) => q.queryType === 'PUSH').map((q) => q.id);
}

/** Waits until the query is listed, then until it is gone once `disconnect` has run. */
async function expectCleanedUp(queryId: string, disconnect: () => void): Promise<void> {
  assert.match(queryId, /^transient_TICKS_\d+$/);
  assert.ok((await pushQueries()).includes(queryId), 'the running query is listed');
  disconnect();
  await until(`${queryId} to be cleaned up`, async () => !(await pushQueries()).includes(queryId));
}

const liveQuery = JSON.stringify({
  sql: 'SELECT id, n FROM ticks EMIT CHANGES;',
  properties: { 'auto.offset.reset': 'earliest' },
});

/** Opens a push query over HTTP/1.1; resolves with its id once some rows have arrived. */
function openHttp1(path: '/query-stream' | '/query'): Promise<{ queryId: string; destroy: () => void }> {
  const body =
    path === '/query'
      ? JSON.stringify({
          ksql: 'SELECT id, n FROM ticks EMIT CHANGES;',
          streamsProperties: { 'auto.offset.reset': 'earliest' },
        })
      : liveQuery;
  return new Promise((resolve, reject) => {
    const req = http1Request(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    req.on('error', () => {});
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('error', () => {});
      res.on('data', function collect(chunk: string) {
        text += chunk;
        if (text.split('\n').length < 5) return;
        res.off('data', collect);
        const first = text.split('\n')[0];
        const queryId =
          path === '/query'
            ? JSON.parse(first.slice(1).replace(/,$/, '')).header.queryId
            : JSON.parse(first).queryId;
        resolve({ queryId, destroy: () => req.socket?.destroy() });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('HTTP/1.1: a /query-stream client whose socket is destroyed mid-stream leaves no query behind', async () => {
  const { queryId, destroy } = await openHttp1('/query-stream');
  await expectCleanedUp(queryId, destroy);
});

test('HTTP/1.1: a /query client whose socket is destroyed mid-stream leaves no query behind', async () => {
  const { queryId, destroy } = await openHttp1('/query');
  await expectCleanedUp(queryId, destroy);
});

/** Opens a push query over HTTP/2; resolves with its id once some rows have arrived. */
function openHttp2(): Promise<{ queryId: string; reset: () => void; destroy: () => void }> {
  const session = connect(server.url);
  session.on('error', () => {});
  const req = session.request({
    ':method': 'POST',
    ':path': '/query-stream',
    'content-type': 'application/json',
  });
  req.on('error', () => {});
  req.end(liveQuery);
  return new Promise((resolve) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', function collect(chunk: string) {
      text += chunk;
      if (text.split('\n').length < 5) return;
      req.off('data', collect);
      resolve({
        queryId: JSON.parse(text.split('\n')[0]).queryId,
        reset: () => {
          req.close(constants.NGHTTP2_CANCEL);
          session.close();
        },
        destroy: () => session.destroy(),
      });
    });
  });
}

test('HTTP/2: a stream reset by its client leaves no query behind', async () => {
  const { queryId, reset } = await openHttp2();
  await expectCleanedUp(queryId, reset);
});

test('HTTP/2: a connection destroyed mid-stream leaves no query behind', async () => {
  const { queryId, destroy } = await openHttp2();
  await expectCleanedUp(queryId, destroy);
});

/** A client in its own process: prints the query's metadata line, then reads on until killed. */
const CLIENT = `
const [protocol, url, body] = process.argv.slice(1);
const print = (text) => process.stdout.write(text.split('\\n')[0] + '\\n');
if (protocol === 'http2') {
  const session = (await import('node:http2')).connect(url);
  const req = session.request({ ':method': 'POST', ':path': '/query-stream', 'content-type': 'application/json' });
  let text = '';
  req.setEncoding('utf8');
  req.on('data', (c) => { if (text === '' && (text += c).includes('\\n')) print(text); });
  req.end(body);
} else {
  const req = (await import('node:http')).request(url + '/query-stream', { method: 'POST', headers: { 'content-type': 'application/json' } });
  req.on('response', (res) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (c) => { if (text === '' && (text += c).includes('\\n')) print(text); });
  });
  req.end(body);
}
`;

for (const protocol of ['http1', 'http2']) {
  test(`${protocol}: a client process killed with SIGKILL leaves no query behind`, async () => {
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', CLIENT, protocol, server.url, liveQuery],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const [line] = await new Promise<string[]>((resolve) =>
        createInterface({ input: child.stdout }).once('line', (l) => resolve([l])),
      );
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await expectCleanedUp(JSON.parse(line).queryId, () => child.kill('SIGKILL'));
      await exited;
    } finally {
      child.kill('SIGKILL');
    }
  });
}

test('SHOW QUERIES lists a running push query as ksqlDB lists a transient query', async () => {
  const { queryId, destroy } = await openHttp1('/query-stream');
  const [listing] = (await ksql('SHOW QUERIES;')) as { queries: Record<string, unknown>[] }[];
  assert.deepEqual(
    listing.queries.find((q) => q.id === queryId),
    {
      queryString: 'SELECT id, n FROM ticks EMIT CHANGES;',
      sinks: [],
      sinkKafkaTopics: [],
      id: queryId,
      statusCount: { RUNNING: 1 },
      queryType: 'PUSH',
      state: 'RUNNING',
    },
  );
  await expectCleanedUp(queryId, destroy);
});

test('TERMINATE closes a push query by its id, in any case, as ksqlDB does', async () => {
  const res = await fetch(`${server.url}/query-stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: liveQuery,
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('\n')) text += decoder.decode((await reader.read()).value, { stream: true });
  const queryId: string = JSON.parse(text.split('\n')[0]).queryId;
  const statement = `TERMINATE ${queryId.toLowerCase()};`;
  assert.deepEqual(await ksql(statement), [
    { '@type': 'terminate_query', statementText: statement, queryId, wasTerminated: true, warnings: [] },
  ]);
  while (!(await reader.read()).done);
  assert.ok(!(await pushQueries()).includes(queryId));
  const unknown = await fetch(`${server.url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ksql: `TERMINATE ${queryId};` }),
  });
  assert.equal(unknown.status, 400);
  assert.match(((await unknown.json()) as { message: string }).message, /Unknown queryId/);
});
