/** A position in statement text; both numbers start at 1. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * A syntax error in SQL text. The message reads like
 * `line 1:11: expected an expression but found 'FROM'`, so a user can find and fix the spot.
 */
export class SqlParseError extends Error {
  override readonly name = 'SqlParseError';
  readonly line: number;
  readonly column: number;
  /** What the parser wanted at this spot, e.g. `an expression`; absent for lexical errors. */
  readonly expected: string | undefined;
  /** The token found instead, e.g. `'FROM'` or `end of input`. */
  readonly found: string | undefined;
  /** The message without the `line L:C: ` prefix. */
  readonly detail: string;

  constructor(position: SourcePosition, detail: string, expectation?: { expected: string; found: string }) {
    super(`line ${position.line}:${position.column}: ${detail}`);
    this.line = position.line;
    this.column = position.column;
    this.detail = detail;
    this.expected = expectation?.expected;
    this.found = expectation?.found;
  }

  static expected(position: SourcePosition, expected: string, found: string, hint?: string): SqlParseError {
    const detail = `expected ${expected} but found ${found}${hint === undefined ? '' : `; ${hint}`}`;
    return new SqlParseError(position, detail, { expected, found });
  }
}
