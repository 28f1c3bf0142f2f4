import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findLocalCommand } from './local-commands.js';
import { classifyStatement } from './statement-kind.js';
import { StatementBuffer, splitStatements } from './statement-splitter.js';

test('splits statements at semicolons and keeps each one’s closing semicolon', () => {
  assert.deepEqual(splitStatements('SHOW STREAMS; SHOW TABLES;\nSHOW TOPICS;'), {
    statements: ['SHOW STREAMS;', 'SHOW TABLES;', 'SHOW TOPICS;'],
    rest: '',
  });
});

test('a semicolon inside quotes, backquotes or comments does not end a statement', () => {
  const text = [
    "INSERT INTO s VALUES ('a;b', 'it''s;');",
    'SELECT "x;y", `z;` FROM t -- not here;',
    'EMIT CHANGES /* nor; here */;',
  ].join('\n');
  const { statements, rest } = splitStatements(text);
  assert.equal(statements.length, 2);
  assert.equal(statements[0], "INSERT INTO s VALUES ('a;b', 'it''s;');");
  assert.match(statements[1], /^SELECT "x;y", `z;` FROM t -- not here;\nEMIT CHANGES \/\* nor; here \*\/;$/);
  assert.equal(rest, '');
});

test('text after the last semicolon is returned as the unfinished rest', () => {
  assert.deepEqual(splitStatements('SHOW STREAMS; SELECT *\nFROM s'), {
    statements: ['SHOW STREAMS;'],
    rest: ' SELECT *\nFROM s',
  });
});

test('a rest of only blanks and comments counts as nothing, but an open block comment does not', () => {
  assert.equal(splitStatements('SHOW STREAMS; -- done\n  ').rest, '');
  assert.equal(splitStatements('/* starts here').rest, '/* starts here');
});

test('a statement of only comments is dropped', () => {
  assert.deepEqual(splitStatements('-- header\n;SHOW TABLES;').statements, ['SHOW TABLES;']);
});

test('the statement buffer joins lines until a statement is complete', () => {
  const buffer = new StatementBuffer();
  assert.deepEqual(buffer.push('CREATE STREAM s (id INT)'), []);
  assert.equal(buffer.isEmpty, false);
  assert.deepEqual(buffer.push("  WITH (kafka_topic='s;',"), []);
  assert.deepEqual(buffer.push("value_format='JSON'); SHOW"), [
    "CREATE STREAM s (id INT)\n  WITH (kafka_topic='s;',\nvalue_format='JSON');",
  ]);
  assert.deepEqual(buffer.push('STREAMS;'), ['SHOW\nSTREAMS;']);
  assert.equal(buffer.isEmpty, true);
});

test('an unclosed quote keeps the buffer waiting across lines', () => {
  const buffer = new StatementBuffer();
  assert.deepEqual(buffer.push("INSERT INTO s VALUES ('multi"), []);
  assert.deepEqual(buffer.push("line;');"), ["INSERT INTO s VALUES ('multi\nline;');"]);
});

test('queries, PRINT, SET, UNSET, DEFINE, UNDEFINE and SHOW VARIABLES are handled by the shell', () => {
  assert.deepEqual(classifyStatement('select * from s emit changes limit 3;'), {
    kind: 'query',
    text: 'select * from s emit changes limit 3;',
    limit: 3,
  });
  assert.deepEqual(classifyStatement('-- c\nSELECT 1 FROM s EMIT CHANGES;'), {
    kind: 'query',
    text: '-- c\nSELECT 1 FROM s EMIT CHANGES;',
    limit: undefined,
  });
  assert.equal(classifyStatement("PRINT 'topic' FROM BEGINNING;").kind, 'print');
  assert.deepEqual(classifyStatement("SET 'auto.offset.reset' = 'earliest';"), {
    kind: 'setProperty',
    name: 'auto.offset.reset',
    value: 'earliest',
  });
  assert.deepEqual(classifyStatement("unset 'auto.offset.reset';"), {
    kind: 'unsetProperty',
    name: 'auto.offset.reset',
  });
  assert.deepEqual(classifyStatement("DEFINE topic = 'it''s';"), {
    kind: 'defineVariable',
    name: 'topic',
    value: "it's",
  });
  assert.deepEqual(classifyStatement('UNDEFINE topic;'), { kind: 'undefineVariable', name: 'topic' });
  assert.equal(classifyStatement('LIST VARIABLES;').kind, 'listVariables');
  assert.deepEqual(classifyStatement('SHOW STREAMS;'), { kind: 'server', text: 'SHOW STREAMS;' });
});

test('local commands are recognised case-insensitively, with quotes and a trailing semicolon dropped', () => {
  const run = findLocalCommand("RUN SCRIPT '/tmp/my script.sql';");
  assert.equal(run?.command.name, 'run script');
  assert.deepEqual(run?.args, ['/tmp/my script.sql']);
  assert.deepEqual(findLocalCommand('output json')?.args, ['json']);
  assert.equal(findLocalCommand('Exit;')?.command.name, 'exit');
  assert.equal(findLocalCommand('quit')?.command.name, 'quit');
  assert.equal(findLocalCommand('SHOW STREAMS;'), undefined);
  assert.equal(findLocalCommand('servers'), undefined);
});
