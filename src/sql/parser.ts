/*
 * The entry points: scripts, single statements, and lone expressions or types. The statements themselves
 * are read in parse-statement.ts.
 */

import type { Expression, SqlType, Statement } from './ast.js';
import type { SourcePosition } from './errors.js';
import { tokenize } from './lexer.js';
import { parseExpression } from './parse-expression.js';
import { parseStatementTokens } from './parse-statement.js';
import { parseType } from './parse-type.js';
import { TokenCursor } from './token-cursor.js';
import { substituteVariables, type Variables } from './variables.js';

/** One statement of a script, as written, with where it starts in the script. */
export interface StatementText extends SourcePosition {
  /** The statement's text without the terminating `;` and without the comments before it. */
  readonly text: string;
}

export interface ParsedStatement extends StatementText {
  readonly statement: Statement;
}

export interface ParseOptions {
  /**
   * Substitute `${name}` references with these variables before parsing. DEFINE and UNDEFINE statements
   * of the script change the variables seen by the statements after them, as in a ksqlDB request. Leave
   * out to parse references as they are.
   */
  readonly variables?: Variables;
}

/** Splits a script on the `;` that end its statements (not those in strings or comments). */
export function splitStatements(script: string): StatementText[] {
  const pieces: StatementText[] = [];
  let first: { start: number; line: number; column: number } | undefined;
  let lastEnd = 0;
  for (const token of tokenize(script)) {
    const ends = token.kind === 'eof' || (token.kind === 'symbol' && token.value === ';');
    if (!ends) {
      first ??= token;
      lastEnd = token.end;
      continue;
    }
    if (first !== undefined) {
      pieces.push({ text: script.slice(first.start, lastEnd), line: first.line, column: first.column });
    }
    first = undefined;
  }
  return pieces;
}

/**
 * Parses every statement of a script. With `options.variables`, each statement's `text` is the text after
 * substitution, which is what was parsed.
 */
export function parseStatements(script: string, options: ParseOptions = {}): ParsedStatement[] {
  const variables = options.variables === undefined ? undefined : toMap(options.variables);
  return splitStatements(script).map((piece) => {
    const text = variables === undefined ? piece.text : substituteVariables(piece.text, variables, piece);
    const statement = parseStatementTokens(new TokenCursor(tokenize(text, piece)));
    if (variables !== undefined) {
      if (statement.kind === 'defineVariable' || statement.kind === 'undefineVariable') {
        deleteIgnoringCase(variables, statement.name);
      }
      if (statement.kind === 'defineVariable') variables.set(statement.name, statement.value);
    }
    return { statement, text, line: piece.line, column: piece.column };
  });
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

function toMap(variables: Variables): Map<string, string> {
  return new Map(variables instanceof Map ? variables : Object.entries(variables));
}

function deleteIgnoringCase(variables: Map<string, string>, name: string): void {
  for (const key of [...variables.keys()]) {
    if (key.toLowerCase() === name.toLowerCase()) variables.delete(key);
  }
}
