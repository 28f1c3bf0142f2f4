/*
 * The entry points: scripts, single statements, and lone expressions or types. The statements themselves
 * are read in parse-statement.ts.
 */

import type { Expression, SqlType, Statement } from './ast.js';
import { type SourcePosition, SqlParseError } from './errors.js';
import { tokenize, tokensOf } from './lexer.js';
import { parseExpression } from './parse-expression.js';
import { parseStatementTokens } from './parse-statement.js';
import { parseType } from './parse-type.js';
import { TokenCursor } from './token-cursor.js';
import { substituteLowerCaseNamed, substituteVariables, type Variables } from './variables.js';

/** One statement of a script, as written, with where it starts in the script. */
export interface StatementText extends SourcePosition {
  /** The statement's text without the terminating `;` and without the comments before it. */
  readonly text: string;
}

export interface ParsedStatement extends StatementText {
  readonly statement: Statement;
}

/** Bounds on one request's text; defaults are the server's (see the sluice.statement.* properties). */
export interface ParseLimits {
  /** Most statements a script may hold. */
  readonly maxStatements?: number;
  /** Most characters of one statement once its variables are substituted. */
  readonly maxStatementLength?: number;
  /** Deepest nesting of expressions and types (see TokenCursor.deeper). */
  readonly maxNestingDepth?: number;
}

export interface ParseOptions {
  /**
   * Substitute `${name}` references with these variables before parsing. DEFINE and UNDEFINE statements
   * of the script change the variables seen by the statements after them, as in a ksqlDB request. Leave
   * out to parse references as they are.
   */
  readonly variables?: Variables;
  readonly limits?: ParseLimits;
}

/** Splits a script on the `;` that end its statements (not those in strings or comments). */
export function splitStatements(script: string): StatementText[] {
  return Array.from(statementTextsOf(script));
}

/**
 * `splitStatements` one statement at a time, lexing the script only as far as the statement handed
 * out: a huge request is split as it is parsed, so its caller can give the event loop turns.
 */
export function* statementTextsOf(script: string): Generator<StatementText> {
  let first: { start: number; line: number; column: number } | undefined;
  let lastEnd = 0;
  for (const token of tokensOf(script)) {
    const ends = token.kind === 'eof' || (token.kind === 'symbol' && token.value === ';');
    if (!ends) {
      first ??= token;
      lastEnd = token.end;
      continue;
    }
    if (first !== undefined) {
      yield { text: script.slice(first.start, lastEnd), line: first.line, column: first.column };
    }
    first = undefined;
  }
}

/**
 * Parses every statement of a script. With `options.variables`, each statement's `text` is the text after
 * substitution, which is what was parsed.
 */
export function parseStatements(script: string, options: ParseOptions = {}): ParsedStatement[] {
  return [...statementsOf(script, options)];
}

/**
 * `parseStatements` one statement at a time, so a caller with a long script can let other work run
 * between statements (the engine does).
 */
export function* statementsOf(script: string, options: ParseOptions = {}): Generator<ParsedStatement> {
  // Keyed by lower-case name, as ksqlDB matches them: each statement looks its references up directly.
  const variables = options.variables === undefined ? undefined : lowerCaseNamed(options.variables);
  const limits = options.limits ?? {};
  const maxLength = limits.maxStatementLength ?? Number.POSITIVE_INFINITY;
  const maxStatements = limits.maxStatements ?? Number.POSITIVE_INFINITY;
  let count = 0;
  // Split as parsed: the statements after the limit are never lexed, so an oversized request is
  // refused after as little work as a request at the limit.
  for (const piece of statementTextsOf(script)) {
    if (++count > maxStatements) {
      throw new SqlParseError(
        piece,
        `The request holds more than the ${maxStatements} statements one request may hold (statement ${count} starts here). ` +
          'Send them in several requests, or raise sluice.request.max.statements.',
      );
    }
    const text =
      variables === undefined
        ? withinLength(piece, maxLength)
        : substituteLowerCaseNamed(piece.text, variables, piece, maxLength);
    const statement = parseStatementTokens(new TokenCursor(tokenize(text, piece), limits.maxNestingDepth));
    if (variables !== undefined) {
      if (statement.kind === 'defineVariable' || statement.kind === 'undefineVariable') {
        variables.delete(statement.name.toLowerCase());
      }
      if (statement.kind === 'defineVariable') variables.set(statement.name.toLowerCase(), statement.value);
    }
    yield { statement, text, line: piece.line, column: piece.column };
  }
}

function withinLength(piece: StatementText, maxLength: number): string {
  if (piece.text.length > maxLength) {
    throw new SqlParseError(
      piece,
      `The statement is ${piece.text.length} characters long, more than ${maxLength}. ` +
        'Shorten it, or raise sluice.statement.max.length.',
    );
  }
  return piece.text;
}

/** Parses exactly one statement; a trailing `;` is allowed. */
export function parseStatement(text: string, options: ParseOptions = {}): Statement {
  const substituted = options.variables === undefined ? text : substituteVariables(text, options.variables);
  return parseStatementTokens(new TokenCursor(tokenize(substituted)));
}

/** Parses a lone expression, such as a column default or a test's input. */
export function parseExpressionText(text: string): Expression {
  const cursor = new TokenCursor(tokenize(text));
  const expression = parseExpression(cursor);
  if (!cursor.atEnd()) cursor.fail('end of expression');
  return expression;
}

/** Parses a lone type such as `STRUCT<A INT, B ARRAY<STRING>>`. */
export function parseTypeText(text: string): SqlType {
  const cursor = new TokenCursor(tokenize(text));
  const type = parseType(cursor);
  if (!cursor.atEnd()) cursor.fail('end of type');
  return type;
}

function lowerCaseNamed(variables: Variables): Map<string, string> {
  const entries = variables instanceof Map ? [...variables] : Object.entries(variables);
  return new Map(entries.map(([name, value]) => [name.toLowerCase(), value]));
}
