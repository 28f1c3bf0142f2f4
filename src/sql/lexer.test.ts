// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} is SQL variable syntax in these strings, not a template.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SqlParseError } from './errors.js';
import { tokenize } from './lexer.js';

function kindsAndValues(text: string): string[] {
  return tokenize(text)
    .filter((token) => token.kind !== 'eof')
    .map((token) => `${token.kind}:${token.value}`);
}

describe('lexer', () => {
  test('upper-cases unquoted identifiers and keeps the case of quoted ones', () => {
    assert.deepEqual(kindsAndValues('foo "Bar" `baz`'), [
      'identifier:FOO',
      'quotedIdentifier:Bar',
      'quotedIdentifier:baz',
    ]);
  });

  test('reads keywords case-insensitively', () => {
    assert.deepEqual(kindsAndValues('select From'), ['keyword:SELECT', 'keyword:FROM']);
  });

  test('accepts @ inside identifiers and names that start with a digit', () => {
    assert.deepEqual(kindsAndValues('a@b 1st_place'), ['identifier:A@B', 'identifier:1ST_PLACE']);
  });

  test('unescapes doubled quotes in strings and quoted identifiers', () => {
    assert.deepEqual(kindsAndValues('\'it\'\'s\' "a""b" `c``d`'), [
      "string:it's",
      'quotedIdentifier:a"b',
      'quotedIdentifier:c`d',
    ]);
  });

  test('reads integers, decimals and exponents as numbers written as they are', () => {
    assert.deepEqual(kindsAndValues('42 3.14 .5 1e10 2.5E-3'), [
      'number:42',
      'number:3.14',
      'number:.5',
      'number:1e10',
      'number:2.5E-3',
    ]);
  });

  test('prefers the longest operator', () => {
    assert.deepEqual(kindsAndValues('-> => <> != <= >= || := < >'), [
      'symbol:->',
      'symbol:=>',
      'symbol:<>',
      'symbol:!=',
      'symbol:<=',
      'symbol:>=',
      'symbol:||',
      'symbol::=',
      'symbol:<',
      'symbol:>',
    ]);
  });

  test('lexes >> as two closing brackets so nested types close', () => {
    assert.deepEqual(kindsAndValues('>>'), ['symbol:>', 'symbol:>']);
  });

  test('drops line and block comments', () => {
    assert.deepEqual(kindsAndValues('a -- note\n/* multi\nline */ b --@directive'), [
      'identifier:A',
      'identifier:B',
    ]);
  });

  test('reads variable references', () => {
    assert.deepEqual(kindsAndValues('${topicName}'), ['variable:topicName']);
  });

  test('gives every token its line and column, counting from 1', () => {
    const tokens = tokenize('SELECT a,\n  b FROM s');
    const b = tokens.find((token) => token.value === 'B');
    assert.equal(b?.line, 2);
    assert.equal(b?.column, 3);
    assert.equal(tokens[0].line, 1);
    assert.equal(tokens[0].column, 1);
  });

  test('keeps each token source text so a slice of the input gives it back', () => {
    const text = "SELECT 'x''y' FROM `t`";
    for (const token of tokenize(text)) assert.equal(text.slice(token.start, token.end), token.text);
  });

  test('reports an unterminated string where it starts', () => {
    assert.throws(
      () => tokenize("SELECT 'abc"),
      (error: unknown) =>
        error instanceof SqlParseError &&
        error.line === 1 &&
        error.column === 8 &&
        error.message === "line 1:8: unterminated string literal: add the closing '",
    );
  });

  test('reports an unterminated block comment', () => {
    assert.throws(() => tokenize('a /* b'), /line 1:3: unterminated comment/);
  });

  test('reports a character that belongs to no token', () => {
    assert.throws(() => tokenize('a # b'), /line 1:3: unexpected character '#'/);
  });
});
