import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { loadServerConfig } from '../config/index.js';
import { keytoolAvailable, makeJavaStores } from '../config/java-stores.fixture.js';
import { RestConnectClient } from '../connect/client/index.js';
import { makeTestCertificates } from '../server/tls-certificates.fixture.js';
import { requestHeaders, restConnectClientOptions } from './connect-client-options.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-connect-client-options-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const options = (env: Record<string, string>) =>
  restConnectClientOptions(
    loadServerConfig({ env: { KSQL_KSQL_CONNECT_URL: 'https://connect:8083', ...env } }),
  );

test('sluice.connect.request.headers: Name:value pairs, names lower-cased', () => {
  assert.deepEqual(requestHeaders('X-Tenant:analytics, X-Api-Key: a:b'), {
    'x-tenant': 'analytics',
    'x-api-key': 'a:b',
  });
  assert.deepEqual(requestHeaders(undefined), {});
  assert.throws(() => requestHeaders('X-Tenant=analytics'), /not Name:value \(no colon\)/);
  assert.throws(() => requestHeaders('Bad Name:x'), /header name 'Bad Name' is not a valid HTTP header name/);
});

test('ksql.connect.* settings reach the client: timeout, headers, credentials', () => {
  const credentials = join(dir, 'creds.properties');
  writeFileSync(credentials, 'username=u\npassword=p\n');
  const o = options({
    KSQL_KSQL_CONNECT_REQUEST_TIMEOUT_MS: '1234',
    KSQL_SLUICE_CONNECT_REQUEST_HEADERS: 'X-Tenant:t1',
    KSQL_KSQL_CONNECT_BASIC_AUTH_CREDENTIALS_SOURCE: 'FILE',
    KSQL_KSQL_CONNECT_BASIC_AUTH_CREDENTIALS_FILE: credentials,
  });
  assert.equal(o.timeoutMs, 1234);
  assert.deepEqual(o.headers, { 'x-tenant': 't1' });
  assert.equal(o.authorization?.(), `Basic ${Buffer.from('u:p').toString('base64')}`);
  assert.equal(o.tls?.verifyHostname, true);
});

test('ksql.connect.ssl.*: falls back to ssl.*, refuses a store whose type does not match its content', () => {
  const ca = join(dir, 'ca.pem');
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  assert.ok(options({ KSQL_SSL_TRUSTSTORE_LOCATION: ca }).tls?.ca?.includes('BEGIN CERTIFICATE'));
  assert.throws(
    () =>
      options({
        KSQL_KSQL_CONNECT_SSL_TRUSTSTORE_LOCATION: ca,
        KSQL_KSQL_CONNECT_SSL_TRUSTSTORE_TYPE: 'PKCS12',
      }),
    /ksql\.connect\.ssl\.truststore\.type=PKCS12 but ksql\.connect\.ssl\.truststore\.location=.*ca\.pem is PEM text: set ksql\.connect\.ssl\.truststore\.type=PEM\./,
  );
  assert.throws(
    () => options({ KSQL_KSQL_CONNECT_SSL_TRUSTSTORE_LOCATION: join(dir, 'missing.pem') }),
    /Cannot read the truststore ksql\.connect\.ssl\.truststore\.location=/,
  );
  assert.equal(
    options({ KSQL_KSQL_CONNECT_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM: 'none' }).tls?.verifyHostname,
    false,
  );
  assert.throws(
    () => options({ KSQL_KSQL_CONNECT_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM: 'ldaps' }),
    /https, none, or empty/,
  );
  // An http:// URL takes no TLS.
  assert.equal(
    restConnectClientOptions(loadServerConfig({ env: { KSQL_KSQL_CONNECT_URL: 'http://connect:8083' } })).tls,
    undefined,
  );
});

test('ksql.connect.ssl.*: JKS and PKCS12 stores made by keytool reach an https Connect that asks for a client certificate', async (t) => {
  const certDir = join(dir, 'java');
  mkdirSync(certDir);
  const certs = makeTestCertificates(certDir);
  if (certs === undefined || !keytoolAvailable()) return t.skip('no openssl or keytool on this machine');
  const stores = makeJavaStores(certDir, certs.ca);
  const server = createHttpsServer(
    {
      key: certs.serverKey,
      cert: certs.serverCertificate,
      ca: [certs.ca, stores.clientCertificate],
      requestCert: true,
    },
    (req, res) => {
      const authorized = (req.socket as TLSSocket).authorized;
      res.writeHead(authorized ? 200 : 403, { 'content-type': 'application/json' });
      res.end(JSON.stringify(authorized ? ['java-stores'] : { error_code: 403, message: 'no certificate' }));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://localhost:${(server.address() as AddressInfo).port}`;
  const client = (env: Record<string, string>) =>
    new RestConnectClient(
      url,
      restConnectClientOptions(loadServerConfig({ env: { KSQL_KSQL_CONNECT_URL: url, ...env } })),
    );
  try {
    const jks = client({
      KSQL_KSQL_CONNECT_SSL_TRUSTSTORE_LOCATION: stores.trustJks,
      KSQL_KSQL_CONNECT_SSL_TRUSTSTORE_PASSWORD: 'trustpw',
      KSQL_KSQL_CONNECT_SSL_KEYSTORE_LOCATION: stores.clientJks,
      KSQL_KSQL_CONNECT_SSL_KEYSTORE_TYPE: 'JKS',
      KSQL_KSQL_CONNECT_SSL_KEYSTORE_PASSWORD: 'storepw',
      KSQL_KSQL_CONNECT_SSL_KEY_PASSWORD: 'keypass1',
    });
    assert.deepEqual(await jks.connectors(), ['java-stores']);
    const p12 = client({
      KSQL_KSQL_CONNECT_SSL_TRUSTSTORE_LOCATION: stores.trustP12,
      KSQL_KSQL_CONNECT_SSL_TRUSTSTORE_TYPE: 'PKCS12',
      KSQL_KSQL_CONNECT_SSL_TRUSTSTORE_PASSWORD: 'trustpw',
      KSQL_KSQL_CONNECT_SSL_KEYSTORE_LOCATION: stores.clientP12,
      KSQL_KSQL_CONNECT_SSL_KEYSTORE_PASSWORD: 'storepw',
    });
    assert.deepEqual(await p12.connectors(), ['java-stores']);
    assert.throws(
      () =>
        client({
          KSQL_KSQL_CONNECT_SSL_TRUSTSTORE_LOCATION: stores.trustJks,
          KSQL_KSQL_CONNECT_SSL_TRUSTSTORE_PASSWORD: 'wrong',
        }),
      /The JKS store ksql\.connect\.ssl\.truststore\.location=.*trust\.jks does not open with ksql\.connect\.ssl\.truststore\.password/,
    );
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
