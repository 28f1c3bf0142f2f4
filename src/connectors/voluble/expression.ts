import { resolveDirective, type TextGenerator } from './directives.js';
import type { RandomSource } from './random-source.js';

// Java Faker's own directive pattern, kept exactly: at most one space after the name, quoted
// arguments with optional commas and no spaces between them. `#{…}` that does not match stays as
// literal text, as it does upstream.
const DIRECTIVE = /#\{([a-z0-9A-Z_.]+)\s?((?:,?'([^']+)')*)\}/g;
const ARGUMENT = /'(.*?)'/g;

export type { TextGenerator } from './directives.js';

/**
 * Compiles a Java Faker expression (`Player #{number.number_between '1','6'}`) into a generator.
 * Every directive is resolved now, so an unknown name or a bad argument throws a DirectiveError
 * at validation time rather than when records are made.
 */
export function compileExpression(expression: string, random: RandomSource): TextGenerator {
  const parts: (string | TextGenerator)[] = [];
  let literalStart = 0;
  for (const match of expression.matchAll(DIRECTIVE)) {
    const index = match.index ?? 0;
    if (index > literalStart) parts.push(expression.slice(literalStart, index));
    const args = [...match[2].matchAll(ARGUMENT)].map((a) => a[1]);
    parts.push(resolveDirective(match[1], args, random));
    literalStart = index + match[0].length;
  }
  if (literalStart < expression.length) parts.push(expression.slice(literalStart));
  if (parts.length === 0) return () => '';
  if (parts.length === 1) {
    const only = parts[0];
    return typeof only === 'string' ? () => only : only;
  }
  return () => {
    let text = '';
    for (const part of parts) text += typeof part === 'string' ? part : part();
    return text;
  };
}
