/**
 * Declares a connector's (or transformation's, or converter's) config keys once: type, default,
 * importance, documentation, validator. That one declaration validates configs (with every problem
 * listed by key), parses them to typed values, drives the REST `validate` endpoint, and says which
 * values are secrets (PASSWORD) to hide everywhere.
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

export type ConfigValueType = string | number | boolean | readonly string[] | null;

/** Throws a message (without the key name) when a parsed value is not acceptable. */
export type Validator = (name: string, value: ConfigValueType) => void;

export interface ConfigKey {
  readonly name: string;
  readonly type: ConfigType;
  /** `undefined`: required (no default). `null`: optional with no value. */
  readonly defaultValue?: ConfigValueType;
  readonly importance: Importance;
  readonly documentation: string;
  readonly validator?: Validator;
  /** Shown in validate answers as recommended values. */
  readonly recommendedValues?: readonly string[];
  readonly group?: string;
  readonly orderInGroup?: number;
  readonly width?: Width;
  readonly displayName?: string;
  readonly dependents?: readonly string[];
}

/** The outcome of validating one key: Kafka Connect's ConfigValue. */
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

function parseValue(key: ConfigKey, raw: string): ConfigValueType {
  const text = raw.trim();
  switch (key.type) {
    case 'STRING':
    case 'PASSWORD':
      return raw;
    case 'CLASS':
      return text;
    case 'BOOLEAN':
      if (/^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
      throw new Error(`Expected value to be either true or false`);
    case 'INT':
    case 'SHORT':
    case 'LONG': {
      const n = Number(text);
      if (text === '' || !Number.isInteger(n)) throw new Error(`Not a number of type ${key.type}`);
      const limit = key.type === 'SHORT' ? 32767 : key.type === 'INT' ? 2147483647 : Number.MAX_SAFE_INTEGER;
      if (Math.abs(n) > limit) throw new Error(`Not a number of type ${key.type}`);
      return n;
    }
    case 'DOUBLE': {
      const n = Number(text);
      if (text === '' || Number.isNaN(n)) throw new Error('Not a number of type DOUBLE');
      return n;
    }
    case 'LIST':
      return text === '' ? [] : text.split(',').map((s) => s.trim());
    default: {
      const never: never = key.type;
      throw new Error(`Unknown config type ${String(never)}`);
    }
  }
}

export class ConfigDef {
  private readonly keys = new Map<string, ConfigKey>();

  define(key: ConfigKey): this {
    if (this.keys.has(key.name)) throw new Error(`Config ${key.name} is defined twice.`);
    this.keys.set(key.name, key);
    return this;
  }

  /** Adds every key of another definition (a connector's keys on top of the common ones). */
  with(other: ConfigDef): ConfigDef {
    const merged = new ConfigDef();
    for (const k of this.keys.values()) merged.define(k);
    for (const k of other.configKeys()) if (!merged.keys.has(k.name)) merged.define(k);
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
    return this.keys.get(name)?.type === 'PASSWORD';
  }

  /** Validates every key; never throws. Unknown keys are not reported here (connectors may pass them on). */
  validate(props: Readonly<Record<string, string>>): ConfigValue[] {
    return this.configKeys().map((key) => {
      const errors: string[] = [];
      let value: ConfigValueType = null;
      const raw = props[key.name];
      if (raw === undefined || raw === null) {
        if (key.defaultValue === undefined)
          errors.push(`Missing required configuration "${key.name}" which has no default value.`);
        else value = key.defaultValue;
      } else {
        try {
          value = parseValue(key, raw);
        } catch (err) {
          errors.push(
            `Invalid value ${key.type === 'PASSWORD' ? '[hidden]' : raw} for configuration ${key.name}: ${(err as Error).message}`,
          );
        }
      }
      if (errors.length === 0 && key.validator !== undefined && (raw !== undefined || value !== null)) {
        try {
          key.validator(key.name, value);
        } catch (err) {
          errors.push(
            `Invalid value ${key.type === 'PASSWORD' ? '[hidden]' : String(raw ?? value)} for configuration ${key.name}: ${(err as Error).message}`,
          );
        }
      }
      return { name: key.name, value, recommendedValues: key.recommendedValues ?? [], errors, visible: true };
    });
  }

  /** Parses to typed values, or throws a ConfigException listing every problem. */
  parse(props: Readonly<Record<string, string>>): Record<string, ConfigValueType> {
    const results = this.validate(props);
    const problems = results.flatMap((r) => r.errors.map((message) => ({ key: r.name, message })));
    if (problems.length > 0) throw new ConfigException(problems);
    return Object.fromEntries(results.map((r) => [r.name, r.value]));
  }
}

/** Common validators, as Kafka's ConfigDef provides them. */
export const Validators = {
  atLeast(min: number): Validator {
    return (_name, value) => {
      if (typeof value === 'number' && value < min) throw new Error(`Value must be at least ${min}`);
    };
  },
  between(min: number, max: number): Validator {
    return (_name, value) => {
      if (typeof value === 'number' && (value < min || value > max)) {
        throw new Error(`Value must be between ${min} and ${max}`);
      }
    };
  },
  oneOf(...allowed: string[]): Validator {
    return (_name, value) => {
      if (typeof value === 'string' && !allowed.some((a) => a.toLowerCase() === value.toLowerCase())) {
        throw new Error(`String must be one of: ${allowed.join(', ')}`);
      }
    };
  },
  nonEmptyString(): Validator {
    return (_name, value) => {
      if (typeof value === 'string' && value.trim() === '') throw new Error('String must be non-empty');
    };
  },
} as const;
