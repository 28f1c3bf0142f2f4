// Test support: a CA, a server certificate it signs (PEM keystore), client certificates from it and
// from another CA, all made with the openssl command line in a temporary directory.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCertificates {
  /** The CA that signs the server's and the good client's certificates (PEM). */
  readonly caPem: string;
  /** Key and certificate of the server in one PEM file (ssl.keystore.type=PEM). */
  readonly serverPem: string;
  readonly client: { readonly key: Buffer; readonly cert: Buffer };
  /** A client certificate signed by another CA. */
  readonly stranger: { readonly key: Buffer; readonly cert: Buffer };
  readonly ca: Buffer;
  /** The server's key and certificate as PEM text, for ssl.keystore.key and ssl.keystore.certificate.chain. */
  readonly serverKey: string;
  readonly serverCertificate: string;
}

function openssl(args: string[]): void {
  const run = spawnSync('openssl', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${run.stderr}`);
}

/** A CA's key and self-signed certificate. */
function makeCa(dir: string, name: string): { key: string; cert: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    `/CN=${name}`,
  ]);
  return { key, cert };
}

/** A key and a certificate for `cn` signed by `ca`, valid for localhost and 127.0.0.1. */
function makeSigned(
  dir: string,
  ca: { key: string; cert: string },
  name: string,
): { key: string; cert: string } {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.crt`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(
    ext,
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n',
  );
  openssl([
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
    '-out',
    csr,
    '-subj',
    `/CN=${name}`,
  ]);
  openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-out',
    cert,
    '-days',
    '1',
    '-extfile',
    ext,
  ]);
  return { key, cert };
}

/** Undefined when the openssl command is missing. */
export function makeTestCertificates(dir: string): TestCertificates | undefined {
  if (spawnSync('openssl', ['version']).status !== 0) return undefined;
  const ca = makeCa(dir, 'test-ca');
  const other = makeCa(dir, 'other-ca');
  const server = makeSigned(dir, ca, 'localhost');
  const client = makeSigned(dir, ca, 'client');
  const stranger = makeSigned(dir, other, 'stranger');
  const serverPem = join(dir, 'server-keystore.pem');
  writeFileSync(serverPem, Buffer.concat([readFileSync(server.key), readFileSync(server.cert)]));
  return {
    caPem: ca.cert,
    serverKey: readFileSync(server.key, 'utf8'),
    serverCertificate: readFileSync(server.cert, 'utf8'),
    ca: readFileSync(ca.cert),
    serverPem,
    client: { key: readFileSync(client.key), cert: readFileSync(client.cert) },
    stranger: { key: readFileSync(stranger.key), cert: readFileSync(stranger.cert) },
  };
}
