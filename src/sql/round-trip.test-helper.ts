// Assertions shared by the parser tests (not a test file itself, so the runner does not pick it up).
import assert from 'node:assert/strict';
import type { Expression, Statement } from './ast.js';
import { SqlParseError } from './errors.js';
import { parseExpressionText, parseStatement } from './parser.js';
import { printExpression, printStatement } from './printer.js';

/** Parses canonical SQL, asserts it prints back unchanged and that the printed text parses to the same tree. */
export function verifiedStatement(sql: string): Statement {
  return verifiedStatementPrintsAs(sql, sql);
}

/** For input that is not canonical: asserts it prints as `canonical`, which parses to the same tree. */
export function verifiedStatementPrintsAs(sql: string, canonical: string): Statement {
  const statement = parseStatement(sql);
  const printed = printStatement(statement);
  assert.equal(printed, canonical);
  assert.deepEqual(parseStatement(printed), statement);
  return statement;
}

export function verifiedExpression(sql: string): Expression {
  return verifiedExpressionPrintsAs(sql, sql);
}

export function verifiedExpressionPrintsAs(sql: string, canonical: string): Expression {
  const expression = parseExpressionText(sql);
  const printed = printExpression(expression);
  assert.equal(printed, canonical);
  assert.deepEqual(parseExpressionText(printed), expression);
  return expression;
}

/** Asserts that parsing fails and returns the error for its position and wording to be checked. */
export function parseFailure(sql: string): SqlParseError {
  try {
    parseStatement(sql);
  } catch (error) {
    assert.ok(error instanceof SqlParseError, `expected a SqlParseError, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${JSON.stringify(sql)} not to parse`);
}
