import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** A self-signed PKCS12 keystore made with the openssl command line. */
export function makeKeystore(dir: string): string | undefined {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const p12 = join(dir, 'server.p12');
  const req = spawnSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
  ]);
  if (req.status !== 0) return undefined;
  const pkcs12 = spawnSync('openssl', [
    'pkcs12',
    '-export',
    '-inkey',
    key,
    '-in',
    cert,
    '-out',
    p12,
    '-passout',
    'pass:s3cret',
  ]);
  return pkcs12.status === 0 ? p12 : undefined;
}
