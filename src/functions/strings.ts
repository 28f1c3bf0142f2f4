import { randomUUID } from 'node:crypto';
import type { SqlValue } from '../types/index.js';
import { array, BYTES, INTEGER, map, STRING } from '../types/index.js';
import { bytesToText, textEncoding, textToBytes } from './bytes-encoding.js';
import { type Overload, param, type ScalarFunction, variadic } from './function-declaration.js';
import { maskFunctions } from './mask.js';
import { regexFunctions } from './regex.js';
import { BYTES_P, INTEGER_P, STRING_P, t } from './type-pattern.js';

const str = (v: SqlValue) => v as string;
const int = (v: SqlValue) => v as number;
const bytes = (v: SqlValue) => v as Uint8Array;

/** A one-argument string function that maps NULL to NULL. */
function stringToString(name: string, description: string, f: (s: string) => string): ScalarFunction {
  return {
    name,
    description,
    category: 'STRING',
    overloads: [
      {
        params: [param('input', STRING_P)],
        returns: STRING_P,
        invoke: (a) => (a[0] === null ? null : f(str(a[0]))),
      },
    ],
  };
}

// Java's String.trim strips every code unit up to U+0020, not Unicode whitespace as JavaScript's trim does.
function trimStart(s: string): string {
  let i = 0;
  while (i < s.length && s.charCodeAt(i) <= 0x20) i++;
  return i === 0 ? s : s.slice(i);
}
function trimEnd(s: string): string {
  let j = s.length;
  while (j > 0 && s.charCodeAt(j - 1) <= 0x20) j--;
  return j === s.length ? s : s.slice(0, j);
}

/** SUBSTRING's 1-based, possibly negative (from the end) start, clamped into the value. */
function startIndex(length: number, pos: number): number {
  return pos < 0 ? Math.max(length + pos, 0) : Math.max(Math.min(pos - 1, length), 0);
}
function endIndex(length: number, start: number, len: number): number {
  return Math.max(Math.min(start + len, length), start);
}

function concatBytes(parts: readonly Uint8Array[]): Buffer {
  return Buffer.concat(parts);
}

/** Pads by repeating `padding` up to `length` units, truncating the input when it is longer. */
function pad<S extends string | Uint8Array>(
  input: S,
  length: number,
  padding: S,
  left: boolean,
  join: (a: S, b: S) => S,
  slice: (s: S, from: number, to: number) => S,
): S | null {
  if (padding.length === 0 || length < 0) return null;
  if (input.length >= length) return slice(input, 0, length);
  const padLength = length - input.length;
  let fill = padding;
  while (fill.length < padLength) fill = join(fill, padding);
  fill = slice(fill, 0, padLength);
  return left ? join(fill, input) : join(input, fill);
}

const joinStrings = (a: string, b: string) => a + b;
const sliceString = (s: string, from: number, to: number) => s.slice(from, to);
const joinBytes = (a: Uint8Array, b: Uint8Array): Uint8Array => Buffer.concat([a, b]);
const sliceBytes = (s: Uint8Array, from: number, to: number): Uint8Array => s.subarray(from, to);

function padFunction(name: string, left: boolean): ScalarFunction {
  const side = left ? 'beginning from the left' : 'starting from the end';
  return {
    name,
    category: 'STRING',
    description: `Pads the input string or bytes, ${side}, with the padding until the target length is reached; truncates longer input. Returns NULL if the padding is empty or NULL or the length is negative.`,
    overloads: [
      {
        params: [param('input', STRING_P), param('length', INTEGER_P), param('padding', STRING_P)],
        returns: STRING_P,
        invoke: (a) =>
          a[0] === null || a[1] === null || a[2] === null
            ? null
            : pad(str(a[0]), int(a[1]), str(a[2]), left, joinStrings, sliceString),
      },
      {
        params: [param('input', BYTES_P), param('length', INTEGER_P), param('padding', BYTES_P)],
        returns: BYTES_P,
        invoke: (a) =>
          a[0] === null || a[1] === null || a[2] === null
            ? null
            : pad(bytes(a[0]), int(a[1]), bytes(a[2]), left, joinBytes, sliceBytes),
      },
    ],
  };
}

/** The 1-based position of the n-th occurrence of `sub` in `s` searching from 1-based `position`. */
function instr(s: string, sub: string, position: number, occurrence: number): number {
  if (Math.abs(position) > s.length || occurrence < 1) return 0;
  if (position < 0) {
    // Searching backwards: the match must end at or before the position counted from the end.
    let from = s.length + position - sub.length + 1;
    let found = -1;
    for (let n = 0; n < occurrence; n++) {
      found = from < 0 ? -1 : s.lastIndexOf(sub, from);
      if (found < 0) return 0;
      from = found - 1;
    }
    return found + 1;
  }
  let from = position - 1;
  let found = -1;
  for (let n = 0; n < occurrence; n++) {
    found = s.indexOf(sub, from);
    if (found < 0) return 0;
    from = found + 1;
  }
  return found + 1;
}

function initcap(s: string): string {
  // Words are runs of non-whitespace; ksqlDB drops leading whitespace and keeps the rest.
  let out = '';
  for (const match of s.toLowerCase().matchAll(/\S+\s*/g)) {
    const word = match[0];
    const first = String.fromCodePoint(word.codePointAt(0)!);
    out += first.toUpperCase() + word.slice(first.length);
  }
  return out;
}

function splitBytes(input: Uint8Array, delimiter: Uint8Array): Uint8Array[] {
  const buffer = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (delimiter.length === 0) return Array.from(buffer, (_, i) => buffer.subarray(i, i + 1));
  const parts: Uint8Array[] = [];
  let from = 0;
  for (let at = buffer.indexOf(delimiter, from); at >= 0; at = buffer.indexOf(delimiter, from)) {
    parts.push(buffer.subarray(from, at));
    from = at + delimiter.length;
  }
  parts.push(buffer.subarray(from));
  return parts;
}

function chrFromCode(code: number): string | null {
  return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : null;
}

function chrFromEscape(text: string): string | null {
  // '\u004b' written as text: a backslash, 'u' and hex digits.
  const match = /^\\u([0-9a-fA-F]{4,6})$/.exec(text);
  return match ? chrFromCode(Number.parseInt(match[1], 16)) : null;
}

const substringOverloads: Overload[] = [
  {
    params: [
      param('str', STRING_P, 'The source string.'),
      param('pos', INTEGER_P, 'The base-one position to start from.'),
    ],
    returns: STRING_P,
    description: 'Returns the portion of str from pos to the end of str',
    invoke: (a) =>
      a[0] === null || a[1] === null ? null : str(a[0]).slice(startIndex(str(a[0]).length, int(a[1]))),
  },
  {
    params: [
      param('str', STRING_P, 'The source string.'),
      param('pos', INTEGER_P, 'The base-one position to start from.'),
      param('length', INTEGER_P, 'The length to extract.'),
    ],
    returns: STRING_P,
    description: 'Returns the portion of str that starts at pos and is of length len',
    invoke: (a) => {
      if (a[0] === null || a[1] === null || a[2] === null) return null;
      const s = str(a[0]);
      const start = startIndex(s.length, int(a[1]));
      return s.slice(start, endIndex(s.length, start, int(a[2])));
    },
  },
  {
    params: [
      param('bytes', BYTES_P, 'The source bytes.'),
      param('pos', INTEGER_P, 'The base-one position to start from.'),
    ],
    returns: BYTES_P,
    invoke: (a) =>
      a[0] === null || a[1] === null ? null : bytes(a[0]).slice(startIndex(bytes(a[0]).length, int(a[1]))),
  },
  {
    params: [
      param('bytes', BYTES_P, 'The source bytes.'),
      param('pos', INTEGER_P, 'The base-one position to start from.'),
      param('length', INTEGER_P, 'The length to extract.'),
    ],
    returns: BYTES_P,
    invoke: (a) => {
      if (a[0] === null || a[1] === null || a[2] === null) return null;
      const b = bytes(a[0]);
      const start = startIndex(b.length, int(a[1]));
      return b.slice(start, endIndex(b.length, start, int(a[2])));
    },
  },
];

/** ksqlDB's SPLIT_TO_MAP: empty entries are skipped, entries without the kv delimiter too. */
function splitToMap(
  input: string,
  entryDelimiter: string,
  kvDelimiter: string,
): Map<SqlValue, SqlValue> | null {
  if (entryDelimiter === '' || kvDelimiter === '' || entryDelimiter === kvDelimiter) return null;
  const out = new Map<SqlValue, SqlValue>();
  for (const entry of input.split(entryDelimiter)) {
    if (entry === '' || !entry.includes(kvDelimiter)) continue;
    // Key and value are the first two pieces: 'a=b=c' maps a to b, as Guava's splitter iterator gives them.
    const [key, value] = entry.split(kvDelimiter);
    out.set(key, value);
  }
  return out;
}

export const stringFunctions: readonly ScalarFunction[] = [
  stringToString('UCASE', 'Converts a string to uppercase.', (s) => s.toUpperCase()),
  stringToString('LCASE', 'Converts a string to lowercase.', (s) => s.toLowerCase()),
  stringToString('TRIM', 'Removes the spaces from the beginning and end of a string.', (s) =>
    trimEnd(trimStart(s)),
  ),
  stringToString('LTRIM', 'Removes the spaces from the beginning of a string.', trimStart),
  stringToString('RTRIM', 'Removes the spaces from the end of a string.', trimEnd),
  stringToString(
    'INITCAP',
    'Capitalizes the first letter of each word in a string and the rest lowercased. Words are delimited by whitespace.',
    initcap,
  ),
  {
    name: 'CONCAT',
    category: 'STRING',
    description: 'Concatenates two or more string or bytes expressions; NULL inputs are treated as empty.',
    overloads: [
      {
        params: [variadic('inputs', STRING_P, 'The strings to concatenate.')],
        returns: STRING_P,
        invoke: (a) => {
          let out = '';
          for (let i = 0; i < a.length; i++) if (a[i] !== null) out += str(a[i]);
          return out;
        },
      },
      {
        params: [variadic('inputs', BYTES_P, 'The bytes to concatenate.')],
        returns: BYTES_P,
        invoke: (a) => concatBytes(a.filter((x) => x !== null) as Uint8Array[]),
      },
    ],
  },
  {
    name: 'CONCAT_WS',
    category: 'STRING',
    description:
      'Concatenates two or more string or bytes expressions, inserting a separator between each. Returns NULL if the separator is NULL; NULL expressions are skipped.',
    overloads: [
      {
        params: [param('separator', STRING_P), variadic('inputs', STRING_P)],
        returns: STRING_P,
        invoke: (a) => {
          if (a[0] === null) return null;
          let out = '';
          let first = true;
          for (let i = 1; i < a.length; i++) {
            if (a[i] === null) continue;
            out += first ? str(a[i]) : str(a[0]) + str(a[i]);
            first = false;
          }
          return out;
        },
      },
      {
        params: [param('separator', BYTES_P), variadic('inputs', BYTES_P)],
        returns: BYTES_P,
        invoke: (a) => {
          if (a[0] === null) return null;
          const parts: Uint8Array[] = [];
          for (let i = 1; i < a.length; i++) {
            if (a[i] === null) continue;
            if (parts.length > 0) parts.push(bytes(a[0]));
            parts.push(bytes(a[i]));
          }
          return concatBytes(parts);
        },
      },
    ],
  },
  {
    name: 'SUBSTRING',
    category: 'STRING',
    description:
      'Returns the portion of the string or bytes that starts at pos (1-based; negative counts from the end) and has length len, or continues to the end.',
    overloads: substringOverloads,
  },
  {
    name: 'LEN',
    category: 'STRING',
    description: 'Returns the length of a STRING or the number of bytes in a BYTES value.',
    overloads: [
      {
        params: [param('input', STRING_P)],
        returns: t.of(INTEGER),
        invoke: (a) => (a[0] === null ? null : str(a[0]).length),
      },
      {
        params: [param('input', BYTES_P)],
        returns: t.of(INTEGER),
        invoke: (a) => (a[0] === null ? null : bytes(a[0]).length),
      },
    ],
  },
  {
    name: 'REPLACE',
    category: 'STRING',
    description: 'Replaces all instances of a substring in a string with a new string.',
    overloads: [
      {
        params: [param('str', STRING_P), param('target', STRING_P), param('replacement', STRING_P)],
        returns: STRING_P,
        invoke: (a) =>
          a[0] === null || a[1] === null || a[2] === null
            ? null
            : str(a[0]).replaceAll(str(a[1]), () => str(a[2])),
      },
    ],
  },
  {
    name: 'SPLIT',
    category: 'STRING',
    description:
      'Splits a string into an array of substrings, or bytes into an array of subarrays, based on a delimiter. An empty delimiter splits every character or byte.',
    overloads: [
      {
        params: [param('input', STRING_P), param('delimiter', STRING_P)],
        returns: t.of(array(STRING)),
        invoke: (a) => (a[0] === null || a[1] === null ? null : str(a[0]).split(str(a[1]))),
      },
      {
        params: [param('input', BYTES_P), param('delimiter', BYTES_P)],
        returns: t.of(array(BYTES)),
        invoke: (a) => (a[0] === null || a[1] === null ? null : splitBytes(bytes(a[0]), bytes(a[1]))),
      },
    ],
  },
  {
    name: 'SPLIT_TO_MAP',
    category: 'STRING',
    description:
      "Splits a string into key-value pairs and creates a map from them: 'entryDelimiter' splits the string into pairs, which 'kvDelimiter' splits into key and value; a later value for a key wins. NULL if the input or either delimiter is NULL or empty.",
    overloads: [
      {
        params: [param('input', STRING_P), param('entryDelimiter', STRING_P), param('kvDelimiter', STRING_P)],
        returns: t.of(map(STRING, STRING)),
        invoke: (a) =>
          a[0] === null || a[1] === null || a[2] === null
            ? null
            : splitToMap(str(a[0]), str(a[1]), str(a[2])),
      },
    ],
  },
  {
    name: 'INSTR',
    category: 'STRING',
    description:
      'Returns the 1-based position of substring in string, optionally from a position (negative searches backwards from the end) and for the n-th occurrence; 0 when not found.',
    overloads: [
      {
        params: [param('string', STRING_P), param('substring', STRING_P)],
        returns: INTEGER_P,
        invoke: (a) => (a[0] === null || a[1] === null ? 0 : instr(str(a[0]), str(a[1]), 1, 1)),
      },
      {
        params: [param('string', STRING_P), param('substring', STRING_P), param('position', INTEGER_P)],
        returns: INTEGER_P,
        invoke: (a) =>
          a[0] === null || a[1] === null || a[2] === null ? 0 : instr(str(a[0]), str(a[1]), int(a[2]), 1),
      },
      {
        params: [
          param('string', STRING_P),
          param('substring', STRING_P),
          param('position', INTEGER_P),
          param('occurrence', INTEGER_P),
        ],
        returns: INTEGER_P,
        invoke: (a) =>
          a[0] === null || a[1] === null || a[2] === null || a[3] === null
            ? 0
            : instr(str(a[0]), str(a[1]), int(a[2]), int(a[3])),
      },
    ],
  },
  padFunction('LPAD', true),
  padFunction('RPAD', false),
  ...regexFunctions,
  ...maskFunctions,
  {
    name: 'UUID',
    category: 'STRING',
    description: 'Creates a random (version 4) Universally Unique Identifier, as described in RFC 4122.',
    overloads: [{ params: [], returns: STRING_P, invoke: () => randomUUID(), nondeterministic: true }],
  },
  {
    name: 'CHR',
    category: 'STRING',
    description:
      "Returns a single-character string for a Unicode code point given as a decimal code or as a '\\uXXXX' string; NULL if it is not a valid code point.",
    overloads: [
      {
        params: [param('decimalCode', INTEGER_P)],
        returns: STRING_P,
        invoke: (a) => (a[0] === null ? null : chrFromCode(int(a[0]))),
      },
      {
        params: [param('utfString', STRING_P)],
        returns: STRING_P,
        invoke: (a) => (a[0] === null ? null : chrFromEscape(str(a[0]))),
      },
    ],
  },
  {
    name: 'ENCODE',
    category: 'STRING',
    description:
      'Given a string encoded as input_encoding, encodes it using output_encoding. Encodings: hex, utf8, ascii, base64.',
    overloads: [
      {
        params: [param('str', STRING_P), param('inputEncoding', STRING_P), param('outputEncoding', STRING_P)],
        returns: STRING_P,
        invoke: (a) => {
          if (a[0] === null || a[1] === null || a[2] === null) return null;
          const bytesIn = textToBytes('ENCODE', str(a[0]), textEncoding('ENCODE', str(a[1])));
          return bytesToText(bytesIn, textEncoding('ENCODE', str(a[2])));
        },
      },
    ],
  },
  {
    name: 'TO_BYTES',
    category: 'CONVERSIONS',
    description: 'Converts a STRING in the given encoding (hex, utf8, ascii, base64) to BYTES.',
    overloads: [
      {
        params: [param('str', STRING_P), param('encoding', STRING_P)],
        returns: BYTES_P,
        invoke: (a) =>
          a[0] === null || a[1] === null
            ? null
            : textToBytes('TO_BYTES', str(a[0]), textEncoding('TO_BYTES', str(a[1]))),
      },
    ],
  },
  {
    name: 'FROM_BYTES',
    category: 'CONVERSIONS',
    description: 'Converts BYTES to a STRING in the given encoding (hex, utf8, ascii, base64).',
    overloads: [
      {
        params: [param('bytes', BYTES_P), param('encoding', STRING_P)],
        returns: STRING_P,
        invoke: (a) =>
          a[0] === null || a[1] === null
            ? null
            : bytesToText(bytes(a[0]), textEncoding('FROM_BYTES', str(a[1]))),
      },
    ],
  },
];
