// Confluent's Schema Registry client settings (the keys its Java client and serializers take),
// read into what the HTTP client needs. ksqlDB passes its `ksql.schema.registry.*` keys to the client
// with that prefix removed; Connect converters pass `key.converter.*` / `value.converter.*` the same way.
import { type KeyMaterial, KeyStoreError, readKeyStore, readTrustStore } from '../config/index.js';
import { bearerAuthSettings, inheritedBasicAuth } from './bearer-auth-settings.js';
import type { OAuthClientCredentials } from './oauth-token-source.js';

/** TLS material for https:// registries, as node:https takes it. */
export interface RegistryTls {
  readonly ca?: Buffer;
  readonly pfx?: Buffer;
  readonly key?: Buffer;
  readonly cert?: Buffer;
  readonly passphrase?: string;
  /** ssl.endpoint.identification.algorithm empty: the certificate's host name is not checked. */
  readonly checkHostName: boolean;
}

export interface RegistryClientSettings {
  /** One or more base URLs; the next is tried when one cannot be reached. */
  readonly urls: readonly string[];
  readonly basicAuth?: { readonly username: string; readonly password: string };
  readonly bearerToken?: string;
  /** OAuth client credentials: a token fetched, cached and refreshed by the client. */
  readonly oauth?: OAuthClientCredentials;
  /** bearer.auth.logical.cluster and bearer.auth.identity.pool.id, sent as headers with a bearer token. */
  readonly logicalCluster?: string;
  readonly identityPoolId?: string;
  readonly tls?: RegistryTls;
  /** How long one request may take before the next URL is tried (default 30 s). */
  readonly requestTimeoutMs?: number;
}

/** A setting that cannot be used: names the key as the user wrote it. */
export class RegistryClientSettingsError extends Error {
  override readonly name = 'RegistryClientSettingsError';
}

/**
 * Reads `url` (a comma list, as `schema.registry.url` is) and the client keys in `props` (prefix
 * already removed; `prefix` is only for messages, e.g. `ksql.schema.registry.`):
 * - `basic.auth.credentials.source`: URL (default: `http://user:pass@host` in the URL), USER_INFO
 *   (`basic.auth.user.info` = `user:password`), SASL_INHERIT (username and password of `sasl.jaas.config`).
 * - `bearer.auth.credentials.source`: STATIC_TOKEN (`bearer.auth.token`), OAUTHBEARER (client
 *   credentials at `bearer.auth.issuer.endpoint.url`), SASL_OAUTHBEARER_INHERIT (the same from the
 *   OAuthBearerLoginModule options of `sasl.jaas.config` and `sasl.oauthbearer.token.endpoint.url`).
 * - `ssl.truststore.*`, `ssl.keystore.*` (JKS, PKCS12 or PEM files), `ssl.key.password`,
 *   `ssl.endpoint.identification.algorithm` (also under `schema.registry.ssl.*`, as Confluent's
 *   serializers take them).
 */
export function registryClientSettings(
  url: string,
  props: Readonly<Record<string, string | undefined>>,
  prefix = '',
): RegistryClientSettings {
  const get = (key: string): string | undefined => {
    const v = props[key] ?? (key.startsWith('ssl.') ? props[`schema.registry.${key}`] : undefined);
    return v === undefined || v === '' ? undefined : v;
  };
  const named = (key: string) => `${prefix}${key}`;
  const fail = (message: string) => new RegistryClientSettingsError(message);
  const urls = url
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '');
  if (urls.length === 0) throw new RegistryClientSettingsError('No Schema Registry URL is set.');
  let basicAuth: { username: string; password: string } | undefined;
  const parsedUrls = urls.map((u) => {
    let parsed: URL;
    try {
      parsed = new URL(u);
    } catch {
      throw new RegistryClientSettingsError(
        `The Schema Registry URL '${u}' is not a URL: give http(s)://host:port.`,
      );
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new RegistryClientSettingsError(
        `The Schema Registry URL '${u}' must start with http:// or https://.`,
      );
    return parsed;
  });
  const source = (get('basic.auth.credentials.source') ?? 'URL').toUpperCase();
  if (source === 'URL') {
    const withUser = parsedUrls.find((u) => u.username !== '');
    if (withUser !== undefined)
      basicAuth = {
        username: decodeURIComponent(withUser.username),
        password: decodeURIComponent(withUser.password),
      };
  } else if (source === 'USER_INFO') {
    const info = get('basic.auth.user.info') ?? get('schema.registry.basic.auth.user.info');
    const colon = info?.indexOf(':') ?? -1;
    if (info === undefined || colon < 0)
      throw new RegistryClientSettingsError(
        `${named('basic.auth.credentials.source')}=USER_INFO needs ${named('basic.auth.user.info')} set to user:password.`,
      );
    basicAuth = { username: info.slice(0, colon), password: info.slice(colon + 1) };
  } else if (source === 'SASL_INHERIT') {
    basicAuth = inheritedBasicAuth(get, named, fail);
  } else {
    throw new RegistryClientSettingsError(
      `${named('basic.auth.credentials.source')}=${source} is not one of URL, USER_INFO, SASL_INHERIT.`,
    );
  }
  const bearer = bearerAuthSettings(get, named, fail);
  if (bearer !== undefined && basicAuth !== undefined && source !== 'URL')
    throw new RegistryClientSettingsError(
      `Both basic (${named('basic.auth.credentials.source')}) and bearer (${named('bearer.auth.credentials.source')}) authentication are set: keep one.`,
    );
  const algorithm =
    props['ssl.endpoint.identification.algorithm'] ??
    props['schema.registry.ssl.endpoint.identification.algorithm'];
  // The registry's TLS settings serve an https:// token endpoint too, as in Confluent's client.
  const tls = [...parsedUrls.map((u) => u.protocol), bearer?.oauth?.tokenEndpointUrl.slice(0, 6)].includes(
    'https:',
  )
    ? // Kafka's default is https (check the host name); an explicitly empty value turns the check off.
      readTls(get, named, algorithm === undefined || algorithm.trim() !== '')
    : undefined;
  return {
    urls: parsedUrls.map((u) => {
      // Credentials travel in the Authorization header, never in the request line.
      u.username = '';
      u.password = '';
      return u.toString().replace(/\/+$/, '');
    }),
    ...(basicAuth === undefined ? {} : { basicAuth }),
    ...bearer,
    ...(tls === undefined ? {} : { tls }),
  };
}

function readTls(
  get: (key: string) => string | undefined,
  named: (key: string) => string,
  checkHostName: boolean,
): RegistryTls {
  const wrap = <T>(read: () => T): T => {
    try {
      return read();
    } catch (err) {
      if (err instanceof KeyStoreError) throw new RegistryClientSettingsError(err.message, { cause: err });
      throw err;
    }
  };
  let ca: Buffer | undefined;
  const inlineCa = get('ssl.truststore.certificates');
  const truststore = get('ssl.truststore.location');
  if (inlineCa !== undefined) ca = Buffer.from(inlineCa);
  else if (truststore !== undefined)
    ca = wrap(() =>
      readTrustStore({
        location: truststore,
        type: get('ssl.truststore.type'),
        password: get('ssl.truststore.password'),
        names: {
          location: named('ssl.truststore.location'),
          type: named('ssl.truststore.type'),
          password: named('ssl.truststore.password'),
        },
      }),
    );
  let material: KeyMaterial | undefined;
  const inlineKey = get('ssl.keystore.key');
  const keystore = get('ssl.keystore.location');
  if (inlineKey !== undefined) {
    const chain = get('ssl.keystore.certificate.chain');
    if (chain === undefined)
      throw new RegistryClientSettingsError(
        `${named('ssl.keystore.key')} is set but ${named('ssl.keystore.certificate.chain')} is not: give the certificate chain in PEM.`,
      );
    const passphrase = get('ssl.key.password');
    material = {
      key: Buffer.from(inlineKey),
      cert: Buffer.from(chain),
      ...(passphrase === undefined ? {} : { passphrase }),
    };
  } else if (keystore !== undefined)
    material = wrap(() =>
      readKeyStore({
        location: keystore,
        type: get('ssl.keystore.type'),
        password: get('ssl.keystore.password'),
        keyPassword: get('ssl.key.password'),
        names: {
          location: named('ssl.keystore.location'),
          type: named('ssl.keystore.type'),
          password: named('ssl.keystore.password'),
          keyPassword: named('ssl.key.password'),
        },
      }),
    );
  return { ...(ca === undefined ? {} : { ca }), ...material, checkHostName };
}
