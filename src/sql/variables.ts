import { type SourcePosition, SqlParseError } from './errors.js';
import { type Token, tokenize } from './lexer.js';

/** Variable values by name. Names are matched case-insensitively, as in ksqlDB. */
export type Variables = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

/** Finds `${name}` inside string literals; `$${name}` is the escape that stays as `${name}`. */
const REFERENCE_IN_STRING = /\$?\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Replaces `${name}` references with the variables' values, following ksqlDB: a bare reference must
 * become one name or one literal (a guard against injecting SQL), a reference inside a string literal
 * is replaced within the string, and references to undefined variables stay for the parser to report.
 * Quoted identifiers and comments are left alone. A result longer than `maxLength` characters is
 * refused as it grows, so nested definitions cannot expand without bound.
 */
export function substituteVariables(
  text: string,
  variables: Variables,
  origin: SourcePosition = { line: 1, column: 1 },
  maxLength = Number.POSITIVE_INFINITY,
): string {
  return substituteLowerCaseNamed(text, byLowerCaseName(variables), origin, maxLength);
}

/** `substituteVariables` with the variables already keyed by lower-case name (no copy per statement). */
export function substituteLowerCaseNamed(
  text: string,
  values: ReadonlyMap<string, string>,
  origin: SourcePosition,
  maxLength: number,
): string {
  const parts: string[] = [];
  let length = 0;
  let copied = 0;
  const add = (part: string, at: SourcePosition) => {
    length += part.length;
    if (length > maxLength) {
      throw new SqlParseError(
        at,
        `With its variables substituted, the statement is longer than ${maxLength} characters. ` +
          'Shorten it or its variables, or raise sluice.statement.max.length.',
      );
    }
    parts.push(part);
  };
  for (const token of tokenize(text, origin)) {
    const replacement = replacementFor(token, values, maxLength);
    if (replacement === undefined) continue;
    add(text.slice(copied, token.start), token);
    add(replacement, token);
    copied = token.end;
  }
  add(text.slice(copied), origin);
  return parts.join('');
}

function byLowerCaseName(variables: Variables): ReadonlyMap<string, string> {
  const entries = variables instanceof Map ? [...variables] : Object.entries(variables);
  return new Map(entries.map(([name, value]) => [name.toLowerCase(), value]));
}

function replacementFor(
  token: Token,
  values: ReadonlyMap<string, string>,
  maxLength: number,
): string | undefined {
  if (token.kind === 'variable') {
    const value = values.get(token.value.toLowerCase());
    if (value === undefined) return undefined;
    if (!isSingleNameOrLiteral(value)) {
      throw new SqlParseError(
        token,
        `variable ${token.value} has the value '${value}', which is neither a name nor a literal, ` +
          `so it cannot stand for \${${token.value}}; quote the reference ('\${${token.value}}') to use it inside a string`,
      );
    }
    return value;
  }
  if (token.kind === 'string' && token.value.includes('${')) {
    let grown = token.value.length;
    const replaced = token.value.replace(REFERENCE_IN_STRING, (reference: string, name: string) => {
      if (reference.startsWith('$$')) return reference.slice(1);
      const value = values.get(name.toLowerCase()) ?? reference;
      // Checked per reference: a string of many references to a long value must not be built first.
      grown += value.length - reference.length;
      if (grown > maxLength) {
        throw new SqlParseError(
          token,
          `With its variables substituted, the string literal is longer than ${maxLength} characters. ` +
            'Shorten it or its variables, or raise sluice.statement.max.length.',
        );
      }
      return value;
    });
    return `'${replaced.replaceAll("'", "''")}'`;
  }
  return undefined;
}

/** True when the whole value is one name or literal token; nothing else, not even a comment, may ride along. */
function isSingleNameOrLiteral(value: string): boolean {
  let tokens: Token[];
  try {
    tokens = tokenize(value).filter((token) => token.kind !== 'eof');
  } catch {
    return false;
  }
  const last = tokens.at(-1);
  if (last === undefined || tokens[0].start !== 0 || last.end !== value.length) return false;
  if (tokens.length === 2) {
    const [sign, digits] = tokens;
    return sign.kind === 'symbol' && sign.value === '-' && digits.kind === 'number' && digits.start === 1;
  }
  const kinds: readonly string[] = ['identifier', 'quotedIdentifier', 'keyword', 'string', 'number'];
  return tokens.length === 1 && kinds.includes(last.kind);
}
