import { parseValue, type RawValue, valueToText } from './coerce.js';
import { HIDDEN, Password } from './password.js';

/**
 * The one way Sluice declares a property, for the server, the Connect worker, connectors,
 * converters and transformations alike (Kafka's ConfigDef). A declaration gives the name, type,
 * default, importance, documentation, validator and recommender once; from it come validation (every
 * problem listed by key), typed parsing, the REST `validate` answers, generated docs and which values
 * are secret: exactly the PASSWORD ones.
 */
export type ConfigType =
  | 'STRING'
  | 'INT'
  | 'SHORT'
  | 'LONG'
  | 'DOUBLE'
  | 'BOOLEAN'
  | 'LIST'
  | 'CLASS'
  | 'PASSWORD';
export type Importance = 'HIGH' | 'MEDIUM' | 'LOW';
export type Width = 'NONE' | 'SHORT' | 'MEDIUM' | 'LONG';

/** What each type parses to. A PASSWORD is a `Password`, which prints as [hidden] until revealed. */
export interface ValueOfType {
  STRING: string;
  INT: number;
  SHORT: number;
  LONG: number;
  DOUBLE: number;
  BOOLEAN: boolean;
  LIST: readonly string[];
  CLASS: string;
  PASSWORD: Password;
}

/** A value that is there (a server property's effective value, once set or defaulted). */
export type PropertyValue = ValueOfType[ConfigType];

export type ConfigValueType = PropertyValue | null;

/** A default as a declaration writes it: the parsed value, or a password's text. */
export type DefaultOfType<K extends ConfigType> = K extends 'PASSWORD' ? string | Password : ValueOfType[K];

/**
 * Checks a parsed value. `describe` reads well after "Valid values: " in the docs; `check` returns
 * what is wrong (Kafka's wording, e.g. "Value must be at least 1"), or undefined when it is fine.
 */
export interface Validator {
  readonly describe?: string;
  check(value: ConfigValueType, name: string): string | undefined;
}

/** Kafka's older form: throws a message (without the key name) when a value is not acceptable. */
export type ValidatorFunction = (name: string, value: ConfigValueType) => void;

export type ParsedConfig = Readonly<Record<string, ConfigValueType>>;

/** Kafka's Recommender: the values a key may take and whether it applies, given the other values. */
export interface Recommender {
  validValues(name: string, parsed: ParsedConfig): readonly string[];
  visible(name: string, parsed: ParsedConfig): boolean;
}

/**
 * A default computed from other properties, e.g. the processing-log topic name from the service
 * id. It may only read properties whose own default is not derived.
 */
export interface DerivedDefault {
  readonly describe: string;
  compute(lookup: (name: string) => ConfigValueType | undefined): ConfigValueType | undefined;
}

export interface ConfigKey {
  readonly name: string;
  readonly type: ConfigType;
  /** `undefined`: required (no default). `null`: optional with no value. */
  readonly defaultValue?: ConfigValueType;
  readonly importance: Importance;
  readonly documentation: string;
  readonly validator?: Validator | ValidatorFunction;
  /** Shown in validate answers as recommended values (a recommender's, when it has one, win). */
  readonly recommendedValues?: readonly string[];
  readonly recommender?: Recommender;
  /** The docs section (and validate group) it is listed under. */
  readonly group?: string;
  readonly orderInGroup?: number;
  readonly width?: Width;
  readonly displayName?: string;
  readonly dependents?: readonly string[];
  /** A default computed from other keys when the key is not set (server properties). */
  readonly derivedDefault?: DerivedDefault;
  /**
   * Set when Sluice does not do what the property asks yet: the reason. Only the default value is
   * accepted; any other is refused at start, so no setting is silently ignored (a security setting
   * ignored would fail open).
   */
  readonly notSupported?: string;
}

/** A declaration as `define` takes it, typed so that `parse` knows what each key becomes. */
export type ConfigKeyOf<N extends string, K extends ConfigType, D> = Omit<
  ConfigKey,
  'name' | 'type' | 'defaultValue'
> & { readonly name: N; readonly type: K; readonly defaultValue?: D };

/** A key's parsed type: nullable only when its default is null (required keys are always there). */
export type ParsedOf<K extends ConfigType, D> = [D] extends [null] ? ValueOfType[K] | null : ValueOfType[K];

/** Kafka Connect's ConfigValue: the outcome of validating one key. */
export interface ConfigValue {
  readonly name: string;
  readonly value: ConfigValueType;
  readonly recommendedValues: readonly string[];
  readonly errors: readonly string[];
  readonly visible: boolean;
}

/** A config that cannot be used; the message lists every problem, one per line. */
export class ConfigException extends Error {
  override readonly name = 'ConfigException';
  readonly problems: readonly { readonly key: string; readonly message: string }[];
  constructor(problems: readonly { key: string; message: string }[]) {
    super(problems.map((p) => `${p.key}: ${p.message}`).join('\n'));
    this.problems = problems;
  }
}

/** The value a validator sees for a declared default (a password's text wrapped). */
export function defaultOf(key: ConfigKey): ConfigValueType | undefined {
  const d = key.defaultValue;
  if (key.type === 'PASSWORD' && typeof d === 'string') return new Password(d);
  return d;
}

/** What a validator of either form finds wrong with a value; undefined when nothing. */
export function checkValue(
  validator: Validator | ValidatorFunction | undefined,
  name: string,
  value: ConfigValueType,
): string | undefined {
  if (validator === undefined) return undefined;
  if (typeof validator !== 'function') return validator.check(value, name);
  try {
    validator(name, value);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** What is wrong with a parsed value, by the key's validator; undefined when nothing. */
export function validatorProblem(key: ConfigKey, value: ConfigValueType): string | undefined {
  return checkValue(key.validator, key.name, value);
}

/** The text of "Valid values" for the docs, when the validator says. */
export function validatorDescription(key: ConfigKey): string | undefined {
  const v = key.validator;
  return v === undefined || typeof v === 'function' ? undefined : v.describe;
}

/** Kafka's wording for a value that does not parse as its type. */
function typeProblem(type: ConfigType): string {
  switch (type) {
    case 'BOOLEAN':
      return 'Expected value to be either true or false';
    case 'CLASS':
      return 'Not a class name';
    case 'LIST':
      return 'Expected a comma separated list.';
    default:
      return `Not a number of type ${type}`;
  }
}

/**
 * The allowed value a parsed text names, ignoring case: how a STRING key checked by
 * `oneOfIgnoringCase` becomes a union type without a cast. Throws when none matches, which a
 * validated config never does.
 */
export function enumValue<const V extends readonly string[]>(allowed: V, text: string): V[number] {
  const lower = text.toLowerCase();
  const found = allowed.find((a) => a.toLowerCase() === lower);
  if (found === undefined) throw new Error(`'${text}' is not one of ${allowed.join(', ')}`);
  return found;
}

/** True when the key's value is a secret: the PASSWORD type, and nothing else. */
export function isPasswordKey(key: ConfigKey | undefined): boolean {
  return key?.type === 'PASSWORD';
}

/** A value as a REST answer or a log line shows it: secrets hidden, lists comma-joined. */
export function shownValue(key: ConfigKey | undefined, value: ConfigValueType): string | null {
  if (value === null) return null;
  if (isPasswordKey(key) || value instanceof Password) return HIDDEN;
  return valueToText(value);
}

// biome-ignore lint/complexity/noBannedTypes: the empty start of a chain of typed definitions.
type NoKeys = {};

export class ConfigDef<T extends object = NoKeys> {
  private readonly keys = new Map<string, ConfigKey>();

  /** Declares a key; the returned definition's `parse` knows the key's TypeScript type. */
  define<N extends string, K extends ConfigType, D extends DefaultOfType<K> | null | undefined = undefined>(
    key: ConfigKeyOf<N, K, D>,
  ): ConfigDef<T & { readonly [P in N]: ParsedOf<K, D> }> {
    if (this.keys.has(key.name)) throw new Error(`Config ${key.name} is defined twice.`);
    this.keys.set(key.name, key as ConfigKey);
    return this as unknown as ConfigDef<T & { readonly [P in N]: ParsedOf<K, D> }>;
  }

  /** Declares keys whose names are only known at run time (a transformation chain's aliases). */
  defineUntyped(key: ConfigKey): this {
    if (this.keys.has(key.name)) throw new Error(`Config ${key.name} is defined twice.`);
    this.keys.set(key.name, key);
    return this;
  }

  /** Adds every key of another definition (a connector's keys on top of the common ones). */
  with<U extends object>(other: ConfigDef<U>): ConfigDef<T & U> {
    const merged = new ConfigDef<T & U>();
    for (const k of this.keys.values()) merged.keys.set(k.name, k);
    for (const k of other.configKeys()) if (!merged.keys.has(k.name)) merged.keys.set(k.name, k);
    return merged;
  }

  configKeys(): ConfigKey[] {
    return [...this.keys.values()];
  }

  key(name: string): ConfigKey | undefined {
    return this.keys.get(name);
  }

  names(): string[] {
    return [...this.keys.keys()];
  }

  /** True for PASSWORD keys: their values are never shown. */
  isSecret(name: string): boolean {
    return isPasswordKey(this.keys.get(name));
  }

  /** Every PASSWORD key. */
  secretKeys(): string[] {
    return this.configKeys()
      .filter(isPasswordKey)
      .map((k) => k.name);
  }

  /** Validates every key; never throws. Unknown keys are not reported here (connectors may pass them on). */
  validate(props: Readonly<Record<string, RawValue | null | undefined>>): ConfigValue[] {
    const parsed: Record<string, ConfigValueType> = {};
    const results = this.configKeys().map((key) => {
      const errors: string[] = [];
      let value: ConfigValueType = null;
      const raw = props[key.name];
      if (raw === undefined || raw === null) {
        const d = defaultOf(key);
        if (d === undefined)
          errors.push(`Missing required configuration "${key.name}" which has no default value.`);
        else value = d;
      } else {
        const result = parseValue(key.type, raw);
        if (result.ok) value = result.value;
        else errors.push(invalidValue(key, raw, typeProblem(key.type)));
      }
      if (errors.length === 0 && (raw !== undefined || value !== null)) {
        const problem = validatorProblem(key, value);
        if (problem !== undefined) errors.push(invalidValue(key, raw ?? value, problem));
      }
      parsed[key.name] = value;
      return { key, value, errors };
    });
    return results.map(({ key, value, errors }) => ({
      name: key.name,
      value,
      recommendedValues: key.recommender?.validValues(key.name, parsed) ?? key.recommendedValues ?? [],
      errors,
      visible: key.recommender?.visible(key.name, parsed) ?? true,
    }));
  }

  /** Parses to typed values, or throws a ConfigException listing every problem. */
  parse(props: Readonly<Record<string, RawValue | null | undefined>>): T {
    const results = this.validate(props);
    const problems = results.flatMap((r) => r.errors.map((message) => ({ key: r.name, message })));
    if (problems.length > 0) throw new ConfigException(problems);
    return Object.fromEntries(results.map((r) => [r.name, r.value])) as T;
  }
}

function invalidValue(key: ConfigKey, raw: RawValue | ConfigValueType, problem: string): string {
  const shown = key.type === 'PASSWORD' ? HIDDEN : raw === null ? 'null' : valueToText(raw);
  return `Invalid value ${shown} for configuration ${key.name}: ${problem}`;
}
