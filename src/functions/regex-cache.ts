import { FunctionInvocationError } from './function-declaration.js';

/**
 * Compiled regular expressions by pattern text. Patterns are nearly always constants, so a small cache
 * keeps per-row calls from recompiling. Java's leading inline flags ((?i), (?s), (?m)) become JavaScript
 * flags; other Java-only syntax (possessive quantifiers, \A, \Z) is not translated.
 */
const cache = new Map<string, RegExp>();
const LIMIT = 256;
const INLINE_FLAGS = /^\(\?([ism]+)\)/;

export function compileRegex(functionName: string, pattern: string, global: boolean): RegExp {
  const key = (global ? 'g/' : '/') + pattern;
  let regex = cache.get(key);
  if (regex === undefined) {
    regex = build(functionName, pattern, global);
    if (cache.size >= LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(key, regex);
  }
  regex.lastIndex = 0;
  return regex;
}

function build(functionName: string, pattern: string, global: boolean): RegExp {
  const inline = INLINE_FLAGS.exec(pattern);
  const flags = (global ? 'g' : '') + (inline ? [...new Set(inline[1])].join('') : '');
  try {
    return new RegExp(inline ? pattern.slice(inline[0].length) : pattern, flags);
  } catch (e) {
    throw new FunctionInvocationError(
      functionName,
      `invalid regular expression '${pattern}': ${(e as Error).message}`,
    );
  }
}
