import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { keytoolAvailable, makeJavaStores } from '../config/java-stores.fixture.js';
import { SegmentLog } from '../log/index.js';
import { SchemaRegistryError } from '../serde/index.js';
import { makeTestCertificates } from '../server/tls-certificates.fixture.js';
import { HttpSchemaRegistryClient } from './client-http.js';
import { InProcessSchemaRegistryClient } from './client-in-process.js';
import { RegistryClientSettingsError, registryClientSettings } from './client-settings.js';
import { buildRegistryApp } from './registry-rest-app.js';
import { SchemaStore } from './schema-store.js';

const USER = JSON.stringify({
  type: 'record',
  name: 'User',
  namespace: 'demo',
  fields: [{ name: 'id', type: 'long' }],
});
const USER_V2_INCOMPATIBLE = JSON.stringify({
  type: 'record',
  name: 'User',
  namespace: 'demo',
  fields: [{ name: 'id', type: 'string' }],
});
const avro = (schema: string) => ({ schemaType: 'AVRO' as const, schema, references: [] });

let dir: string;
let log: SegmentLog;
let store: SchemaStore;
let app: FastifyInstance;
let base: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-registry-client-'));
  log = await SegmentLog.open({ dataDir: join(dir, 'data') });
  store = await SchemaStore.open(log);
  app = buildRegistryApp(store);
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

after(async () => {
  await app.close();
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A server that answers every request with `answer` and keeps what it was asked. */
async function recordingServer(
  answer: (req: IncomingMessage, res: ServerResponse) => void,
  make: () => Server = () => createHttpServer(),
): Promise<{ server: Server; url: string; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = [];
  const server = make();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    seen.push(req);
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { server, url: `${'key' in server ? 'https' : 'http'}://localhost:${port}`, seen };
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

for (const kind of ['HTTP', 'in-process'] as const) {
  describe(`the ${kind} client`, () => {
    const client = () =>
      kind === 'HTTP'
        ? new HttpSchemaRegistryClient(registryClientSettings(base, {}))
        : new InProcessSchemaRegistryClient(store);

    test('registers under a subject, finds the schema by id, by version and by lookup', async () => {
      const c = client();
      const subject = `${kind}-users-value`;
      const id = await c.register(subject, avro(USER));
      assert.equal(
        await c.register(subject, avro(USER)),
        id,
        'registering the same schema again gives its id',
      );
      const byId = await c.schemaById(id);
      assert.equal(byId.schemaType, 'AVRO');
      assert.deepEqual(JSON.parse(byId.schema), JSON.parse(USER));
      assert.equal(c.cachedSchemaById(id)?.schema, byId.schema);
      const latest = await c.subjectVersion(subject, 'latest');
      assert.deepEqual([latest.subject, latest.version, latest.id], [subject, 1, id]);
      const found = await c.lookup(subject, avro(USER));
      assert.equal(found.version, 1);
    });

    test("answers the registry's errors with Confluent's codes", async () => {
      const c = client();
      await assert.rejects(c.schemaById(987654), (err: unknown) => {
        assert.ok(err instanceof SchemaRegistryError);
        assert.equal(err.errorCode, 40403);
        assert.equal(err.notFound, true);
        return true;
      });
      await assert.rejects(c.subjectVersion(`${kind}-nothing-value`, 'latest'), { errorCode: 40401 });
      const subject = `${kind}-strict-value`;
      await c.register(subject, avro(USER));
      await assert.rejects(c.register(subject, avro(USER_V2_INCOMPATIBLE)), (err: unknown) => {
        assert.ok(err instanceof SchemaRegistryError);
        assert.equal(err.status, 409);
        assert.match(err.message, /incompatible with an earlier schema for subject "[^"]*-strict-value"/);
        return true;
      });
    });

    test('soft-deletes a subject; the id still resolves', async () => {
      const c = client();
      const subject = `${kind}-gone-value`;
      const id = await c.register(subject, avro(USER));
      assert.deepEqual(await c.deleteSubject(subject), [1]);
      await assert.rejects(c.subjectVersion(subject, 'latest'), { errorCode: 40401 });
      assert.equal((await c.lookup(subject, avro(USER), true)).id, id);
      assert.equal((await c.schemaById(id)).schemaType, 'AVRO');
    });
  });
}

describe('the HTTP client', () => {
  test('fetches a schema by id once, however many ask at the same time', async () => {
    const id = await store.register('cache-value', avro(USER)).then((v) => v.id);
    let asked = 0;
    const proxy = await recordingServer((req, res) => {
      asked++;
      fetch(`${base}${req.url}`).then(async (r) => res.writeHead(r.status).end(await r.text()));
    });
    try {
      const c = new HttpSchemaRegistryClient(registryClientSettings(proxy.url, {}));
      const all = await Promise.all([c.schemaById(id), c.schemaById(id), c.schemaById(id)]);
      await c.schemaById(id);
      assert.equal(asked, 1);
      assert.equal(all[0].schema, all[2].schema);
    } finally {
      await close(proxy.server);
    }
  });

  test("sends Confluent's content type, and basic credentials from USER_INFO or the URL", async () => {
    const ok = (_req: IncomingMessage, res: ServerResponse) =>
      res.writeHead(200).end(JSON.stringify({ schema: USER, schemaType: 'AVRO' }));
    const server = await recordingServer(ok);
    try {
      const userInfo = new HttpSchemaRegistryClient(
        registryClientSettings(server.url, {
          'basic.auth.credentials.source': 'USER_INFO',
          'basic.auth.user.info': 'fred:s3cr:et',
        }),
      );
      await userInfo.schemaById(1);
      const inUrl = new HttpSchemaRegistryClient(
        registryClientSettings(server.url.replace('//', '//ann:p%40ss@'), {}),
      );
      await inUrl.schemaById(1);
      assert.equal(
        server.seen[0].headers.authorization,
        `Basic ${Buffer.from('fred:s3cr:et').toString('base64')}`,
      );
      assert.equal(
        server.seen[1].headers.authorization,
        `Basic ${Buffer.from('ann:p@ss').toString('base64')}`,
      );
      assert.equal(server.seen[1].url, '/schemas/ids/1', 'credentials never travel in the request line');
      assert.equal(server.seen[0].headers['content-type'], 'application/vnd.schemaregistry.v1+json');
    } finally {
      await close(server.server);
    }
  });

  test('asks the registry to normalize on register and lookup when told to', async () => {
    const server = await recordingServer((_req, res) =>
      res.writeHead(200).end('{"id":4,"version":2,"subject":"s","schema":"\\"int\\""}'),
    );
    try {
      const c = new HttpSchemaRegistryClient(registryClientSettings(server.url, {}));
      assert.equal(await c.register('s', avro('"int"'), true), 4);
      const found = await c.lookup('s', avro('"int"'), false, true);
      assert.deepEqual([found.id, found.version], [4, 2]);
      await c.lookup('s', avro('"int"'), true, true);
      assert.deepEqual(
        server.seen.map((r) => r.url),
        [
          '/subjects/s/versions?normalize=true',
          '/subjects/s?normalize=true',
          '/subjects/s?deleted=true&normalize=true',
        ],
      );
    } finally {
      await close(server.server);
    }
  });

  test('sends a static bearer token', async () => {
    const server = await recordingServer((_req, res) => res.writeHead(200).end('{"schema":"\\"int\\""}'));
    try {
      const c = new HttpSchemaRegistryClient(
        registryClientSettings(server.url, {
          'bearer.auth.credentials.source': 'STATIC_TOKEN',
          'bearer.auth.token': 'tok-123',
          'bearer.auth.logical.cluster': 'lsrc-9',
        }),
      );
      await c.schemaById(3);
      assert.equal(server.seen[0].headers.authorization, 'Bearer tok-123');
      assert.equal(server.seen[0].headers['target-sr-cluster'], 'lsrc-9');
    } finally {
      await close(server.server);
    }
  });

  test('names a refused login, and an unreachable registry with the URL to check', async () => {
    const server = await recordingServer((_req, res) => res.writeHead(401).end('Unauthorized'));
    try {
      const c = new HttpSchemaRegistryClient(registryClientSettings(server.url, {}));
      await assert.rejects(c.schemaById(1), { status: 401, message: /refused the credentials/ });
    } finally {
      await close(server.server);
    }
    const gone = new HttpSchemaRegistryClient(registryClientSettings(server.url, {}));
    await assert.rejects(gone.schemaById(1), (err: unknown) => {
      assert.ok(err instanceof SchemaRegistryError);
      assert.equal(err.status, 0);
      assert.match(err.message, /Cannot reach the Schema Registry at http:\/\/localhost:\d+/);
      return true;
    });
  });

  test('sends a request again when the kept-alive connection it went out on was closed by the registry', async () => {
    // The registry answers the first request of each connection and drops the connection on the
    // next one unread, as a server does that closes an idle connection just as a request arrives.
    const server = createHttpServer((req, res) => {
      const socket = req.socket as typeof req.socket & { answered?: boolean };
      if (socket.answered) return void socket.destroy();
      socket.answered = true;
      res.writeHead(200).end(JSON.stringify({ schema: '"string"' }));
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    let connections = 0;
    server.on('connection', () => connections++);
    try {
      const c = new HttpSchemaRegistryClient(registryClientSettings(url, {}));
      assert.equal((await c.schemaById(1)).schema, '"string"');
      assert.equal((await c.schemaById(2)).schema, '"string"');
      assert.equal(connections, 2, 'the second request went out again on a new connection');
    } finally {
      server.closeAllConnections();
      await close(server);
    }
  });

  test('tries the next URL when one cannot be reached', async () => {
    const dead = await recordingServer(() => {});
    await close(dead.server);
    const c = new HttpSchemaRegistryClient(registryClientSettings(`${dead.url},${base}`, {}));
    const id = await c.register('failover-value', avro(USER));
    assert.equal((await c.schemaById(id)).schemaType, 'AVRO');
  });

  test('talks TLS to an https:// registry whose CA is in a PEM truststore, with a client certificate', async (t) => {
    const certDir = join(dir, 'certs');
    mkdirSync(certDir);
    const certs = makeTestCertificates(certDir);
    if (certs === undefined) return t.skip('no openssl on this machine');
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, certs.ca);
    const clientPem = join(dir, 'client.pem');
    writeFileSync(clientPem, Buffer.concat([certs.client.key, certs.client.cert]));
    const server = await recordingServer(
      (req, res) => {
        const socket = req.socket as import('node:tls').TLSSocket;
        res.writeHead(socket.authorized ? 200 : 403).end(JSON.stringify({ schema: '"string"' }));
      },
      () =>
        createHttpsServer({
          key: certs.serverKey,
          cert: certs.serverCertificate,
          ca: certs.ca,
          requestCert: true,
        }),
    );
    try {
      const trusted = new HttpSchemaRegistryClient(
        registryClientSettings(server.url, {
          'ssl.truststore.location': caFile,
          'ssl.truststore.type': 'PEM',
          'ssl.keystore.location': clientPem,
          'ssl.keystore.type': 'PEM',
        }),
      );
      assert.equal((await trusted.schemaById(1)).schema, '"string"');
      const untrusting = new HttpSchemaRegistryClient(registryClientSettings(server.url, {}));
      await assert.rejects(untrusting.schemaById(1), /Cannot reach the Schema Registry.*certificate/);
    } finally {
      await close(server.server);
    }
  });
});

describe('the HTTP client over TLS with Java stores', () => {
  test("reaches the registry served over https with keytool's JKS and PKCS12 truststores and keystores", async (t) => {
    const certDir = join(dir, 'java-certs');
    mkdirSync(certDir);
    const certs = makeTestCertificates(certDir);
    if (certs === undefined || !keytoolAvailable()) return t.skip('no openssl or keytool on this machine');
    const stores = makeJavaStores(certDir, certs.ca);
    // The registry's own REST app, served by node:https, asking for client certificates.
    await app.ready();
    const server = createHttpsServer(
      {
        key: certs.serverKey,
        cert: certs.serverCertificate,
        ca: [certs.ca, stores.clientCertificate],
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => app.routing(req, res),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `https://localhost:${(server.address() as AddressInfo).port}`;
    try {
      const jks = new HttpSchemaRegistryClient(
        registryClientSettings(
          url,
          {
            'ssl.truststore.location': stores.trustJks,
            'ssl.truststore.type': 'JKS',
            'ssl.truststore.password': 'trustpw',
            'ssl.keystore.location': stores.clientJks,
            'ssl.keystore.type': 'JKS',
            'ssl.keystore.password': 'storepw',
            'ssl.key.password': 'keypass1',
          },
          'ksql.schema.registry.',
        ),
      );
      const id = await jks.register('java-stores-value', avro(USER));
      const p12 = new HttpSchemaRegistryClient(
        registryClientSettings(url, {
          // Confluent's serializers also take the schema.registry.ssl.* spelling.
          'schema.registry.ssl.truststore.location': stores.trustP12,
          'schema.registry.ssl.truststore.type': 'PKCS12',
          'schema.registry.ssl.truststore.password': 'trustpw',
          'schema.registry.ssl.keystore.location': stores.clientP12,
          'schema.registry.ssl.keystore.type': 'PKCS12',
          'schema.registry.ssl.keystore.password': 'storepw',
        }),
      );
      assert.deepEqual(JSON.parse((await p12.schemaById(id)).schema), JSON.parse(USER));
      const legacy = new HttpSchemaRegistryClient(
        registryClientSettings(url, {
          'ssl.truststore.location': stores.trustLegacyP12,
          'ssl.truststore.password': 'trustpw',
          'ssl.keystore.location': stores.clientLegacyP12,
          'ssl.keystore.password': 'storepw',
        }),
      );
      assert.equal((await legacy.subjectVersion('java-stores-value', 'latest')).id, id);
      // Trusting the server but showing no client certificate: the registry's TLS refuses it.
      const anonymous = new HttpSchemaRegistryClient(
        registryClientSettings(url, {
          'ssl.truststore.location': stores.trustJks,
          'ssl.truststore.password': 'trustpw',
        }),
      );
      await assert.rejects(anonymous.schemaById(id), /Cannot reach the Schema Registry/);
      assert.throws(
        () =>
          registryClientSettings(
            url,
            { 'ssl.truststore.location': stores.trustP12, 'ssl.truststore.password': 'wrong' },
            'ksql.schema.registry.',
          ),
        new RegistryClientSettingsError(
          `The PKCS12 store ksql.schema.registry.ssl.truststore.location=${stores.trustP12} does not open with ksql.schema.registry.ssl.truststore.password: the password is wrong.`,
        ),
      );
    } finally {
      server.closeAllConnections();
      await close(server);
    }
  });
});

describe('client settings', () => {
  test('refuse what cannot work, naming the setting as the user wrote it', () => {
    const p = 'ksql.schema.registry.';
    assert.throws(
      () => registryClientSettings('http://r:8081', { 'basic.auth.credentials.source': 'USER_INFO' }, p),
      new RegistryClientSettingsError(
        'ksql.schema.registry.basic.auth.credentials.source=USER_INFO needs ksql.schema.registry.basic.auth.user.info set to user:password.',
      ),
    );
    assert.throws(
      () => registryClientSettings('http://r:8081', { 'bearer.auth.credentials.source': 'STATIC_TOKEN' }, p),
      /ksql\.schema\.registry\.bearer\.auth\.credentials\.source=STATIC_TOKEN needs ksql\.schema\.registry\.bearer\.auth\.token/,
    );
    assert.throws(() => registryClientSettings('ftp://r', {}, p), /must start with http:\/\/ or https:\/\//);
    const jks = join(dir, 'trust.jks');
    writeFileSync(jks, Buffer.from([0xfe, 0xed, 0xfe, 0xed]));
    assert.throws(
      () =>
        registryClientSettings(
          'https://r:8081',
          { 'ssl.truststore.location': jks, 'ssl.truststore.type': 'PEM' },
          p,
        ),
      /ksql\.schema\.registry\.ssl\.truststore\.type=PEM but ksql\.schema\.registry\.ssl\.truststore\.location=.*trust\.jks is not PEM text \(it looks like a JKS store\): set ksql\.schema\.registry\.ssl\.truststore\.type=JKS\./,
    );
  });

  test('take a comma list of URLs and drop trailing slashes', () => {
    assert.deepEqual(registryClientSettings('http://a:8081/, http://b:8081', {}).urls, [
      'http://a:8081',
      'http://b:8081',
    ]);
  });
});
