import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToJson, formatRecord } from './record-format.js';

test('bytes become text when valid UTF-8, base64 otherwise, and null stays null', () => {
  assert.equal(bytesToJson(Buffer.from('héllo ✓')), 'héllo ✓');
  assert.deepEqual(bytesToJson(Buffer.from([0xc3, 0x28])), { base64: 'wyg=' });
  assert.equal(bytesToJson(null), null);
});

test('a leading byte order mark is kept, not silently dropped', () => {
  assert.equal(bytesToJson(Buffer.from([0xef, 0xbb, 0xbf, 0x41])), '\ufeffA');
});

test('plain output prints null values and keys as null, like kafka-console-consumer', () => {
  const r = { offset: 0, timestamp: 1, key: null, value: null, headers: [] };
  const format = { json: false, printKey: true, keySeparator: '\t' };
  assert.equal(formatRecord('t', 0, r, format), 'null\tnull\n');
});
