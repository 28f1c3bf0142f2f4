import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeBase64,
  formatDoubleLikeJava,
  parseDoubleLikeJava,
  parseIntLikeJava,
  parseLongLikeJava,
} from './java-text.js';

test('doubles are printed as Java Double.toString prints them', () => {
  const cases: Array<[number, string]> = [
    [100, '100.0'],
    [1.5, '1.5'],
    [-0, '-0.0'],
    [0, '0.0'],
    [0.001, '0.001'],
    [0.0001, '1.0E-4'],
    [1e7, '1.0E7'],
    [12345678.9, '1.23456789E7'],
    [-2.5e-7, '-2.5E-7'],
    [Number.NaN, 'NaN'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
  ];
  for (const [value, text] of cases) assert.equal(formatDoubleLikeJava(value), text, text);
});

test('number text is read as Java reads it', () => {
  assert.equal(parseDoubleLikeJava(' 1.5d '), 1.5);
  assert.equal(parseDoubleLikeJava('-Infinity'), Number.NEGATIVE_INFINITY);
  assert.equal(parseDoubleLikeJava(''), undefined);
  assert.equal(parseDoubleLikeJava('0x10'), undefined);
  assert.equal(parseIntLikeJava('+2147483647'), 2147483647);
  assert.equal(parseIntLikeJava('2147483648'), undefined);
  assert.equal(parseIntLikeJava(' 1'), undefined);
  assert.equal(parseLongLikeJava('-9223372036854775808'), -9223372036854775808n);
  assert.equal(parseLongLikeJava('9223372036854775808'), undefined);
});

test('base64 is decoded strictly, with or without padding', () => {
  assert.deepEqual(decodeBase64('AAH+/w=='), new Uint8Array([0, 1, 254, 255]));
  assert.deepEqual(decodeBase64('AAH+/w'), new Uint8Array([0, 1, 254, 255]));
  assert.equal(decodeBase64('AA H'), undefined);
  assert.equal(decodeBase64('A'), undefined);
});
