import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BIGINT, DOUBLE, decimal, INTEGER, STRING } from '../types/index.js';
import { EvaluationError, ExpressionError } from './compiled-expression.js';
import { dec, evaluateText, typeOfText } from './expression-test-scope.fixture.js';

describe('arithmetic', () => {
  test('adds, subtracts, multiplies, divides and takes remainders of integers', () => {
    assert.equal(evaluateText('7 + 3'), 10);
    assert.equal(evaluateText('7 - 10'), -3);
    assert.equal(evaluateText('7 * 3'), 21);
    assert.equal(evaluateText('7 / 2'), 3);
    assert.equal(evaluateText('-7 / 2'), -3);
    assert.equal(evaluateText('-7 % 3'), -1);
    assert.equal(typeOfText('7 / 2'), 'INTEGER');
  });

  test('gives NULL when either operand is NULL', () => {
    const cols = { I: [INTEGER, null], J: [INTEGER, 5] } as const;
    for (const op of ['+', '-', '*', '/', '%']) {
      assert.equal(evaluateText(`I ${op} J`, cols), null);
      assert.equal(evaluateText(`J ${op} I`, cols), null);
    }
  });

  test('refuses a NULL literal operand with ksqlDB message, as NULL has no type', () => {
    const cases: [string, string][] = [
      [
        '1 + NULL',
        'Error processing expression: (1 + null). Arithmetic on types INTEGER and null are not supported.',
      ],
      [
        'NULL * NULL',
        'Error processing expression: (null * null). Arithmetic on types null and null are not supported.',
      ],
      [
        'NULL - (1.5 * 2)',
        'Error processing expression: (null - (1.5 * 2)). Arithmetic on types null and DECIMAL(13, 1) are not supported.',
      ],
    ];
    for (const [sql, message] of cases) {
      assert.throws(
        () => typeOfText(sql),
        (e: Error) => e instanceof ExpressionError && e.message === message,
        sql,
      );
    }
  });

  test('refuses arithmetic on MAP, ARRAY and STRUCT values naming their base types', () => {
    const cases: [string, string][] = [
      [
        "MAP('a' := 1) + 1",
        "Error processing expression: (MAP('a' := 1) + 1). Unsupported arithmetic types. MAP INTEGER",
      ],
      [
        'ARRAY[1, 2] * ARRAY[3]',
        'Error processing expression: (ARRAY[1, 2] * ARRAY[3]). Unsupported arithmetic types. ARRAY ARRAY',
      ],
      [
        'STRUCT(A := 1) - 2.5',
        'Error processing expression: (STRUCT(A := 1) - 2.5). Unsupported arithmetic types. STRUCT DECIMAL',
      ],
    ];
    for (const [sql, message] of cases) {
      assert.throws(
        () => typeOfText(sql),
        (e: Error) => e instanceof ExpressionError && e.message === message,
        sql,
      );
    }
  });

  test('wraps INTEGER overflow around 32 bits as Java does', () => {
    const cols = { I: [INTEGER, 2147483647], M: [INTEGER, -2147483648] } as const;
    assert.equal(evaluateText('I + 1', cols), -2147483648);
    assert.equal(evaluateText('M - 1', cols), 2147483647);
    assert.equal(evaluateText('I * 2', cols), -2);
    assert.equal(evaluateText('M / -1', cols), -2147483648);
    assert.equal(evaluateText('-M', cols), -2147483648);
  });

  test('wraps BIGINT overflow around 64 bits', () => {
    const cols = { B: [BIGINT, 9223372036854775807n] } as const;
    assert.equal(evaluateText('B + 1', cols), -9223372036854775808n);
    assert.equal(evaluateText('B * 2', cols), -2n);
    assert.equal(evaluateText('-B - 2', cols), 9223372036854775807n);
  });

  test('widens INTEGER to BIGINT, BIGINT to DECIMAL and anything to DOUBLE', () => {
    const cols = {
      I: [INTEGER, 2],
      B: [BIGINT, 3n],
      D: [DOUBLE, 0.5],
      N: [decimal(4, 2), dec('1.25')],
    } as const;
    assert.equal(evaluateText('I + B', cols), 5n);
    assert.equal(typeOfText('I + B', cols), 'BIGINT');
    assert.equal(evaluateText('B * D', cols), 1.5);
    assert.equal(typeOfText('I + D', cols), 'DOUBLE');
    assert.equal(typeOfText('N + D', cols), 'DOUBLE');
    assert.equal(evaluateText('N + D', cols), 1.75);
    assert.deepEqual(evaluateText('I + N', cols), dec('3.25'));
    assert.equal(typeOfText('I + N', cols), 'DECIMAL(13, 2)');
    assert.equal(typeOfText('B + N', cols), 'DECIMAL(22, 2)');
  });

  test('types decimal results with ksqlDB precision and scale rules', () => {
    const cols = { A: [decimal(5, 2)], B: [decimal(4, 3)] } as const;
    assert.equal(typeOfText('A + B', cols), 'DECIMAL(7, 3)');
    assert.equal(typeOfText('A - B', cols), 'DECIMAL(7, 3)');
    assert.equal(typeOfText('A * B', cols), 'DECIMAL(10, 5)');
    assert.equal(typeOfText('A / B', cols), 'DECIMAL(13, 7)');
    assert.equal(typeOfText('A % B', cols), 'DECIMAL(4, 3)');
  });

  test('computes decimal results exactly and rounds division HALF_UP at the result scale', () => {
    assert.deepEqual(evaluateText('1.25 + 0.005'), dec('1.255'));
    assert.deepEqual(evaluateText('1.5 * 1.5'), dec('2.25'));
    assert.deepEqual(evaluateText('1.0 / 3.0'), dec('0.333333'));
    assert.deepEqual(evaluateText('2.0 / 3.0'), dec('0.666667'));
    assert.deepEqual(evaluateText('5.5 % 2.0'), dec('1.5'));
    assert.deepEqual(evaluateText('-1.5'), dec('-1.5'));
  });

  test('follows IEEE 754 for DOUBLE, so dividing by zero gives infinity', () => {
    assert.equal(evaluateText('1E0 / 0'), Number.POSITIVE_INFINITY);
    assert.ok(Number.isNaN(evaluateText('0E0 / 0') as number));
    assert.equal(evaluateText('5E0 % 3'), 2);
  });

  test('raises an evaluation error for integer and decimal division by zero', () => {
    const cols = { Z: [INTEGER, 0], BZ: [BIGINT, 0n], DZ: [decimal(2, 1), dec('0.0')] } as const;
    for (const sql of ['1 / Z', '1 % Z', '1 / BZ', '1 % BZ', '1.0 / DZ', '1.0 % DZ']) {
      assert.throws(() => evaluateText(sql, cols), EvaluationError, sql);
    }
  });

  test("concatenates strings with + as Java does (NULL reads 'null', ksqlDB issue #9136) and with || like CONCAT", () => {
    const cols = { S: [STRING, 'ab'], N: [STRING, null] } as const;
    assert.equal(evaluateText("S + 'c'", cols), 'abc');
    assert.equal(evaluateText("S || 'c'", cols), 'abc');
    assert.equal(evaluateText('S + N', cols), 'abnull');
    assert.equal(evaluateText("N + '-' + N", cols), 'null-null');
    assert.equal(evaluateText('S || N', cols), 'ab');
  });

  test('rejects arithmetic on non-numeric types with ksqlDB wording', () => {
    assert.throws(
      () => typeOfText("1 + 'a'"),
      (e: Error) =>
        e instanceof ExpressionError && /Unsupported arithmetic types. INTEGER STRING/.test(e.message),
    );
    assert.throws(() => typeOfText("-'a'"), ExpressionError);
  });

  test('reads a negative literal as one number, so INTEGER minimum stays INTEGER', () => {
    assert.equal(evaluateText('-2147483648'), -2147483648);
    assert.equal(typeOfText('-2147483648'), 'INTEGER');
    assert.equal(typeOfText('2147483648'), 'BIGINT');
  });
});
