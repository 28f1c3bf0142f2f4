import { SqlParseError } from './errors.js';
import { isReservedKeyword, type Keyword } from './keywords.js';
import { describeToken, type SymbolText, type Token } from './lexer.js';

/** Deep enough for any hand-written statement, shallow enough for every recursive pass over the tree. */
export const DEFAULT_MAX_NESTING_DEPTH = 1000;

/** Walks a token list for the parser, and words the errors when the next token is not the expected one. */
export class TokenCursor {
  private readonly tokens: readonly Token[];
  private index = 0;
  private depth = 0;
  private readonly maxDepth: number;

  /** `maxDepth` bounds how deep the tree being read may nest (see `deeper`). */
  constructor(tokens: readonly Token[], maxDepth: number = DEFAULT_MAX_NESTING_DEPTH) {
    this.tokens = tokens;
    this.maxDepth = maxDepth;
  }

  /**
   * Adds `levels` to the depth of the tree being read, until the reader that added them calls
   * `shallower`. Past the limit the statement is refused here, so no later pass that walks the tree
   * recursively (printer, binder, compiler) can exhaust the stack on it.
   */
  deeper(levels: number): void {
    this.depth += levels;
    if (this.depth > this.maxDepth) {
      throw new SqlParseError(
        this.peek(),
        `The statement nests deeper than ${this.maxDepth} levels (parentheses, operators chained in one ` +
          'expression, types within types). Simplify it, or raise sluice.statement.max.nesting.depth.',
      );
    }
  }

  /** Undoes `deeper`. */
  shallower(levels: number): void {
    this.depth -= levels;
  }

  /** The token `ahead` places from here; past the end, the eof token. */
  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)];
  }

  /** The token read last (the first token before anything is read). */
  previous(): Token {
    return this.tokens[Math.max(this.index - 1, 0)];
  }

  next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  atEnd(): boolean {
    return this.peek().kind === 'eof';
  }

  atKeyword(keyword: Keyword, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'keyword' && token.value === keyword;
  }

  atSymbol(symbol: SymbolText, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'symbol' && token.value === symbol;
  }

  acceptKeyword(keyword: Keyword): boolean {
    if (!this.atKeyword(keyword)) return false;
    this.index++;
    return true;
  }

  /** Accepts a run of keywords such as IF NOT EXISTS only when all of them are there. */
  acceptKeywords(...keywords: readonly Keyword[]): boolean {
    if (!keywords.every((keyword, ahead) => this.atKeyword(keyword, ahead))) return false;
    this.index += keywords.length;
    return true;
  }

  acceptSymbol(symbol: SymbolText): boolean {
    if (!this.atSymbol(symbol)) return false;
    this.index++;
    return true;
  }

  expectKeyword(keyword: Keyword): void {
    if (!this.acceptKeyword(keyword)) this.fail(keyword);
  }

  expectKeywords(...keywords: readonly Keyword[]): void {
    for (const keyword of keywords) this.expectKeyword(keyword);
  }

  /** `expected` words the error where more than the symbol would do, e.g. `',' or ')'` after a list item. */
  expectSymbol(symbol: SymbolText, expected = `'${symbol}'`): void {
    if (!this.acceptSymbol(symbol)) this.fail(expected);
  }

  /** Closes a comma-separated list: an error names both the comma and the closing symbol. */
  expectListEnd(close: SymbolText): void {
    this.expectSymbol(close, `',' or '${close}'`);
  }

  /** Takes the next keyword when it is one of `choices`, or fails naming them all. */
  expectOneOf<K extends Keyword>(choices: readonly K[]): K {
    const found = choices.find((keyword) => this.atKeyword(keyword));
    if (found === undefined) return this.fail(`one of ${choices.join(', ')}`);
    this.index++;
    return found;
  }

  fail(expected: string, hint?: string): never {
    const token = this.peek();
    throw SqlParseError.expected(token, expected, describeToken(token), hint);
  }

  /** Whether the next token can be read as a name: an identifier, a quoted one, or a non-reserved keyword. */
  atName(ahead = 0): boolean {
    const token = this.peek(ahead);
    if (token.kind === 'identifier' || token.kind === 'quotedIdentifier') return true;
    return token.kind === 'keyword' && !isReservedKeyword(token.value as Keyword);
  }

  /** Reads a name, upper-cased unless quoted. `what` names it in the error, e.g. `a column name`. */
  parseName(what = 'an identifier'): string {
    if (this.atName()) return this.next().value;
    const token = this.peek();
    if (token.kind === 'variable') {
      this.fail(what, `variable ${token.value} is not defined; DEFINE it first`);
    }
    if (token.kind === 'keyword') {
      this.fail(
        what,
        `${token.value} is a reserved keyword; quote it as \`${token.text}\` to use it as a name`,
      );
    }
    return this.fail(what);
  }

  /** Reads a name exactly as written, for names that keep their case such as topics and variables. */
  parseVerbatimName(what: string): string {
    if (!this.atName()) return this.parseName(what);
    const token = this.next();
    return token.kind === 'quotedIdentifier' ? token.value : token.text;
  }

  parseString(what = 'a string literal'): string {
    const token = this.peek();
    if (token.kind !== 'string') this.fail(what);
    this.index++;
    return token.value;
  }

  parseInteger(what = 'an integer'): number {
    const token = this.peek();
    // Digits past 2^53 would be read as another number (or Infinity), which prints differently.
    if (
      token.kind !== 'number' ||
      !/^[0-9]+$/.test(token.value) ||
      !Number.isSafeInteger(Number(token.value))
    )
      this.fail(what);
    this.index++;
    return Number(token.value);
  }

  /** Where the parser is, so that a caller can look ahead and come back. */
  mark(): number {
    return this.index;
  }

  reset(mark: number): void {
    this.index = mark;
  }
}
