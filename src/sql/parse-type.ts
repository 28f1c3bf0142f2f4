import type { PrimitiveTypeName, SqlType, StructTypeField } from './ast.js';
import type { TokenCursor } from './token-cursor.js';

/** Type names as written, with their aliases folded into the one name the AST knows. */
const PRIMITIVE_TYPES: Readonly<Record<string, PrimitiveTypeName>> = {
  BOOLEAN: 'BOOLEAN',
  INT: 'INTEGER',
  INTEGER: 'INTEGER',
  BIGINT: 'BIGINT',
  DOUBLE: 'DOUBLE',
  STRING: 'STRING',
  VARCHAR: 'STRING',
  BYTES: 'BYTES',
  DATE: 'DATE',
  TIME: 'TIME',
  TIMESTAMP: 'TIMESTAMP',
};

/**
 * Reads a type such as `DECIMAL(10, 2)` or `ARRAY<MAP<STRING, INT>>`. The lexer has no `>>` token, so
 * nested closing brackets need no splitting; an empty `STRUCT<>` arrives as the `<>` operator. As in
 * ksqlDB's grammar, `T ARRAY` is `ARRAY<T>`, and parameters after a named type (`VARCHAR(255)`) are read
 * and ignored, so DDL written for other databases parses.
 */
export function parseType(cursor: TokenCursor): SqlType {
  // Each postfix ARRAY wraps the type one level deeper, as recursion would.
  let levels = 1;
  cursor.deeper(1);
  try {
    let type = parseTypeOnce(cursor);
    while (cursor.atKeyword('ARRAY') && !cursor.atSymbol('<', 1) && !cursor.atSymbol('[', 1)) {
      cursor.deeper(1);
      levels++;
      cursor.next();
      type = { kind: 'arrayType', element: type };
    }
    return type;
  } finally {
    cursor.shallower(levels);
  }
}

function parseTypeOnce(cursor: TokenCursor): SqlType {
  const token = cursor.peek();
  if (token.kind === 'keyword' || token.kind === 'identifier') {
    const primitive = PRIMITIVE_TYPES[token.value];
    if (primitive !== undefined) {
      cursor.next();
      skipTypeParameters(cursor);
      return { kind: 'primitiveType', name: primitive };
    }
    switch (token.value) {
      case 'DECIMAL':
        return parseDecimal(cursor);
      case 'ARRAY': {
        cursor.next();
        cursor.expectSymbol('<');
        const element = parseType(cursor);
        cursor.expectSymbol('>');
        return { kind: 'arrayType', element };
      }
      case 'MAP': {
        cursor.next();
        cursor.expectSymbol('<');
        const key = parseType(cursor);
        cursor.expectSymbol(',');
        const value = parseType(cursor);
        cursor.expectSymbol('>');
        return { kind: 'mapType', key, value };
      }
      case 'STRUCT':
        return parseStruct(cursor);
    }
  }
  if (cursor.atName()) {
    const name = cursor.parseName('a type');
    skipTypeParameters(cursor);
    return { kind: 'customType', name };
  }
  return cursor.fail('a type');
}

/** ksqlDB's `baseType ('(' typeParameter (',' typeParameter)* ')')?`: integers or STRING, unused. */
function skipTypeParameters(cursor: TokenCursor): void {
  if (!cursor.acceptSymbol('(')) return;
  do {
    if (
      cursor.atKeyword('STRING') ||
      (cursor.peek().kind === 'identifier' && cursor.peek().value === 'STRING')
    ) {
      cursor.next();
    } else {
      cursor.parseInteger('a type parameter (an integer)');
    }
  } while (cursor.acceptSymbol(','));
  cursor.expectSymbol(')');
}

function parseDecimal(cursor: TokenCursor): SqlType {
  cursor.next();
  cursor.expectSymbol('(');
  const precision = cursor.parseInteger('the precision of DECIMAL');
  cursor.expectSymbol(',');
  const scale = cursor.parseInteger('the scale of DECIMAL');
  cursor.expectSymbol(')');
  return { kind: 'decimalType', precision, scale };
}

function parseStruct(cursor: TokenCursor): SqlType {
  cursor.next();
  if (cursor.acceptSymbol('<>')) return { kind: 'structType', fields: [] };
  cursor.expectSymbol('<');
  const fields: StructTypeField[] = [];
  do {
    const name = cursor.parseName('a field name');
    fields.push({ name, type: parseType(cursor) });
  } while (cursor.acceptSymbol(','));
  cursor.expectListEnd('>');
  return { kind: 'structType', fields };
}
