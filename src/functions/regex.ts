import type { SqlValue } from '../types/index.js';
import { array, STRING } from '../types/index.js';
import { FunctionInvocationError, param, type ScalarFunction } from './function-declaration.js';
import { compileRegex } from './regex-cache.js';
import { INTEGER_P, STRING_P, t } from './type-pattern.js';

const str = (v: SqlValue) => v as string;

function extract(pattern: string, input: string, group: number): string | null {
  const match = compileRegex('REGEXP_EXTRACT', pattern, false).exec(input);
  if (match === null) return null;
  if (group < 0 || group >= match.length) {
    throw new FunctionInvocationError('REGEXP_EXTRACT', `no group ${group} in pattern '${pattern}'`);
  }
  return match[group] ?? null;
}

function extractAll(pattern: string, input: string, group: number): SqlValue[] {
  const out: SqlValue[] = [];
  for (const match of input.matchAll(compileRegex('REGEXP_EXTRACT_ALL', pattern, true))) {
    if (group < 0 || group >= match.length) {
      throw new FunctionInvocationError('REGEXP_EXTRACT_ALL', `no group ${group} in pattern '${pattern}'`);
    }
    out.push(match[group] ?? null); // a group that did not take part is NULL
  }
  return out;
}

/** Java replacement syntax (`$1`, `${name}`, `\$` for a literal) rewritten for JavaScript. */
function javaReplacement(replacement: string): string {
  return replacement.replace(
    /\\(.)|\$\{(\w+)\}|\$(\d)/g,
    (_, escaped: string, name: string, digit: string) => {
      if (escaped !== undefined) return escaped === '$' ? '$$' : escaped;
      return name !== undefined ? `$<${name}>` : `$${digit}`;
    },
  );
}

/** Splits around every match; empty pieces at the ends and between adjacent matches are kept. */
function regexSplit(input: string, pattern: string): string[] {
  if (pattern === '') return Array.from(input);
  const parts: string[] = [];
  let from = 0;
  for (const match of input.matchAll(compileRegex('REGEXP_SPLIT_TO_ARRAY', pattern, true))) {
    if (match[0] === '') continue; // an empty match splits nothing
    parts.push(input.slice(from, match.index));
    from = match.index + match[0].length;
  }
  parts.push(input.slice(from));
  return parts;
}

export const regexFunctions: readonly ScalarFunction[] = [
  {
    name: 'REGEXP_EXTRACT',
    category: 'REGULAR EXPRESSION',
    description:
      'Extracts the first substring matched by the regular expression pattern from the input, or the given capturing group of it.',
    overloads: [
      {
        params: [param('pattern', STRING_P), param('input', STRING_P)],
        returns: STRING_P,
        invoke: (a) => (a[0] === null || a[1] === null ? null : extract(str(a[0]), str(a[1]), 0)),
      },
      {
        params: [param('pattern', STRING_P), param('input', STRING_P), param('group', INTEGER_P)],
        returns: STRING_P,
        invoke: (a) =>
          a[0] === null || a[1] === null || a[2] === null
            ? null
            : extract(str(a[0]), str(a[1]), a[2] as number),
      },
    ],
  },
  {
    name: 'REGEXP_EXTRACT_ALL',
    category: 'REGULAR EXPRESSION',
    description:
      'Extracts all substrings matched by the regular expression pattern from the input, or the given capturing group of each.',
    overloads: [
      {
        params: [param('pattern', STRING_P), param('input', STRING_P)],
        returns: t.of(array(STRING)),
        invoke: (a) => (a[0] === null || a[1] === null ? null : extractAll(str(a[0]), str(a[1]), 0)),
      },
      {
        params: [param('pattern', STRING_P), param('input', STRING_P), param('group', INTEGER_P)],
        returns: t.of(array(STRING)),
        invoke: (a) =>
          a[0] === null || a[1] === null || a[2] === null
            ? null
            : extractAll(str(a[0]), str(a[1]), a[2] as number),
      },
    ],
  },
  {
    name: 'REGEXP_REPLACE',
    category: 'REGULAR EXPRESSION',
    description:
      'Replaces all matches of a regular expression in an input string with a new string; NULL if any argument is NULL.',
    overloads: [
      {
        params: [param('input', STRING_P), param('regex', STRING_P), param('replacement', STRING_P)],
        returns: STRING_P,
        invoke: (a) =>
          a[0] === null || a[1] === null || a[2] === null
            ? null
            : str(a[0]).replace(compileRegex('REGEXP_REPLACE', str(a[1]), true), javaReplacement(str(a[2]))),
      },
    ],
  },
  {
    name: 'REGEXP_SPLIT_TO_ARRAY',
    category: 'REGULAR EXPRESSION',
    description:
      'Splits a string into an array of substrings based on a regular expression; an empty expression splits every character.',
    overloads: [
      {
        params: [param('input', STRING_P), param('regex', STRING_P)],
        returns: t.of(array(STRING)),
        invoke: (a) => (a[0] === null || a[1] === null ? null : regexSplit(str(a[0]), str(a[1]))),
      },
    ],
  },
];
