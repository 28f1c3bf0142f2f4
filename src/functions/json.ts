import { array, INTEGER, map, STRING } from '../types/sql-type.js';
import type { SqlValue } from '../types/sql-value.js';
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

export const jsonFunctions: readonly ScalarFunction[] = [
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
