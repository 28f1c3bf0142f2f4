/**
 * The SQL front end: text in, syntax tree out, and back. Pure: no I/O, no timers.
 */
export type * from './ast.js';
export { type SourcePosition, SqlParseError } from './errors.js';
export { isReservedKeyword, type Keyword, keywordOf } from './keywords.js';
export { type Token, type TokenKind, tokenize } from './lexer.js';
export {
  type ParsedStatement,
  type ParseLimits,
  type ParseOptions,
  parseExpressionText,
  parseStatement,
  parseStatements,
  parseTypeText,
  type StatementText,
  splitStatements,
  statementsOf,
  statementTextsOf,
} from './parser.js';
export { printExpression, printName, printQuery, printStatement, printString, printType } from './printer.js';
export { type SourceSpan, spanOf } from './spans.js';
export { substituteVariables, type Variables } from './variables.js';
export {
  childExpressions,
  expressionsEqual,
  mapChildExpressions,
  queryExpressions,
  transformExpression,
  visitExpression,
} from './visitor.js';
