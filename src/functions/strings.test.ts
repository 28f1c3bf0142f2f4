import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BYTES, INTEGER, STRING } from '../types/index.js';
import { call } from './call-function.fixture.js';

const S = STRING;
const I = INTEGER;
const bytes = (hex: string) => Buffer.from(hex, 'hex');

describe('string functions', () => {
  test('UCASE, LCASE and INITCAP change case; INITCAP lower-cases the rest of each word', () => {
    assert.equal(call('UCASE', [S], ['Hello World']), 'HELLO WORLD');
    assert.equal(call('LCASE', [S], ['Hello World']), 'hello world');
    assert.equal(call('INITCAP', [S], ['the quICK  brown fox']), 'The Quick  Brown Fox');
    assert.equal(call('UCASE', [S], [null]), null);
  });

  test('CONCAT treats NULL as empty, for strings and bytes', () => {
    assert.equal(call('CONCAT', [S, S, S], ['a', null, 'c']), 'ac');
    assert.deepEqual(call('CONCAT', [BYTES, BYTES], [bytes('01'), bytes('02ff')]), bytes('0102ff'));
  });

  test('CONCAT_WS skips NULL expressions and returns NULL for a NULL separator', () => {
    assert.equal(
      call('CONCAT_WS', [S, S, S, S, S], [', ', 'apple', 'banana', null, 'date']),
      'apple, banana, date',
    );
    assert.equal(call('CONCAT_WS', [S, S], [null, 'a']), null);
    assert.deepEqual(
      call('CONCAT_WS', [BYTES, BYTES, BYTES], [bytes('00'), bytes('01'), bytes('02')]),
      bytes('010002'),
    );
  });

  test('SUBSTRING is 1-based, counts negative positions from the end and clamps', () => {
    assert.equal(call('SUBSTRING', [S, I, I], ['stream', 1, 4]), 'stre');
    assert.equal(call('SUBSTRING', [S, I], ['stream', 3]), 'ream');
    assert.equal(call('SUBSTRING', [S, I], ['stream', -3]), 'eam');
    assert.equal(call('SUBSTRING', [S, I, I], ['stream', -3, 2]), 'ea');
    assert.equal(call('SUBSTRING', [S, I, I], ['stream', 0, 2]), 'st');
    assert.equal(call('SUBSTRING', [S, I], ['stream', 10]), '');
    assert.equal(call('SUBSTRING', [S, I, I], ['stream', 2, -1]), '');
    assert.equal(call('SUBSTRING', [S, I], [null, 1]), null);
    assert.deepEqual(call('SUBSTRING', [BYTES, I, I], [bytes('010203'), 2, 1]), bytes('02'));
  });

  test('LEN counts UTF-16 units of a string and bytes of BYTES', () => {
    assert.equal(call('LEN', [S], ['hello']), 5);
    assert.equal(call('LEN', [BYTES], [bytes('0102')]), 2);
    assert.equal(call('LEN', [S], [null]), null);
  });

  test('TRIM, LTRIM and RTRIM remove spaces and control characters as Java trim does', () => {
    assert.equal(call('TRIM', [S], ['  \t hi \n ']), 'hi');
    assert.equal(call('LTRIM', [S], ['  hi  ']), 'hi  ');
    assert.equal(call('RTRIM', [S], ['  hi  ']), '  hi');
  });

  test('REPLACE replaces every literal occurrence', () => {
    assert.equal(call('REPLACE', [S, S, S], ['a.b.c', '.', '$&']), 'a$&b$&c');
    assert.equal(call('REPLACE', [S, S, S], ['abc', 'b', null]), null);
  });

  test('SPLIT keeps empty pieces at the ends and between adjacent delimiters', () => {
    assert.deepEqual(call('SPLIT', [S, S], [',a,,b,', ',']), ['', 'a', '', 'b', '']);
    assert.deepEqual(call('SPLIT', [S, S], ['abc', '']), ['a', 'b', 'c']);
    assert.deepEqual(call('SPLIT', [S, S], ['abc', ',']), ['abc']);
    assert.equal(call('SPLIT', [S, S], ['abc', null]), null);
    assert.deepEqual(call('SPLIT', [BYTES, BYTES], [bytes('01ff02'), bytes('ff')]), [
      bytes('01'),
      bytes('02'),
    ]);
  });

  test('INSTR finds the n-th occurrence from a position, backwards when it is negative', () => {
    assert.equal(call('INSTR', [S, S], ['CORPORATE FLOOR', 'OR']), 2);
    assert.equal(call('INSTR', [S, S, I], ['CORPORATE FLOOR', 'OR', 3]), 5);
    assert.equal(call('INSTR', [S, S, I, I], ['CORPORATE FLOOR', 'OR', 3, 2]), 14);
    assert.equal(call('INSTR', [S, S, I], ['CORPORATE FLOOR', 'OR', -3]), 5);
    assert.equal(call('INSTR', [S, S, I, I], ['CORPORATE FLOOR', 'OR', -3, 2]), 2);
    assert.equal(call('INSTR', [S, S], ['CORPORATE FLOOR', 'MISSING']), 0);
    assert.equal(call('INSTR', [S, S], [null, 'OR']), 0);
  });

  test('LPAD and RPAD pad or truncate to the length, and give NULL for empty padding', () => {
    assert.equal(call('LPAD', [S, I, S], ['Foo', 7, 'Bar']), 'BarBFoo');
    assert.equal(call('LPAD', [S, I, S], ['Foo', 2, 'Bar']), 'Fo');
    assert.equal(call('LPAD', [S, I, S], ['', 2, 'Bar']), 'Ba');
    assert.equal(call('LPAD', [S, I, S], ['123', 5, '0']), '00123');
    assert.equal(call('RPAD', [S, I, S], ['Foo', 7, 'Bar']), 'FooBarB');
    assert.equal(call('RPAD', [S, I, S], ['Foo', 2, 'Bar']), 'Fo');
    assert.equal(call('RPAD', [S, I, S], ['', 2, 'Bar']), 'Ba');
    assert.equal(call('LPAD', [S, I, S], ['Foo', 7, '']), null);
    assert.equal(call('RPAD', [S, I, S], ['Foo', -1, 'x']), null);
    assert.deepEqual(call('LPAD', [BYTES, I, BYTES], [bytes('01'), 3, bytes('00')]), bytes('000001'));
  });

  test('REGEXP_EXTRACT returns the whole match or a group, NULL without a match', () => {
    assert.equal(call('REGEXP_EXTRACT', [S, S, I], ['(.*) (.*)', 'hello there', 2]), 'there');
    assert.equal(call('REGEXP_EXTRACT', [S, S], ['[0-9]+', 'abc 123 def']), '123');
    assert.equal(call('REGEXP_EXTRACT', [S, S], ['x', 'abc']), null);
    assert.deepEqual(call('REGEXP_EXTRACT_ALL', [S, S, I], ['(\\w+) (\\w+)', 'hello there nice day', 2]), [
      'there',
      'day',
    ]);
  });

  test('REGEXP_REPLACE replaces all matches and reads Java group references', () => {
    assert.equal(call('REGEXP_REPLACE', [S, S, S], ['foobar food', 'fo+', 'x']), 'xbar xd');
    assert.equal(call('REGEXP_REPLACE', [S, S, S], ['john smith', '(\\w+) (\\w+)', '$2, $1']), 'smith, john');
    assert.equal(call('REGEXP_REPLACE', [S, S, S], ['a1', '\\d', '\\$']), 'a$');
    assert.equal(call('REGEXP_REPLACE', [S, S, S], ['a', null, 'b']), null);
  });

  test('REGEXP_SPLIT_TO_ARRAY keeps empty pieces and splits every character on an empty pattern', () => {
    assert.deepEqual(call('REGEXP_SPLIT_TO_ARRAY', [S, S], ['aXbXXc', 'X']), ['a', 'b', '', 'c']);
    assert.deepEqual(call('REGEXP_SPLIT_TO_ARRAY', [S, S], ['a1b22c', '(\\d+)']), ['a', 'b', 'c']);
    assert.deepEqual(call('REGEXP_SPLIT_TO_ARRAY', [S, S], ['abc', '']), ['a', 'b', 'c']);
    assert.deepEqual(call('REGEXP_SPLIT_TO_ARRAY', [S, S], ['abc', 'z']), ['abc']);
  });

  test('MASK and its variants follow the documented examples', () => {
    assert.equal(call('MASK', [S], ['My Test $123']), 'Xx-Xxxx--nnn');
    assert.equal(call('MASK', [S, S, S, S, S], ['My Test $123', '*', null, '1', null]), '*y *est $111');
    assert.equal(call('MASK_KEEP_LEFT', [S, I], ['My Test $123', 4]), 'My Txxx--nnn');
    assert.equal(call('MASK_KEEP_RIGHT', [S, I], ['My Test $123', 4]), 'Xx-Xxxx-$123');
    assert.equal(call('MASK_LEFT', [S, I], ['My Test $123', 4]), 'Xx-Xest $123');
    assert.equal(call('MASK_RIGHT', [S, I], ['My Test $123', 4]), 'My Test -nnn');
    assert.throws(() => call('MASK_LEFT', [S, I], ['abc', -1]), /non-negative/);
    assert.throws(() => call('MASK', [S, S, S, S, S], ['abc', '**', 'x', 'n', '-']), /single character/);
  });

  test('UUID returns a fresh version 4 UUID each call', () => {
    const a = call('UUID', [], []) as string;
    assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(call('UUID', [], []), a);
  });

  test('CHR reads decimal codes and \\u escapes, NULL for invalid code points', () => {
    assert.equal(call('CHR', [I], [75]), 'K');
    assert.equal(call('CHR', [S], ['\\u004b']), 'K');
    assert.equal(call('CHR', [I], [22909]), '好');
    assert.equal(call('CHR', [S], ['\\u597d']), '好');
    assert.equal(call('CHR', [I], [-1]), null);
    assert.equal(call('CHR', [S], ['K']), null);
  });

  test('ENCODE, TO_BYTES and FROM_BYTES convert between hex, utf8, ascii and base64', () => {
    assert.equal(call('ENCODE', [S, S, S], ['4b61666b61', 'hex', 'utf8']), 'Kafka');
    assert.equal(call('ENCODE', [S, S, S], ['Kafka', 'utf8', 'base64']), 'S2Fma2E=');
    assert.equal(call('ENCODE', [S, S, S], ['S2Fma2E=', 'base64', 'hex']), '4b61666b61');
    assert.deepEqual(call('TO_BYTES', [S, S], ['4b61', 'hex']), bytes('4b61'));
    assert.equal(call('FROM_BYTES', [BYTES, S], [bytes('4b61666b61'), 'utf8']), 'Kafka');
    assert.equal(call('FROM_BYTES', [BYTES, S], [bytes('4b61'), 'BASE64']), 'S2E=');
    assert.throws(() => call('TO_BYTES', [S, S], ['abc', 'ebcdic']), /unsupported encoding/);
    assert.throws(() => call('TO_BYTES', [S, S], ['xyz', 'hex']), /not valid hex/);
    assert.equal(call('TO_BYTES', [S, S], [null, 'hex']), null);
  });
});

describe('regular expressions', () => {
  test("Java's leading inline flags apply, and invalid patterns are reported", () => {
    assert.equal(call('REGEXP_EXTRACT', [S, S], ['(?i)HELLO', 'say hello']), 'hello');
    assert.throws(
      () => call('REGEXP_EXTRACT', [S, S], ['(unclosed', 'x']),
      /REGEXP_EXTRACT: invalid regular expression/,
    );
  });
});

describe('SPLIT_TO_MAP', () => {
  const split = (input: string | null, entry: string | null, kv: string | null) =>
    call('SPLIT_TO_MAP', [S, S, S], [input, entry, kv]);

  test('splits entries, then each entry into key and value; the last value for a key wins', () => {
    assert.deepEqual(
      split('apple:=green/cherry:=red/apple:=red', '/', ':='),
      new Map([
        ['apple', 'red'],
        ['cherry', 'red'],
      ]),
    );
    // Empty entries and entries without the key-value delimiter are skipped.
    assert.deepEqual(
      split('//a=1/b/c=', '/', '='),
      new Map([
        ['a', '1'],
        ['c', ''],
      ]),
    );
    assert.deepEqual(split('a=1=2', ',', '='), new Map([['a', '1']]));
  });

  test('is NULL for a NULL input, or a NULL, empty or equal pair of delimiters', () => {
    assert.equal(split(null, '/', '='), null);
    assert.equal(split('a=1', null, '='), null);
    assert.equal(split('a=1', '/', ''), null);
    assert.equal(split('a=1', '=', '='), null);
  });
});
