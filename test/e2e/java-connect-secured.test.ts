// External mode against a real Apache Kafka Connect worker that is locked down as production ones are:
// its REST API over https with client certificates required (listeners.https.*), and basic
// authentication by Kafka's BasicAuthSecurityRestExtension. `sluice server` reaches it through
// ksqlDB's ksql.connect.ssl.* and ksql.connect.basic.auth.* settings; credentials that stop working
// fail connector statements with an error naming the URL and the cause, the server goes on serving
// everything else, and a fixed credentials file is picked up again (reload).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort } from '../../src/connect/free-port.js';
import { makeTestCertificates, type TestCertificates } from '../../src/server/tls-certificates.fixture.js';
import {
  connectPluginMissing,
  connectPluginsDir,
  type JavaConnectWorker,
  javaConnectMissing,
  startJavaConnectWorker,
} from './java-connect-worker.fixture.js';
import { killServerChildren, ksqlRequest, startServerChild } from './server-child.fixture.js';

let dir: string;
let worker: JavaConnectWorker | undefined;
let certs: TestCertificates | undefined;

const keytool = spawnSync('keytool', ['-help']).error === undefined;
const missing =
  javaConnectMissing ??
  connectPluginMissing('basic-auth') ??
  (keytool ? undefined : 'keytool (the JDK) is missing');

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-java-connect-secured-'));
  certs = makeTestCertificates(dir);
});

after(() => {
  worker?.child.kill('SIGKILL');
  killServerChildren();
  rmSync(dir, { recursive: true, force: true });
});

function run(command: string, args: string[]): void {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}${r.stdout}`);
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

test('sluice server drives a Connect worker that wants https, a client certificate and a password', {
  skip: missing ?? (certs === undefined ? 'openssl is missing' : undefined),
  timeout: 300_000,
}, async () => {
  const c = certs!;
  // The worker's keystore and trust store as Java reads them (PKCS12), from the same test CA.
  const serverKey = join(dir, 'server.key');
  const serverCert = join(dir, 'server.crt');
  writeFileSync(serverKey, c.serverKey);
  writeFileSync(serverCert, c.serverCertificate);
  const keystore = join(dir, 'connect-keystore.p12');
  run(
    'openssl',
    ['pkcs12', '-export', '-inkey', serverKey, '-in', serverCert, '-out', keystore].concat([
      '-passout',
      'pass:changeit',
      '-name',
      'connect',
    ]),
  );
  const truststore = join(dir, 'connect-truststore.p12');
  run(
    'keytool',
    ['-importcert', '-noprompt', '-alias', 'test-ca', '-file', c.caPem, '-storetype', 'PKCS12'].concat([
      '-keystore',
      truststore,
      '-storepass',
      'changeit',
    ]),
  );
  // The users of the basic-auth extension, through JAAS.
  const users = join(dir, 'connect-users.properties');
  writeFileSync(users, 'sluice: s3cret\n');
  const jaas = join(dir, 'connect-jaas.conf');
  writeFileSync(
    jaas,
    `KafkaConnect {\n  org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required\n  file="${users}";\n};\n`,
  );
  // What the server presents: its client certificate (PEM keystore) and its credentials file.
  const clientPem = join(dir, 'client.pem');
  writeFileSync(clientPem, Buffer.concat([c.client.key, c.client.cert]));
  const credentials = join(dir, 'connect-credentials.properties');
  writeFileSync(credentials, 'username=sluice\npassword=s3cret\n');

  const restPort = await freePort();
  const connectUrl = `https://127.0.0.1:${restPort}`;
  const server = await startServerChild(['--data-dir', join(dir, 'data')], {
    KSQL_CONNECT_LISTENERS: undefined,
    KSQL_KSQL_CONNECT_URL: connectUrl,
    KSQL_KSQL_CONNECT_SSL_TRUSTSTORE_LOCATION: c.caPem,
    KSQL_KSQL_CONNECT_SSL_KEYSTORE_LOCATION: clientPem,
    KSQL_KSQL_CONNECT_SSL_KEYSTORE_TYPE: 'PEM',
    KSQL_KSQL_CONNECT_BASIC_AUTH_CREDENTIALS_SOURCE: 'FILE',
    KSQL_KSQL_CONNECT_BASIC_AUTH_CREDENTIALS_FILE: credentials,
    KSQL_KSQL_CONNECT_BASIC_AUTH_CREDENTIALS_RELOAD: 'true',
    // A distributed worker answers writes once its config topic has them back: slow on a loaded machine.
    KSQL_KSQL_CONNECT_REQUEST_TIMEOUT_MS: '60000',
  });
  const bootstrap = /Kafka listener: PLAINTEXT:\/\/(\S+)/.exec(server.output())?.[1];
  assert.ok(bootstrap, server.output());

  worker = await startJavaConnectWorker({
    dir,
    bootstrap,
    groupId: 'sluice-java-secured',
    restPort,
    scheme: 'https',
    jvmOptions: [`-Djava.security.auth.login.config=${jaas}`],
    classpath: [join(connectPluginsDir, 'basic-auth', '*')],
    properties: {
      'listeners.https.ssl.keystore.location': keystore,
      'listeners.https.ssl.keystore.password': 'changeit',
      'listeners.https.ssl.key.password': 'changeit',
      'listeners.https.ssl.keystore.type': 'PKCS12',
      'listeners.https.ssl.truststore.location': truststore,
      'listeners.https.ssl.truststore.password': 'changeit',
      'listeners.https.ssl.truststore.type': 'PKCS12',
      'listeners.https.ssl.client.auth': 'required',
      'rest.extension.classes':
        'org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension',
    },
    probe: (url) =>
      new Promise((resolve) => {
        const req = request(
          `${url}/connectors`,
          {
            ca: c.ca,
            key: c.client.key,
            cert: c.client.cert,
            headers: { authorization: basic('sluice', 's3cret') },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', () => resolve(0));
        req.end();
      }),
  });

  // The worker really asks: no password, no entry.
  const anonymous = await new Promise<number>((resolve, reject) => {
    const req = request(
      `${connectUrl}/connectors`,
      { ca: c.ca, key: c.client.key, cert: c.client.cert },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
  assert.equal(anonymous, 401);

  const input = join(dir, 'input.txt');
  writeFileSync(input, 'one\n');
  const created = await ksqlRequest(
    server.url,
    `CREATE SOURCE CONNECTOR file_in WITH ('connector.class' = 'org.apache.kafka.connect.file.FileStreamSourceConnector', 'file' = '${input}', 'topic' = 'secured_lines', 'tasks.max' = '1');`,
  );
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const listed = await ksqlRequest(server.url, 'SHOW CONNECTORS;');
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  const [list] = listed.body as { connectors: { name: string }[] }[];
  assert.deepEqual(
    list.connectors.map((x) => x.name),
    ['FILE_IN'],
  );

  // A password that stops working (reload picks the file's change up): the connector statement
  // fails naming the URL and the refusal; everything else is served as before.
  writeFileSync(credentials, 'username=sluice\npassword=not-the-password\n');
  const refused = await ksqlRequest(server.url, 'SHOW CONNECTORS;');
  assert.notEqual(refused.status, 200, JSON.stringify(refused.body));
  const message = (refused.body as { message: string }).message;
  assert.ok(message.includes(`Kafka Connect at ${connectUrl} refused GET /connectors (HTTP 401`), message);
  assert.match(message, /ksql\.connect\.basic\.auth\.credentials/);
  const streams = await ksqlRequest(server.url, 'SHOW STREAMS;');
  assert.equal(streams.status, 200, JSON.stringify(streams.body));

  writeFileSync(credentials, 'username=sluice\npassword=s3cret\n');

  // Without credentials of its own (source NONE), a server passes each caller's Authorization on,
  // as ksqlDB does: the caller's password opens the worker, no password gets its 401.
  const forwarding = await startServerChild(['--data-dir', join(dir, 'forwarding')], {
    KSQL_CONNECT_LISTENERS: undefined,
    KSQL_KSQL_CONNECT_URL: connectUrl,
    KSQL_KSQL_CONNECT_SSL_TRUSTSTORE_LOCATION: c.caPem,
    KSQL_KSQL_CONNECT_SSL_KEYSTORE_LOCATION: clientPem,
    KSQL_KSQL_CONNECT_SSL_KEYSTORE_TYPE: 'PEM',
  });
  const asCaller = async (authorization?: string) => {
    const res = await fetch(`${forwarding.url}/ksql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(authorization === undefined ? {} : { authorization }),
      },
      body: JSON.stringify({ ksql: 'SHOW CONNECTORS;' }),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const allowed = await asCaller(basic('sluice', 's3cret'));
  assert.equal(allowed.status, 200, JSON.stringify(allowed.body));
  assert.deepEqual(
    (allowed.body as { connectors: { name: string }[] }[])[0].connectors.map((x) => x.name),
    ['FILE_IN'],
  );
  const anonymousCaller = await asCaller();
  assert.notEqual(anonymousCaller.status, 200);
  assert.match((anonymousCaller.body as { message: string }).message, /HTTP 401/);

  const dropped = await ksqlRequest(server.url, 'DROP CONNECTOR file_in;');
  assert.equal(dropped.status, 200, JSON.stringify(dropped.body));
  const empty = await ksqlRequest(server.url, 'SHOW CONNECTORS;');
  assert.deepEqual((empty.body as { connectors: unknown[] }[])[0].connectors, []);
});
