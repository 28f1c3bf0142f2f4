import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { INTEGER, STRING } from '../types/index.js';
import { ExpressionError } from './compiled-expression.js';
import { evaluateText } from './expression-test-scope.fixture.js';
import { compileLike } from './like.js';

describe('LIKE', () => {
  test('matches % as any run of characters and _ as exactly one', () => {
    const m = compileLike('a%c_');
    assert.equal(m('abcd'), true);
    assert.equal(m('acd'), true);
    assert.equal(m('ac'), false);
    assert.equal(m('xabcd'), false);
    assert.equal(compileLike('%')(''), true);
    assert.equal(compileLike('')(''), true);
    assert.equal(compileLike('_')(''), false);
  });

  test('takes the simple shapes without a regular expression and keeps the same answers', () => {
    assert.equal(compileLike('abc')('abc'), true);
    assert.equal(compileLike('abc')('abcd'), false);
    assert.equal(compileLike('ab%')('abcd'), true);
    assert.equal(compileLike('%cd')('abcd'), true);
    assert.equal(compileLike('%bc%')('abcd'), true);
    assert.equal(compileLike('%%x%%')('axb'), true);
  });

  test('treats regular expression characters in the pattern literally', () => {
    assert.equal(compileLike('a.c')('abc'), false);
    assert.equal(compileLike('a.c_')('a.cx'), true);
    assert.equal(compileLike('(x)*[y]_')('(x)*[y]z'), true);
  });

  test('makes the ESCAPE character take the next character literally', () => {
    assert.equal(compileLike('100!%', '!')('100%'), true);
    assert.equal(compileLike('100!%', '!')('1000'), false);
    assert.equal(compileLike('a!_b_', '!')('a_bc'), true);
    assert.equal(compileLike('a!!b', '!')('a!b'), true);
  });

  test('matches across line breaks and counts a surrogate pair as one character', () => {
    assert.equal(compileLike('a%b')('a\nb'), true);
    assert.equal(compileLike('a_b')('a😀b'), true);
  });

  test('is case-sensitive, negates with NOT, and gives NULL for NULL input', () => {
    const cols = { S: [STRING, 'Hello'], N: [STRING, null], P: [STRING, 'H%'] } as const;
    assert.equal(evaluateText("S LIKE 'h%'", cols), false);
    assert.equal(evaluateText("S LIKE 'H%'", cols), true);
    assert.equal(evaluateText("S NOT LIKE 'H%'", cols), false);
    assert.equal(evaluateText("N LIKE 'H%'", cols), null);
    assert.equal(evaluateText('S LIKE N', cols), null);
    assert.equal(evaluateText('S LIKE P', cols), true);
    assert.equal(evaluateText("'50%' LIKE '50\\%' ESCAPE '\\'", cols), true);
  });

  test('rejects non-string operands and an ESCAPE that is not one character', () => {
    assert.throws(() => evaluateText("I LIKE '1%'", { I: [INTEGER, 1] }), ExpressionError);
    assert.throws(() => evaluateText("'a' LIKE 'a' ESCAPE 'xy'"), /single character/);
  });
});
