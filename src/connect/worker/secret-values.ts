/**
 * Keys whose values are secrets whatever the connector declares: what Kafka and Confluent clients
 * keep secret (sasl.jaas.config, basic.auth.user.info, *token*, api.key, …) and any *password* or
 * *secret* key.
 */
const SECRET_KEY = /password|secret|jaas\.config|user\.info|api\.key|token|credentials|encryption\.key$/i;

export function isSecretKeyName(key: string): boolean {
  return SECRET_KEY.test(key);
}

export const HIDDEN = '[hidden]';

/** user:password@ in a URL (postgresql://app:pw@db/x), and password= in a JDBC URL's parameters. */
const URL_USER_INFO = /([a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:)[^\s@/]+@/gi;
const URL_PASSWORD_PARAMETER = /([?&;]password=)[^&;\s]*/gi;

/** The value with any password a URL in it carries replaced by [hidden]. */
export function maskUrlCredentials(value: string): string {
  return value.replace(URL_USER_INFO, `$1${HIDDEN}@`).replace(URL_PASSWORD_PARAMETER, `$1${HIDDEN}`);
}
