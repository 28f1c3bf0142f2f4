import type { SqlValue } from '../types/index.js';
import { array, INTEGER, map, type SqlType, STRING } from '../types/index.js';
import { FunctionInvocationError, param, type ScalarFunction, variadic } from './function-declaration.js';
import { compileJsonPath } from './json-path.js';
import { isJsonObject, jsonText, jsonWriterFor, tryParseJson } from './json-text.js';
import { BOOLEAN_P, STRING_P, T, t } from './type-pattern.js';

const str = (v: SqlValue) => v as string;

function extractJsonField(input: string, path: string): string | null {
  let node = tryParseJson(input);
  if (node === undefined)
    throw new FunctionInvocationError('EXTRACTJSONFIELD', `Invalid JSON format: ${input}`);
  let steps: ReturnType<typeof compileJsonPath>;
  try {
    steps = compileJsonPath(path);
  } catch (e) {
    throw new FunctionInvocationError('EXTRACTJSONFIELD', (e as Error).message);
  }
  for (const step of steps) {
    if (Array.isArray(node)) {
      const index = typeof step === 'number' ? step : /^\d+$/.test(step) ? Number(step) : -1;
      if (index < 0) return null;
      node = node[index];
    } else if (isJsonObject(node)) {
      const key = String(step);
      node = Object.hasOwn(node, key) ? node[key] : undefined;
    } else {
      return null;
    }
    if (node === undefined) return null;
  }
  // ksqlDB returns text values unquoted and everything else (JSON null included) as its JSON text.
  return typeof node === 'string' ? node : jsonText(node);
}

/** JSON_CONCAT's PostgreSQL `||` rules: objects merge, anything else concatenates as arrays. */
function jsonConcat(inputs: readonly SqlValue[]): string | null {
  const values: unknown[] = [];
  for (const input of inputs) {
    if (input === null) return null;
    const value = tryParseJson(str(input));
    if (value === undefined) return null;
    values.push(value);
  }
  if (values.length > 0 && values.every(isJsonObject)) return jsonText(Object.assign({}, ...values));
  const out: unknown[] = [];
  for (const value of values) {
    if (Array.isArray(value)) out.push(...value);
    else out.push(value);
  }
  return jsonText(out);
}

/** JSON_ITEMS: the JSON text of each object in a JSON array; NULL when an item is not an object. */
function jsonItems(input: string): string[] | null {
  const value = tryParseJson(input);
  if (!Array.isArray(value)) throw new FunctionInvocationError('JSON_ITEMS', `Invalid JSON format:${input}`);
  const out: string[] = [];
  for (const item of value) {
    if (!isJsonObject(item)) return null;
    out.push(jsonText(item));
  }
  return out;
}

/** Which JSON scalar tokens can equal a value of the searched type, as ksqlDB's JSON_ARRAY_CONTAINS pairs them. */
type TokenKind = 'integer' | 'fraction' | 'string' | 'boolean' | 'none';

function tokenKindFor(type: SqlType): TokenKind {
  switch (type.kind) {
    case 'INTEGER':
    case 'BIGINT':
      return 'integer';
    case 'DOUBLE':
      return 'fraction';
    case 'STRING':
      return 'string';
    case 'BOOLEAN':
      return 'boolean';
    default:
      return 'none';
  }
}

/**
 * Reads the array's top-level elements in order, as ksqlDB's token scan does, and stops at the first
 * element equal to the value: an integer token can equal an INT or BIGINT, a fractional one a DOUBLE, a
 * string a STRING, a JSON null a NULL. Text that is not a JSON array answers false once the scan reaches
 * the bad part.
 */
function jsonArrayContains(input: string, value: SqlValue, kind: TokenKind): boolean {
  for (const element of topLevelElements(input)) {
    if (element === undefined) return false;
    if (element === 'null') {
      if (value === null) return true;
      continue;
    }
    if (value === null) continue;
    const first = element[0];
    if (first === '"') {
      if (kind === 'string' && JSON.parse(element) === value) return true;
    } else if (element === 'true' || element === 'false') {
      if (kind === 'boolean' && value === (element === 'true')) return true;
    } else if (first !== '[' && first !== '{') {
      const integral = /^-?\d+$/.test(element);
      if (integral && kind === 'integer' && BigInt(element) === BigInt(value as number | bigint)) return true;
      if (!integral && kind === 'fraction' && Number(element) === value) return true;
    }
  }
  return false;
}

/** The text of each top-level element of a JSON array, then `undefined` if the text is not one. */
function* topLevelElements(text: string): Generator<string | undefined> {
  let i = skipSpace(text, 0);
  if (text[i] !== '[') return yield undefined;
  i = skipSpace(text, i + 1);
  if (text[i] === ']') return;
  for (;;) {
    const end = elementEnd(text, i);
    const element = text.slice(i, end);
    if (end === i || tryParseJson(element) === undefined) return yield undefined;
    yield element;
    i = skipSpace(text, end);
    if (text[i] === ']') return;
    if (text[i] !== ',') return yield undefined;
    i = skipSpace(text, i + 1);
  }
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i])) i++;
  return i;
}

/** Where the element starting at `i` ends: strings and nested containers are skipped whole. */
function elementEnd(text: string, i: number): number {
  let depth = 0;
  let inString = false;
  for (let j = i; j < text.length; j++) {
    const c = text[j];
    if (inString) {
      if (c === '\\') j++;
      else if (c === '"') {
        inString = false;
        if (depth === 0) return j + 1;
      }
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      if (depth === 0) return j;
      if (--depth === 0) return j + 1;
    } else if (depth === 0 && (c === ',' || /\s/.test(c))) return j;
  }
  return text.length;
}

export const jsonFunctions: readonly ScalarFunction[] = [
  {
    name: 'JSON_ARRAY_CONTAINS',
    category: 'JSON',
    description:
      'Parses a JSON array and determines whether or not the supplied value is contained within the array; false when the string is not a JSON array.',
    overloads: [
      {
        params: [param('jsonArray', STRING_P), param('val', T)],
        returns: BOOLEAN_P,
        invoke: () => {
          throw new Error(
            'JSON_ARRAY_CONTAINS runs only through resolveFunction, which knows the value type',
          );
        },
        specialize: (argTypes) => {
          const kind = tokenKindFor(argTypes[1]);
          return (a) => (a[0] === null ? null : jsonArrayContains(str(a[0]), a[1], kind));
        },
      },
    ],
  },
  {
    name: 'JSON_ITEMS',
    category: 'JSON',
    description:
      'Given a string with a JSON array of objects, returns an array of the JSON text of each object; NULL if an item is not an object.',
    overloads: [
      {
        params: [param('jsonItems', STRING_P)],
        returns: t.of(array(STRING)),
        invoke: (a) => (a[0] === null ? null : jsonItems(str(a[0]))),
      },
    ],
  },
  {
    name: 'EXTRACTJSONFIELD',
    category: 'JSON',
    description:
      "Given a STRING that contains JSON data, extracts the value at the specified JSONPath (e.g. '$.log.cloud'), or NULL if the path does not exist.",
    overloads: [
      {
        params: [
          param('input', STRING_P, 'The input JSON string'),
          param('path', STRING_P, 'The JSONPath to extract'),
        ],
        returns: STRING_P,
        invoke: (a) => (a[0] === null || a[1] === null ? null : extractJsonField(str(a[0]), str(a[1]))),
      },
    ],
  },
  {
    name: 'IS_JSON_STRING',
    category: 'JSON',
    description:
      'Returns true if the string can be parsed as a valid JSON value; otherwise (NULL included) false.',
    overloads: [
      {
        params: [param('json', STRING_P)],
        returns: BOOLEAN_P,
        invoke: (a) => a[0] !== null && tryParseJson(str(a[0])) !== undefined,
      },
    ],
  },
  {
    name: 'JSON_ARRAY_LENGTH',
    category: 'JSON',
    description:
      'Returns the length of the top-level JSON array in the string, or NULL if it is not a JSON array.',
    overloads: [
      {
        params: [param('json', STRING_P)],
        returns: t.of(INTEGER),
        invoke: (a) => {
          if (a[0] === null) return null;
          const value = tryParseJson(str(a[0]));
          return Array.isArray(value) ? value.length : null;
        },
      },
    ],
  },
  {
    name: 'JSON_KEYS',
    category: 'JSON',
    description:
      'Returns the top-level keys of the JSON object in the string, or NULL if it is not a JSON object.',
    overloads: [
      {
        params: [param('json', STRING_P)],
        returns: t.of(array(STRING)),
        invoke: (a) => {
          if (a[0] === null) return null;
          const value = tryParseJson(str(a[0]));
          return isJsonObject(value) ? Object.keys(value) : null;
        },
      },
    ],
  },
  {
    name: 'JSON_RECORDS',
    category: 'JSON',
    description:
      'Returns a map of the top-level keys of the JSON object in the string to their values as JSON text, or NULL if it is not a JSON object.',
    overloads: [
      {
        params: [param('json', STRING_P)],
        returns: t.of(map(STRING, STRING)),
        invoke: (a) => {
          if (a[0] === null) return null;
          const value = tryParseJson(str(a[0]));
          if (!isJsonObject(value)) return null;
          const out = new Map<SqlValue, SqlValue>();
          for (const key of Object.keys(value)) out.set(key, jsonText(value[key]));
          return out;
        },
      },
    ],
  },
  {
    name: 'JSON_CONCAT',
    category: 'JSON',
    description:
      "Concatenates JSON strings as PostgreSQL's || operator does: objects merge their keys, otherwise values are concatenated as arrays. NULL if any input is NULL or not JSON.",
    overloads: [
      {
        params: [param('first', STRING_P), variadic('others', STRING_P)],
        returns: STRING_P,
        invoke: jsonConcat,
      },
    ],
  },
  {
    name: 'TO_JSON_STRING',
    category: 'JSON',
    description: 'Given any ksqlDB value, returns the equivalent JSON string.',
    overloads: [
      {
        params: [param('value', T)],
        returns: STRING_P,
        invoke: () => {
          throw new Error('TO_JSON_STRING runs only through resolveFunction, which knows the argument type');
        },
        specialize: (argTypes) => {
          const write = jsonWriterFor(argTypes[0]);
          return (a) => write(a[0]);
        },
      },
    ],
  },
];
