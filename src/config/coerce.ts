import type { ConfigType, ConfigValueType, ValueOfType } from './config-def.js';
import { Password } from './password.js';

/** A value as a source gives it: text from files and env, maybe typed from CLI flags. */
export type RawValue = string | number | boolean | readonly string[] | Password;

export type Parsed = { ok: true; value: ValueOfType[ConfigType] } | { ok: false };

export type Coerced =
  | { ok: true; value: ValueOfType[ConfigType] }
  | { ok: false; expected: string; hint: string };

const INT_RANGE: Readonly<Record<'SHORT' | 'INT', [number, number]>> = {
  SHORT: [-(2 ** 15), 2 ** 15 - 1],
  INT: [-(2 ** 31), 2 ** 31 - 1],
};

/** What each type is called in messages, and an example a user can copy. */
export const TYPE_DESCRIPTIONS: Readonly<Record<ConfigType, { expected: string; hint: string }>> = {
  STRING: { expected: 'a string', hint: 'any text' },
  PASSWORD: { expected: 'a password', hint: 'any text' },
  SHORT: {
    expected: 'a short (a whole number from -32768 to 32767)',
    hint: 'write digits only, e.g. 4',
  },
  INT: {
    expected: 'an int (a whole number from -2147483648 to 2147483647)',
    hint: 'write digits only, e.g. 4',
  },
  LONG: {
    expected: 'a long (a whole number)',
    hint: 'write digits only, without units or separators, e.g. 1000',
  },
  DOUBLE: { expected: 'a double (a decimal number)', hint: 'write a number such as 0.5 or 1e3' },
  BOOLEAN: { expected: 'a boolean', hint: 'write true or false' },
  LIST: { expected: 'a list', hint: 'separate items with commas, e.g. a,b' },
  CLASS: {
    expected: 'a class name',
    hint: 'write a dotted name such as com.example.MyPlugin',
  },
};

const WHOLE_NUMBER = /^[+-]?\d+$/;
const DECIMAL_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const CLASS_NAME = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

function parseWholeNumber(text: string, type: 'SHORT' | 'INT' | 'LONG'): Parsed {
  if (!WHOLE_NUMBER.test(text)) return { ok: false };
  const n = Number(text);
  const inRange =
    type === 'LONG' ? Number.isSafeInteger(n) : n >= INT_RANGE[type][0] && n <= INT_RANGE[type][1];
  return inRange ? { ok: true, value: n } : { ok: false };
}

/** Kafka splits lists on commas and trims each item; an empty text is an empty list. */
function parseList(text: string): readonly string[] {
  if (text.trim() === '') return [];
  return text.split(',').map((item) => item.trim());
}

/**
 * Turns a raw value into the type's value, as Kafka's ConfigDef.parseType does: numbers, booleans
 * and class names are trimmed first; strings and passwords are kept as given.
 */
export function parseValue(type: ConfigType, raw: RawValue): Parsed {
  if (raw instanceof Password)
    return type === 'PASSWORD' ? { ok: true, value: raw } : parseValue(type, raw.reveal());
  if (Array.isArray(raw)) {
    return type === 'LIST' ? { ok: true, value: raw.map((item: string) => item.trim()) } : { ok: false };
  }
  if (typeof raw === 'number') {
    if (type === 'DOUBLE' && Number.isFinite(raw)) return { ok: true, value: raw };
    return parseValue(type, String(raw));
  }
  if (typeof raw === 'boolean') {
    return type === 'BOOLEAN' ? { ok: true, value: raw } : parseValue(type, String(raw));
  }
  const text = raw as string;
  switch (type) {
    case 'STRING':
      return { ok: true, value: text };
    case 'PASSWORD':
      return { ok: true, value: new Password(text) };
    case 'SHORT':
    case 'INT':
    case 'LONG':
      return parseWholeNumber(text.trim(), type);
    case 'DOUBLE': {
      const trimmed = text.trim();
      return DECIMAL_NUMBER.test(trimmed) ? { ok: true, value: Number(trimmed) } : { ok: false };
    }
    case 'BOOLEAN': {
      const lower = text.trim().toLowerCase();
      if (lower === 'true' || lower === 'false') return { ok: true, value: lower === 'true' };
      return { ok: false };
    }
    case 'LIST':
      return { ok: true, value: parseList(text) };
    case 'CLASS': {
      const trimmed = text.trim();
      return CLASS_NAME.test(trimmed) ? { ok: true, value: trimmed } : { ok: false };
    }
  }
}

/** `parseValue` with what was expected and how to write it, for the server's start-up messages. */
export function coerce(type: ConfigType, raw: RawValue): Coerced {
  const parsed = parseValue(type, raw);
  return parsed.ok ? parsed : { ok: false, ...TYPE_DESCRIPTIONS[type] };
}

/** A value in the form a properties file would hold it; secrets are revealed, so mask first. */
export function valueToText(value: RawValue | Exclude<ConfigValueType, null>): string {
  if (value instanceof Password) return value.reveal();
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}
