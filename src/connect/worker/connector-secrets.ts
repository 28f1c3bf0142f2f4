import {
  HIDDEN,
  isSecret,
  type KeyDeclarations,
  maskedValue,
  maskUrlCredentials,
} from '../../config/index.js';
import type { ConfigDef } from '../api/index.js';
import { commonConnectorConfig } from './common-config.js';
import { isOnlyPlaceholders } from './config-providers.js';
import { ConnectError } from './connect-error.js';
import type { PluginRegistry } from './plugin-registry.js';

/**
 * Which settings of a connector class hold secrets (its PASSWORD keys, then the common ones), and
 * configs with them hidden for anything a user sees (see config/secrets.ts).
 */
export class ConnectorSecrets {
  private readonly plugins: PluginRegistry;
  /** Each connector class's declarations (the plugins are fixed at start). */
  private readonly defs = new Map<string, ConfigDef | undefined>();

  constructor(plugins: PluginRegistry) {
    this.plugins = plugins;
  }

  /** The keys a connector class declares (its own, then the common ones), to tell which values are secret. */
  declarations(className: string | undefined): KeyDeclarations {
    const name = className ?? '';
    if (!this.defs.has(name)) {
      let own: ConfigDef | undefined;
      try {
        own = this.plugins.findConnector(name)?.create().config();
      } catch {
        own = undefined;
      }
      this.defs.set(name, own);
    }
    const own = this.defs.get(name);
    const common = commonConnectorConfig(this.plugins.findConnector(name)?.type ?? 'source');
    return { key: (key) => own?.key(key) ?? common.key(key) };
  }

  /** Whether a key of the class's configs holds a secret. */
  secretTest(className: string | undefined): (key: string) => boolean {
    const declarations = this.declarations(className);
    return (k) => isSecret(declarations, k);
  }

  /**
   * Config with secrets hidden. `className` names the connector class when the config itself may
   * not (a task's config).
   */
  maskedConfig(config: Readonly<Record<string, string>>, className?: string): Record<string, string> {
    const declarations = this.declarations(className ?? config['connector.class']);
    const out: Record<string, string> = {};
    // A reference to a secret (${file:…:key}) is no secret: it is shown as it was given.
    for (const [k, v] of Object.entries(config))
      out[k] =
        v === null ? v : isOnlyPlaceholders(v) ? maskUrlCredentials(v) : maskedValue(declarations, k, v);
    return out;
  }

  /** Kafka Connect's 400 for a config without connector.class (secrets hidden). */
  noConnectorType(config: Readonly<Record<string, string | null>>): ConnectError {
    const shown = this.maskedConfig(config as Record<string, string>);
    const text = `{${Object.entries(shown)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}}`;
    return new ConnectError(400, `Connector config ${text} contains no connector type`);
  }

  /**
   * A config sent back as it was shown (secrets as "[hidden]") keeps the stored secrets: answers
   * never carry them, so a client that reads, edits and writes a config must not erase them.
   */
  keepHiddenSecrets(
    stored: Readonly<Record<string, string>>,
    config: Readonly<Record<string, string>>,
  ): Record<string, string> {
    const secret = this.secretTest(config['connector.class'] ?? stored['connector.class']);
    const out: Record<string, string> = { ...config };
    for (const [k, v] of Object.entries(config)) {
      const kept = stored[k];
      if (kept === undefined || v === null) continue;
      if (v === HIDDEN && secret(k)) out[k] = kept;
      // A URL shown with its password hidden, sent back unchanged.
      else if (v !== kept && v.includes(HIDDEN) && maskUrlCredentials(kept) === v) out[k] = kept;
    }
    return out;
  }
}
