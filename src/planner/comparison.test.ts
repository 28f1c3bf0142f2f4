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
  STRING,
  TIME,
  TIMESTAMP,
} from '../types/index.js';
import { EvaluationError, ExpressionError } from './compiled-expression.js';
import { dec, evaluateText } from './expression-test-scope.fixture.js';

const cols = {
  I: [INTEGER, 5],
  B: [BIGINT, 5n],
  D: [DOUBLE, 5.0],
  N: [decimal(3, 1), dec('5.0')],
  S: [STRING, 'b'],
  T: [BOOLEAN, true],
  NI: [INTEGER, null],
  NB: [BOOLEAN, null],
  NS: [STRING, null],
  TS: [TIMESTAMP, Date.UTC(2024, 0, 2, 3, 4, 5)],
  DT: [DATE, 19724], // 2024-01-02
  TM: [TIME, 3_600_000],
  BT: [BYTES, new Uint8Array([1, 2])],
  A: [array(INTEGER), [1, 2]],
} as const;
const is = (sql: string) => evaluateText(sql, cols);

describe('comparisons', () => {
  test('compares numbers of every numeric type with each other after promotion', () => {
    for (const [l, r] of [
      ['I', 'B'],
      ['I', 'D'],
      ['B', 'N'],
      ['D', 'N'],
      ['I', 'N'],
    ]) {
      assert.equal(is(`${l} = ${r}`), true, `${l} = ${r}`);
      assert.equal(is(`${l} < ${r} + 1`), true, `${l} < ${r} + 1`);
      assert.equal(is(`${l} <> ${r}`), false, `${l} <> ${r}`);
    }
    assert.equal(is('0.1E0 = 0.1'), true);
    // The double's shortest digits (0.1) are compared exactly, as BigDecimal.valueOf does.
    assert.equal(is('0.1E0 < 0.10000000000000000001'), true);
    assert.equal(is('0.10000000000000000001 > 0.1E0'), true);
    assert.equal(is('0.3E0 > 0.1 + 0.1'), true);
    assert.equal(is('I >= 5 AND I <= 5 AND I > 4 AND I < 6'), true);
  });

  test('compares strings by UTF-16 code units and booleans for equality', () => {
    assert.equal(is("S > 'a'"), true);
    assert.equal(is("'Z' < 'a'"), true);
    assert.equal(is('T = TRUE'), true);
    assert.equal(is('T <> TRUE'), false);
    assert.throws(() => is('T < FALSE'), ExpressionError);
  });

  test('is FALSE, never NULL, when either side is NULL, as ksqlDB generates it', () => {
    for (const sql of ['NI = 1', 'NI <> 1', '1 < NI', 'NI >= 1', 'NI = NI', 'S > NS', 'NS = NS']) {
      assert.equal(is(sql), false, sql);
    }
    assert.equal(is('NOT (NI = 1)'), true, 'so NOT of it is TRUE');
  });

  test('rejects comparing with a NULL literal and points to IS NULL', () => {
    const refused = (sql: string, message: string) =>
      assert.throws(
        () => is(sql),
        (e: Error) => e instanceof ExpressionError && e.message === message,
        sql,
      );
    refused(
      'I = NULL',
      "Comparison with NULL not supported: INTEGER = NULL\nUse 'IS NULL' or 'IS NOT NULL' instead.",
    );
    refused(
      'NULL <> NULL',
      "Comparison with NULL not supported: NULL <> NULL\nUse 'IS NULL' or 'IS NOT NULL' instead.",
    );
    refused(
      'A > NULL',
      "Comparison with NULL not supported: ARRAY > NULL\nUse 'IS NULL' or 'IS NOT NULL' instead.",
    );
  });

  test('compares TIMESTAMP, DATE and TIME with each other where ksqlDB allows and with text', () => {
    assert.equal(is("TS = '2024-01-02T03:04:05'"), true);
    assert.equal(is("TS > '2024-01-02'"), true);
    assert.equal(is("'2024-01-02T03:04:05.000Z' = TS"), true);
    assert.equal(is("TS < '2024-01-02T04:04:05+01:00'"), false);
    assert.equal(is('DT < TS'), true);
    assert.equal(is("DT = '2024-01-02'"), true);
    assert.equal(is("TM = '01:00:00'"), true);
    assert.throws(() => is('TM = TS'), /Cannot compare TIME to TIMESTAMP/);
    assert.throws(() => is('TS = 1'), ExpressionError);
  });

  test('raises an evaluation error for text that is not a timestamp', () => {
    assert.throws(
      () => evaluateText('TS = X', { TS: [TIMESTAMP, 0], X: [STRING, 'yesterday'] }),
      EvaluationError,
    );
  });

  test('compares bytes in order and arrays for equality only', () => {
    assert.equal(is('BT = BT'), true);
    assert.equal(is('A = ARRAY[1, 2]'), true);
    assert.equal(is('A <> ARRAY[1, 3]'), true);
    assert.throws(() => is('A < A'), /Cannot compare ARRAY<INTEGER> to ARRAY<INTEGER> with </);
  });

  test('rejects comparing unrelated types with ksqlDB wording', () => {
    assert.throws(() => is("I = 'a'"), /Cannot compare INTEGER to STRING with = in \(?I = 'a'\)?\./);
  });
});

describe('logic', () => {
  test("combines booleans as ksqlDB's Java does: left to right, NULL once reached gives NULL", () => {
    assert.equal(is('FALSE AND NB'), false, 'FALSE AND … never looks right');
    assert.equal(is('TRUE OR NB'), true, 'TRUE OR … never looks right');
    assert.equal(is('NB AND FALSE'), null, 'not FALSE as in three-valued logic');
    assert.equal(is('NB OR TRUE'), null, 'not TRUE as in three-valued logic');
    assert.equal(is('NB AND TRUE'), null);
    assert.equal(is('NB OR FALSE'), null);
    assert.equal(is('TRUE AND NB'), null);
    assert.equal(is('FALSE OR NB'), null);
    assert.equal(is('NOT NB'), null);
    assert.equal(is('NOT T'), false);
    assert.equal(is('FALSE AND (1 / 0 = 1)'), false);
    assert.equal(is('NI = 1 OR T'), true, 'a comparison with NULL is FALSE, not NULL');
  });

  test('a NULL CASE condition reached before a TRUE one makes the whole CASE NULL, as in ksqlDB', () => {
    assert.equal(is('CASE WHEN NB THEN 1 ELSE 2 END'), null);
    assert.equal(is('CASE WHEN I = 1 THEN 1 WHEN NB THEN 2 ELSE 3 END'), null);
    assert.equal(is('CASE WHEN T THEN 1 WHEN NB THEN 2 END'), 1, 'a NULL after the TRUE one is never read');
    assert.equal(
      is("CASE WHEN NI = 1 THEN 'one' ELSE 'other' END"),
      'other',
      'a comparison with NULL is FALSE',
    );
    assert.equal(is("CASE NI WHEN 1 THEN 'one' ELSE 'other' END"), 'other');
  });

  test('rejects non-boolean operands of AND, OR and NOT', () => {
    assert.throws(() => is('I AND T'), /An operand of AND must be BOOLEAN, but I is INTEGER/);
    assert.throws(() => is('NOT S'), ExpressionError);
  });

  test('tests for NULL with IS NULL and IS NOT NULL', () => {
    assert.equal(is('NI IS NULL'), true);
    assert.equal(is('I IS NULL'), false);
    assert.equal(is('NI IS NOT NULL'), false);
    assert.equal(is('NULL IS NULL'), true);
  });

  test('checks ranges with BETWEEN, inclusive at both ends', () => {
    assert.equal(is('I BETWEEN 5 AND 6'), true);
    assert.equal(is('I BETWEEN 1.5 AND 4.9'), false);
    assert.equal(is('I NOT BETWEEN 6 AND 7'), true);
    assert.equal(is("S BETWEEN 'a' AND 'c'"), true);
  });

  test('BETWEEN is FALSE and NOT BETWEEN TRUE when the value or a bound is NULL', () => {
    for (const sql of [
      'NI BETWEEN 1 AND 2',
      'I BETWEEN NULL AND 4',
      'I BETWEEN NULL AND 6',
      'I BETWEEN 1 AND NI',
    ]) {
      assert.equal(is(sql), false, sql);
      assert.equal(is(sql.replace('BETWEEN', 'NOT BETWEEN')), true, sql);
    }
  });

  test("finds values in IN lists as ksqlDB's InListEvaluator: NULL matches nothing", () => {
    assert.equal(is('I IN (1, 5, 9)'), true);
    assert.equal(is('I IN (1, 2)'), false);
    assert.equal(is('I NOT IN (1, 2)'), true);
    assert.equal(is('I IN (1, NULL)'), false);
    assert.equal(is('I NOT IN (1, NULL)'), true);
    assert.equal(is('I IN (5, NULL)'), true);
    assert.equal(is('NI IN (1, 2)'), false);
    assert.equal(is('NI NOT IN (1, 2)'), true);
    assert.equal(is('NI IN (NI, 1)'), false);
    assert.equal(is('I IN (NI, 1)'), false);
    assert.equal(is('I NOT IN (NI, 1)'), true);
    assert.equal(is('I IN (B, 2.5, 7E0)'), true);
    assert.equal(is("S IN ('a', 'b')"), true);
    assert.equal(is('I IN (I + 1, I)'), true);
    assert.throws(() => is("I IN (1, 'x')"), ExpressionError);
  });
});
