import { type SourcePosition, SqlParseError } from './errors.js';
import { keywordOf } from './keywords.js';

export type TokenKind =
  | 'identifier'
  | 'quotedIdentifier'
  | 'keyword'
  | 'string'
  | 'number'
  | 'variable'
  | 'symbol'
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /**
   * identifier: the name upper-cased; quotedIdentifier: the name as written, unescaped; keyword: the
   * keyword; string: the unescaped text; number: the digits as written; variable: the name inside `${}`;
   * symbol: the operator or punctuation; eof: empty.
   */
  readonly value: string;
  /** The token's source text exactly as written. */
  readonly text: string;
  readonly line: number;
  readonly column: number;
  /** Offsets into the lexed text: `text === source.slice(start, end)`. */
  readonly start: number;
  readonly end: number;
}

/** Longest first, so that `<=` wins over `<`. */
const SYMBOLS = [
  '->',
  '=>',
  '<>',
  '!=',
  '<=',
  '>=',
  '||',
  ':=',
  '(',
  ')',
  '[',
  ']',
  ',',
  ';',
  '.',
  '+',
  '-',
  '*',
  '/',
  '%',
  '=',
  '<',
  '>',
] as const;

export type SymbolText = (typeof SYMBOLS)[number];

const IDENTIFIER_START = /[\p{L}_]/u;
const IDENTIFIER_PART = /[\p{L}\p{N}_@]/u;
const DIGIT = /[0-9]/;

/**
 * Splits SQL text into tokens, the last one `eof`. Comments and whitespace are dropped. `origin` is the
 * position of the text's first character when the text is a slice of a larger script, so that errors
 * point into the script.
 */
export function tokenize(text: string, origin: SourcePosition = { line: 1, column: 1 }): Token[] {
  return Array.from(tokensOf(text, origin));
}

/**
 * `tokenize` one token at a time: a caller that needs only the start of a long script (its first
 * statements) lexes no more of it than that.
 */
export function* tokensOf(text: string, origin: SourcePosition = { line: 1, column: 1 }): Generator<Token> {
  /** The token the current step read, handed out after the step (a closure cannot yield). */
  let pending: Token | undefined;
  let index = 0;
  let line = origin.line;
  let column = origin.column;

  const here = (): SourcePosition => ({ line, column });
  const advance = (count: number): void => {
    for (let i = 0; i < count; i++) {
      if (text[index] === '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
      index++;
    }
  };
  /** Moves to `end`, counting lines by searching for newlines rather than stepping character by character. */
  const advanceTo = (end: number): void => {
    let newline = text.indexOf('\n', index);
    if (newline < 0 || newline >= end) {
      column += end - index;
    } else {
      let last = newline;
      while (newline >= 0 && newline < end) {
        line++;
        last = newline;
        newline = text.indexOf('\n', newline + 1);
      }
      column = end - last;
    }
    index = end;
  };
  const push = (kind: TokenKind, value: string, start: number, position: SourcePosition): void => {
    pending = { kind, value, text: text.slice(start, index), ...position, start, end: index };
  };

  /** Reads a quoted run that ends at `quote`, where a doubled quote stands for one. */
  const readQuoted = (quote: string, what: string): string => {
    const position = here();
    advance(1);
    const parts: string[] = [];
    for (;;) {
      const close = text.indexOf(quote, index);
      if (close < 0) {
        throw new SqlParseError(position, `unterminated ${what}: add the closing ${quote}`, {
          expected: quote,
          found: 'end of input',
        });
      }
      parts.push(text.slice(index, close));
      advanceTo(close);
      if (text[index + 1] !== quote) break;
      parts.push(quote);
      advance(2);
    }
    advance(1);
    return parts.length === 1 ? parts[0] : parts.join('');
  };

  const readDigits = (): void => {
    while (index < text.length && DIGIT.test(text[index])) advance(1);
  };

  while (index < text.length) {
    const char = text[index];
    const next = text[index + 1] ?? '';
    const start = index;
    const position = here();

    if (/\s/.test(char)) {
      advance(1);
    } else if (char === '-' && next === '-') {
      const end = text.indexOf('\n', index);
      advanceTo(end < 0 ? text.length : end);
    } else if (char === '/' && next === '*') {
      const close = text.indexOf('*/', index + 2);
      if (close < 0) {
        throw new SqlParseError(position, 'unterminated comment: add the closing */', {
          expected: '*/',
          found: 'end of input',
        });
      }
      advance(close + 2 - index);
    } else if (char === "'") {
      const value = readQuoted("'", 'string literal');
      push('string', value, start, position);
    } else if (char === '"' || char === '`') {
      const value = readQuoted(char, 'quoted identifier');
      if (value === '') throw new SqlParseError(position, 'a quoted identifier cannot be empty');
      push('quotedIdentifier', value, start, position);
    } else if (char === '$' && next === '{') {
      const close = text.indexOf('}', index + 2);
      const name = close < 0 ? '' : text.slice(index + 2, close);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        throw new SqlParseError(position, `a variable reference must look like \${name}`);
      }
      advance(close + 1 - index);
      push('variable', name, start, position);
    } else if (DIGIT.test(char) || (char === '.' && DIGIT.test(next))) {
      readDigits();
      if (text[index] === '.') {
        advance(1);
        readDigits();
      }
      const exponent = /^[eE][+-]?[0-9]/.exec(text.slice(index, index + 3));
      if (exponent) {
        advance(exponent[0].length);
        readDigits();
      }
      if (
        index < text.length &&
        IDENTIFIER_PART.test(text[index]) &&
        !text.slice(start, index).includes('.')
      ) {
        // ksqlDB's DIGIT_IDENTIFIER: a name such as `1ST_PLACE` that starts with a digit.
        while (index < text.length && IDENTIFIER_PART.test(text[index])) advance(1);
        push('identifier', text.slice(start, index).toUpperCase(), start, position);
      } else {
        push('number', text.slice(start, index), start, position);
      }
    } else if (IDENTIFIER_START.test(char)) {
      while (index < text.length && IDENTIFIER_PART.test(text[index])) advance(1);
      const upper = text.slice(start, index).toUpperCase();
      const keyword = keywordOf(upper);
      push(keyword === undefined ? 'identifier' : 'keyword', upper, start, position);
    } else {
      const symbol = SYMBOLS.find((candidate) => text.startsWith(candidate, index));
      if (symbol === undefined) {
        throw new SqlParseError(position, `unexpected character '${char}'`);
      }
      advance(symbol.length);
      push('symbol', symbol, start, position);
    }
    if (pending !== undefined) {
      yield pending;
      pending = undefined;
    }
  }
  yield { kind: 'eof', value: '', text: '', line, column, start: index, end: index };
}

/** How a token is named in error messages: `'FROM'`, `'it''s'`, or `end of input`. */
export function describeToken(token: Token): string {
  return token.kind === 'eof' ? 'end of input' : `'${token.text}'`;
}
