import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createSecureContext } from 'node:tls';
import { makeTestCertificates } from '../server/tls-certificates.fixture.js';
import { type JavaStores, keytoolAvailable, makeJavaStores } from './java-stores.fixture.js';
import { KeyStoreError, readKeyStore, readTrustStore } from './key-stores.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-key-stores-'));
let stores: JavaStores | undefined;
let ca: Buffer;
after(() => rmSync(dir, { recursive: true, force: true }));
before(() => {
  const certs = makeTestCertificates(dir);
  if (certs === undefined || !keytoolAvailable()) return;
  ca = certs.ca;
  stores = makeJavaStores(dir, ca);
});

const trustNames = {
  location: 'x.ssl.truststore.location',
  type: 'x.ssl.truststore.type',
  password: 'x.ssl.truststore.password',
};
const keyNames = {
  location: 'x.ssl.keystore.location',
  type: 'x.ssl.keystore.type',
  password: 'x.ssl.keystore.password',
  keyPassword: 'x.ssl.key.password',
};
const fingerprints = (pem: Buffer) =>
  pem
    .toString()
    .split(/(?=-----BEGIN CERTIFICATE-----)/)
    .filter((p) => p.includes('BEGIN'))
    .map((p) => new X509Certificate(p).fingerprint256);

describe('truststores made by keytool', () => {
  test('JKS and PKCS12 (Java 17: PBES2/AES-256, HMAC-SHA256 MAC) give the CA certificate as PEM', (t) => {
    if (stores === undefined) return t.skip('no keytool or openssl on this machine');
    const expected = [new X509Certificate(ca).fingerprint256];
    for (const [location, type] of [
      [stores.trustJks, 'JKS'],
      [stores.trustP12, 'PKCS12'],
      [stores.trustJks, undefined],
      [stores.trustP12, 'JKS'], // Java 17 reads either under either type
      [stores.trustLegacyP12, 'PKCS12'],
    ] as const)
      assert.deepEqual(
        fingerprints(readTrustStore({ location, type, password: 'trustpw', names: trustNames })),
        expected,
        `${location} as ${type}`,
      );
    // Without a password a JKS store is read unchecked, as Java does.
    assert.deepEqual(
      fingerprints(readTrustStore({ location: stores.trustJks, names: trustNames })),
      expected,
    );
  });

  test('a wrong password, a wrong type or a missing file is refused naming the setting', (t) => {
    if (stores === undefined) return t.skip('no keytool or openssl on this machine');
    const s = stores;
    const read = (location: string, type?: string, password?: string) => () =>
      readTrustStore({ location, type, password, names: trustNames });
    assert.throws(
      read(s.trustJks, 'JKS', 'nope'),
      new KeyStoreError(
        `The JKS store x.ssl.truststore.location=${s.trustJks} does not open with x.ssl.truststore.password: the password does not open it (its integrity digest does not match). Give the password the store was made with.`,
      ),
    );
    assert.throws(
      read(s.trustP12, 'PKCS12', 'nope'),
      /^KeyStoreError: The PKCS12 store x\.ssl\.truststore\.location=.*trust\.p12 does not open with x\.ssl\.truststore\.password: the password is wrong\.$/,
    );
    assert.throws(read(s.trustP12, 'PKCS12'), /does not open with x\.ssl\.truststore\.password: set it/);
    assert.throws(
      read(s.trustJks, 'PEM'),
      /x\.ssl\.truststore\.type=PEM but x\.ssl\.truststore\.location=.*trust\.jks is not PEM text \(it looks like a JKS store\): set x\.ssl\.truststore\.type=JKS\./,
    );
    const pem = join(dir, 'ca-only.pem');
    writeFileSync(pem, ca);
    assert.throws(
      read(pem, 'JKS', 'trustpw'),
      /x\.ssl\.truststore\.type=JKS but .* is PEM text: set x\.ssl\.truststore\.type=PEM/,
    );
    assert.throws(
      read(s.trustJks, 'BKS'),
      /x\.ssl\.truststore\.type=BKS is not supported: give JKS, PKCS12 or PEM/,
    );
    assert.throws(
      read(join(dir, 'missing.jks'), 'JKS'),
      /Cannot read the truststore x\.ssl\.truststore\.location=.*missing\.jks: ENOENT/,
    );
    const jceks = join(dir, 'store.jceks');
    writeFileSync(jceks, Buffer.from([0xce, 0xce, 0xce, 0xce, 0, 0, 0, 2]));
    assert.throws(
      read(jceks),
      /is a JCEKS store, which is not read: convert it with keytool -importkeystore/,
    );
    const cut = join(dir, 'cut.jks');
    writeFileSync(cut, readFileSync(s.trustJks).subarray(0, 40));
    assert.throws(read(cut, 'JKS', 'trustpw'), /cannot be read as JKS: the JKS file is cut short/);
  });
});

describe('keystores made by keytool', () => {
  test('a JKS key opens with ssl.key.password, a PKCS12 one with the store password; node:tls takes both', (t) => {
    if (stores === undefined) return t.skip('no keytool or openssl on this machine');
    const jks = readKeyStore({
      location: stores.clientJks,
      type: 'JKS',
      password: 'storepw',
      keyPassword: 'keypass1',
      names: keyNames,
    });
    assert.ok('key' in jks);
    assert.match(jks.key.toString(), /^-----BEGIN PRIVATE KEY-----/);
    assert.equal(new X509Certificate(jks.cert).subject, 'CN=java-client');
    assert.ok(new X509Certificate(jks.cert).checkPrivateKey(createPrivateKey(jks.key)));
    createSecureContext(jks);
    const p12 = readKeyStore({ location: stores.clientP12, password: 'storepw', names: keyNames });
    assert.ok('pfx' in p12);
    createSecureContext(p12);
    // Java 8's PKCS12 (RC2-40 certificates), which Node's OpenSSL 3 refuses: opened here instead.
    const legacyFile = stores.clientLegacyP12;
    assert.throws(() => createSecureContext({ pfx: readFileSync(legacyFile), passphrase: 'storepw' }));
    const legacy = readKeyStore({ location: stores.clientLegacyP12, password: 'storepw', names: keyNames });
    assert.ok('key' in legacy);
    assert.equal(new X509Certificate(legacy.cert).subject, 'CN=java-client');
    createSecureContext(legacy);
    assert.throws(
      () => readKeyStore({ location: legacyFile, password: 'wrong', names: keyNames }),
      /client-legacy\.p12 does not open with x\.ssl\.keystore\.password: the password is wrong/,
    );
  });

  test('a wrong store or key password, or a store with no key, is refused naming the setting', (t) => {
    if (stores === undefined) return t.skip('no keytool or openssl on this machine');
    const s = stores;
    const read = (location: string, password?: string, keyPassword?: string) => () =>
      readKeyStore({ location, password, keyPassword, names: keyNames });
    assert.throws(read(s.clientJks, 'wrong', 'keypass1'), /does not open with x\.ssl\.keystore\.password/);
    assert.throws(
      read(s.clientJks, 'storepw', 'wrong'),
      /The private key 'client' in x\.ssl\.keystore\.location=.*client\.jks does not open with x\.ssl\.key\.password: the key password does not open the private key\./,
    );
    // Without ssl.key.password the store password is tried on the key, as Kafka does.
    assert.throws(
      read(s.clientJks, 'storepw'),
      /does not open with x\.ssl\.keystore\.password: the key password/,
    );
    assert.throws(
      read(s.clientP12, 'wrong'),
      /The keystore x\.ssl\.keystore\.location=.*client\.p12 does not open with x\.ssl\.keystore\.password: the password is wrong/,
    );
    assert.throws(read(s.trustJks, 'trustpw'), /holds no private key entry, only trusted certificates/);
  });
});
