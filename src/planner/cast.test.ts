import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  array,
  BIGINT,
  BOOLEAN,
  BYTES,
  DATE,
  DOUBLE,
  decimal,
  INTEGER,
  map,
  STRING,
  struct,
  TIME,
  TIMESTAMP,
} from '../types/index.js';
import { EvaluationError, ExpressionError } from './compiled-expression.js';
import { compileText, dec, evaluateText, typeOfText } from './expression-test-scope.fixture.js';
import { javaDoubleText } from './java-text.js';

describe('CAST', () => {
  test('prints doubles as Java Double.toString does', () => {
    const cases: [number, string][] = [
      [1, '1.0'],
      [1.5, '1.5'],
      [1e10, '1.0E10'],
      [1.2e-5, '1.2E-5'],
      [0.001, '0.001'],
      [1234567.0, '1234567.0'],
      [12345678.9, '1.23456789E7'],
      [-0, '-0.0'],
      [0, '0.0'],
      [Number.NaN, 'NaN'],
      [Number.NEGATIVE_INFINITY, '-Infinity'],
      [1e21, '1.0E21'],
      [0.1 + 0.2, '0.30000000000000004'],
    ];
    for (const [value, text] of cases) assert.equal(javaDoubleText(value), text);
    assert.equal(evaluateText('CAST(D AS STRING)', { D: [DOUBLE, 1e10] }), '1.0E10');
  });

  test('casts every scalar type to STRING with ksqlDB formatting', () => {
    const cols = {
      I: [INTEGER, -5],
      B: [BIGINT, 9007199254740993n],
      N: [decimal(5, 3), dec('0.050')],
      T: [BOOLEAN, true],
      TS: [TIMESTAMP, Date.UTC(2024, 0, 2, 3, 4, 5, 6)],
      DT: [DATE, 19724],
      TM: [TIME, 3_723_000],
    } as const;
    assert.equal(evaluateText('CAST(I AS STRING)', cols), '-5');
    assert.equal(evaluateText('CAST(B AS STRING)', cols), '9007199254740993');
    assert.equal(evaluateText('CAST(N AS STRING)', cols), '0.050');
    assert.equal(evaluateText('CAST(T AS STRING)', cols), 'true');
    assert.equal(evaluateText('CAST(TS AS STRING)', cols), '2024-01-02T03:04:05.006');
    assert.equal(evaluateText('CAST(DT AS STRING)', cols), '2024-01-02');
    assert.equal(evaluateText('CAST(TM AS STRING)', cols), '01:02:03');
  });

  test('casts collections to STRING as Java prints them', () => {
    const cols = {
      A: [array(DOUBLE), [1, null, 2.5]],
      M: [map(STRING, INTEGER), new Map([['a', 1]])],
      S: [
        struct([
          { name: 'X', type: INTEGER },
          { name: 'Y', type: STRING },
        ]),
        { X: 1, Y: null },
      ],
    } as const;
    assert.equal(evaluateText('CAST(A AS STRING)', cols), '[1.0, null, 2.5]');
    assert.equal(evaluateText('CAST(M AS STRING)', cols), '{a=1}');
    assert.equal(evaluateText('CAST(S AS STRING)', cols), 'Struct{X=1}');
  });

  test('reads numbers and booleans from trimmed text', () => {
    assert.equal(evaluateText("CAST(' 42 ' AS INTEGER)"), 42);
    assert.equal(evaluateText("CAST('-9223372036854775808' AS BIGINT)"), -9223372036854775808n);
    assert.equal(evaluateText("CAST('1.5e3' AS DOUBLE)"), 1500);
    assert.deepEqual(evaluateText("CAST('1.255' AS DECIMAL(4, 2))"), dec('1.26'));
    assert.equal(evaluateText("CAST('YES' AS BOOLEAN)"), true);
    assert.equal(evaluateText("CAST('t' AS BOOLEAN)"), true);
    assert.equal(evaluateText("CAST('nope' AS BOOLEAN)"), false);
  });

  test('raises an evaluation error naming text that is not a number', () => {
    assert.throws(
      () => evaluateText("CAST('abc' AS INTEGER)"),
      (e: Error) =>
        e instanceof EvaluationError && e.message.includes("'abc'") && e.message.includes('INTEGER'),
    );
    assert.throws(() => evaluateText("CAST('2147483648' AS INTEGER)"), EvaluationError);
    assert.throws(() => evaluateText("CAST('1.5' AS BIGINT)"), EvaluationError);
    assert.throws(() => evaluateText("CAST('x' AS DECIMAL(3, 1))"), EvaluationError);
  });

  test('truncates doubles toward zero and saturates them to the integer range', () => {
    assert.equal(evaluateText('CAST(-2.9E0 AS INTEGER)'), -2);
    assert.equal(evaluateText('CAST(1E20 AS INTEGER)'), 2147483647);
    assert.equal(evaluateText('CAST(1E20 AS BIGINT)'), 9223372036854775807n);
    assert.equal(evaluateText('CAST(0E0 / 0 AS INTEGER)'), 0);
  });

  test('narrows integers and decimals by dropping high bits as Java does', () => {
    assert.equal(evaluateText('CAST(4294967297 AS INTEGER)'), 1);
    assert.equal(evaluateText('CAST(-7.9 AS INTEGER)'), -7);
    assert.equal(evaluateText('CAST(12.5 AS BIGINT)'), 12n);
    assert.equal(evaluateText('CAST(12.5 AS DOUBLE)'), 12.5);
  });

  test('rounds decimals HALF_UP to the target scale and rejects overflow', () => {
    assert.deepEqual(evaluateText('CAST(1.25 AS DECIMAL(2, 1))'), dec('1.3'));
    assert.deepEqual(evaluateText('CAST(-1.25 AS DECIMAL(2, 1))'), dec('-1.3'));
    assert.deepEqual(evaluateText('CAST(7 AS DECIMAL(3, 2))'), dec('7.00'));
    assert.deepEqual(evaluateText('CAST(0.1E0 AS DECIMAL(2, 2))'), dec('0.10'));
    assert.throws(() => evaluateText('CAST(123 AS DECIMAL(3, 1))'), /Numeric field overflow/);
    assert.throws(() => evaluateText('CAST(1E0 / 0 AS DECIMAL(3, 1))'), EvaluationError);
  });

  test('converts between TIMESTAMP, DATE, TIME and text', () => {
    const day = Date.UTC(2024, 0, 2);
    assert.equal(evaluateText("CAST('2024-01-02T03:04:05.678' AS TIMESTAMP)"), day + 11_045_678);
    assert.equal(evaluateText("CAST('2024-01-02' AS DATE)"), 19724);
    assert.equal(evaluateText("CAST('03:04:05' AS TIME)"), 11_045_000);
    const ts = { TS: [TIMESTAMP, day + 11_045_678] } as const;
    assert.equal(evaluateText('CAST(TS AS DATE)', ts), 19724);
    assert.equal(evaluateText('CAST(TS AS TIME)', ts), 11_045_678);
    assert.equal(evaluateText('CAST(CAST(TS AS DATE) AS TIMESTAMP)', ts), day);
    assert.equal(evaluateText('CAST(TS AS DATE)', { TS: [TIMESTAMP, -1] }), -1);
    assert.throws(() => evaluateText("CAST('2024-02-30' AS DATE)"), EvaluationError);
  });

  test('casts arrays, maps and structs element by element', () => {
    assert.deepEqual(evaluateText("CAST(ARRAY['1', '2'] AS ARRAY<INTEGER>)"), [1, 2]);
    assert.deepEqual(evaluateText('CAST(MAP(1 := 2.5) AS MAP<STRING, DOUBLE>)'), new Map([['1', 2.5]]));
    assert.deepEqual(evaluateText("CAST(STRUCT(A := 1, B := 'x') AS STRUCT<A BIGINT, C STRING>)"), {
      A: 1n,
      C: null,
    });
  });

  test('gives NULL for NULL and a NULL literal takes the target type', () => {
    assert.equal(evaluateText('CAST(I AS STRING)', { I: [INTEGER, null] }), null);
    assert.equal(typeOfText('CAST(NULL AS DECIMAL(4, 2))'), 'DECIMAL(4, 2)');
  });

  test('rejects pairs ksqlDB cannot cast with its wording', () => {
    assert.throws(() => compileText('CAST(TRUE AS INTEGER)'), /Cast of BOOLEAN to INTEGER is not supported/);
    assert.throws(() => compileText('CAST(B AS STRING)', { B: [BYTES] }), ExpressionError);
    assert.throws(
      () => compileText('CAST(ARRAY[TRUE] AS ARRAY<INTEGER>)'),
      /Cast of ARRAY<BOOLEAN> to ARRAY<INTEGER> is not supported/,
    );
  });

  test('resolves custom types registered with CREATE TYPE', () => {
    const types = new Map([['MONEY', decimal(6, 2)]]);
    assert.equal(compileText('CAST(1 AS MONEY)', {}, types).type.kind, 'DECIMAL');
    assert.throws(() => compileText('CAST(1 AS NOPE)'), /Unknown type NOPE/);
  });
});
