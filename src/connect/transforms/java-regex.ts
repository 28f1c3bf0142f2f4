/**
 * Java regular expressions as RegexRouter and TopicNameMatches use them. Patterns are passed to
 * JavaScript's RegExp, which shares Java's common syntax; Java's leading inline flags ((?i) etc.)
 * and \Q…\E quoting are translated. Replacement text follows Matcher.replaceFirst: $1, ${name},
 * and backslash escapes.
 */
export class JavaRegex {
  readonly pattern: string;
  private readonly search: RegExp;
  private readonly whole: RegExp;

  /** Throws an Error whose message says why the pattern is invalid. */
  constructor(pattern: string) {
    this.pattern = pattern;
    const inline = /^\(\?([imsux]+)\)/.exec(pattern);
    const flags = inline ? [...new Set(inline[1].replace(/[ux]/g, ''))].join('') : '';
    const body = unquote(inline ? pattern.slice(inline[0].length) : pattern);
    this.search = new RegExp(body, flags);
    this.whole = new RegExp(`^(?:${body})$`, flags);
  }

  /** Matcher.matches(): the whole input matches. */
  matches(input: string): boolean {
    return this.whole.test(input);
  }

  /** Matcher.replaceFirst(replacement). */
  replaceFirst(input: string, replacement: string): string {
    const m = this.search.exec(input);
    if (m === null) return input;
    return input.slice(0, m.index) + expandReplacement(replacement, m) + input.slice(m.index + m[0].length);
  }
}

/** \Q...\E quotes everything between as literal text. */
function unquote(pattern: string): string {
  return pattern.replace(/\\Q([\s\S]*?)(?:\\E|$)/g, (_all, text: string) =>
    text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'),
  );
}

function expandReplacement(replacement: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i];
    if (c === '\\') {
      i++;
      if (i >= replacement.length) throw new Error('character to be escaped is missing');
      out += replacement[i];
    } else if (c === '$') {
      i++;
      if (i >= replacement.length) throw new Error('Illegal group reference: group index is missing');
      if (replacement[i] === '{') {
        const end = replacement.indexOf('}', i);
        const name = end < 0 ? '' : replacement.slice(i + 1, end);
        if (name === '' || (m.groups?.[name] === undefined && !(m.groups && name in m.groups)))
          throw new Error(`No group with name {${name}}`);
        out += m.groups?.[name] ?? '';
        i = end;
      } else {
        if (!/\d/.test(replacement[i])) throw new Error('Illegal group reference');
        // Java takes as many digits as still name an existing group.
        let group = Number(replacement[i]);
        if (group >= m.length) throw new Error(`No group ${group}`);
        while (i + 1 < replacement.length && /\d/.test(replacement[i + 1])) {
          const next = group * 10 + Number(replacement[i + 1]);
          if (next >= m.length) break;
          group = next;
          i++;
        }
        out += m[group] ?? '';
      }
    } else out += c;
  }
  return out;
}
