import type { SqlValue } from '../types/index.js';
import {
  FunctionInvocationError,
  type Overload,
  type Parameter,
  param,
  type ScalarFunction,
} from './function-declaration.js';
import { INTEGER_P, STRING_P } from './type-pattern.js';

/** Replacement characters per character class; null leaves that class unmasked. */
interface Masks {
  readonly upper: string | null;
  readonly lower: string | null;
  readonly digit: string | null;
  readonly other: string | null;
}

const DEFAULT_MASKS: Masks = { upper: 'X', lower: 'x', digit: 'n', other: '-' };
const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;
const DIGIT = /\p{Nd}/u;

function maskChar(functionName: string, value: SqlValue): string | null {
  if (value === null) return null;
  const s = value as string;
  if ([...s].length !== 1) {
    throw new FunctionInvocationError(functionName, `a mask must be a single character, but was '${s}'`);
  }
  return s;
}

function masksFrom(functionName: string, args: readonly SqlValue[], first: number): Masks {
  if (args.length <= first) return DEFAULT_MASKS;
  return {
    upper: maskChar(functionName, args[first]),
    lower: maskChar(functionName, args[first + 1]),
    digit: maskChar(functionName, args[first + 2]),
    other: maskChar(functionName, args[first + 3]),
  };
}

function maskOne(c: string, masks: Masks): string {
  const replacement = UPPER.test(c)
    ? masks.upper
    : LOWER.test(c)
      ? masks.lower
      : DIGIT.test(c)
        ? masks.digit
        : masks.other;
  return replacement ?? c;
}

/** Masks the code points of `s` with index in [from, to). */
function maskRange(s: string, from: number, to: number, masks: Masks): string {
  let out = '';
  let i = 0;
  for (const c of s) {
    out += i >= from && i < to ? maskOne(c, masks) : c;
    i++;
  }
  return out;
}

type RangeOf = (length: number, numChars: number) => [number, number];

const maskParams: Parameter[] = [
  param('upper', STRING_P, "Mask for upper-case letters (default 'X'); NULL leaves them."),
  param('lower', STRING_P, "Mask for lower-case letters (default 'x'); NULL leaves them."),
  param('digit', STRING_P, "Mask for digits (default 'n'); NULL leaves them."),
  param('other', STRING_P, "Mask for other characters (default '-'); NULL leaves them."),
];

function partialMask(name: string, description: string, range: RangeOf): ScalarFunction {
  const invoke = (a: readonly SqlValue[]): SqlValue => {
    if (a[0] === null || a[1] === null) return null;
    const numChars = a[1] as number;
    if (numChars < 0) {
      throw new FunctionInvocationError(name, 'requires a non-negative number of characters to mask or skip');
    }
    const s = a[0] as string;
    const [from, to] = range([...s].length, numChars);
    return maskRange(s, from, to, masksFrom(name, a, 2));
  };
  const base = [param('input', STRING_P), param('numChars', INTEGER_P)];
  return {
    name,
    category: 'STRING',
    description,
    overloads: [
      { params: base, returns: STRING_P, invoke },
      { params: [...base, ...maskParams], returns: STRING_P, invoke },
    ],
  };
}

const fullMask: Overload['invoke'] = (a) =>
  a[0] === null ? null : maskRange(a[0] as string, 0, Number.POSITIVE_INFINITY, masksFrom('MASK', a, 1));

export const maskFunctions: readonly ScalarFunction[] = [
  {
    name: 'MASK',
    category: 'STRING',
    description:
      "Masks a string: upper-case letters become 'X', lower-case 'x', digits 'n' and others '-', or the given mask characters.",
    overloads: [
      { params: [param('input', STRING_P)], returns: STRING_P, invoke: fullMask },
      { params: [param('input', STRING_P), ...maskParams], returns: STRING_P, invoke: fullMask },
    ],
  },
  partialMask('MASK_KEEP_LEFT', 'Masks all but the first numChars characters of a string.', (n, k) => [k, n]),
  partialMask('MASK_KEEP_RIGHT', 'Masks all but the last numChars characters of a string.', (n, k) => [
    0,
    n - k,
  ]),
  partialMask('MASK_LEFT', 'Masks the first numChars characters of a string.', (_n, k) => [0, k]),
  partialMask('MASK_RIGHT', 'Masks the last numChars characters of a string.', (n, k) => [n - k, n]),
];
