import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BYTES, STRING } from '../types/index.js';
import { call } from './call-function.fixture.js';

const b64 = (text: string) => Buffer.from(text, 'base64');

describe('bytes to number conversions', () => {
  test('INT_FROM_BYTES, BIGINT_FROM_BYTES and DOUBLE_FROM_BYTES read big-endian by default', () => {
    assert.equal(call('INT_FROM_BYTES', [BYTES], [b64('AAAH5Q==')]), 2021);
    assert.equal(call('BIGINT_FROM_BYTES', [BYTES], [b64('AAAAASoF8gA=')]), 5000000000n);
    assert.equal(call('DOUBLE_FROM_BYTES', [BYTES], [b64('QICm/ZvJ9YI=')]), 532.8738323);
    assert.equal(call('INT_FROM_BYTES', [BYTES], [null]), null);
  });

  test('a byte order of LITTLE_ENDIAN (any case) reads the bytes the other way round', () => {
    assert.equal(
      call('INT_FROM_BYTES', [BYTES, STRING], [Buffer.from('e5070000', 'hex'), 'little_endian']),
      2021,
    );
    assert.equal(
      call('BIGINT_FROM_BYTES', [BYTES, STRING], [Buffer.from('00f2052a01000000', 'hex'), 'LITTLE_ENDIAN']),
      5000000000n,
    );
    assert.equal(call('INT_FROM_BYTES', [BYTES, STRING], [b64('AAAH5Q=='), 'BIG_ENDIAN']), 2021);
  });

  test('a wrong length or an unknown byte order is an error, with ksqlDB message', () => {
    assert.throws(
      () => call('INT_FROM_BYTES', [BYTES], [Buffer.from('010203', 'hex')]),
      /Number of bytes must be equal to 4, but found 3/,
    );
    assert.throws(
      () => call('DOUBLE_FROM_BYTES', [BYTES, STRING], [b64('QICm/ZvJ9YI='), 'MIDDLE']),
      /Byte order must be BIG_ENDIAN or LITTLE_ENDIAN. Unknown byte order 'MIDDLE'\./,
    );
  });
});
