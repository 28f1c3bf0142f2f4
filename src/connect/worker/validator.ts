import { HIDDEN, isSecret, shownValue } from '../../config/index.js';
import type { ConfigValue, Converter } from '../api/index.js';
import { ConfigDef, type ConfigKey } from '../api/index.js';
import { commonConnectorConfig } from './common-config.js';
import { type ConfigProviders, describeProblem, hasPlaceholder } from './config-providers.js';
import { ConnectError } from './connect-error.js';
import type { ConnectorSecrets } from './connector-secrets.js';
import { fileRootViolations } from './file-root-policy.js';
import type { PluginRegistry } from './plugin-registry.js';

export interface ConfigInfos {
  readonly name: string;
  readonly error_count: number;
  readonly groups: string[];
  readonly configs: { definition: Record<string, unknown> | null; value: Record<string, unknown> }[];
}

/** Makes a connector's key or value converter as its tasks would (the worker's converters). */
export type ConverterMaker = (config: Readonly<Record<string, string>>, side: 'key' | 'value') => Converter;

/**
 * Checks connector configs as Kafka Connect's validate does and builds its `ConfigInfos`: the
 * common keys, the transformation chain, the converters, then the connector's own keys.
 */
export class ConfigValidator {
  private readonly plugins: PluginRegistry;
  private readonly providers: ConfigProviders;
  private readonly secrets: ConnectorSecrets;
  private readonly makeConverter: ConverterMaker;
  private readonly fileConnectorsRoot: string | undefined;

  constructor(options: {
    plugins: PluginRegistry;
    providers: ConfigProviders;
    secrets: ConnectorSecrets;
    makeConverter: ConverterMaker;
    fileConnectorsRoot: string | undefined;
  }) {
    this.plugins = options.plugins;
    this.providers = options.providers;
    this.secrets = options.secrets;
    this.makeConverter = options.makeConverter;
    this.fileConnectorsRoot = options.fileConnectorsRoot;
  }

  /**
   * GET /connector-plugins/{plugin}/config: a connector's own keys then the framework's it does not
   * override; a converter's, transformation's or predicate's keys.
   */
  pluginConfig(className: string): Record<string, unknown>[] {
    const connector = this.plugins.findConnector(className);
    let keys: ConfigKey[] | undefined;
    if (connector !== undefined) {
      const own = connector.create().config().configKeys();
      const names = new Set(own.map((k) => k.name));
      keys = [
        ...own,
        ...commonConnectorConfig(connector.type)
          .configKeys()
          .filter((k) => !names.has(k.name)),
      ];
    } else {
      keys = this.plugins.pluginConfigDef(className)?.configKeys();
    }
    if (keys === undefined) throw new ConnectError(404, `Unknown plugin ${className}.`);
    return keys.map(keyInfo);
  }

  /**
   * Kafka Connect's validate: the common keys, the transformation chain, then the connector's own.
   * Null values (possible over REST) are errors of their own, as in Kafka Connect.
   */
  validate(className: string, given: Readonly<Record<string, string>>): ConfigInfos {
    const nullKeys = Object.keys(given).filter((k) => (given[k] as string | null) === null);
    const raw: Readonly<Record<string, string>> = Object.fromEntries(
      Object.entries(given).filter(([, v]) => (v as string | null) !== null),
    );
    // As Kafka Connect does, the config is checked with its references resolved; one that cannot be
    // is an error of its key.
    const { resolved: config, problems } = this.providers.resolve(raw);
    const plugin = this.plugins.findConnector(className);
    if (plugin === undefined) {
      throw new ConnectError(
        400,
        `Failed to find any class that implements Connector and which name matches ${className}, available connectors are: ${this.plugins
          .connectorPlugins()
          .map((p) => p.class)
          .join(', ')}`,
      );
    }
    const connector = plugin.create();
    const common = commonConnectorConfig(plugin.type);
    const own = connector.config();
    const values: ConfigValue[] = [
      ...common.validate(config),
      ...(connector.validate ? connector.validate(config) : own.validate(config)).filter(
        (v) => common.key(v.name) === undefined,
      ),
    ];
    const extra: ConfigValue[] = [];
    if (plugin.type === 'sink') {
      const hasTopics = (config.topics ?? '').trim() !== '';
      const hasRegex = (config['topics.regex'] ?? '').trim() !== '';
      if (hasTopics === hasRegex) {
        extra.push({
          name: 'topics',
          value: config.topics ?? null,
          recommendedValues: [],
          visible: true,
          errors: ['Must configure one of topics or topics.regex'],
        });
      }
    }
    // A converter that cannot be made (an unknown class, a bad setting) would fail every task.
    for (const side of ['key', 'value'] as const) {
      const key = `${side}.converter`;
      if (config[key] === undefined) continue;
      try {
        this.makeConverter(config, side);
      } catch (err) {
        extra.push({
          name: key,
          value: config[key],
          recommendedValues: [],
          visible: true,
          errors: [`Invalid value ${config[key]} for configuration ${key}: ${(err as Error).message}`],
        });
      }
    }
    extra.push(...fileRootViolations(plugin.className, config, this.fileConnectorsRoot));
    for (const p of this.plugins.transforms.validate(config)) {
      extra.push({
        name: p.key,
        value: config[p.key] ?? null,
        recommendedValues: [],
        visible: true,
        errors: [p.message],
      });
    }
    const defs = new ConfigDef();
    for (const k of [...common.configKeys(), ...own.configKeys()])
      if (defs.key(k.name) === undefined) defs.define(k);
    const NULL_VALUE = 'Null value can not be supplied as the configuration value.';
    const all = [...values, ...extra].map((v) =>
      nullKeys.includes(v.name) ? { ...v, value: null, errors: [NULL_VALUE] } : v,
    );
    for (const k of nullKeys) {
      if (!all.some((v) => v.name === k))
        all.push({ name: k, value: null, recommendedValues: [], visible: true, errors: [NULL_VALUE] });
    }
    for (const p of problems) {
      const at = all.findIndex((v) => v.name === p.key);
      if (at >= 0) all[at] = { ...all[at], errors: [describeProblem(p), ...all[at].errors] };
      else
        all.push({
          name: p.key,
          value: raw[p.key] ?? null,
          recommendedValues: [],
          visible: true,
          errors: [describeProblem(p)],
        });
    }
    const secret = (n: string) => isSecret(defs, n);
    return {
      name: className,
      error_count: all.reduce((n, v) => n + v.errors.length, 0),
      groups: [...new Set(defs.configKeys().map((k) => k.group ?? 'Common'))],
      configs: all.map((v) => {
        const k = defs.key(v.name);
        return {
          definition: k === undefined ? null : keyInfo(k),
          value: {
            name: v.name,
            value:
              v.value === null
                ? null
                : hasPlaceholder(raw[v.name])
                  ? raw[v.name]
                  : secret(v.name)
                    ? HIDDEN
                    : Array.isArray(v.value)
                      ? v.value.join(',')
                      : String(v.value),
            recommended_values: v.recommendedValues,
            errors: hasPlaceholder(raw[v.name])
              ? v.errors.map((e) => withoutResolvedValue(e, config[v.name], raw[v.name]))
              : v.errors,
            visible: v.visible,
          },
        };
      }),
    };
  }

  /** Rejects a config with every problem listed, before anything is stored or started. */
  check(name: string, config: Readonly<Record<string, string>>): Record<string, string> {
    if (name.trim() === '') throw new ConnectError(400, 'Connector name is empty');
    const className = config['connector.class'];
    if (className === undefined || className === null || className.trim() === '') {
      throw this.secrets.noConnectorType(config);
    }
    if (config.name !== undefined && config.name !== name) {
      throw new ConnectError(
        400,
        `Connector name configuration (${config.name}) doesn't match connector name in the URL (${name})`,
      );
    }
    const full = { ...config, name };
    const infos = this.validate(className, full);
    if (infos.error_count > 0) {
      // One line per error, as Kafka Connect words them (the messages name their keys).
      const errors = infos.configs.flatMap((c) => c.value.errors as string[]);
      throw new ConnectError(
        400,
        `Connector configuration is invalid and contains the following ${errors.length} error(s):\n${errors.join('\n')}\nYou can also find the above list of errors at the endpoint \`/connector-plugins/{connectorType}/config/validate\``,
      );
    }
    return full;
  }
}

/** A validation message with a resolved secret put back as the reference it came from. */
function withoutResolvedValue(message: string, resolved: string | undefined, raw: string): string {
  return resolved === undefined || resolved === '' ? message : message.replaceAll(resolved, raw);
}

/** Kafka Connect's ConfigKeyInfo. */
function keyInfo(k: ConfigKey): Record<string, unknown> {
  return {
    name: k.name,
    type: k.type,
    required: k.defaultValue === undefined,
    // A PASSWORD's default is shown as [hidden], as Kafka Connect's ConfigKeyInfo shows it.
    default_value: shownValue(k, k.defaultValue ?? null),
    importance: k.importance,
    documentation: k.documentation,
    group: k.group ?? null,
    order: k.orderInGroup ?? -1,
    width: k.width ?? 'NONE',
    display_name: k.displayName ?? k.name,
    dependents: k.dependents ?? [],
  };
}
