import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addDecimals,
  compareDecimals,
  DecimalError,
  decimalToNumber,
  divideDecimals,
  fitDecimal,
  formatDecimal,
  formatDecimalScientific,
  multiplyDecimals,
  parseDecimal,
  parseDecimalExact,
  rescaleDecimal,
  subtractDecimals,
} from './decimal.js';

const d = (text: string) => parseDecimal(text);

test('parsing keeps the written scale, trailing zeros included', () => {
  assert.deepEqual(d('1.50'), { unscaled: 150n, scale: 2 });
  assert.deepEqual(d('-0.05'), { unscaled: -5n, scale: 2 });
  assert.deepEqual(d('.5'), { unscaled: 5n, scale: 1 });
  assert.deepEqual(d('5.'), { unscaled: 5n, scale: 0 });
  assert.deepEqual(d('+12'), { unscaled: 12n, scale: 0 });
});

test('exponents shift the scale, and parseDecimal never returns a negative scale', () => {
  assert.deepEqual(parseDecimalExact('1e3'), { unscaled: 1n, scale: -3 });
  assert.deepEqual(d('1e3'), { unscaled: 1000n, scale: 0 });
  assert.deepEqual(d('1.5E-2'), { unscaled: 15n, scale: 3 });
});

test('text that is not a decimal is rejected', () => {
  for (const bad of ['', '-', '.', '1..2', '1e', 'abc', ' 1', '1 ', '0x10', 'NaN']) {
    assert.throws(() => d(bad), DecimalError, bad);
  }
  assert.throws(() => d('1e999999999'), /exponent out of range/);
});

test('formatting gives plain digits with the scale', () => {
  assert.equal(formatDecimal({ unscaled: 110n, scale: 2 }), '1.10');
  assert.equal(formatDecimal({ unscaled: -5n, scale: 3 }), '-0.005');
  assert.equal(formatDecimal({ unscaled: 12n, scale: 0 }), '12');
  assert.equal(formatDecimal({ unscaled: 12n, scale: -2 }), '1200');
  assert.equal(formatDecimal({ unscaled: 0n, scale: 2 }), '0.00');
});

test('scientific formatting follows BigDecimal.toString', () => {
  assert.equal(formatDecimalScientific(parseDecimalExact('1e3')), '1E+3');
  assert.equal(formatDecimalScientific(parseDecimalExact('1.0e3')), '1.0E+3');
  assert.equal(formatDecimalScientific(parseDecimalExact('0.0000001')), '1E-7');
  assert.equal(formatDecimalScientific(parseDecimalExact('0.000001')), '0.000001');
  assert.equal(formatDecimalScientific(parseDecimalExact('-1.50')), '-1.50');
});

test('a 38-digit decimal survives a parse and format round trip', () => {
  const text = '12345678901234567890.123456789012345678';
  assert.equal(formatDecimal(d(text)), text);
});

test('comparison ignores the scale', () => {
  assert.equal(compareDecimals(d('1.0'), d('1.00')), 0);
  assert.equal(compareDecimals(d('1.01'), d('1.1')), -1);
  assert.equal(compareDecimals(d('-1'), d('-1.5')), 1);
});

test('addition, subtraction and multiplication are exact', () => {
  assert.equal(formatDecimal(addDecimals(d('0.1'), d('0.2'))), '0.3');
  assert.equal(formatDecimal(addDecimals(d('1.25'), d('-3'))), '-1.75');
  assert.equal(formatDecimal(subtractDecimals(d('1'), d('0.001'))), '0.999');
  assert.equal(formatDecimal(multiplyDecimals(d('1.5'), d('-0.25'))), '-0.375');
  const big = d('99999999999999999999.99');
  assert.equal(formatDecimal(multiplyDecimals(big, big)), '9999999999999999999998000000000000000000.0001');
});

test('division rounds HALF_UP to the requested scale', () => {
  assert.equal(formatDecimal(divideDecimals(d('1'), d('3'), 4)), '0.3333');
  assert.equal(formatDecimal(divideDecimals(d('2'), d('3'), 2)), '0.67');
  assert.equal(formatDecimal(divideDecimals(d('1'), d('8'), 2)), '0.13');
  assert.equal(formatDecimal(divideDecimals(d('-1'), d('8'), 2)), '-0.13');
  assert.equal(formatDecimal(divideDecimals(d('1'), d('-8'), 2)), '-0.13');
  assert.equal(formatDecimal(divideDecimals(d('10.5'), d('0.5'), 0)), '21');
  assert.throws(() => divideDecimals(d('1'), d('0'), 2), /Division by zero/);
  assert.throws(() => divideDecimals(d('1'), d('3'), 2, 'UNNECESSARY'), /Rounding necessary/);
});

test('rescaling pads exactly and rounds halves away from zero', () => {
  assert.equal(formatDecimal(rescaleDecimal(d('1.5'), 3)), '1.500');
  assert.equal(formatDecimal(rescaleDecimal(d('1.25'), 1)), '1.3');
  assert.equal(formatDecimal(rescaleDecimal(d('-1.25'), 1)), '-1.3');
  assert.equal(formatDecimal(rescaleDecimal(d('1.24'), 1)), '1.2');
  assert.throws(() => rescaleDecimal(d('1.25'), 1, 'UNNECESSARY'), DecimalError);
});

test('fitting into DECIMAL(p, s) pads, and refuses overflow or rounding with ksqlDB messages', () => {
  assert.deepEqual(fitDecimal(d('12.1'), 4, 2), { unscaled: 1210n, scale: 2 });
  assert.deepEqual(fitDecimal(d('0'), 2, 2), { unscaled: 0n, scale: 2 });
  assert.throws(
    () => fitDecimal(d('123.4'), 3, 0),
    /Cannot fit decimal '123.4' into DECIMAL\(3, 0\) without rounding. \(Requires 4,1\)/,
  );
  assert.throws(() => fitDecimal(d('100'), 4, 2), /Numeric field overflow.*less than 10\^2. Got 100/);
  assert.throws(() => fitDecimal(d('1'), 2, 2), /Numeric field overflow/);
});

test('conversion to a double rounds correctly', () => {
  assert.equal(decimalToNumber(d('0.1')), 0.1);
  assert.equal(decimalToNumber(d('-123.456')), -123.456);
});
