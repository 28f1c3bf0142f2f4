import { Password } from './password.js';
import type { PropertyType, PropertyValue } from './property.js';

/** A value as a source gives it: text from files and env, maybe typed from CLI flags. */
export type RawValue = string | number | boolean | readonly string[];

export type Coerced = { ok: true; value: PropertyValue } | { ok: false; expected: string; hint: string };

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

/** What each type is called in messages, and an example a user can copy. */
export const TYPE_DESCRIPTIONS: Readonly<Record<PropertyType, { expected: string; hint: string }>> = {
  string: { expected: 'a string', hint: 'any text' },
  password: { expected: 'a password', hint: 'any text' },
  int: {
    expected: 'an int (a whole number from -2147483648 to 2147483647)',
    hint: 'write digits only, e.g. 4',
  },
  long: {
    expected: 'a long (a whole number)',
    hint: 'write digits only, without units or separators, e.g. 1000',
  },
  double: { expected: 'a double (a decimal number)', hint: 'write a number such as 0.5 or 1e3' },
  boolean: { expected: 'a boolean', hint: 'write true or false' },
  list: { expected: 'a list', hint: 'separate items with commas, e.g. a,b' },
  class: {
    expected: 'a class name',
    hint: 'write a dotted name such as com.example.MyPlugin',
  },
};

const WHOLE_NUMBER = /^[+-]?\d+$/;
const DECIMAL_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const CLASS_NAME = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

function fail(type: PropertyType): Coerced {
  return { ok: false, ...TYPE_DESCRIPTIONS[type] };
}

function parseWholeNumber(text: string, type: 'int' | 'long'): Coerced {
  if (!WHOLE_NUMBER.test(text)) return fail(type);
  const n = Number(text);
  const inRange = type === 'int' ? n >= INT_MIN && n <= INT_MAX : Number.isSafeInteger(n);
  return inRange ? { ok: true, value: n } : fail(type);
}

/** Kafka splits lists on commas and trims each item; an empty text is an empty list. */
function parseList(text: string): readonly string[] {
  if (text.trim() === '') return [];
  return text.split(',').map((item) => item.trim());
}

/** Turns a raw value into the property's type. Numbers and booleans are trimmed first, as Kafka does. */
export function coerce(type: PropertyType, raw: RawValue): Coerced {
  if (Array.isArray(raw)) {
    return type === 'list' ? { ok: true, value: raw.map((item: string) => item.trim()) } : fail(type);
  }
  if (typeof raw === 'number') {
    if (type === 'double' && Number.isFinite(raw)) return { ok: true, value: raw };
    return coerce(type, String(raw));
  }
  if (typeof raw === 'boolean') {
    return type === 'boolean' ? { ok: true, value: raw } : coerce(type, String(raw));
  }
  const text = raw as string;
  switch (type) {
    case 'string':
      return { ok: true, value: text };
    case 'password':
      return { ok: true, value: new Password(text) };
    case 'int':
    case 'long':
      return parseWholeNumber(text.trim(), type);
    case 'double': {
      const trimmed = text.trim();
      return DECIMAL_NUMBER.test(trimmed) ? { ok: true, value: Number(trimmed) } : fail(type);
    }
    case 'boolean': {
      const lower = text.trim().toLowerCase();
      if (lower === 'true' || lower === 'false') return { ok: true, value: lower === 'true' };
      return fail(type);
    }
    case 'list':
      return { ok: true, value: parseList(text) };
    case 'class': {
      const trimmed = text.trim();
      return CLASS_NAME.test(trimmed) ? { ok: true, value: trimmed } : fail(type);
    }
  }
}

/** A value in the form a properties file would hold it; secrets are revealed, so mask first. */
export function valueToText(value: PropertyValue): string {
  if (value instanceof Password) return value.reveal();
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}
