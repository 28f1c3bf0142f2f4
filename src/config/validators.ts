import type { PropertyValue, Validator } from './property.js';

export function oneOf(...allowed: readonly string[]): Validator {
  return {
    describe: allowed.join(', '),
    check(value) {
      return typeof value === 'string' && allowed.includes(value)
        ? undefined
        : `must be one of ${allowed.join(', ')}`;
    },
  };
}

/** Like `oneOf`, but matching ignores case, as Kafka does for enum-like settings. */
export function oneOfIgnoringCase(...allowed: readonly string[]): Validator {
  const lower = allowed.map((a) => a.toLowerCase());
  return {
    describe: `${allowed.join(', ')} (any case)`,
    check(value) {
      return typeof value === 'string' && lower.includes(value.toLowerCase())
        ? undefined
        : `must be one of ${allowed.join(', ')}`;
    },
  };
}

export function atLeast(min: number): Validator {
  return {
    describe: `at least ${min}`,
    check(value) {
      return typeof value === 'number' && value >= min ? undefined : `must be at least ${min}`;
    },
  };
}

export function between(min: number, max: number): Validator {
  return {
    describe: `${min} to ${max}`,
    check(value) {
      return typeof value === 'number' && value >= min && value <= max
        ? undefined
        : `must be between ${min} and ${max}`;
    },
  };
}

export function nonEmptyString(): Validator {
  return {
    describe: 'a non-empty string',
    check(value) {
      return typeof value === 'string' && value.trim() !== '' ? undefined : 'must not be empty';
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
    check(value: PropertyValue) {
      if (!Array.isArray(value) || value.length === 0) return 'must name at least one listener URL';
      for (const url of value as readonly string[]) {
        const problem = httpUrlProblem(url, true);
        if (problem !== undefined) return problem;
      }
      return undefined;
    },
  };
}
