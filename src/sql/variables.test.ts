// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} is SQL variable syntax in these strings, not a template.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SqlParseError } from './errors.js';
import { parseStatement, parseStatements } from './parser.js';
import { substituteVariables } from './variables.js';

describe('variable substitution', () => {
  test('replaces a bare reference with the value, and one inside a string within the string', () => {
    const text =
      "CREATE STREAM S (ID INT) WITH (KAFKA_TOPIC='${topic}_v1', VALUE_FORMAT='${format}', REPLICAS=${replicas})";
    assert.equal(
      substituteVariables(text, { topic: 'orders', format: 'AVRO', replicas: '3' }),
      "CREATE STREAM S (ID INT) WITH (KAFKA_TOPIC='orders_v1', VALUE_FORMAT='AVRO', REPLICAS=3)",
    );
  });

  test('looks names up case-insensitively', () => {
    assert.equal(substituteVariables('SELECT ${Col} FROM s', new Map([['COL', 'x']])), 'SELECT x FROM s');
  });

  test('lets a variable stand for a name, quoted or not', () => {
    const statement = parseStatement("CREATE SOURCE CONNECTOR ${name} WITH ('connector.class'='C')", {
      variables: { name: '`my-conn`' },
    });
    assert.equal(statement.kind === 'createConnector' && statement.name, 'my-conn');
  });

  test('lets a variable whose value keeps its quotes stand for a string literal', () => {
    const statement = parseStatement('SELECT * FROM s WHERE name = ${who}', {
      variables: { who: "'Tom Sawyer'" },
    });
    assert.ok(statement.kind === 'select' && statement.query.where?.kind === 'binary');
    assert.deepEqual(statement.query.where.right, { kind: 'string', value: 'Tom Sawyer' });
  });

  test('refuses a value that would inject more than one token', () => {
    assert.throws(
      () => substituteVariables('SELECT * FROM ${s}', { s: 'a; DROP STREAM b' }),
      (error: unknown) =>
        error instanceof SqlParseError &&
        error.column === 15 &&
        /neither a name nor a literal/.test(error.message),
    );
  });

  test('refuses a value that carries a comment which would hide the rest of the line', () => {
    assert.throws(
      () => substituteVariables("SELECT * FROM ${s} WHERE x = 'secret'", { s: 'a --' }),
      SqlParseError,
    );
  });

  test('accepts a negative number as a value', () => {
    assert.equal(substituteVariables('SELECT ${n} FROM s', { n: '-5' }), 'SELECT -5 FROM s');
  });

  test('leaves undefined references, comments and quoted identifiers alone', () => {
    const text = 'SELECT ${missing}, `${x}` FROM s -- ${x}';
    assert.equal(substituteVariables(text, { x: '1' }), text);
  });

  test('keeps $${name} as the literal text ${name} inside a string', () => {
    assert.equal(
      substituteVariables("SELECT '$${x} is ${x}' FROM s", { x: '1' }),
      "SELECT '${x} is 1' FROM s",
    );
  });

  test('doubles quotes that a value brings into a string', () => {
    assert.equal(substituteVariables("SELECT '${v}' FROM s", { v: "it's" }), "SELECT 'it''s' FROM s");
  });

  test('applies DEFINE and UNDEFINE in a script to the statements after them', () => {
    const parsed = parseStatements(
      "DEFINE topicName = 'pageviews';\nPRINT '${topicName}';\nUNDEFINE topicname;\nPRINT '${topicName}';",
      { variables: {} },
    );
    assert.deepEqual(
      parsed.map((entry) => entry.statement.kind === 'print' && entry.statement.topic),
      [false, 'pageviews', false, '${topicName}'],
    );
    assert.equal(parsed[1].text, "PRINT 'pageviews'");
  });

  test('starts a script from the variables a caller passes in, without changing them', () => {
    const session = new Map([['format', 'JSON']]);
    const parsed = parseStatements("DEFINE format = 'AVRO'; SET 'value.format'='${format}'", {
      variables: session,
    });
    assert.deepEqual(parsed[1].statement, { kind: 'setProperty', name: 'value.format', value: 'AVRO' });
    assert.equal(session.get('format'), 'JSON');
  });

  test('substitutes nothing unless variables are given', () => {
    const [parsed] = parseStatements("PRINT '${t}'");
    assert.deepEqual(parsed.statement, { kind: 'print', topic: '${t}', fromBeginning: false });
  });
});
