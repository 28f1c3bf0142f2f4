import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { arithmeticResultType, widerNumeric } from './numeric-rules.js';
import { BIGINT, DOUBLE, decimal, formatType, INTEGER } from './sql-type.js';

describe('numeric type rules', () => {
  test('widen INTEGER to BIGINT to DECIMAL to DOUBLE', () => {
    assert.equal(widerNumeric(INTEGER, BIGINT), BIGINT);
    assert.equal(formatType(widerNumeric(BIGINT, decimal(5, 2))), 'DECIMAL(21, 2)');
    assert.equal(widerNumeric(decimal(5, 2), DOUBLE), DOUBLE);
  });

  test('widen decimals past 38 digits without capping the precision, as ksqlDB does', () => {
    assert.equal(formatType(widerNumeric(decimal(40, 2), INTEGER)), 'DECIMAL(40, 2)');
    assert.equal(formatType(widerNumeric(decimal(38, 0), decimal(3, 2))), 'DECIMAL(40, 2)');
  });

  test('give decimal arithmetic ksqlDB precision and scale, beyond 38 digits too', () => {
    assert.equal(formatType(arithmeticResultType('+', decimal(38, 0), decimal(3, 2))), 'DECIMAL(41, 2)');
    assert.equal(formatType(arithmeticResultType('*', decimal(30, 2), decimal(20, 1))), 'DECIMAL(51, 3)');
    assert.equal(formatType(arithmeticResultType('/', INTEGER, decimal(4, 2))), 'DECIMAL(18, 6)');
    assert.equal(formatType(arithmeticResultType('%', BIGINT, decimal(4, 2))), 'DECIMAL(4, 2)');
  });
});
