import type { BinaryOperator, Expression, FunctionCall, Literal, WhenClause } from './ast.js';
import { parseType } from './parse-type.js';
import { BINARY_PRECEDENCE, Precedence } from './precedence.js';
import { recordSpan } from './spans.js';
import type { TokenCursor } from './token-cursor.js';

/** The binary operator the next token spells, if any. */
function binaryOperatorAt(cursor: TokenCursor): BinaryOperator | undefined {
  const token = cursor.peek();
  if (token.kind === 'keyword') {
    return token.value === 'AND' || token.value === 'OR' ? token.value : undefined;
  }
  if (token.kind !== 'symbol') return undefined;
  if (token.value === '!=') return '<>';
  return Object.hasOwn(BINARY_PRECEDENCE, token.value) ? (token.value as BinaryOperator) : undefined;
}

/** How tightly the next token binds as an infix or postfix operator; 0 when it is none. */
function infixPrecedence(cursor: TokenCursor): number {
  const operator = binaryOperatorAt(cursor);
  if (operator !== undefined) return BINARY_PRECEDENCE[operator];
  if (cursor.atSymbol('[') || cursor.atSymbol('->')) return Precedence.postfix;
  const predicate = ['IS', 'BETWEEN', 'IN', 'LIKE'] as const;
  if (predicate.some((keyword) => cursor.atKeyword(keyword))) return Precedence.comparison;
  if (cursor.atKeyword('NOT') && ['BETWEEN', 'IN', 'LIKE'].includes(cursor.peek(1).value)) {
    return Precedence.comparison;
  }
  return 0;
}

/** Reads an expression whose operators all bind tighter than `minPrecedence` (precedence climbing). */
export function parseExpression(cursor: TokenCursor, minPrecedence: number = Precedence.lambda): Expression {
  // Each operator applied in the loop wraps `left` one level deeper, as recursion would.
  let levels = 1;
  cursor.deeper(1);
  const first = cursor.peek();
  try {
    let left = recordSpan(parsePrefix(cursor), first, cursor.previous());
    for (;;) {
      const precedence = infixPrecedence(cursor);
      if (precedence <= minPrecedence) return left;
      cursor.deeper(1);
      levels++;
      left = recordSpan(parseInfix(cursor, left, precedence), first, cursor.previous());
    }
  } finally {
    cursor.shallower(levels);
  }
}

function parsePrefix(cursor: TokenCursor): Expression {
  if (cursor.acceptKeyword('NOT')) {
    return { kind: 'unary', operator: 'NOT', operand: parseExpression(cursor, Precedence.not) };
  }
  for (const operator of ['-', '+'] as const) {
    if (cursor.acceptSymbol(operator)) {
      return { kind: 'unary', operator, operand: parseExpression(cursor, Precedence.unary) };
    }
  }
  return parsePrimary(cursor);
}

function parseInfix(cursor: TokenCursor, left: Expression, precedence: number): Expression {
  const operator = binaryOperatorAt(cursor);
  if (operator !== undefined) {
    cursor.next();
    return { kind: 'binary', operator, left, right: parseExpression(cursor, precedence) };
  }
  if (cursor.acceptSymbol('[')) {
    const index = parseExpression(cursor);
    cursor.expectSymbol(']');
    return { kind: 'subscript', base: left, index };
  }
  if (cursor.acceptSymbol('->')) {
    return { kind: 'dereference', base: left, field: cursor.parseName('a field name') };
  }
  if (cursor.acceptKeyword('IS')) {
    const negated = cursor.acceptKeyword('NOT');
    if (cursor.acceptKeyword('DISTINCT')) {
      cursor.expectKeyword('FROM');
      return { kind: 'isDistinctFrom', left, right: parseExpression(cursor, Precedence.comparison), negated };
    }
    cursor.expectKeyword('NULL');
    return { kind: 'isNull', operand: left, negated };
  }
  const negated = cursor.acceptKeyword('NOT');
  if (cursor.acceptKeyword('BETWEEN')) {
    const low = parseExpression(cursor, Precedence.comparison);
    cursor.expectKeyword('AND');
    const high = parseExpression(cursor, Precedence.comparison);
    return { kind: 'between', operand: left, low, high, negated };
  }
  if (cursor.acceptKeyword('IN')) {
    cursor.expectSymbol('(');
    const list = parseExpressionList(cursor);
    cursor.expectListEnd(')');
    return { kind: 'inList', operand: left, list, negated };
  }
  cursor.expectKeyword('LIKE');
  const pattern = parseExpression(cursor, Precedence.comparison);
  if (cursor.acceptKeyword('ESCAPE')) {
    const escapeCharacter = parseExpression(cursor, Precedence.comparison);
    return { kind: 'like', operand: left, pattern, escape: escapeCharacter, negated };
  }
  return { kind: 'like', operand: left, pattern, negated };
}

export function parseExpressionList(cursor: TokenCursor): Expression[] {
  const list = [parseExpression(cursor)];
  while (cursor.acceptSymbol(',')) list.push(parseExpression(cursor));
  return list;
}

function parsePrimary(cursor: TokenCursor): Expression {
  const literal = parseLiteralIfAny(cursor);
  if (literal !== undefined) return literal;
  if (cursor.acceptSymbol('(')) {
    const inner = parseExpression(cursor);
    cursor.expectSymbol(')');
    return inner;
  }
  if (cursor.atKeyword('CASE')) return parseCase(cursor);
  if (cursor.atKeyword('CAST')) return parseCast(cursor);
  if (cursor.atKeyword('ARRAY') && cursor.atSymbol('[', 1)) return parseArray(cursor);
  if (cursor.atKeyword('MAP') && cursor.atSymbol('(', 1)) return parseMap(cursor);
  if (cursor.atKeyword('STRUCT') && cursor.atSymbol('(', 1)) return parseStruct(cursor);
  if (!cursor.atName()) {
    if (cursor.peek().kind === 'variable') cursor.parseName('an expression');
    cursor.fail('an expression');
  }
  const name = cursor.parseName();
  if (cursor.atSymbol('(')) return parseFunctionCall(cursor, name);
  if (cursor.acceptSymbol('.')) {
    return { kind: 'column', source: name, name: cursor.parseName('a column name') };
  }
  return { kind: 'column', name };
}

/** A literal as WITH (…) accepts it: string, number, boolean, NULL or an undefined variable. */
export function parseLiteral(cursor: TokenCursor): Literal {
  const first = cursor.peek();
  if (cursor.atSymbol('-') && cursor.peek(1).kind === 'number') {
    cursor.next();
    return recordSpan({ kind: 'number', text: `-${cursor.next().value}` }, first, cursor.previous());
  }
  const literal = parseLiteralIfAny(cursor) ?? cursor.fail('a literal');
  return recordSpan(literal, first, cursor.previous());
}

function parseLiteralIfAny(cursor: TokenCursor): Literal | undefined {
  const token = cursor.peek();
  switch (token.kind) {
    case 'string':
      cursor.next();
      return { kind: 'string', value: token.value };
    case 'number':
      cursor.next();
      return { kind: 'number', text: token.value };
    case 'variable':
      cursor.next();
      return { kind: 'variable', name: token.value };
    case 'keyword':
      if (cursor.acceptKeyword('TRUE')) return { kind: 'boolean', value: true };
      if (cursor.acceptKeyword('FALSE')) return { kind: 'boolean', value: false };
      if (cursor.acceptKeyword('NULL')) return { kind: 'null' };
      return undefined;
    default:
      return undefined;
  }
}

function parseCase(cursor: TokenCursor): Expression {
  cursor.expectKeyword('CASE');
  const operand = cursor.atKeyword('WHEN') ? undefined : parseExpression(cursor);
  const whens: WhenClause[] = [];
  while (cursor.acceptKeyword('WHEN')) {
    const condition = parseExpression(cursor);
    cursor.expectKeyword('THEN');
    whens.push({ condition, result: parseExpression(cursor) });
  }
  if (whens.length === 0) cursor.fail('WHEN');
  const otherwise = cursor.acceptKeyword('ELSE') ? parseExpression(cursor) : undefined;
  cursor.expectKeyword('END');
  return {
    kind: 'case',
    ...(operand === undefined ? {} : { operand }),
    whens,
    ...(otherwise === undefined ? {} : { else: otherwise }),
  };
}

function parseCast(cursor: TokenCursor): Expression {
  cursor.expectKeyword('CAST');
  cursor.expectSymbol('(');
  const operand = parseExpression(cursor);
  cursor.expectKeyword('AS');
  const type = parseType(cursor);
  cursor.expectSymbol(')');
  return { kind: 'cast', operand, type };
}

function parseArray(cursor: TokenCursor): Expression {
  cursor.next();
  cursor.expectSymbol('[');
  const elements = cursor.atSymbol(']') ? [] : parseExpressionList(cursor);
  cursor.expectListEnd(']');
  return { kind: 'arrayConstructor', elements };
}

function parseMap(cursor: TokenCursor): Expression {
  cursor.next();
  cursor.expectSymbol('(');
  const entries: { key: Expression; value: Expression }[] = [];
  if (!cursor.atSymbol(')')) {
    do {
      const key = parseExpression(cursor);
      cursor.expectSymbol(':=');
      entries.push({ key, value: parseExpression(cursor) });
    } while (cursor.acceptSymbol(','));
  }
  cursor.expectListEnd(')');
  return { kind: 'mapConstructor', entries };
}

function parseStruct(cursor: TokenCursor): Expression {
  cursor.next();
  cursor.expectSymbol('(');
  const fields: { name: string; value: Expression }[] = [];
  if (!cursor.atSymbol(')')) {
    do {
      const name = cursor.parseName('a field name');
      cursor.expectSymbol(':=');
      fields.push({ name, value: parseExpression(cursor) });
    } while (cursor.acceptSymbol(','));
  }
  cursor.expectListEnd(')');
  return { kind: 'structConstructor', fields };
}

function parseFunctionCall(cursor: TokenCursor, name: string): FunctionCall {
  cursor.expectSymbol('(');
  if (cursor.acceptSymbol('*')) {
    cursor.expectSymbol(')');
    return { kind: 'functionCall', name, distinct: false, args: [{ kind: 'allColumns' }] };
  }
  const distinct = cursor.acceptKeyword('DISTINCT');
  const args: Expression[] = [];
  if (distinct || !cursor.atSymbol(')')) {
    do args.push(parseArgument(cursor));
    while (cursor.acceptSymbol(','));
  }
  cursor.expectListEnd(')');
  return { kind: 'functionCall', name, distinct, args };
}

/** A function argument, which may be a lambda: `x => …` or `(x, y) => …`. */
function parseArgument(cursor: TokenCursor): Expression {
  const params = lambdaParamsAhead(cursor);
  if (params === undefined) return parseExpression(cursor);
  cursor.expectSymbol('=>');
  return { kind: 'lambda', params, body: parseExpression(cursor) };
}

/** Reads lambda parameters when the tokens ahead are parameters followed by `=>`; else leaves the cursor. */
function lambdaParamsAhead(cursor: TokenCursor): string[] | undefined {
  if (cursor.atName() && cursor.atSymbol('=>', 1)) return [cursor.parseName()];
  if (!cursor.atSymbol('(')) return undefined;
  const start = cursor.mark();
  cursor.next();
  const params: string[] = [];
  while (cursor.atName()) {
    params.push(cursor.parseName());
    if (!cursor.acceptSymbol(',')) break;
  }
  if (params.length > 0 && cursor.acceptSymbol(')') && cursor.atSymbol('=>')) return params;
  cursor.reset(start);
  return undefined;
}
