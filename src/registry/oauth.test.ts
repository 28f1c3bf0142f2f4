import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { SegmentLog } from '../log/index.js';
import { SchemaRegistryError } from '../serde/index.js';
import { HttpSchemaRegistryClient } from './client-http.js';
import { RegistryClientSettingsError, registryClientSettings } from './client-settings.js';
import { parseJaasConfig } from './jaas-config.js';
import { buildRegistryApp } from './registry-rest-app.js';
import { SchemaStore } from './schema-store.js';

const USER = JSON.stringify({ type: 'record', name: 'U', fields: [{ name: 'id', type: 'long' }] });
const avro = (schema: string) => ({ schemaType: 'AVRO' as const, schema, references: [] });
const SIGNING_KEY = 'idp-signing-key';
const P = 'ksql.schema.registry.';

/**
 * A small OAuth 2 identity provider: the client-credentials grant with the client id and secret in
 * HTTP basic auth, answering HS256-signed JWTs valid for an hour.
 */
interface IdentityProvider {
  readonly server: Server;
  readonly url: string;
  /** Every token issued, and the scope asked for with it. */
  readonly issued: { token: string; scope: string | null }[];
}

async function startIdentityProvider(clients: Record<string, string>): Promise<IdentityProvider> {
  const issued: { token: string; scope: string | null }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString());
      const [id, secret] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
        .toString()
        .split(':');
      if (req.method !== 'POST' || form.get('grant_type') !== 'client_credentials')
        return void res.writeHead(400).end('{"error":"unsupported_grant_type"}');
      if (id === undefined || clients[id] !== secret)
        return void res.writeHead(401).end('{"error":"invalid_client"}');
      const now = Math.floor(Date.now() / 1000);
      const token = jwt({ sub: id, iat: now, exp: now + 3600, scope: form.get('scope') ?? '' });
      issued.push({ token, scope: form.get('scope') });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/token`, issued };
}

function jwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${body}.${createHmac('sha256', SIGNING_KEY).update(body).digest('base64url')}`;
}

/** The identity provider's signature and expiry, as a registry behind it checks them. */
function validToken(header: string | undefined): boolean {
  const token = header?.replace(/^Bearer /, '') ?? '';
  const [h, p, sig] = token.split('.');
  if (sig === undefined) return false;
  const expected = createHmac('sha256', SIGNING_KEY).update(`${h}.${p}`).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  return (JSON.parse(Buffer.from(p, 'base64url').toString()) as { exp: number }).exp * 1000 > Date.now();
}

let dir: string;
let log: SegmentLog;
let app: FastifyInstance;
/** Sluice's registry behind a gateway that wants a valid token and Confluent Cloud's routing headers. */
let registry: Server;
let registryUrl: string;
const seen: { authorization?: string; cluster?: string; pool?: string }[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-registry-oauth-'));
  log = await SegmentLog.open({ dataDir: join(dir, 'data') });
  app = buildRegistryApp(await SchemaStore.open(log));
  await app.ready();
  registry = createServer((req: IncomingMessage, res: ServerResponse) => {
    const cluster = req.headers['target-sr-cluster'] as string | undefined;
    const pool = req.headers['confluent-identity-pool-id'] as string | undefined;
    seen.push({
      ...(req.headers.authorization === undefined ? {} : { authorization: req.headers.authorization }),
      ...(cluster === undefined ? {} : { cluster }),
      ...(pool === undefined ? {} : { pool }),
    });
    if (!validToken(req.headers.authorization) || cluster !== 'lsrc-1')
      return void res
        .writeHead(401, { 'content-type': 'application/json' })
        .end('{"error_code":40101,"message":"Unauthorized"}');
    app.routing(req, res);
  });
  await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
  registryUrl = `http://127.0.0.1:${(registry.address() as AddressInfo).port}`;
});

after(async () => {
  registry.closeAllConnections();
  await new Promise<void>((resolve) => registry.close(() => resolve()));
  await app.close();
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

const stop = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

describe('bearer.auth.credentials.source=OAUTHBEARER', () => {
  test('fetches a client-credentials token once, sends it with the routing headers, refreshes it near expiry', async () => {
    const idp = await startIdentityProvider({ 'sluice-app': 's3cret' });
    let clock = Date.now();
    try {
      const settings = registryClientSettings(
        registryUrl,
        {
          'bearer.auth.credentials.source': 'OAUTHBEARER',
          'bearer.auth.issuer.endpoint.url': idp.url,
          'bearer.auth.client.id': 'sluice-app',
          'bearer.auth.client.secret': 's3cret',
          'bearer.auth.scope': 'schema_registry',
          'bearer.auth.logical.cluster': 'lsrc-1',
          'bearer.auth.identity.pool.id': 'pool-7',
        },
        P,
      );
      const client = new HttpSchemaRegistryClient(settings, { now: () => clock });
      const id = await client.register('oauth-value', avro(USER));
      await client.subjectVersion('oauth-value', 'latest');
      assert.equal(idp.issued.length, 1, 'one token serves every request until near its expiry');
      assert.equal(idp.issued[0].scope, 'schema_registry');
      const last = seen.at(-1);
      assert.deepEqual(last, {
        authorization: `Bearer ${idp.issued[0].token}`,
        cluster: 'lsrc-1',
        pool: 'pool-7',
      });
      // 2000 s into an hour's token: before 80 % of its life, still cached.
      clock += 2000_000;
      await client.subjectVersion('oauth-value', 'latest');
      assert.equal(idp.issued.length, 1);
      // 3400 s: inside the 300 s buffer before expiry, a new token is fetched and sent.
      clock += 1400_000;
      assert.equal((await client.subjectVersion('oauth-value', 'latest')).id, id);
      assert.equal(idp.issued.length, 2);
      assert.equal(seen.at(-1)?.authorization, `Bearer ${idp.issued[1].token}`);
    } finally {
      await stop(idp.server);
    }
  });

  test('refused client credentials, or a token endpoint that is down, give an error naming the URL', async () => {
    const idp = await startIdentityProvider({ 'sluice-app': 's3cret' });
    const settings = (secret: string, url = idp.url) =>
      registryClientSettings(
        registryUrl,
        {
          'bearer.auth.credentials.source': 'OAUTHBEARER',
          'bearer.auth.issuer.endpoint.url': url,
          'bearer.auth.client.id': 'sluice-app',
          'bearer.auth.client.secret': secret,
          'bearer.auth.logical.cluster': 'lsrc-1',
        },
        P,
      );
    try {
      await assert.rejects(
        new HttpSchemaRegistryClient(settings('wrong')).schemaById(1),
        new SchemaRegistryError(
          `Cannot get an OAuth token for the Schema Registry: the OAuth token endpoint ${idp.url} (ksql.schema.registry.bearer.auth.issuer.endpoint.url) refused the client credentials (HTTP 401: {"error":"invalid_client"}). Check ksql.schema.registry.bearer.auth.client.id and ksql.schema.registry.bearer.auth.client.secret.`,
          401,
          40101,
        ),
      );
    } finally {
      await stop(idp.server);
    }
    // A port nothing listens on any more.
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}/oauth2/token`;
    await stop(dead);
    await assert.rejects(
      new HttpSchemaRegistryClient(settings('s3cret', deadUrl)).schemaById(1),
      (err: unknown) => {
        assert.ok(err instanceof SchemaRegistryError);
        assert.match(
          err.message,
          new RegExp(
            `^Cannot get an OAuth token for the Schema Registry: cannot reach the OAuth token endpoint ${deadUrl.replace(/[./]/g, '\\$&')} \\(ksql\\.schema\\.registry\\.bearer\\.auth\\.issuer\\.endpoint\\.url\\): connect ECONNREFUSED`,
          ),
        );
        return true;
      },
    );
  });

  test('a token that is not a JWT with a subject is refused, as Kafka validates it', async () => {
    const opaque = createServer((_req, res) => res.writeHead(200).end('{"access_token":"opaque-123"}'));
    await new Promise<void>((resolve) => opaque.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(opaque.address() as AddressInfo).port}/token`;
    try {
      const client = new HttpSchemaRegistryClient(
        registryClientSettings(registryUrl, {
          'bearer.auth.credentials.source': 'OAUTHBEARER',
          'bearer.auth.issuer.endpoint.url': url,
          'bearer.auth.client.id': 'a',
          'bearer.auth.client.secret': 'b',
        }),
      );
      await assert.rejects(
        client.schemaById(1),
        /The OAuth token from the OAuth token endpoint .* cannot be used: it is not a JWT \(expected three sections/,
      );
    } finally {
      await stop(opaque);
    }
  });

  test('missing settings and unknown sources are refused naming the setting', () => {
    const base = {
      'bearer.auth.credentials.source': 'OAUTHBEARER',
      'bearer.auth.issuer.endpoint.url': 'http://idp/token',
      'bearer.auth.client.id': 'a',
    };
    assert.throws(
      () => registryClientSettings(registryUrl, base, P),
      new RegistryClientSettingsError(
        'ksql.schema.registry.bearer.auth.credentials.source=OAUTHBEARER needs ksql.schema.registry.bearer.auth.client.secret.',
      ),
    );
    assert.throws(
      () =>
        registryClientSettings(
          registryUrl,
          { ...base, 'bearer.auth.client.secret': 'b', 'bearer.auth.issuer.endpoint.url': 'idp' },
          P,
        ),
      /ksql\.schema\.registry\.bearer\.auth\.issuer\.endpoint\.url=idp is not a URL/,
    );
    assert.throws(
      () => registryClientSettings(registryUrl, { 'bearer.auth.credentials.source': 'CUSTOM' }, P),
      /bearer\.auth\.credentials\.source=CUSTOM is not supported: use STATIC_TOKEN, OAUTHBEARER or SASL_OAUTHBEARER_INHERIT \(Sluice runs no Java credential provider classes\)/,
    );
  });
});

describe('inheriting the Kafka client login (sasl.jaas.config)', () => {
  const module = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';

  test('SASL_OAUTHBEARER_INHERIT takes clientId, clientSecret, scope and the identity pool from the JAAS options', async () => {
    const idp = await startIdentityProvider({ 'kafka-app': 'k-secret' });
    try {
      const client = new HttpSchemaRegistryClient(
        registryClientSettings(
          registryUrl,
          {
            'bearer.auth.credentials.source': 'SASL_OAUTHBEARER_INHERIT',
            'bearer.auth.logical.cluster': 'lsrc-1',
            'sasl.jaas.config': `${module} required clientId="kafka-app" clientSecret='k-secret' scope="kafka sr" extension_identityPoolId="pool-9";`,
            'sasl.oauthbearer.token.endpoint.url': idp.url,
          },
          P,
        ),
      );
      await client.register('inherit-value', avro(USER));
      assert.equal(idp.issued.length, 1);
      assert.equal(idp.issued[0].scope, 'kafka sr');
      assert.deepEqual(seen.at(-1), {
        authorization: `Bearer ${idp.issued[0].token}`,
        cluster: 'lsrc-1',
        pool: 'pool-9',
      });
    } finally {
      await stop(idp.server);
    }
  });

  test('SASL_OAUTHBEARER_INHERIT without the endpoint or with another login module is refused clearly', () => {
    const props = {
      'bearer.auth.credentials.source': 'SASL_OAUTHBEARER_INHERIT',
      'sasl.jaas.config': `${module} required clientId="a" clientSecret="b";`,
    };
    assert.throws(
      () => registryClientSettings(registryUrl, props, P),
      /SASL_OAUTHBEARER_INHERIT needs ksql\.schema\.registry\.sasl\.oauthbearer\.token\.endpoint\.url \(or ksql\.schema\.registry\.bearer\.auth\.issuer\.endpoint\.url\)/,
    );
    assert.throws(
      () =>
        registryClientSettings(
          registryUrl,
          {
            ...props,
            'sasl.oauthbearer.token.endpoint.url': 'http://idp/token',
            'sasl.jaas.config':
              'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";',
          },
          P,
        ),
      /ksql\.schema\.registry\.sasl\.jaas\.config cannot be inherited for .*SASL_OAUTHBEARER_INHERIT: its login module is org\.apache\.kafka\.common\.security\.plain\.PlainLoginModule, not .*OAuthBearerLoginModule/,
    );
  });

  test('basic SASL_INHERIT sends the PLAIN login username and password', async () => {
    const heard: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      heard.push(req.headers.authorization);
      res.writeHead(200).end('{"schema":"\\"int\\""}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const client = new HttpSchemaRegistryClient(
        registryClientSettings(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, {
          'basic.auth.credentials.source': 'SASL_INHERIT',
          'sasl.jaas.config':
            'org.apache.kafka.common.security.plain.PlainLoginModule required username="api-key" password="api;secret";',
        }),
      );
      await client.schemaById(1);
      assert.deepEqual(heard, [`Basic ${Buffer.from('api-key:api;secret').toString('base64')}`]);
    } finally {
      await stop(server);
    }
    assert.throws(
      () => registryClientSettings(registryUrl, { 'basic.auth.credentials.source': 'SASL_INHERIT' }, P),
      /ksql\.schema\.registry\.basic\.auth\.credentials\.source=SASL_INHERIT needs ksql\.schema\.registry\.sasl\.jaas\.config with username/,
    );
  });

  test('the JAAS text: quoted values, one entry, a control flag', () => {
    assert.deepEqual(parseJaasConfig(`M required a=1 b="x y" c='q\\'s' ;`), {
      loginModule: 'M',
      flag: 'required',
      options: { a: '1', b: 'x y', c: "q's" },
    });
    assert.throws(() => parseJaasConfig('M needed a=1;'), /'needed' is not a control flag/);
    assert.throws(() => parseJaasConfig('M required a=1'), /ends where ';' at its end was expected/);
    assert.throws(() => parseJaasConfig('M required a=1; N required;'), /more than one login module entry/);
    assert.throws(() => parseJaasConfig('M required a="1;'), /has no closing "/);
  });
});
