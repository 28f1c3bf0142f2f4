import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:http2';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningServer, startServer } from '../app/index.js';
import { loadServerConfig } from '../config/index.js';
import { makeTestCertificates, type TestCertificates } from './tls-certificates.fixture.js';

let dir: string;
let certs: TestCertificates | undefined;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-mtls-'));
  certs = makeTestCertificates(dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface ClientIdentity {
  readonly key?: Buffer;
  readonly cert?: Buffer;
}

/** GET over HTTPS/1.1, checking the server against the test CA: the status, or the failure. */
function get(url: string, identity: ClientIdentity): Promise<{ status: number; body: string } | Error> {
  return new Promise((resolve) => {
    const req = request(url, { ca: certs!.ca, ...identity }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', resolve);
    });
    req.on('error', resolve);
    req.end();
  });
}

/** GET over HTTP/2 (ALPN h2) with a client certificate. */
function getHttp2(url: string, identity: ClientIdentity): Promise<{ status: number; protocol: string }> {
  return new Promise((resolve, reject) => {
    const session = connect(url, { ca: certs!.ca, ...identity });
    session.on('error', reject);
    const req = session.request({ ':path': new URL(url).pathname });
    let status = 0;
    req.on('response', (h) => {
      status = Number(h[':status']);
    });
    req.resume();
    req.on('end', () => {
      const protocol = session.alpnProtocol ?? '';
      session.close();
      resolve({ status, protocol });
    });
    req.on('error', reject);
    req.end();
  });
}

async function startWith(clientAuthentication: string, connectClientAuth: string): Promise<RunningServer> {
  return startServer(
    loadServerConfig({
      flags: {
        listeners: 'https://127.0.0.1:0',
        'sluice.data.dir': join(dir, `data-${clientAuthentication}`),
        'ssl.keystore.type': 'PEM',
        'ssl.keystore.location': certs!.serverPem,
        'ssl.truststore.type': 'PEM',
        'ssl.truststore.location': certs!.caPem,
        'ssl.client.authentication': clientAuthentication,
      },
      env: {
        KSQL_CONNECT_LISTENERS: 'https://127.0.0.1:0',
        KSQL_CONNECT_SSL_KEYSTORE_TYPE: 'PEM',
        KSQL_CONNECT_SSL_KEYSTORE_LOCATION: certs!.serverPem,
        KSQL_CONNECT_SSL_TRUSTSTORE_TYPE: 'PEM',
        KSQL_CONNECT_SSL_TRUSTSTORE_LOCATION: certs!.caPem,
        KSQL_CONNECT_SSL_CLIENT_AUTH: connectClientAuth,
      },
    }),
  );
}

test('with client authentication REQUIRED, both listeners refuse a client without a certificate or with one from another CA, and serve one with a trusted certificate over HTTP/1.1 and HTTP/2', async (t) => {
  if (certs === undefined) return t.skip('needs the openssl command to make test certificates');
  const server = await startWith('REQUIRED', 'required');
  try {
    const connectUrl = server.connectUrl ?? assert.fail('the Connect REST API listens');
    for (const url of [`${server.url}/info`, `${connectUrl}/connectors`]) {
      const none = await get(url, {});
      assert.ok(none instanceof Error, `${url} without a certificate answered ${JSON.stringify(none)}`);
      const stranger = await get(url, certs.stranger);
      assert.ok(
        stranger instanceof Error,
        `${url} with another CA's certificate answered ${JSON.stringify(stranger)}`,
      );
      const good = await get(url, certs.client);
      assert.ok(!(good instanceof Error), String(good));
      assert.equal(good.status, 200, good.body);
      const h2 = await getHttp2(url, certs.client);
      assert.deepEqual(h2, { status: 200, protocol: 'h2' });
    }
  } finally {
    await server.close();
  }
});

test('with client authentication REQUESTED, a client without a certificate is served, one with an untrusted certificate is not', async (t) => {
  if (certs === undefined) return t.skip('needs the openssl command to make test certificates');
  const server = await startWith('REQUESTED', 'requested');
  try {
    const connectUrl = server.connectUrl ?? assert.fail('the Connect REST API listens');
    for (const url of [`${server.url}/info`, `${connectUrl}/connectors`]) {
      const none = await get(url, {});
      assert.ok(!(none instanceof Error), String(none));
      assert.equal(none.status, 200);
      const good = await get(url, certs.client);
      assert.ok(!(good instanceof Error) && good.status === 200, String(good));
      const stranger = await get(url, certs.stranger);
      assert.ok(
        stranger instanceof Error,
        `${url} with another CA's certificate answered ${JSON.stringify(stranger)}`,
      );
    }
  } finally {
    await server.close();
  }
});

test('client authentication without a PEM truststore, or on an http:// listener, stops the start with what to set', async (t) => {
  if (certs === undefined) return t.skip('needs the openssl command to make test certificates');
  const start = (flags: Record<string, string>) =>
    startServer(
      loadServerConfig({ flags: { 'sluice.data.dir': join(dir, 'data-refused'), ...flags }, env: {} }),
    );
  const https = {
    listeners: 'https://127.0.0.1:0',
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.location': certs.serverPem,
  };
  await assert.rejects(
    start({ ...https, 'ssl.client.authentication': 'REQUIRED' }),
    /ssl.client.authentication=REQUIRED needs the CA certificates to trust: set ssl.truststore.location to a PEM file/,
  );
  await assert.rejects(
    start({
      ...https,
      'ssl.client.authentication': 'REQUIRED',
      'ssl.truststore.location': certs.serverPem.replace('server-keystore.pem', 'test-ca.key'),
    }),
    /holds no PEM certificate/,
  );
  await assert.rejects(
    start({
      ...https,
      'ssl.client.authentication': 'REQUIRED',
      'ssl.truststore.location': certs.caPem,
      'ssl.truststore.type': 'PKCS12',
    }),
    /ssl.truststore.type=PKCS12 is not supported for client certificates: give the CA certificates as PEM/,
  );
  await assert.rejects(
    start({ listeners: 'http://127.0.0.1:0', 'ssl.client.authentication': 'REQUIRED' }),
    /ssl.client.authentication=REQUIRED needs an https:\/\/ listener/,
  );
});

test('keys, certificates and CA certificates given as PEM text in the config serve both listeners', async (t) => {
  if (certs === undefined) return t.skip('needs the openssl command to make test certificates');
  const ca = certs.ca.toString();
  const server = await startServer(
    loadServerConfig({
      flags: {
        listeners: 'https://127.0.0.1:0',
        'sluice.data.dir': join(dir, 'data-inline'),
        'ssl.keystore.type': 'PEM',
        'ssl.keystore.key': certs.serverKey,
        'ssl.keystore.certificate.chain': certs.serverCertificate,
        'ssl.truststore.certificates': ca,
        'ssl.client.authentication': 'REQUIRED',
      },
      env: {
        KSQL_CONNECT_LISTENERS: 'https://127.0.0.1:0',
        KSQL_CONNECT_SSL_KEYSTORE_TYPE: 'PEM',
        KSQL_CONNECT_SSL_KEYSTORE_KEY: certs.serverKey,
        KSQL_CONNECT_SSL_KEYSTORE_CERTIFICATE_CHAIN: certs.serverCertificate,
        KSQL_CONNECT_SSL_TRUSTSTORE_CERTIFICATES: ca,
        KSQL_CONNECT_SSL_CLIENT_AUTH: 'required',
      },
    }),
  );
  try {
    const connectUrl = server.connectUrl ?? assert.fail('the Connect REST API listens');
    for (const url of [`${server.url}/info`, `${connectUrl}/connectors`]) {
      assert.ok((await get(url, {})) instanceof Error, `${url} served a client without a certificate`);
      const good = await get(url, certs.client);
      assert.ok(!(good instanceof Error) && good.status === 200, String(good));
    }
  } finally {
    await server.close();
  }
});
