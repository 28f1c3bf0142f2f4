// ksql.schema.registry.* as a ksqlDB user configures a secured registry: https with a JKS truststore
// made by keytool, and OAuth bearer tokens from an identity provider (client-credentials grant).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { keytoolAvailable, makeJavaStores } from '../../src/config/java-stores.fixture.js';
import { makeTestCertificates } from '../../src/server/tls-certificates.fixture.js';
import { killAll, startSluice } from './sluice-server.fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-e2e-registry-auth-'));
const servers: Server[] = [];
after(async () => {
  killAll();
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
  rmSync(dir, { recursive: true, force: true });
});

function listen(server: Server): Promise<number> {
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const KEY = 'idp-key';
const sign = (body: string) => createHmac('sha256', KEY).update(body).digest('base64url');

test('an https registry behind OAuth, reached with a JKS truststore and OAUTHBEARER settings from the environment', async (t) => {
  const certs = makeTestCertificates(dir);
  if (certs === undefined || !keytoolAvailable()) return t.skip('no openssl or keytool on this machine');
  const stores = makeJavaStores(dir, certs.ca);

  // The identity provider, over https too (the registry's truststore serves it, as in Confluent's
  // client): client credentials in basic auth, a signed JWT back.
  const issued: string[] = [];
  const idpPort = await listen(
    createHttpsServer({ key: certs.serverKey, cert: certs.serverCertificate }, (req, res) => {
      const credentials = Buffer.from((req.headers.authorization ?? '').slice(6), 'base64').toString();
      if (credentials !== 'ksql-app:app-secret')
        return void res.writeHead(401).end('{"error":"invalid_client"}');
      const now = Math.floor(Date.now() / 1000);
      const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const body = `${part({ alg: 'HS256' })}.${part({ sub: 'ksql-app', iat: now, exp: now + 3600 })}`;
      const token = `${body}.${sign(body)}`;
      issued.push(token);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: token }));
    }) as unknown as Server,
  );

  // Sluice's own registry, behind an https gateway that wants a token the provider signed.
  const registryPort = await freePort();
  const asked: string[] = [];
  const gatewayPort = await listen(
    createHttpsServer({ key: certs.serverKey, cert: certs.serverCertificate }, (req, res) => {
      const [h, p, s] = (req.headers.authorization ?? '').replace(/^Bearer /, '').split('.');
      if (s === undefined || sign(`${h}.${p}`) !== s || req.headers['target-sr-cluster'] !== 'lsrc-e2e')
        return void res.writeHead(401).end('{"error_code":40101,"message":"Unauthorized"}');
      asked.push(`${req.method} ${req.url}`);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const answer = await fetch(`http://127.0.0.1:${registryPort}${req.url}`, {
          method: req.method ?? 'GET',
          headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
          ...(chunks.length === 0 ? {} : { body: Buffer.concat(chunks) }),
        });
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text());
      });
    }) as unknown as Server,
  );

  const server = await startSluice(join(dir, 'data'), {
    KSQL_SLUICE_SCHEMA_REGISTRY_LISTENERS: `http://127.0.0.1:${registryPort}`,
    KSQL_KSQL_SCHEMA_REGISTRY_URL: `https://localhost:${gatewayPort}`,
    KSQL_KSQL_SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION: stores.trustJks,
    KSQL_KSQL_SCHEMA_REGISTRY_SSL_TRUSTSTORE_TYPE: 'JKS',
    KSQL_KSQL_SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD: 'trustpw',
    KSQL_KSQL_SCHEMA_REGISTRY_BEARER_AUTH_CREDENTIALS_SOURCE: 'OAUTHBEARER',
    KSQL_KSQL_SCHEMA_REGISTRY_BEARER_AUTH_ISSUER_ENDPOINT_URL: `https://localhost:${idpPort}/token`,
    KSQL_KSQL_SCHEMA_REGISTRY_BEARER_AUTH_CLIENT_ID: 'ksql-app',
    KSQL_KSQL_SCHEMA_REGISTRY_BEARER_AUTH_CLIENT_SECRET: 'app-secret',
    KSQL_KSQL_SCHEMA_REGISTRY_BEARER_AUTH_LOGICAL_CLUSTER: 'lsrc-e2e',
  });
  await server.ksql(
    "CREATE STREAM secured (id INT KEY, v DOUBLE) WITH (KAFKA_TOPIC='secured', VALUE_FORMAT='AVRO', PARTITIONS=1); INSERT INTO secured (id, v) VALUES (1, 2.5);",
  );
  assert.ok(
    asked.includes('POST /subjects/secured-value/versions'),
    `the gateway was asked: ${asked.join(', ')}`,
  );
  assert.ok(issued.length >= 1);
  const latest = (await (
    await fetch(`http://127.0.0.1:${registryPort}/subjects/secured-value/versions/latest`)
  ).json()) as { schema: string };
  assert.match(latest.schema, /"name":"V"/);
});
