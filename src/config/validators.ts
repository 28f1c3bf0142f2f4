import { type ConfigValueType, checkValue, type Validator, type ValidatorFunction } from './config-def.js';

/** The messages are Kafka's (ConfigDef.Range, ValidString), so REST validate answers read as Kafka's. */
export function atLeast(min: number): Validator {
  return {
    describe: `at least ${min}`,
    check(value) {
      return typeof value === 'number' && value < min ? `Value must be at least ${min}` : undefined;
    },
  };
}

export function between(min: number, max: number): Validator {
  return {
    describe: `${min} to ${max}`,
    check(value) {
      return typeof value === 'number' && (value < min || value > max)
        ? `Value must be between ${min} and ${max}`
        : undefined;
    },
  };
}

/** Exactly one of the given strings (Kafka's ValidString). */
export function oneOf(...allowed: readonly string[]): Validator {
  return {
    describe: allowed.join(', '),
    check(value) {
      return typeof value === 'string' && !allowed.includes(value)
        ? `String must be one of: ${allowed.join(', ')}`
        : undefined;
    },
  };
}

/** Like `oneOf`, but matching ignores case (Kafka's CaseInsensitiveValidString). */
export function oneOfIgnoringCase(...allowed: readonly string[]): Validator {
  const lower = allowed.map((a) => a.toLowerCase());
  return {
    describe: `${allowed.join(', ')} (any case)`,
    check(value) {
      return typeof value === 'string' && !lower.includes(value.toLowerCase())
        ? `String must be one of: ${allowed.join(', ')}`
        : undefined;
    },
  };
}

export function nonEmptyString(): Validator {
  return {
    describe: 'a non-empty string',
    check(value) {
      return typeof value === 'string' && value.trim() === '' ? 'String must be non-empty' : undefined;
    },
  };
}

function httpUrlProblem(text: string, requirePort: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `'${text}' is not a URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `'${text}' must start with http:// or https://`;
  }
  if (requirePort && url.port === '') {
    return `'${text}' must name a port, e.g. http://0.0.0.0:8088`;
  }
  return undefined;
}

/** An http(s) URL, or nothing. */
export function httpUrl(): Validator {
  return {
    describe: 'an http:// or https:// URL',
    check(value) {
      if (typeof value !== 'string' || value === '') return undefined;
      return httpUrlProblem(value, false);
    },
  };
}

/** A non-empty list of http(s) URLs with explicit ports: what the REST servers can bind. */
export function listenerUrls(): Validator {
  return {
    describe: 'comma-separated http:// or https:// URLs with a port',
    check(value: ConfigValueType) {
      if (!Array.isArray(value) || value.length === 0) return 'must name at least one listener URL';
      for (const url of value as readonly string[]) {
        const problem = httpUrlProblem(url, true);
        if (problem !== undefined) return problem;
      }
      return undefined;
    },
  };
}

/** Each validator in turn, the first problem winning (Kafka's CompositeValidator). */
export function allOf(...validators: readonly (Validator | ValidatorFunction)[]): Validator {
  const described = validators.flatMap((v) =>
    typeof v === 'function' || v.describe === undefined ? [] : [v.describe],
  );
  return {
    ...(described.length === 0 ? {} : { describe: described.join('; ') }),
    check(value, name) {
      for (const v of validators) {
        const problem = checkValue(v, name, value);
        if (problem !== undefined) return problem;
      }
      return undefined;
    },
  };
}

/** A validator that lets the empty string through: an optional setting whose default is ''. */
export function emptyOr(validator: Validator): Validator {
  return {
    ...(validator.describe === undefined ? {} : { describe: `${validator.describe}, or empty` }),
    check: (value, name) => (value === '' ? undefined : validator.check(value, name)),
  };
}

/** Common validators, as Kafka's ConfigDef provides them. */
export const Validators = {
  allOf,
  atLeast,
  between,
  emptyOr,
  oneOf,
  oneOfIgnoringCase,
  nonEmptyString,
  httpUrl,
  listenerUrls,
} as const;
