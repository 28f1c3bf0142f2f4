import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError } from './errors.js';
import { parseProperties, propertiesToRecord, readPropertiesFile } from './properties-file.js';

const parse = (text: string): Record<string, string> => propertiesToRecord(parseProperties(text));

describe('parseProperties', () => {
  test('accepts =, : and blanks as the separator between key and value', () => {
    assert.deepEqual(parse('a=1\nb:2\nc 3\nd\t4\ne = 5\nf : 6'), {
      a: '1',
      b: '2',
      c: '3',
      d: '4',
      e: '5',
      f: '6',
    });
  });

  test('skips # and ! comments, indented comments and blank lines', () => {
    assert.deepEqual(parse('# comment\n! also\n   # indented\n\n   \na=1'), { a: '1' });
  });

  test('does not continue a comment that ends in a backslash', () => {
    assert.deepEqual(parse('# comment \\\na=1'), { a: '1' });
  });

  test('keeps trailing blanks of a value but drops leading ones', () => {
    assert.deepEqual(parse('key =   value  '), { key: 'value  ' });
  });

  test('gives a key without a value the empty string', () => {
    assert.deepEqual(parse('lonely\nspaced   \nequals='), { lonely: '', spaced: '', equals: '' });
  });

  test('only the first separator splits; later = and : belong to the value', () => {
    assert.deepEqual(parse('url=http://h:8083/a=b\nk = = x'), { url: 'http://h:8083/a=b', k: '= x' });
  });

  test('joins continuation lines and drops their leading blanks', () => {
    assert.deepEqual(parse('list=a,\\\n    b,\\\n\tc\nnext=1'), { list: 'a,b,c', next: '1' });
  });

  test('a continuation line starting with # is part of the value, not a comment', () => {
    assert.deepEqual(parse('a=x\\\n  #y'), { a: 'x#y' });
  });

  test('an even number of trailing backslashes is an escaped backslash, not a continuation', () => {
    assert.deepEqual(parse('path=C:\\\\dir\\\\\nnext=1'), { path: 'C:\\dir\\', next: '1' });
  });

  test('drops a continuation backslash on the last line of the text', () => {
    assert.deepEqual(parse('a=b\\'), { a: 'b' });
  });

  test('decodes \\t \\n \\r \\f and \\uXXXX escapes', () => {
    assert.deepEqual(parse('v=tab\\there\\nline\\rret\\fform \\u00e9\\u20AC'), {
      v: 'tab\there\nline\rret\fform é€',
    });
  });

  test('an escaped separator or blank belongs to the key', () => {
    assert.deepEqual(parse('a\\=b=c\nx\\:y:z\nwith\\ space=v'), {
      'a=b': 'c',
      'x:y': 'z',
      'with space': 'v',
    });
  });

  test('any other escaped character stands for itself', () => {
    assert.deepEqual(parse('k=\\#not\\!comment \\q'), { k: '#not!comment q' });
  });

  test('a repeated key keeps its last value', () => {
    const file = parseProperties('a=1\nb=2\na=3');
    assert.equal(file.entries.get('a')?.value, '3');
    assert.equal(file.entries.get('a')?.line, 3);
  });

  test('understands CRLF and CR line endings and records the line where an entry starts', () => {
    const file = parseProperties('a=1\r\nb=2\\\r\n  more\rc=3');
    assert.deepEqual(propertiesToRecord(file), { a: '1', b: '2more', c: '3' });
    assert.equal(file.entries.get('c')?.line, 4);
  });

  test('ignores a UTF-8 byte order mark', () => {
    assert.deepEqual(parse('\uFEFFa=1'), { a: '1' });
  });

  test('rejects a malformed \\u escape with the origin and line in the message', () => {
    assert.throws(
      () => parseProperties('ok=1\nbad=\\u12G4', 'server.properties'),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.code === 'PROPERTIES_SYNTAX' &&
        error.key === 'server.properties' &&
        error.message.includes('server.properties:2') &&
        error.message.includes('four hex digits'),
    );
  });
});

describe('readPropertiesFile', () => {
  test('reads a UTF-8 file and names it as the origin', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-config-'));
    try {
      const path = join(dir, 'server.properties');
      writeFileSync(path, 'ksql.service.id=café_\n');
      const file = readPropertiesFile(path);
      assert.equal(file.origin, path);
      assert.equal(file.entries.get('ksql.service.id')?.value, 'café_');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('reports a missing file as a ConfigError naming the path and what to check', () => {
    assert.throws(
      () => readPropertiesFile('/nonexistent/sluice.properties'),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.code === 'FILE_UNREADABLE' &&
        error.key === '/nonexistent/sluice.properties' &&
        error.message.includes('ENOENT') &&
        error.message.includes('--config'),
    );
  });
});
