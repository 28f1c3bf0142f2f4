// Test support: Java truststores and keystores made by the real keytool (Java 17 writes PKCS12 with
// PBES2/AES-256 and an HMAC-SHA256 MAC), the way ksqlDB users make theirs.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface JavaStores {
  /** The given CA certificate imported as a trusted entry (store password `trustpw`). */
  readonly trustJks: string;
  readonly trustP12: string;
  /** A self-signed client key and certificate (CN=java-client): JKS with store password `storepw`
   *  and key password `keypass1`; PKCS12 with `storepw` for both, as keytool requires. */
  readonly clientJks: string;
  readonly clientP12: string;
  /** The same key and truststore as Java 8's keytool wrote PKCS12 (RC2-40 certificates, 3DES key,
   *  SHA-1 MAC), which OpenSSL 3 reads only with its legacy provider. */
  readonly clientLegacyP12: string;
  readonly trustLegacyP12: string;
  /** The client's certificate in PEM, for a server to trust. */
  readonly clientCertificate: Buffer;
}

export function keytoolAvailable(): boolean {
  return spawnSync('keytool', ['-help']).status === 0;
}

function keytool(args: string[]): void {
  const run = spawnSync('keytool', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`keytool ${args.join(' ')} failed: ${run.stdout}${run.stderr}`);
}

/** Stores in `dir` around the CA certificate `caPem`. */
export function makeJavaStores(dir: string, caPem: Buffer | string): JavaStores {
  const caFile = join(dir, 'stores-ca.pem');
  writeFileSync(caFile, caPem);
  const trustJks = join(dir, 'trust.jks');
  const trustP12 = join(dir, 'trust.p12');
  for (const [file, type] of [
    [trustJks, 'JKS'],
    [trustP12, 'PKCS12'],
  ] as const)
    keytool([
      '-importcert',
      '-noprompt',
      '-alias',
      'ca',
      '-file',
      caFile,
      '-keystore',
      file,
      '-storetype',
      type,
      '-storepass',
      'trustpw',
    ]);
  const clientJks = join(dir, 'client.jks');
  const clientP12 = join(dir, 'client.p12');
  const keyArgs = ['-genkeypair', '-alias', 'client', '-keyalg', 'EC', '-groupname', 'secp256r1'];
  const subject = ['-dname', 'CN=java-client', '-validity', '2'];
  keytool(
    [...keyArgs, ...subject, '-keystore', clientJks, '-storetype', 'JKS'].concat([
      '-storepass',
      'storepw',
      '-keypass',
      'keypass1',
    ]),
  );
  keytool([
    '-importkeystore',
    '-srckeystore',
    clientJks,
    '-srcstoretype',
    'JKS',
    '-srcstorepass',
    'storepw',
    '-srckeypass',
    'keypass1',
    '-srcalias',
    'client',
    '-destkeystore',
    clientP12,
    '-deststoretype',
    'PKCS12',
    '-deststorepass',
    'storepw',
    '-destkeypass',
    'storepw',
  ]);
  const clientLegacyP12 = join(dir, 'client-legacy.p12');
  const trustLegacyP12 = join(dir, 'trust-legacy.p12');
  for (const [src, srcPass, dest] of [
    [clientP12, 'storepw', clientLegacyP12],
    [trustP12, 'trustpw', trustLegacyP12],
  ] as const)
    keytool([
      '-J-Dkeystore.pkcs12.legacy',
      '-importkeystore',
      '-srckeystore',
      src,
      '-srcstoretype',
      'PKCS12',
      '-srcstorepass',
      srcPass,
      '-destkeystore',
      dest,
      '-deststoretype',
      'PKCS12',
      '-deststorepass',
      srcPass,
    ]);
  const certFile = join(dir, 'client-cert.pem');
  keytool(
    ['-exportcert', '-rfc', '-alias', 'client', '-keystore', clientJks, '-storepass', 'storepw'].concat([
      '-file',
      certFile,
    ]),
  );
  return {
    trustJks,
    trustP12,
    clientJks,
    clientP12,
    clientLegacyP12,
    trustLegacyP12,
    clientCertificate: readFileSync(certFile),
  };
}
