// An SSL:// Kafka listener serves the server's ssl.* keystore, and client certificates when
// ssl.client.authentication asks for them: kcat produces and consumes over TLS, a plaintext client
// is dropped at the handshake and the listener keeps serving.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeTestCertificates, type TestCertificates } from '../../src/server/tls-certificates.fixture.js';
import { kcat, run } from './kafka-peers.fixture.js';
import { killServerChildren, startServerChild } from './server-child.fixture.js';

let dir: string;
let certs: TestCertificates | undefined;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-kafka-ssl-'));
  certs = makeTestCertificates(dir);
});

after(() => {
  killServerChildren();
  rmSync(dir, { recursive: true, force: true });
});

async function sslServer(
  name: string,
  env: NodeJS.ProcessEnv,
): Promise<{ bootstrap: string; output: () => string }> {
  const server = await startServerChild(['--data-dir', join(dir, name)], {
    KSQL_SLUICE_KAFKA_LISTENERS: 'SSL://127.0.0.1:0',
    KSQL_SSL_KEYSTORE_LOCATION: certs!.serverPem,
    KSQL_SSL_KEYSTORE_TYPE: 'PEM',
    ...env,
  });
  const bootstrap = /Kafka listener: SSL:\/\/(\S+)/.exec(server.output())?.[1];
  assert.ok(bootstrap, `no SSL Kafka listener line in:\n${server.output()}`);
  return { bootstrap, output: server.output };
}

const ssl = (...extra: string[]) => [
  '-X',
  'security.protocol=ssl',
  '-X',
  `ssl.ca.location=${certs!.caPem}`,
  ...extra,
];

async function produceAndConsume(bootstrap: string, topic: string, options: string[]): Promise<void> {
  const produced = await run('kcat', ['-b', bootstrap, ...options, '-P', '-t', topic], {
    input: 'one\ntwo\n',
  });
  assert.equal(produced.code, 0, produced.stderr);
  const consumed = await run('kcat', [
    '-b',
    bootstrap,
    ...options,
    '-C',
    '-t',
    topic,
    '-o',
    'beginning',
    '-e',
  ]);
  assert.equal(consumed.code, 0, consumed.stderr);
  assert.deepEqual(consumed.stdout.trim().split('\n'), ['one', 'two']);
}

describe('an SSL:// Kafka listener with kcat', { skip: kcat.missing }, () => {
  test('produces and consumes over TLS; a plaintext client fails and harms nothing', async (t) => {
    if (certs === undefined) return t.skip('openssl is missing');
    const { bootstrap } = await sslServer('tls', {});
    await produceAndConsume(bootstrap, 'over-tls', ssl());
    const plain = await run('kcat', ['-b', bootstrap, '-L', '-m', '5']);
    assert.notEqual(plain.code, 0, 'a plaintext client got metadata from the SSL listener');
    // The listener still serves TLS clients after the plaintext one.
    const consumed = await run('kcat', [
      '-b',
      bootstrap,
      ...ssl(),
      '-C',
      '-t',
      'over-tls',
      '-o',
      'beginning',
      '-e',
    ]);
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.deepEqual(consumed.stdout.trim().split('\n'), ['one', 'two']);
  });

  test('ssl.client.authentication=REQUIRED admits only clients with a trusted certificate', async (t) => {
    if (certs === undefined) return t.skip('openssl is missing');
    const { bootstrap } = await sslServer('mtls', {
      KSQL_SSL_CLIENT_AUTHENTICATION: 'REQUIRED',
      KSQL_SSL_TRUSTSTORE_LOCATION: certs.caPem,
      KSQL_SSL_TRUSTSTORE_TYPE: 'PEM',
    });
    const files = (name: string, pair: { key: Buffer; cert: Buffer }) => {
      writeFileSync(join(dir, `${name}-kcat.key`), pair.key);
      writeFileSync(join(dir, `${name}-kcat.crt`), pair.cert);
      return ssl(
        '-X',
        `ssl.key.location=${join(dir, `${name}-kcat.key`)}`,
        '-X',
        `ssl.certificate.location=${join(dir, `${name}-kcat.crt`)}`,
      );
    };
    await produceAndConsume(bootstrap, 'mutual', files('client', certs.client));
    const anonymous = await run('kcat', ['-b', bootstrap, ...ssl(), '-L', '-m', '5']);
    assert.notEqual(anonymous.code, 0, 'a client without a certificate got metadata');
    const stranger = await run('kcat', [
      '-b',
      bootstrap,
      ...files('stranger', certs.stranger),
      '-L',
      '-m',
      '5',
    ]);
    assert.notEqual(stranger.code, 0, 'a client with an untrusted certificate got metadata');
  });

  test('ssl.client.authentication=REQUESTED admits a client without a certificate, not one with an untrusted one', async (t) => {
    if (certs === undefined) return t.skip('openssl is missing');
    const { bootstrap } = await sslServer('requested', {
      KSQL_SSL_CLIENT_AUTHENTICATION: 'REQUESTED',
      KSQL_SSL_TRUSTSTORE_LOCATION: certs.caPem,
      KSQL_SSL_TRUSTSTORE_TYPE: 'PEM',
    });
    await produceAndConsume(bootstrap, 'requested', ssl());
    writeFileSync(join(dir, 'requested-stranger.key'), certs.stranger.key);
    writeFileSync(join(dir, 'requested-stranger.crt'), certs.stranger.cert);
    const stranger = await run('kcat', [
      '-b',
      bootstrap,
      ...ssl(
        '-X',
        `ssl.key.location=${join(dir, 'requested-stranger.key')}`,
        '-X',
        `ssl.certificate.location=${join(dir, 'requested-stranger.crt')}`,
      ),
      '-L',
      '-m',
      '5',
    ]);
    assert.notEqual(stranger.code, 0, 'a client with an untrusted certificate got metadata');
  });
});

test('an SSL:// Kafka listener without a keystore refuses to start, naming the setting', async () => {
  await assert.rejects(
    startServerChild(['--data-dir', join(dir, 'no-keystore')], {
      KSQL_SLUICE_KAFKA_LISTENERS: 'SSL://127.0.0.1:0',
    }),
    /sluice\.kafka\.listeners=SSL:\/\/127\.0\.0\.1:0 serves TLS but no keystore is set: set ssl\.keystore\.location/,
  );
});
