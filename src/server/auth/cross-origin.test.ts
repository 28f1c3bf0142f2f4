import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { type RunningServer, startServer } from '../../app/index.js';
import { loadServerConfig } from '../../config/index.js';

// A web page can make its visitor's browser POST a text/plain body anywhere without a preflight;
// these requests carry the page's Origin, which is what the server judges.
const dirs: string[] = [];
const servers: RunningServer[] = [];

async function start(flags: Record<string, string> = {}): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-cors-'));
  dirs.push(dir);
  const server = await startServer(
    loadServerConfig({
      flags: { listeners: 'http://127.0.0.1:0', 'sluice.data.dir': dir, ...flags },
      env: { KSQL_CONNECT_LISTENERS: 'http://127.0.0.1:0' },
    }),
  );
  servers.push(server);
  return server;
}

after(async () => {
  for (const s of servers) await s.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const create = (name: string) =>
  JSON.stringify({
    ksql: `CREATE STREAM ${name} (v VARCHAR) WITH (KAFKA_TOPIC='${name}', PARTITIONS=1, VALUE_FORMAT='JSON');`,
  });

async function post(url: string, body: string, origin?: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', ...(origin === undefined ? {} : { origin }) },
    body,
  });
  const text = await res.text();
  return { status: res.status, text, headers: res.headers };
}

describe('without access.control.allow.origin', () => {
  test('a request from another site is refused (403 naming the setting) and runs nothing', async () => {
    const server = await start();
    const res = await post(`${server.url}/ksql`, create('from_evil'), 'http://evil.example');
    assert.equal(res.status, 403);
    const body = JSON.parse(res.text);
    assert.equal(body.error_code, 40300);
    assert.match(
      body.message,
      /cross-origin request from http:\/\/evil.example refused.*access.control.allow.origin/,
    );
    assert.equal(res.headers.get('access-control-allow-origin'), null);
    assert.ok(!(await server.log.hasTopic('from_evil')));
    // A sandboxed page sends Origin: null.
    assert.equal((await post(`${server.url}/ksql`, create('from_null'), 'null')).status, 403);
    // The embedded Connect REST API is guarded the same way.
    const connect = await post(
      `${server.connectUrl}/connectors`,
      JSON.stringify({
        name: 'x',
        config: { 'connector.class': 'FileStreamSource', file: '/etc/passwd', topic: 'x' },
      }),
      'http://evil.example',
    );
    assert.equal(connect.status, 403);
    assert.equal(JSON.parse(connect.text).error_code, 403);
  });

  test('the server’s own pages, and clients that send no Origin, are served', async () => {
    const server = await start();
    assert.equal((await post(`${server.url}/ksql`, create('no_origin'))).status, 200);
    assert.equal(
      (await post(`${server.url}/ksql`, create('same_origin'), server.url.replace('localhost', '127.0.0.1')))
        .status,
      200,
    );
  });
});

describe('with access.control.allow.origin', () => {
  test('an admitted origin gets CORS headers and preflight answers; others are refused', async () => {
    const server = await start({
      'access.control.allow.origin': 'https://app.example.com, https://*.tools.example',
      'access.control.allow.methods': 'GET,POST',
    });
    const preflight = await fetch(`${server.url}/ksql`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.equal(preflight.headers.get('access-control-allow-methods'), 'GET,POST');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    const refusedMethod = await fetch(`${server.url}/ksql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'DELETE' },
    });
    assert.equal(refusedMethod.status, 403);

    const admitted = await post(`${server.url}/ksql`, create('from_app'), 'https://app.example.com');
    assert.equal(admitted.status, 200, admitted.text);
    assert.equal(admitted.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.equal(admitted.headers.get('vary'), 'Origin');
    const pattern = await post(`${server.url}/ksql`, create('from_tools'), 'https://a.tools.example');
    assert.equal(pattern.status, 200, pattern.text);

    const other = await post(`${server.url}/ksql`, create('from_other'), 'https://evil.example');
    assert.equal(other.status, 403);
    assert.ok(!(await server.log.hasTopic('from_other')));
  });
});
