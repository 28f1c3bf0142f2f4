// How the server reaches an external Connect (ksql.connect.url): credentials, extra headers, TLS and
// timeouts, read from ksqlDB's ksql.connect.* settings (and sluice.connect.* where ksqlDB has Java
// plugins). Everything is read at start, so a missing file or a bad keystore stops the start.
import { readKeyStore, readTrustStore, type ServerConfig } from '../config/index.js';
import {
  type ConnectTls,
  connectCredentialsFromFile,
  type RestConnectClientOptions,
} from '../connect/client/index.js';
import { checkTlsMaterial } from '../connect/rest/index.js';

export function restConnectClientOptions(config: ServerConfig): RestConnectClientOptions {
  const url = config.getString('ksql.connect.url');
  const authorization = connectAuthorization(config);
  const tls = /^https:/i.test(url) ? connectTls(config) : undefined;
  return {
    timeoutMs: config.getNumber('ksql.connect.request.timeout.ms'),
    createWaitMs: config.getNumber('sluice.connect.create.wait.ms'),
    headers: requestHeaders(config.getOptionalPassword('sluice.connect.request.headers')?.reveal()),
    ...(authorization === undefined ? {} : { authorization }),
    ...(tls === undefined ? {} : { tls }),
  };
}

/** ksql.connect.basic.auth.*: the credentials sent to an external Connect cluster, if any. */
function connectAuthorization(config: ServerConfig): (() => string) | undefined {
  if (config.getString('ksql.connect.basic.auth.credentials.source').toUpperCase() !== 'FILE')
    return undefined;
  const file = config.getString('ksql.connect.basic.auth.credentials.file');
  if (file === '')
    throw new Error(
      'ksql.connect.basic.auth.credentials.source=FILE needs ksql.connect.basic.auth.credentials.file: a properties file with username=… and password=….',
    );
  return connectCredentialsFromFile(file, config.getBoolean('ksql.connect.basic.auth.credentials.reload'));
}

/** sluice.connect.request.headers: `Name:value,Name:value`. */
export function requestHeaders(text: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (text === undefined || text.trim() === '') return headers;
  for (const entry of text.split(',')) {
    const colon = entry.indexOf(':');
    const name = colon < 0 ? '' : entry.slice(0, colon).trim();
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
      throw new Error(
        `sluice.connect.request.headers has an entry that is not Name:value (${colon < 0 ? 'no colon' : `header name '${name}' is not a valid HTTP header name`}): give headers as Name:value pairs separated by commas.`,
      );
    headers[name.toLowerCase()] = entry.slice(colon + 1).trim();
  }
  return headers;
}

/**
 * ksql.connect.ssl.*, each falling back to the same ssl.* setting as ksqlDB does: the CAs to trust,
 * a client certificate for a Connect that asks for one, and whether the host name is checked.
 */
/** Each ksql.connect.ssl.* setting and the ssl.* one it falls back to (undefined: none). */
const CONNECT_SSL = {
  truststoreLocation: ['ksql.connect.ssl.truststore.location', 'ssl.truststore.location'],
  truststoreCertificates: ['ksql.connect.ssl.truststore.certificates', 'ssl.truststore.certificates'],
  truststoreType: ['ksql.connect.ssl.truststore.type', 'ssl.truststore.type'],
  // No fallback: the server's own truststore is PEM only and takes no password.
  truststorePassword: ['ksql.connect.ssl.truststore.password'],
  keystoreLocation: ['ksql.connect.ssl.keystore.location', 'ssl.keystore.location'],
  keystoreType: ['ksql.connect.ssl.keystore.type', 'ssl.keystore.type'],
  keystorePassword: ['ksql.connect.ssl.keystore.password', 'ssl.keystore.password'],
  keyPassword: ['ksql.connect.ssl.key.password', 'ssl.key.password'],
  keystoreKey: ['ksql.connect.ssl.keystore.key', 'ssl.keystore.key'],
  keystoreCertificateChain: ['ksql.connect.ssl.keystore.certificate.chain', 'ssl.keystore.certificate.chain'],
} as const;

function connectTls(config: ServerConfig): ConnectTls {
  // The setting in force: ksql.connect.ssl.X when set, else ssl.X.
  const name = (which: keyof typeof CONNECT_SSL) => {
    const [own, fallback]: readonly string[] = CONNECT_SSL[which];
    return fallback === undefined || config.isSetByUser(own) ? own : fallback;
  };
  const text = (which: keyof typeof CONNECT_SSL) => {
    const key = name(which);
    const value = config.getOptionalString(key);
    return value === undefined || value === '' ? undefined : { key, value };
  };
  const secret = (which: keyof typeof CONNECT_SSL) => config.getOptionalPassword(name(which))?.reveal();
  // A store type only when the user gave one: the server's own ssl.*.type defaults say nothing about
  // this store, whose content decides otherwise.
  const typeOf = (which: 'truststoreType' | 'keystoreType') =>
    CONNECT_SSL[which].some((key) => config.isSetByUser(key)) ? text(which)?.value : undefined;

  const algorithm = (
    config.getOptionalString('ksql.connect.ssl.endpoint.identification.algorithm') ?? 'https'
  )
    .trim()
    .toLowerCase();
  const tls: { -readonly [K in keyof ConnectTls]: ConnectTls[K] } = {
    verifyHostname: algorithm === 'https',
  };

  const inline = text('truststoreCertificates');
  const location = text('truststoreLocation');
  if (inline !== undefined) {
    if (!inline.value.includes('-----BEGIN CERTIFICATE-----'))
      throw new Error(`${inline.key} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`);
    tls.ca = Buffer.from(inline.value);
  } else if (location !== undefined) {
    tls.ca = readTrustStore({
      location: location.value,
      type: typeOf('truststoreType'),
      password: secret('truststorePassword'),
      names: { location: location.key, type: name('truststoreType'), password: name('truststorePassword') },
    });
  }

  const keyText = secret('keystoreKey');
  const keystore = text('keystoreLocation');
  if (keyText !== undefined && keyText !== '') {
    const chain = text('keystoreCertificateChain');
    if (chain === undefined)
      throw new Error(
        `${name('keystoreKey')} is set but ${name('keystoreCertificateChain')} is not: give the client certificate chain in PEM.`,
      );
    tls.key = Buffer.from(keyText);
    tls.cert = Buffer.from(chain.value);
    tls.passphrase = secret('keyPassword');
  } else if (keystore !== undefined) {
    const material = readKeyStore({
      location: keystore.value,
      type: typeOf('keystoreType'),
      password: secret('keystorePassword'),
      keyPassword: secret('keyPassword'),
      names: {
        location: keystore.key,
        type: name('keystoreType'),
        password: name('keystorePassword'),
        keyPassword: name('keyPassword'),
      },
    });
    if ('pfx' in material) tls.pfx = material.pfx;
    else {
      tls.key = material.key;
      tls.cert = material.cert;
    }
    tls.passphrase = material.passphrase;
  }
  if (tls.pfx !== undefined || tls.key !== undefined)
    checkTlsMaterial(
      {
        ...(tls.pfx === undefined ? { key: tls.key, cert: tls.cert } : { pfx: tls.pfx }),
        ...(tls.passphrase === undefined ? {} : { passphrase: tls.passphrase }),
      },
      `the Connect client's keystore (${keystore?.key ?? name('keystoreKey')})`,
    );
  return tls;
}
