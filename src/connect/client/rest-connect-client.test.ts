// The external-mode client against real HTTP(S) servers on real ports that answer as a Connect
// cluster can: a rebalance (409), a crash (500), a wrong URL (an HTML 404), a malformed body, silence,
// nobody listening, TLS with its own CA and client certificates.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { makeTestCertificates } from '../../server/tls-certificates.fixture.js';
import { freePort } from '../index.js';
import { ConnectClientError } from './connect-client.js';
import { RestConnectClient } from './rest-connect-client.js';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
}

const servers: Server[] = [];
after(() => {
  for (const s of servers) {
    s.closeAllConnections?.();
    s.close();
  }
});

/** A real HTTP server on a free port whose answers `answer` decides; it records every request. */
async function connectLike(
  answer: (req: IncomingMessage, res: ServerResponse, n: number) => void,
  server: Server = createServer(),
): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      answer(req, res, seen.length);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  const scheme = server instanceof HttpsServer ? 'https' : 'http';
  return { url: `${scheme}://127.0.0.1:${port}`, seen };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const rejection = (status: number, pattern: RegExp) => (err: unknown) => {
  assert.ok(err instanceof ConnectClientError, String(err));
  assert.equal(err.status, status, err.message);
  assert.match(err.message, pattern);
  return true;
};

const fast = { retryBackoffMs: 1 };

test('a 409 while Connect rebalances is retried with backoff until it passes', async () => {
  const { url, seen } = await connectLike((_req, res, n) =>
    n <= 3
      ? json(res, 409, {
          error_code: 409,
          message: 'Cannot complete request because of a conflicting operation (e.g. worker rebalance)',
        })
      : json(res, 200, ['a']),
  );
  assert.deepEqual(await new RestConnectClient(url, fast).connectors(), ['a']);
  assert.equal(seen.length, 4);
});

test("a 409 for a name in use is Connect's final answer, not retried", async () => {
  const { url, seen } = await connectLike((_req, res) =>
    json(res, 409, { error_code: 409, message: 'Connector c already exists' }),
  );
  await assert.rejects(
    new RestConnectClient(url, fast).create('c', { 'connector.class': 'X' }),
    rejection(409, /^Connector c already exists$/),
  );
  assert.equal(seen.length, 1);
});

test('a rebalance that does not end gives up after a bounded number of tries, with Connect’s message', async () => {
  const { url, seen } = await connectLike((_req, res) =>
    json(res, 409, {
      error_code: 409,
      message: 'Cannot complete request momentarily due to stale configuration',
    }),
  );
  await assert.rejects(new RestConnectClient(url, fast).pause('c'), rejection(409, /stale configuration/));
  assert.equal(seen.length, 6);
});

test('a 500 names the URL and Connect’s message after three tries', async () => {
  const { url, seen } = await connectLike((_req, res) =>
    json(res, 500, { error_code: 500, message: 'Request timed out' }),
  );
  await assert.rejects(
    new RestConnectClient(url, fast).status('c'),
    rejection(
      500,
      new RegExp(
        `^Kafka Connect at ${url} failed GET /connectors/c/status \\(HTTP 500 Internal Server Error\\): Request timed out$`,
      ),
    ),
  );
  assert.equal(seen.length, 3);
});

test('a 404 that is not Connect’s (a wrong ksql.connect.url) names the URL and what came back', async () => {
  const { url } = await connectLike((_req, res) => {
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<html><body>No such page</body></html>');
  });
  await assert.rejects(
    new RestConnectClient(`${url}/wrong`).connectors(),
    rejection(
      404,
      new RegExp(
        `^Kafka Connect at ${url}/wrong answered GET /connectors with HTTP 404 Not Found and no Connect error \\(<html><body>No such page</body></html>\\)\\. Check that ksql.connect.url`,
      ),
    ),
  );
});

test('Connect’s own 404 (no such connector) is relayed as Connect wrote it', async () => {
  const { url } = await connectLike((_req, res) =>
    json(res, 404, { error_code: 404, message: 'Connector nope not found' }),
  );
  await assert.rejects(
    new RestConnectClient(url).describe('nope'),
    rejection(404, /^Connector nope not found$/),
  );
});

test('a 200 whose body is not JSON names the URL and the body', async () => {
  const { url } = await connectLike((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"connectors": [');
  });
  await assert.rejects(
    new RestConnectClient(url).connectors(),
    rejection(
      502,
      new RegExp(
        `^Kafka Connect at ${url} answered GET /connectors with HTTP 200 but a body that is not JSON \\(\\{"connectors": \\[\\)`,
      ),
    ),
  );
});

test('nobody listening: the error names the URL and the refusal', async () => {
  const url = `http://127.0.0.1:${await freePort()}`;
  await assert.rejects(
    new RestConnectClient(url, fast).connectors(),
    rejection(
      503,
      new RegExp(
        `^Kafka Connect at ${url} is not reachable \\(ECONNREFUSED: .*\\)\\. Check ksql.connect.url\\.$`,
      ),
    ),
  );
});

test('a Connect that never answers fails after ksql.connect.request.timeout.ms, naming the URL', async () => {
  // Holds every request without answering.
  const { url, seen } = await connectLike(() => {});
  await assert.rejects(
    new RestConnectClient(url, { timeoutMs: 300, ...fast }).connectors(),
    rejection(
      504,
      new RegExp(
        `^Kafka Connect at ${url} did not answer GET /connectors within 300 ms \\(ksql.connect.request.timeout.ms\\)`,
      ),
    ),
  );
  // A GET may be sent again; it was, as ksqlDB retries.
  assert.equal(seen.length, 3);
});

test('a CREATE whose POST timed out but was carried out is not sent again (no false "already exists")', async () => {
  const config = { 'connector.class': 'FileStreamSource', topic: 't', name: 'slow' };
  let created = false;
  const { url, seen } = await connectLike((req, res) => {
    if (req.method === 'POST') {
      if (created) return json(res, 409, { error_code: 409, message: 'Connector slow already exists' });
      created = true;
      return; // Carried out, but the answer never comes in time.
    }
    if (req.method === 'GET' && req.url === '/connectors/slow' && created)
      return json(res, 200, { name: 'slow', config, tasks: [], type: 'source' });
    json(res, 404, { error_code: 404, message: 'not found' });
  });
  const info = await new RestConnectClient(url, { timeoutMs: 300, ...fast }).create('slow', {
    'connector.class': 'FileStreamSource',
    topic: 't',
  });
  assert.equal(info.name, 'slow');
  assert.deepEqual(
    seen.map((s) => `${s.method} ${s.url}`),
    ['POST /connectors', 'GET /connectors/slow'],
  );
});

test('extra headers go with every request, and basic credentials win over an Authorization header among them', async () => {
  const { url, seen } = await connectLike((_req, res) => json(res, 200, []));
  const client = new RestConnectClient(url, {
    headers: { 'x-tenant': 'analytics', authorization: 'Bearer ignored' },
    authorization: () => 'Basic dTpw',
  });
  await client.connectors();
  await client.plugins();
  for (const s of seen) {
    assert.equal(s.headers['x-tenant'], 'analytics');
    assert.equal(s.headers.authorization, 'Basic dTpw');
  }
  assert.equal(seen.length, 2);
});

const certs = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-connect-client-tls-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const made = makeTestCertificates(dir);
  if (made === undefined) return undefined;
  // A certificate from the same CA for another host name only, for the host-name check.
  const ext = join(dir, 'elsewhere.ext');
  writeFileSync(ext, 'subjectAltName=DNS:elsewhere.invalid\nbasicConstraints=CA:FALSE\n');
  const run = (args: string[]) => {
    const r = spawnSync('openssl', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  };
  const key = join(dir, 'elsewhere.key');
  run(
    ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key].concat([
      '-out',
      join(dir, 'elsewhere.csr'),
      '-subj',
      '/CN=elsewhere.invalid',
    ]),
  );
  run(
    [
      'x509',
      '-req',
      '-in',
      join(dir, 'elsewhere.csr'),
      '-CA',
      made.caPem,
      '-CAkey',
      join(dir, 'test-ca.key'),
    ].concat(['-CAcreateserial', '-out', join(dir, 'elsewhere.crt'), '-days', '1', '-extfile', ext]),
  );
  return { ...made, elsewhere: { key: readFileSync(key), cert: readFileSync(join(dir, 'elsewhere.crt')) } };
})();

test('https: the CA of ksql.connect.ssl.truststore.* is trusted, a client certificate is presented', {
  skip: certs === undefined && 'openssl is missing',
}, async () => {
  const c = certs!;
  const server = createHttpsServer({
    key: c.serverKey,
    cert: c.serverCertificate,
    ca: c.ca,
    requestCert: true,
    rejectUnauthorized: true,
  });
  const { url } = await connectLike((_req, res) => json(res, 200, ['tls']), server);
  const tls = { ca: c.ca, key: c.client.key, cert: c.client.cert, verifyHostname: true };
  assert.deepEqual(await new RestConnectClient(url, { tls }).connectors(), ['tls']);
  // Without the CA, Node's bundled ones do not know this one.
  await assert.rejects(
    new RestConnectClient(url, { ...fast, tls: { verifyHostname: true } }).connectors(),
    rejection(
      503,
      new RegExp(
        `^Kafka Connect at ${url} failed the TLS handshake \\(.*\\)\\. Check ksql.connect.ssl.truststore.location`,
      ),
    ),
  );
  // Without a client certificate, this Connect refuses the handshake.
  await assert.rejects(
    new RestConnectClient(url, { ...fast, tls: { ca: c.ca, verifyHostname: true } }).connectors(),
    (err: unknown) => err instanceof ConnectClientError && err.status === 503 && err.message.includes(url),
  );
});

test('https: the host name is checked unless ksql.connect.ssl.endpoint.identification.algorithm is empty', {
  skip: certs === undefined && 'openssl is missing',
}, async () => {
  const c = certs!;
  const server = createHttpsServer({ key: c.elsewhere.key, cert: c.elsewhere.cert });
  const { url } = await connectLike((_req, res) => json(res, 200, ['named']), server);
  await assert.rejects(
    new RestConnectClient(url, { ...fast, tls: { ca: c.ca, verifyHostname: true } }).connectors(),
    rejection(503, /failed the TLS handshake \(ERR_TLS_CERT_ALTNAME_INVALID/),
  );
  assert.deepEqual(
    await new RestConnectClient(url, { tls: { ca: c.ca, verifyHostname: false } }).connectors(),
    ['named'],
  );
});

test('a CREATE watched until it runs answers with the tasks Connect made, not the POST’s empty list', async () => {
  const config = { 'connector.class': 'FileStreamSource', name: 'src' };
  const { url } = await connectLike((req, res) => {
    if (req.method === 'POST') return json(res, 201, { name: 'src', config, tasks: [], type: 'source' });
    if (req.url === '/connectors/src/status')
      return json(res, 200, {
        name: 'src',
        connector: { state: 'RUNNING', worker_id: 'w' },
        tasks: [{ id: 0, state: 'RUNNING', worker_id: 'w' }],
        type: 'source',
      });
    json(res, 200, { name: 'src', config, tasks: [{ connector: 'src', task: 0 }], type: 'source' });
  });
  const info = await new RestConnectClient(url, { createWaitMs: 5000 }).create('src', {
    'connector.class': 'FileStreamSource',
  });
  assert.deepEqual(info.tasks, [{ connector: 'src', task: 0 }]);
});

test("the caller's Authorization goes on only where the server has no credentials of its own (ksqlDB's order)", async () => {
  const { url, seen } = await connectLike((_req, res) => json(res, 200, []));
  const none = new RestConnectClient(url);
  await none.forCaller('Basic Y2FsbGVy').connectors();
  await none.forCaller(undefined).connectors();
  await new RestConnectClient(url, { authorization: () => 'Basic ZmlsZQ==' })
    .forCaller('Basic Y2FsbGVy')
    .connectors();
  await new RestConnectClient(url, { headers: { authorization: 'Bearer configured' } })
    .forCaller('Basic Y2FsbGVy')
    .connectors();
  assert.deepEqual(
    seen.map((s) => s.headers.authorization),
    ['Basic Y2FsbGVy', undefined, 'Basic ZmlsZQ==', 'Bearer configured'],
  );
});
