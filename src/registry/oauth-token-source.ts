// OAuth 2 client-credentials tokens for a Schema Registry behind an identity provider, as Confluent's
// client gets them (bearer.auth.credentials.source=OAUTHBEARER, or SASL_OAUTHBEARER_INHERIT from the
// Kafka client's JAAS options): one POST to the token endpoint with the client id and secret in HTTP
// basic auth, the answer's access_token checked as a JWT (exp and subject claims), kept until shortly
// before it expires, then fetched again.
import { SchemaRegistryError } from '../serde/index.js';
import type { RegistryTls } from './client-settings.js';
import { httpExchange } from './http-exchange.js';

export interface OAuthClientCredentials {
  readonly tokenEndpointUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scope?: string;
  /** The JWT claims holding the scopes (optional in the token) and the subject (required). */
  readonly scopeClaimName: string;
  readonly subClaimName: string;
  /** Fetch a new token this long before the current one expires (Confluent's default: 300 s). */
  readonly expiryBufferSeconds: number;
  /** The settings that gave the endpoint and the credentials, as the user wrote them, for messages. */
  readonly endpointSetting: string;
  readonly credentialSettings: string;
}

export interface OAuthToken {
  readonly value: string;
  readonly subject: string;
  readonly scopes: readonly string[];
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  /** When this client will fetch the next one. */
  readonly refreshAt: number;
}

/** Part of a token's lifetime used before a refresh, as Confluent's OauthTokenCache does. */
const LIFETIME_USED = 0.8;

export class OAuthTokenSource {
  private readonly credentials: OAuthClientCredentials;
  private readonly tls: RegistryTls | undefined;
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private current: OAuthToken | undefined;
  private pending: Promise<OAuthToken> | undefined;

  constructor(
    credentials: OAuthClientCredentials,
    options: { tls?: RegistryTls; now?: () => number; timeoutMs?: number } = {},
  ) {
    this.credentials = credentials;
    this.tls = options.tls;
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** The token to send: the cached one until its refresh time, else a new one (one fetch for all callers). */
  async token(): Promise<OAuthToken> {
    const current = this.current;
    if (current !== undefined && this.now() < current.refreshAt) return current;
    if (this.pending === undefined)
      this.pending = this.fetch()
        .then((token) => {
          this.current = token;
          return token;
        })
        .finally(() => {
          this.pending = undefined;
        });
    return this.pending;
  }

  private async fetch(): Promise<OAuthToken> {
    const c = this.credentials;
    const where = `the OAuth token endpoint ${c.tokenEndpointUrl} (${c.endpointSetting})`;
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (c.scope !== undefined) body.set('scope', c.scope);
    let answer: { status: number; text: string };
    try {
      answer = await httpExchange(
        'POST',
        c.tokenEndpointUrl,
        {
          Authorization: `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`,
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        Buffer.from(body.toString()),
        this.tls,
        this.timeoutMs,
      );
    } catch (err) {
      throw new SchemaRegistryError(
        `Cannot get an OAuth token for the Schema Registry: cannot reach ${where}: ${(err as Error).message}. Check that the identity provider runs and that the URL is right.`,
        0,
        50005,
        { cause: err },
      );
    }
    if (answer.status === 400 || answer.status === 401 || answer.status === 403)
      throw new SchemaRegistryError(
        `Cannot get an OAuth token for the Schema Registry: ${where} refused the client credentials (HTTP ${answer.status}${excerpt(answer.text)}). Check ${c.credentialSettings}.`,
        401,
        40101,
      );
    if (answer.status < 200 || answer.status >= 300)
      throw new SchemaRegistryError(
        `Cannot get an OAuth token for the Schema Registry: ${where} answered HTTP ${answer.status}${excerpt(answer.text)}.`,
        answer.status,
        50005,
      );
    let accessToken: unknown;
    try {
      accessToken = (JSON.parse(answer.text) as { access_token?: unknown }).access_token;
    } catch {
      accessToken = undefined;
    }
    if (typeof accessToken !== 'string' || accessToken === '')
      throw new SchemaRegistryError(
        `Cannot get an OAuth token for the Schema Registry: ${where} answered without an access_token${excerpt(answer.text)}.`,
        401,
        40101,
      );
    return this.checked(accessToken, where);
  }

  /**
   * The token's claims, checked as Kafka's client JWT validator does (the signature is the registry's
   * to check): three sections, a numeric exp, a subject in the sub claim (or bearer.auth.sub.claim.name).
   */
  private checked(value: string, where: string): OAuthToken {
    const refuse = (why: string) =>
      new SchemaRegistryError(`The OAuth token from ${where} cannot be used: ${why}.`, 401, 40101);
    const sections = value.split('.');
    if (sections.length !== 3)
      throw refuse('it is not a JWT (expected three sections: header, payload and signature)');
    let claims: Record<string, unknown>;
    try {
      claims = JSON.parse(Buffer.from(sections[1], 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      throw refuse('its payload is not base64url-encoded JSON');
    }
    const exp = claims.exp;
    if (typeof exp !== 'number' || !Number.isFinite(exp)) throw refuse('it has no numeric "exp" claim');
    const subject = claims[this.credentials.subClaimName];
    if (typeof subject !== 'string' || subject.trim() === '')
      throw refuse(
        `it has no "${this.credentials.subClaimName}" claim naming its subject (bearer.auth.sub.claim.name)`,
      );
    const scopeClaim = claims[this.credentials.scopeClaimName];
    const scopes =
      typeof scopeClaim === 'string'
        ? scopeClaim.split(' ').filter((s) => s !== '')
        : Array.isArray(scopeClaim)
          ? scopeClaim.map(String)
          : [];
    const now = this.now();
    const expiresAt = exp * 1000;
    const issuedAt = typeof claims.iat === 'number' ? claims.iat * 1000 : now;
    return {
      value,
      subject,
      scopes,
      expiresAt,
      refreshAt: refreshTime(now, issuedAt, expiresAt, this.credentials),
    };
  }
}

/**
 * Confluent's rule: 80 % into the token's life, but no later than the buffer before it expires; a
 * token that expires within the buffer is used for 80 % of what is left of it.
 */
function refreshTime(
  now: number,
  issuedAt: number,
  expiresAt: number,
  credentials: OAuthClientCredentials,
): number {
  if (now >= expiresAt) return expiresAt;
  const buffer = credentials.expiryBufferSeconds * 1000;
  if (now + buffer > expiresAt) return now + Math.floor((expiresAt - now) * LIFETIME_USED);
  const start = Math.min(issuedAt, now);
  return Math.min(start + Math.floor((expiresAt - start) * LIFETIME_USED), expiresAt - buffer);
}

function excerpt(text: string): string {
  const t = text.trim();
  return t === '' ? '' : `: ${t.slice(0, 200)}`;
}
