// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} is SQL variable syntax in these strings, not a template.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SqlParseError } from './errors.js';
import { parseStatements } from './parser.js';
import { parseFailure } from './round-trip.test-helper.js';

function assertFailure(
  sql: string,
  line: number,
  column: number,
  expected: string,
  found: string,
): SqlParseError {
  const error = parseFailure(sql);
  assert.equal(error.line, line, 'line');
  assert.equal(error.column, column, 'column');
  assert.equal(error.expected, expected, 'expected');
  assert.equal(error.found, found, 'found');
  return error;
}

describe('parse errors', () => {
  test('name the token found, what was expected, and where', () => {
    const error = assertFailure('SELECT a, FROM s', 1, 11, 'an expression', "'FROM'");
    assert.equal(error.message, "line 1:11: expected an expression but found 'FROM'");
    assert.equal(error.name, 'SqlParseError');
  });

  test('say end of input when the statement stops short', () => {
    const error = assertFailure('SELECT * FROM s WHERE', 1, 22, 'an expression', 'end of input');
    assert.equal(error.message, 'line 1:22: expected an expression but found end of input');
  });

  test('point at the source text as written, not upper-cased', () => {
    assertFailure('selec * from s', 1, 1, 'a statement', "'selec'");
  });

  test('count lines and columns across newlines', () => {
    assertFailure('SELECT *\nFROM s\nWHERE x = ', 3, 11, 'an expression', 'end of input');
  });

  test('offer both the comma and the closing bracket after a list item', () => {
    assertFailure('CREATE STREAM S (A INT B INT)', 1, 24, "',' or ')'", "'B'");
    assertFailure('SELECT a b c FROM s', 1, 12, "',' or FROM", "'c'");
  });

  test('list the choices when one of several keywords must follow', () => {
    const error = assertFailure('SELECT * FROM s EMIT NOW', 1, 22, 'one of CHANGES, FINAL', "'NOW'");
    assert.equal(error.message, "line 1:22: expected one of CHANGES, FINAL but found 'NOW'");
  });

  test('report tokens left over after a complete statement', () => {
    assertFailure('SELECT * FROM s foo bar', 1, 21, 'end of statement', "'bar'");
    assertFailure('SHOW STREAMS; SHOW TABLES', 1, 15, 'end of statement', "'SHOW'");
  });

  test('require WITH on CREATE CONNECTOR', () => {
    assertFailure('CREATE SOURCE CONNECTOR s', 1, 26, 'WITH', 'end of input');
  });

  test('suggest quoting a reserved keyword used as a name', () => {
    const error = assertFailure('CREATE STREAM select (a INT)', 1, 15, 'a stream or table name', "'select'");
    assert.match(error.message, /quote it as `select`/);
  });

  test('say that a variable left in a name position is not defined', () => {
    const error = assertFailure('DROP CONNECTOR ${name}', 1, 16, 'a connector name', "'${name}'");
    assert.match(error.message, /variable name is not defined/);
  });

  test('reject a fractional DECIMAL precision and an unknown time unit', () => {
    assertFailure('CREATE STREAM S (A DECIMAL(1.5, 2))', 1, 28, 'the precision of DECIMAL', "'1.5'");
    assertFailure(
      'SELECT * FROM S WINDOW TUMBLING (SIZE 1 YEAR)',
      1,
      41,
      'one of MILLISECOND, MILLISECONDS, SECOND, SECONDS, MINUTE, MINUTES, HOUR, HOURS, DAY, DAYS',
      "'YEAR'",
    );
  });

  test('point into the right statement of a script', () => {
    assert.throws(
      () => parseStatements('SHOW STREAMS;\n\n  SELECT * FROM t WHERE x = ;'),
      (error: unknown) => error instanceof SqlParseError && error.line === 3 && error.column === 28,
    );
  });

  test('report an empty statement as a missing statement', () => {
    assertFailure('', 1, 1, 'a statement', 'end of input');
  });
});
