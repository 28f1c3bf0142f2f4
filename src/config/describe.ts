import { valueToText } from './coerce.js';
import type { ConfigKey } from './config-def.js';
import type { ServerConfig } from './load.js';
import { HIDDEN } from './password.js';
import { isSecretKey, maskedValue, maskUrlCredentials } from './secrets.js';
import { WORKER_CONFIG_DEF } from './worker-properties.js';

/** A declared PASSWORD, or an undeclared key named as a secret (see secrets.ts). */
export function isSecretProperty(name: string, definition: ConfigKey | undefined): boolean {
  return isSecretKey(definition, name);
}

const UNSET = '(unset)';

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

/** Connect worker properties from KSQL_CONNECT_*, masked by their declarations. */
export function maskConnectWorkerSecrets(config: ServerConfig): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const name of Object.keys(config.connectWorker).sort()) {
    masked[name] = maskedValue(WORKER_CONFIG_DEF, name, config.connectWorker[name]);
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
