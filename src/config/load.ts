import { coerce, type RawValue, valueToText } from './coerce.js';
import { type ConfigKey, defaultOf, type PropertyValue, validatorProblem } from './config-def.js';
import {
  findServerProperty,
  PASS_THROUGH_PREFIXES,
  SERVER_PROPERTIES,
  SLUICE_PREFIX,
  STREAMS_PREFIX,
} from './definitions.js';
import { type Environment, propertiesFromEnvironment } from './env.js';
import { ConfigError } from './errors.js';
import { HIDDEN, Password } from './password.js';
import { type PropertiesFile, readPropertiesFile } from './properties-file.js';
import { closestName } from './suggest.js';

/** Where an effective value came from, highest precedence first. */
export type ValueSource = 'flag' | 'env' | 'file' | 'default';

export type FlagValue = RawValue | undefined;

export interface ServerConfigSources {
  /** CLI flags already mapped to property names; `undefined` entries are ignored. */
  readonly flags?: Readonly<Record<string, FlagValue>>;
  /** Usually `process.env`. */
  readonly env?: Environment;
  /** A path to read, or a file already parsed. */
  readonly file?: string | PropertiesFile;
}

export interface EffectiveProperty {
  readonly name: string;
  /** Undefined when the property has no default and nobody set it. */
  readonly value: PropertyValue | undefined;
  readonly source: ValueSource;
  /** Human-readable origin: "environment variable KSQL_KSQL_SERVICE_ID", "server.properties line 3". */
  readonly origin: string;
  /** Undefined for keys Sluice does not declare and hands on as text. */
  readonly definition: ConfigKey | undefined;
}

interface RawSetting {
  readonly raw: RawValue;
  readonly source: Exclude<ValueSource, 'default'>;
  readonly origin: string;
}

/** The server's effective configuration: every declared property plus the keys handed on. */
export class ServerConfig {
  readonly #properties: ReadonlyMap<string, EffectiveProperty>;
  /** Connect worker properties from KSQL_CONNECT_* variables (names without the prefix). */
  readonly connectWorker: Readonly<Record<string, string>>;
  /** True when any KSQL_CONNECT_* variable is set: run an embedded Connect worker. */
  readonly embeddedConnect: boolean;
  /** Things worth logging at start, such as keys Sluice does not know. */
  readonly warnings: readonly string[];

  constructor(
    properties: ReadonlyMap<string, EffectiveProperty>,
    connectWorker: Readonly<Record<string, string>>,
    embeddedConnect: boolean,
    warnings: readonly string[],
  ) {
    this.#properties = properties;
    this.connectWorker = connectWorker;
    this.embeddedConnect = embeddedConnect;
    this.warnings = warnings;
  }

  /** Every effective property, sorted by name. */
  entries(): EffectiveProperty[] {
    return [...this.#properties.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  has(name: string): boolean {
    return this.#properties.get(name)?.value !== undefined;
  }

  get(name: string): PropertyValue | undefined {
    return this.#properties.get(name)?.value;
  }

  source(name: string): ValueSource | undefined {
    return this.#properties.get(name)?.source;
  }

  /** True when a user set the property (flag, env or file), even to its default value. */
  isSetByUser(name: string): boolean {
    const source = this.source(name);
    return source !== undefined && source !== 'default';
  }

  getString(name: string): string {
    return this.#required(name, this.getOptionalString(name));
  }

  getOptionalString(name: string): string | undefined {
    const value = this.#typed(name, ['STRING', 'CLASS']);
    return typeof value === 'string' ? value : value === undefined ? undefined : valueToText(value);
  }

  /** For int, long and double properties. */
  getNumber(name: string): number {
    return this.#required(name, this.getOptionalNumber(name));
  }

  getOptionalNumber(name: string): number | undefined {
    const value = this.#typed(name, ['SHORT', 'INT', 'LONG', 'DOUBLE']);
    return typeof value === 'number' ? value : undefined;
  }

  getBoolean(name: string): boolean {
    return this.#required(name, this.getOptionalBoolean(name));
  }

  getOptionalBoolean(name: string): boolean | undefined {
    const value = this.#typed(name, ['BOOLEAN']);
    return typeof value === 'boolean' ? value : undefined;
  }

  getList(name: string): readonly string[] {
    return this.#required(name, this.getOptionalList(name));
  }

  getOptionalList(name: string): readonly string[] | undefined {
    const value = this.#typed(name, ['LIST']);
    return Array.isArray(value) ? (value as readonly string[]) : undefined;
  }

  getOptionalPassword(name: string): Password | undefined {
    const value = this.#typed(name, ['PASSWORD']);
    return value instanceof Password ? value : undefined;
  }

  /** Undeclared keys with a prefix, prefix removed: `withPrefix('ksql.streams.')` for the runtime. */
  withPrefix(prefix: string): Record<string, string> {
    const result: Record<string, string> = {};
    for (const p of this.#properties.values()) {
      if (p.name.startsWith(prefix) && p.value !== undefined) {
        result[p.name.slice(prefix.length)] = valueToText(p.value);
      }
    }
    return result;
  }

  #typed(name: string, types: readonly string[]): PropertyValue | undefined {
    const property = this.#properties.get(name);
    const definition = property?.definition ?? findServerProperty(name);
    if (definition !== undefined && !types.includes(definition.type)) {
      // A programming error, not a user one: the caller asked for the wrong type.
      throw new ConfigError(
        'WRONG_TYPE_ACCESS',
        name,
        `Property '${name}' is declared as ${definition.type}, not ${types.join(' or ')}; use the matching getter.`,
      );
    }
    return property?.value;
  }

  #required<T>(name: string, value: T | undefined): T {
    if (value !== undefined) return value;
    throw new ConfigError(
      'MISSING_VALUE',
      name,
      `Property '${name}' has no value and no default. Set it in the properties file, as a flag, or with the environment variable documented for it.`,
    );
  }
}

function describeValue(definition: ConfigKey | undefined, raw: RawValue): string {
  if (definition?.type === 'PASSWORD') return HIDDEN;
  return Array.isArray(raw) ? raw.join(',') : String(raw);
}

function describeDefault(definition: ConfigKey): string | undefined {
  if (definition.derivedDefault !== undefined) return definition.derivedDefault.describe;
  const d = definition.defaultValue;
  if (d === undefined || d === null) return undefined;
  return definition.type === 'PASSWORD' ? HIDDEN : valueToText(d);
}

function invalidValue(definition: ConfigKey, setting: RawSetting, reason: string): ConfigError {
  const fallback = describeDefault(definition);
  const remedy =
    fallback === undefined
      ? `Fix it in ${setting.origin}, or remove it to leave the property unset.`
      : `Fix it in ${setting.origin}, or remove it to use the default (${fallback === '' ? 'empty' : fallback}).`;
  return new ConfigError(
    'INVALID_VALUE',
    definition.name,
    `Invalid value '${describeValue(definition, setting.raw)}' for '${definition.name}' (from ${setting.origin}): ${reason}. ${remedy}`,
  );
}

function parseSetting(definition: ConfigKey, setting: RawSetting): PropertyValue {
  const coerced = coerce(definition.type, setting.raw);
  if (!coerced.ok) throw invalidValue(definition, setting, `expected ${coerced.expected}; ${coerced.hint}`);
  const problem = validatorProblem(definition, coerced.value);
  // Kafka's validator messages start a sentence ("Value must be…"); here they follow a colon.
  if (problem !== undefined)
    throw invalidValue(definition, setting, problem.charAt(0).toLowerCase() + problem.slice(1));
  if (definition.notSupported !== undefined && !isDefaultValue(definition, coerced.value)) {
    throw notSupported(definition, setting);
  }
  return coerced.value;
}

function isDefaultValue(definition: ConfigKey, value: PropertyValue): boolean {
  const d = definition.defaultValue;
  if (d === undefined || d === null || definition.derivedDefault !== undefined) return false;
  return valueToText(value).toLowerCase() === valueToText(d).toLowerCase();
}

function notSupported(definition: ConfigKey, setting: RawSetting): ConfigError {
  const fallback = describeDefault(definition);
  const remedy =
    fallback === undefined
      ? `Remove it from ${setting.origin}.`
      : `Remove it from ${setting.origin}, or set the default (${fallback === '' ? 'empty' : fallback}).`;
  return new ConfigError(
    'NOT_SUPPORTED',
    definition.name,
    `${definition.name}=${describeValue(definition, setting.raw)} is not supported yet: ${definition.notSupported}. ${remedy}`,
  );
}

/**
 * Undeclared security settings (TLS, SASL, authentication, access control) are refused rather than
 * passed on: Sluice would ignore them, and an ignored security setting fails open.
 */
const UNDECLARED_SECURITY_KEY =
  /^(ssl|sasl|authentication|access\.control|ksql\.authentication|ksql\.security|ksql\.access\.validator|rest\.servlet\.initializor|oauth)\.|^security\.protocol$|^listeners\..*\.ssl\./;

/**
 * Renames a bare Kafka Streams key (`auto.offset.reset`) to its declared `ksql.streams.` form,
 * unless the same layer also sets the prefixed key, which then wins.
 */
function canonicalName(name: string, layer: ReadonlyMap<string, unknown>): string {
  if (findServerProperty(name) !== undefined) return name;
  const prefixed = STREAMS_PREFIX + name;
  if (findServerProperty(prefixed) !== undefined && !layer.has(prefixed)) return prefixed;
  return name;
}

function fileLayer(file: string | PropertiesFile | undefined): Map<string, RawSetting> {
  const layer = new Map<string, RawSetting>();
  if (file === undefined) return layer;
  const parsed = typeof file === 'string' ? readPropertiesFile(file) : file;
  for (const entry of parsed.entries.values()) {
    layer.set(entry.key, { raw: entry.value, source: 'file', origin: `${parsed.origin} line ${entry.line}` });
  }
  return layer;
}

function flagLayer(flags: Readonly<Record<string, FlagValue>> | undefined): Map<string, RawSetting> {
  const layer = new Map<string, RawSetting>();
  for (const [name, raw] of Object.entries(flags ?? {})) {
    if (raw !== undefined)
      layer.set(name, { raw, source: 'flag', origin: `the command-line flag for ${name}` });
  }
  return layer;
}

/** KSQL_OPTS carries JVM options too; only -D keys in our namespaces are configuration. */
function isServerSystemProperty(name: string): boolean {
  return findServerProperty(name) !== undefined || name.startsWith('ksql.') || name.startsWith(SLUICE_PREFIX);
}

function mergeLayers(layers: readonly Map<string, RawSetting>[]): Map<string, RawSetting> {
  const merged = new Map<string, RawSetting>();
  for (const layer of layers) {
    for (const [name, setting] of layer) merged.set(canonicalName(name, layer), setting);
  }
  return merged;
}

function undeclaredKey(name: string, setting: RawSetting, warnings: string[]): EffectiveProperty {
  const known = SERVER_PROPERTIES.map((d) => d.name);
  if (UNDECLARED_SECURITY_KEY.test(name)) {
    throw new ConfigError(
      'NOT_SUPPORTED',
      name,
      `${name} (from ${setting.origin}) is not supported yet: Sluice does not apply this security setting, and ignoring it would leave the server less protected than configured. Remove it; the configuration reference lists the security properties Sluice enforces.`,
    );
  }
  if (name.startsWith(SLUICE_PREFIX)) {
    const guess = closestName(name, known);
    throw new ConfigError(
      'UNKNOWN_PROPERTY',
      name,
      `Unknown property '${name}' (from ${setting.origin}). ${guess === undefined ? 'Check the spelling against the configuration reference' : `Did you mean '${guess}'?`}`,
    );
  }
  if (PASS_THROUGH_PREFIXES.some((prefix) => name.startsWith(prefix))) {
    warnings.push(
      `Property '${name}' (from ${setting.origin}) is accepted for compatibility with ksqlDB but has no effect in Sluice.`,
    );
  } else {
    const guess = closestName(name, known);
    warnings.push(
      `Property '${name}' (from ${setting.origin}) is not one Sluice knows; it has no effect.${guess === undefined ? '' : ` Did you mean '${guess}'?`}`,
    );
  }
  const value = Array.isArray(setting.raw) ? (setting.raw as readonly string[]) : String(setting.raw);
  return { name, value, source: setting.source, origin: setting.origin, definition: undefined };
}

/**
 * Resolves the server configuration with precedence flag > env > file > default. Environment
 * variables map as in ksqlDB's image, with KSQL_OPTS `-D` options above the other variables.
 * Throws a ConfigError naming the first bad key.
 */
export function loadServerConfig(sources: ServerConfigSources = {}): ServerConfig {
  const env = propertiesFromEnvironment(sources.env ?? {});
  const envLayer = new Map<string, RawSetting>();
  for (const [name, p] of env.server) {
    envLayer.set(name, { raw: p.value, source: 'env', origin: `environment variable ${p.envVar}` });
  }
  const javaOptionsLayer = new Map<string, RawSetting>();
  for (const [name, p] of env.javaOptions) {
    if (isServerSystemProperty(name)) {
      javaOptionsLayer.set(name, { raw: p.value, source: 'env', origin: `-D${name} in ${p.envVar}` });
    }
  }
  const merged = mergeLayers([fileLayer(sources.file), envLayer, javaOptionsLayer, flagLayer(sources.flags)]);

  const properties = new Map<string, EffectiveProperty>();
  const derived: ConfigKey[] = [];
  for (const definition of SERVER_PROPERTIES) {
    const setting = merged.get(definition.name);
    if (setting !== undefined) {
      const value = parseSetting(definition, setting);
      properties.set(definition.name, { ...setting, name: definition.name, value, definition });
    } else if (definition.derivedDefault !== undefined) {
      derived.push(definition);
    } else {
      const value = defaultOf(definition) ?? undefined;
      properties.set(definition.name, {
        name: definition.name,
        value,
        source: 'default',
        origin: 'default',
        definition,
      });
    }
  }
  for (const definition of derived) {
    const value = definition.derivedDefault?.compute((name) => properties.get(name)?.value) ?? undefined;
    properties.set(definition.name, {
      name: definition.name,
      value,
      source: 'default',
      origin: 'default',
      definition,
    });
  }

  const warnings: string[] = [];
  for (const [name, setting] of merged) {
    if (!properties.has(name)) properties.set(name, undeclaredKey(name, setting, warnings));
  }

  const connectWorker: Record<string, string> = {};
  for (const [name, p] of env.connectWorker) connectWorker[name] = p.value;
  return new ServerConfig(properties, connectWorker, env.embeddedConnect, warnings);
}
