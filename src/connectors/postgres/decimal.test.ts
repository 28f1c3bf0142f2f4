import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToUnscaled, unscaledToBytes } from '../../connect/api/index.js';
import { decimalText, parseDecimalText } from './decimal.js';

test('decimal text parses at the scale of its digits and prints back the same', () => {
  for (const text of ['123.4500', '-0.005', '0', '-7', '12345678901234567890.1234567890']) {
    const d = parseDecimalText(text);
    assert.equal(decimalText(d.unscaled, d.scale), text);
  }
  assert.deepEqual(parseDecimalText('-12.30'), { unscaled: -1230n, scale: 2 });
});

test("unscaled values round-trip through Java's two's-complement bytes", () => {
  assert.deepEqual(unscaledToBytes(-200n), new Uint8Array([0xff, 0x38]));
  assert.deepEqual(unscaledToBytes(128n), new Uint8Array([0x00, 0x80]));
  assert.deepEqual(unscaledToBytes(0n), new Uint8Array([0]));
  for (const n of [0n, 1n, -1n, 127n, -128n, 255n, 10n ** 30n, -(10n ** 30n)])
    assert.equal(bytesToUnscaled(unscaledToBytes(n)), n);
  assert.throws(() => bytesToUnscaled(new Uint8Array(0)), /empty/);
});
