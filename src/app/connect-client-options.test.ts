import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadServerConfig } from '../config/index.js';
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

test('ksql.connect.ssl.*: falls back to ssl.*, refuses a PKCS12 trust store with the way to convert it', () => {
  const ca = join(dir, 'ca.pem');
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  assert.ok(options({ KSQL_SSL_TRUSTSTORE_LOCATION: ca }).tls?.ca?.includes('BEGIN CERTIFICATE'));
  assert.throws(
    () =>
      options({
        KSQL_KSQL_CONNECT_SSL_TRUSTSTORE_LOCATION: ca,
        KSQL_KSQL_CONNECT_SSL_TRUSTSTORE_TYPE: 'PKCS12',
      }),
    /ksql\.connect\.ssl\.truststore\.type=PKCS12 is not supported for the Connect client: .*openssl pkcs12 -in/,
  );
  assert.throws(
    () => options({ KSQL_KSQL_CONNECT_SSL_TRUSTSTORE_LOCATION: join(dir, 'missing.pem') }),
    /Cannot read the Connect client's truststore ksql\.connect\.ssl\.truststore\.location=/,
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
