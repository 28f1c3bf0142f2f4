// bearer.auth.* (Confluent's Schema Registry client keys): a static token, OAuth client credentials,
// or the Kafka client's own SASL/OAUTHBEARER login inherited from sasl.jaas.config.
import { parseJaasConfig } from './jaas-config.js';
import type { OAuthClientCredentials } from './oauth-token-source.js';

export interface BearerAuthSettings {
  readonly bearerToken?: string;
  readonly oauth?: OAuthClientCredentials;
  /** Sent as target-sr-cluster and Confluent-Identity-Pool-Id, as Confluent Cloud's registry wants. */
  readonly logicalCluster?: string;
  readonly identityPoolId?: string;
}

const SOURCES = ['STATIC_TOKEN', 'OAUTHBEARER', 'SASL_OAUTHBEARER_INHERIT'];
const OAUTH_LOGIN_MODULE = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';

/**
 * `get` reads a key with the prefix removed (undefined when unset or empty); `named` puts the prefix
 * back for messages. `fail` builds the error to throw.
 */
export function bearerAuthSettings(
  get: (key: string) => string | undefined,
  named: (key: string) => string,
  fail: (message: string) => Error,
): BearerAuthSettings | undefined {
  const source = get('bearer.auth.credentials.source')?.toUpperCase();
  if (source === undefined) return undefined;
  const sourceKey = named('bearer.auth.credentials.source');
  if (!SOURCES.includes(source))
    throw fail(
      `${sourceKey}=${source} is not supported: use STATIC_TOKEN, OAUTHBEARER or SASL_OAUTHBEARER_INHERIT${source === 'CUSTOM' ? ' (Sluice runs no Java credential provider classes)' : ''}.`,
    );
  const routing = {
    ...optional('logicalCluster', get('bearer.auth.logical.cluster')),
    ...optional('identityPoolId', get('bearer.auth.identity.pool.id')),
  };
  if (source === 'STATIC_TOKEN') {
    const bearerToken = get('bearer.auth.token');
    if (bearerToken === undefined)
      throw fail(`${sourceKey}=STATIC_TOKEN needs ${named('bearer.auth.token')}.`);
    return { bearerToken, ...routing };
  }
  const bufferText = get('bearer.auth.cache.expiry.buffer.seconds') ?? '300';
  const expiryBufferSeconds = Number(bufferText);
  if (!/^\d+$/.test(bufferText.trim()) || expiryBufferSeconds > 32767)
    throw fail(
      `${named('bearer.auth.cache.expiry.buffer.seconds')}=${bufferText} is not a number of seconds from 0 to 32767.`,
    );
  if (source === 'OAUTHBEARER') {
    const need = (key: string) => {
      const v = get(key);
      if (v === undefined) throw fail(`${sourceKey}=OAUTHBEARER needs ${named(key)}.`);
      return v;
    };
    const tokenEndpointUrl = endpoint(
      need('bearer.auth.issuer.endpoint.url'),
      named('bearer.auth.issuer.endpoint.url'),
      fail,
    );
    return {
      oauth: {
        tokenEndpointUrl,
        clientId: need('bearer.auth.client.id'),
        clientSecret: need('bearer.auth.client.secret'),
        ...optional('scope', get('bearer.auth.scope')),
        scopeClaimName: get('bearer.auth.scope.claim.name') ?? 'scope',
        subClaimName: get('bearer.auth.sub.claim.name') ?? 'sub',
        expiryBufferSeconds,
        endpointSetting: named('bearer.auth.issuer.endpoint.url'),
        credentialSettings: `${named('bearer.auth.client.id')} and ${named('bearer.auth.client.secret')}`,
      },
      ...routing,
    };
  }
  // SASL_OAUTHBEARER_INHERIT: the bearer.auth.* keys first, then the Kafka client's login options.
  const jaasKey = named('sasl.jaas.config');
  const jaasText = get('sasl.jaas.config');
  if (jaasText === undefined)
    throw fail(
      `${sourceKey}=SASL_OAUTHBEARER_INHERIT needs ${jaasKey} (${OAUTH_LOGIN_MODULE} required clientId="…" clientSecret="…" scope="…";) and ${named('sasl.oauthbearer.token.endpoint.url')}.`,
    );
  let options: Readonly<Record<string, string>>;
  try {
    const entry = parseJaasConfig(jaasText);
    if (entry.loginModule !== OAUTH_LOGIN_MODULE)
      throw new Error(`its login module is ${entry.loginModule}, not ${OAUTH_LOGIN_MODULE}`);
    options = entry.options;
  } catch (err) {
    throw fail(
      `${jaasKey} cannot be inherited for ${sourceKey}=SASL_OAUTHBEARER_INHERIT: ${(err as Error).message}.`,
    );
  }
  const either = (key: string, option: string) => {
    const v = get(key) ?? options[option];
    if (v === undefined || v === '')
      throw fail(
        `${sourceKey}=SASL_OAUTHBEARER_INHERIT needs ${named(key)}, or ${option}="…" in ${jaasKey}.`,
      );
    return v;
  };
  const endpointKey =
    get('bearer.auth.issuer.endpoint.url') !== undefined
      ? 'bearer.auth.issuer.endpoint.url'
      : 'sasl.oauthbearer.token.endpoint.url';
  const url = get(endpointKey);
  if (url === undefined)
    throw fail(
      `${sourceKey}=SASL_OAUTHBEARER_INHERIT needs ${named('sasl.oauthbearer.token.endpoint.url')} (or ${named('bearer.auth.issuer.endpoint.url')}).`,
    );
  const scope = get('bearer.auth.scope') ?? options.scope;
  const identityPoolId = get('bearer.auth.identity.pool.id') ?? options.extension_identityPoolId;
  return {
    oauth: {
      tokenEndpointUrl: endpoint(url, named(endpointKey), fail),
      clientId: either('bearer.auth.client.id', 'clientId'),
      clientSecret: either('bearer.auth.client.secret', 'clientSecret'),
      ...optional('scope', scope === '' ? undefined : scope),
      scopeClaimName:
        get('sasl.oauthbearer.scope.claim.name') ?? get('bearer.auth.scope.claim.name') ?? 'scope',
      subClaimName: get('sasl.oauthbearer.sub.claim.name') ?? get('bearer.auth.sub.claim.name') ?? 'sub',
      expiryBufferSeconds,
      endpointSetting: named(endpointKey),
      credentialSettings: `the clientId and clientSecret options of ${jaasKey} (or ${named('bearer.auth.client.id')} and ${named('bearer.auth.client.secret')})`,
    },
    ...routing,
    ...optional('identityPoolId', identityPoolId),
  };
}

/**
 * `SASL_INHERIT` basic credentials: the username and password options of the Kafka client's
 * sasl.jaas.config (PLAIN or SCRAM login modules), as Confluent's client takes them.
 */
export function inheritedBasicAuth(
  get: (key: string) => string | undefined,
  named: (key: string) => string,
  fail: (message: string) => Error,
): { username: string; password: string } {
  const jaasKey = named('sasl.jaas.config');
  const sourceKey = named('basic.auth.credentials.source');
  const jaasText = get('sasl.jaas.config');
  if (jaasText === undefined)
    throw fail(
      `${sourceKey}=SASL_INHERIT needs ${jaasKey} with username="…" password="…" (a PlainLoginModule or ScramLoginModule entry).`,
    );
  let options: Readonly<Record<string, string>>;
  try {
    options = parseJaasConfig(jaasText).options;
  } catch (err) {
    throw fail(`${jaasKey} cannot be inherited for ${sourceKey}=SASL_INHERIT: ${(err as Error).message}.`);
  }
  const { username, password } = options;
  if (username === undefined || password === undefined)
    throw fail(`${sourceKey}=SASL_INHERIT needs username="…" and password="…" in ${jaasKey}.`);
  return { username, password };
}

function endpoint(url: string, setting: string, fail: (message: string) => Error): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw fail(`${setting}=${url} is not a URL: give the token endpoint as http(s)://host/path.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw fail(`${setting}=${url} must start with http:// or https://.`);
  return parsed.toString();
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
