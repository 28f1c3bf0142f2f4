import type { ConfigKey } from './config-def.js';
import { HIDDEN } from './password.js';

/**
 * Which values are secret, decided in one place. A declared key is secret when its type is
 * PASSWORD, and for no other reason. A key nobody declares (a connector's pass-through setting, a
 * Kafka client override, a worker key Sluice does not know) is judged by its name, as Kafka and
 * Confluent clients name their secrets: sasl.jaas.config, basic.auth.user.info, *token*, api.key,
 * *credentials*, *encryption.key, and any *password* or *secret*. Passwords inside URL values are masked wherever
 * a value is shown.
 */
const UNDECLARED_SECRET_NAME =
  /password|secret|jaas\.config|user\.info|api\.key|token|credentials|encryption\.key$/i;

/** Anything that can say how a key is declared: a ConfigDef, or a lookup over server properties. */
export interface KeyDeclarations {
  key(name: string): ConfigKey | undefined;
}

/** True when a value must never be shown: a declared PASSWORD, or an undeclared key named as a secret. */
export function isSecret(declarations: KeyDeclarations | undefined, name: string): boolean {
  return isSecretKey(declarations?.key(name), name);
}

/** `isSecret` for a key already looked up (undefined when it is not declared). */
export function isSecretKey(declared: ConfigKey | undefined, name: string): boolean {
  return declared === undefined ? UNDECLARED_SECRET_NAME.test(name) : declared.type === 'PASSWORD';
}

/** The names of the declared secret (PASSWORD) keys. */
export function secretKeys(keys: readonly ConfigKey[]): string[] {
  return keys.filter((k) => k.type === 'PASSWORD').map((k) => k.name);
}

/** user:password@ in a URL (postgresql://app:pw@db/x), and password= in a JDBC URL's parameters. */
const URL_USER_INFO = /([a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:)[^\s@/]+@/gi;
const URL_PASSWORD_PARAMETER = /([?&;]password=)[^&;\s]*/gi;

/** The value with any password a URL in it carries replaced by [hidden]. */
export function maskUrlCredentials(value: string): string {
  return value.replace(URL_USER_INFO, `$1${HIDDEN}@`).replace(URL_PASSWORD_PARAMETER, `$1${HIDDEN}`);
}

/** A value as shown to users: [hidden] for a secret key, otherwise with URL passwords masked. */
export function maskedValue(declarations: KeyDeclarations | undefined, name: string, value: string): string {
  return isSecret(declarations, name) ? HIDDEN : maskUrlCredentials(value);
}

/** A whole config as shown to users (see `maskedValue`). */
export function maskedConfig(
  declarations: KeyDeclarations | undefined,
  config: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(config)) out[name] = maskedValue(declarations, name, value);
  return out;
}
