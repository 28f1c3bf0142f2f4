// LIKE patterns: '%' matches any run of characters, '_' exactly one, and the ESCAPE character makes
// the next one literal. Compiled once into the cheapest test that does the job.

/** Whether the whole of a string matches the pattern; case-sensitive, as in ksqlDB. */
export type LikeMatcher = (text: string) => boolean;

type Part =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'any' }
  | { readonly kind: 'one' };

function parse(pattern: string, escapeChar: string | undefined): Part[] {
  const parts: Part[] = [];
  let text = '';
  const flush = (): void => {
    if (text !== '') parts.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === escapeChar && i + 1 < pattern.length) {
      text += pattern[++i];
    } else if (c === '%') {
      flush();
      if (parts.at(-1)?.kind !== 'any') parts.push({ kind: 'any' });
    } else if (c === '_') {
      flush();
      parts.push({ kind: 'one' });
    } else {
      text += c;
    }
  }
  flush();
  return parts;
}

const REGEX_SYNTAX = /[\\^$.*+?()[\]{}|/]/g;

export function compileLike(pattern: string, escapeChar?: string): LikeMatcher {
  const parts = parse(pattern, escapeChar);
  const [first, second, third] = parts;
  // The common shapes need no regular expression: 'abc', 'abc%', '%abc', '%abc%', '%'.
  if (parts.length === 0) return (s) => s === '';
  if (parts.length === 1 && first.kind === 'text') return (s) => s === first.text;
  if (parts.length === 1 && first.kind === 'any') return () => true;
  if (parts.length === 2 && first.kind === 'text' && second.kind === 'any') {
    return (s) => s.startsWith(first.text);
  }
  if (parts.length === 2 && first.kind === 'any' && second.kind === 'text') {
    return (s) => s.endsWith(second.text);
  }
  if (parts.length === 3 && first.kind === 'any' && second.kind === 'text' && third.kind === 'any') {
    return (s) => s.includes(second.text);
  }
  const source = parts
    .map((p) => (p.kind === 'any' ? '.*' : p.kind === 'one' ? '.' : p.text.replace(REGEX_SYNTAX, '\\$&')))
    .join('');
  // 's' lets '.' match line breaks; 'u' makes '_' one code point, as Java's regex '.' is.
  const regex = new RegExp(`^${source}$`, 'su');
  return (s) => regex.test(s);
}

/** A matcher for patterns known only per row, remembering the last pattern since it rarely changes. */
export function likeWithPatternPerRow(escapeChar?: string): (text: string, pattern: string) => boolean {
  let lastPattern: string | undefined;
  let lastMatcher: LikeMatcher = () => false;
  return (text, pattern) => {
    if (pattern !== lastPattern) {
      lastMatcher = compileLike(pattern, escapeChar);
      lastPattern = pattern;
    }
    return lastMatcher(text);
  };
}
