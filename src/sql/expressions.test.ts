// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} is SQL variable syntax in these strings, not a template.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Expression } from './ast.js';
import { parseExpressionText, parseTypeText } from './parser.js';
import { printExpression } from './printer.js';
import { verifiedExpression, verifiedExpressionPrintsAs } from './round-trip.test-helper.js';

const column = (name: string): Expression => ({ kind: 'column', name });
const number = (text: string): Expression => ({ kind: 'number', text });

describe('literals and references', () => {
  test('round-trips strings, numbers, booleans and NULL', () => {
    verifiedExpression("'it''s'");
    verifiedExpression('42');
    verifiedExpression('1.50');
    verifiedExpression('6.02E23');
    verifiedExpression('TRUE');
    verifiedExpression('FALSE');
    verifiedExpression('NULL');
  });

  test('keeps the digits of a number as written, for the planner to type', () => {
    assert.deepEqual(parseExpressionText('1.50'), number('1.50'));
  });

  test('round-trips plain and qualified column references', () => {
    assert.deepEqual(verifiedExpression('S.COL'), { kind: 'column', source: 'S', name: 'COL' });
    verifiedExpressionPrintsAs('`my col`', '`my col`');
  });

  test('round-trips an undefined variable as a literal', () => {
    assert.deepEqual(verifiedExpression('${replicas}'), { kind: 'variable', name: 'replicas' });
  });
});

describe('operators and precedence', () => {
  test('binds * tighter than + and + tighter than comparison, AND and OR', () => {
    const expression = verifiedExpression('A + B * C > 1 AND NOT D OR E');
    assert.equal(expression.kind === 'binary' && expression.operator, 'OR');
  });

  test('keeps the parentheses that change the meaning and drops the others', () => {
    verifiedExpression('(A + B) * C');
    verifiedExpression('A - (B - C)');
    verifiedExpression('A - B - C');
    verifiedExpressionPrintsAs('((A)) + (B * C)', 'A + B * C');
    verifiedExpression('NOT (A AND B)');
    verifiedExpression('(A OR B) AND C');
  });

  test('reads != as <>', () => {
    verifiedExpressionPrintsAs('A != B', 'A <> B');
  });

  test('round-trips every comparison operator', () => {
    for (const operator of ['=', '<>', '<', '<=', '>', '>=']) verifiedExpression(`A ${operator} B`);
  });

  test('round-trips arithmetic, modulo and concatenation', () => {
    verifiedExpression('A % 2 + B / 3');
    verifiedExpression("FIRST || ' ' || LAST");
    verifiedExpression('(A || B) + 1');
  });

  test('round-trips unary minus without turning - -x into a comment', () => {
    assert.deepEqual(verifiedExpression('-X'), { kind: 'unary', operator: '-', operand: column('X') });
    verifiedExpression('- -X');
    verifiedExpression('-(A + B)');
    verifiedExpression('A * -1');
  });

  test('round-trips IS [NOT] NULL, [NOT] BETWEEN, [NOT] IN and [NOT] LIKE with ESCAPE', () => {
    verifiedExpression('A IS NULL');
    verifiedExpression('A IS NOT NULL');
    verifiedExpression('A BETWEEN 1 AND 10');
    verifiedExpression('A NOT BETWEEN B + 1 AND C * 2');
    verifiedExpression("A IN (1, 2, 'x')");
    verifiedExpression('A NOT IN (1)');
    verifiedExpression("A LIKE 'a%'");
    verifiedExpression("A NOT LIKE 'a!%%' ESCAPE '!'");
  });

  test('reads BETWEEN … AND inside a conjunction', () => {
    const expression = verifiedExpression('A BETWEEN 1 AND 2 AND B');
    assert.ok(expression.kind === 'binary' && expression.operator === 'AND');
    assert.equal(expression.left.kind, 'between');
  });

  test('reads NOT as looser than comparison', () => {
    const expression = verifiedExpression('NOT A = B');
    assert.ok(expression.kind === 'unary' && expression.operator === 'NOT');
    assert.equal(expression.operand.kind, 'binary');
  });
});

describe('compound expressions', () => {
  test('round-trips searched and simple CASE', () => {
    const searched = verifiedExpression("CASE WHEN A > 0 THEN 'pos' WHEN A < 0 THEN 'neg' ELSE 'zero' END");
    assert.ok(searched.kind === 'case');
    assert.equal(searched.operand, undefined);
    verifiedExpression("CASE A WHEN 1 THEN 'one' END");
  });

  test('round-trips CAST to simple and nested types', () => {
    verifiedExpressionPrintsAs('CAST(a AS int)', 'CAST(A AS INTEGER)');
    verifiedExpression('CAST(A AS DECIMAL(4, 2))');
    verifiedExpression('CAST(A AS MAP<STRING, ARRAY<BIGINT>>)');
  });

  test('round-trips struct dereference and subscripts, chained', () => {
    assert.deepEqual(verifiedExpression('ADDRESS->CITY'), {
      kind: 'dereference',
      base: column('ADDRESS'),
      field: 'CITY',
    });
    verifiedExpression("S.ITEMS[1]->TAGS['color']");
    verifiedExpression('(-A)[1]');
    verifiedExpression('-A[1]');
  });

  test('round-trips function calls, COUNT(*) and DISTINCT', () => {
    assert.deepEqual(verifiedExpression('COUNT(*)'), {
      kind: 'functionCall',
      name: 'COUNT',
      distinct: false,
      args: [{ kind: 'allColumns' }],
    });
    verifiedExpression('COUNT(DISTINCT USERID)');
    verifiedExpression('NOW()');
    verifiedExpressionPrintsAs("timestamptostring(rowtime, 'yyyy')", "TIMESTAMPTOSTRING(ROWTIME, 'yyyy')");
  });

  test('round-trips lambdas with one and several parameters', () => {
    const expression = verifiedExpression('REDUCE(XS, 0, (S, X) => S + X)');
    assert.ok(expression.kind === 'functionCall');
    assert.deepEqual(expression.args[2], {
      kind: 'lambda',
      params: ['S', 'X'],
      body: { kind: 'binary', operator: '+', left: column('S'), right: column('X') },
    });
    verifiedExpression("FILTER(XS, X => X LIKE 'a%')");
    verifiedExpressionPrintsAs('TRANSFORM(XS, (X) => X + 1)', 'TRANSFORM(XS, X => X + 1)');
    verifiedExpression('TRANSFORM_MAP(M, (K, V) => CONCAT(K, V), (K, V) => V + 1)');
  });

  test('round-trips IS [NOT] DISTINCT FROM at comparison precedence', () => {
    assert.deepEqual(verifiedExpression('A IS DISTINCT FROM B + 1'), {
      kind: 'isDistinctFrom',
      left: column('A'),
      right: { kind: 'binary', operator: '+', left: column('B'), right: number('1') },
      negated: false,
    });
    verifiedExpression('A IS NOT DISTINCT FROM NULL AND B IS DISTINCT FROM C');
    verifiedExpressionPrintsAs('(a is not distinct from b) = true', 'A IS NOT DISTINCT FROM B = TRUE');
    verifiedExpression('NOT A IS DISTINCT FROM B');
  });

  test('tells a parenthesised argument from a lambda', () => {
    verifiedExpressionPrintsAs('ABS((X))', 'ABS(X)');
  });

  test('round-trips ARRAY, MAP and STRUCT constructors, empty ones too', () => {
    verifiedExpression('ARRAY[1, 2, 3]');
    verifiedExpression('ARRAY[]');
    verifiedExpression("MAP('a' := 1, 'b' := 2)");
    verifiedExpression('MAP()');
    assert.deepEqual(verifiedExpression("STRUCT(NAME := 'x', AGE := 3)"), {
      kind: 'structConstructor',
      fields: [
        { name: 'NAME', value: { kind: 'string', value: 'x' } },
        { name: 'AGE', value: number('3') },
      ],
    });
  });

  test('prints trees built by code with the parentheses their shape needs', () => {
    const sum: Expression = { kind: 'binary', operator: '+', left: column('A'), right: column('B') };
    assert.equal(
      printExpression({ kind: 'binary', operator: '*', left: sum, right: sum }),
      '(A + B) * (A + B)',
    );
    assert.equal(printExpression({ kind: 'isNull', operand: sum, negated: false }), 'A + B IS NULL');
  });
});

describe('types', () => {
  test('folds INT into INTEGER and VARCHAR into STRING', () => {
    assert.deepEqual(parseTypeText('int'), { kind: 'primitiveType', name: 'INTEGER' });
    assert.deepEqual(parseTypeText('VARCHAR'), { kind: 'primitiveType', name: 'STRING' });
  });

  test("reads every spelling of ksqlDB's type grammar: aliases, T ARRAY, and ignored parameters", () => {
    const int = { kind: 'primitiveType', name: 'INTEGER' };
    for (const [text, name] of [
      ['INTEGER', 'INTEGER'],
      ['BIGINT', 'BIGINT'],
      ['DOUBLE', 'DOUBLE'],
      ['BOOLEAN', 'BOOLEAN'],
      ['STRING', 'STRING'],
      ['BYTES', 'BYTES'],
      ['DATE', 'DATE'],
      ['TIME', 'TIME'],
      ['TIMESTAMP', 'TIMESTAMP'],
      ['VARCHAR(255)', 'STRING'],
      ['varchar(10, STRING)', 'STRING'],
    ] as const) {
      assert.deepEqual(parseTypeText(text), { kind: 'primitiveType', name }, text);
    }
    assert.deepEqual(parseTypeText('DECIMAL(10, 2)'), { kind: 'decimalType', precision: 10, scale: 2 });
    assert.deepEqual(parseTypeText('INT ARRAY'), { kind: 'arrayType', element: int });
    assert.deepEqual(parseTypeText('INT ARRAY ARRAY'), parseTypeText('ARRAY<ARRAY<INT>>'));
    assert.deepEqual(parseTypeText('MAP<STRING, INT ARRAY>'), parseTypeText('MAP<STRING, ARRAY<INT>>'));
    assert.deepEqual(parseTypeText('STRUCT<A INT, `b` VARCHAR>'), {
      kind: 'structType',
      fields: [
        { name: 'A', type: int },
        { name: 'b', type: { kind: 'primitiveType', name: 'STRING' } },
      ],
    });
    assert.deepEqual(parseTypeText('STRUCT<>'), { kind: 'structType', fields: [] });
    assert.deepEqual(parseTypeText('ADDRESS'), { kind: 'customType', name: 'ADDRESS' });
    assert.deepEqual(parseTypeText('ADDRESS(3)'), { kind: 'customType', name: 'ADDRESS' });
    verifiedExpressionPrintsAs('CAST(X AS INT ARRAY)', 'CAST(X AS ARRAY<INTEGER>)');
    verifiedExpressionPrintsAs('CAST(X AS VARCHAR(20))', 'CAST(X AS STRING)');
  });

  test('closes nested brackets written together as >>', () => {
    assert.deepEqual(parseTypeText('ARRAY<ARRAY<INT>>'), {
      kind: 'arrayType',
      element: { kind: 'arrayType', element: { kind: 'primitiveType', name: 'INTEGER' } },
    });
  });
});
