import { valueToText } from './coerce.js';
import type { ServerConfig } from './load.js';
import { HIDDEN } from './password.js';
import type { PropertyDefinition } from './property.js';

/**
 * Undeclared keys are masked by name, because pass-through settings such as
 * `ksql.connect.ssl.keystore.password` or `sasl.jaas.config` carry secrets too.
 */
const SECRET_NAME = /password|secret|jaas\.config|user\.info|api\.key|token|credentials|encryption\.key$/i;

export function isSecretProperty(name: string, definition: PropertyDefinition | undefined): boolean {
  return definition === undefined ? SECRET_NAME.test(name) : definition.type === 'password';
}

const UNSET = '(unset)';

/** A password inside a URL value (http://user:pw@host, JDBC's ;password=pw). */
const URL_USER_INFO = /([a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:)[^\s@/]+@/gi;
const URL_PASSWORD_PARAMETER = /([?&;]password=)[^&;\s]*/gi;

function maskUrlCredentials(text: string): string {
  return text.replace(URL_USER_INFO, `$1${HIDDEN}@`).replace(URL_PASSWORD_PARAMETER, `$1${HIDDEN}`);
}

/** Every effective key with its value as text; secrets are `[hidden]`, unset values `(unset)`. */
export function maskSecrets(config: ServerConfig): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const p of config.entries()) {
    if (p.value === undefined) masked[p.name] = UNSET;
    else
      masked[p.name] = isSecretProperty(p.name, p.definition)
        ? HIDDEN
        : maskUrlCredentials(valueToText(p.value));
  }
  return masked;
}

/** Connect worker properties from KSQL_CONNECT_*, masked by name. */
export function maskConnectWorkerSecrets(config: ServerConfig): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const name of Object.keys(config.connectWorker).sort()) {
    masked[name] = SECRET_NAME.test(name) ? HIDDEN : maskUrlCredentials(config.connectWorker[name]);
  }
  return masked;
}

/**
 * The text the server logs at start: one line per effective key, `name = value  (origin)`,
 * secrets hidden, then the embedded Connect worker's keys if any, then warnings.
 */
export function describeEffectiveConfig(config: ServerConfig): string {
  const masked = maskSecrets(config);
  const entries = config.entries();
  const width = Math.max(0, ...entries.map((p) => p.name.length));
  const lines = ['Effective configuration:'];
  for (const p of entries) {
    const value = masked[p.name];
    lines.push(`  ${p.name.padEnd(width)} = ${value === '' ? "''" : value}  (${p.origin})`);
  }
  const worker = maskConnectWorkerSecrets(config);
  const workerNames = Object.keys(worker);
  if (config.embeddedConnect) {
    lines.push('Embedded Connect worker (from KSQL_CONNECT_* variables):');
    const workerWidth = Math.max(0, ...workerNames.map((n) => n.length));
    for (const name of workerNames) lines.push(`  ${name.padEnd(workerWidth)} = ${worker[name]}`);
  }
  for (const warning of config.warnings) lines.push(`Warning: ${warning}`);
  return lines.join('\n');
}
