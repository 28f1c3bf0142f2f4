import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pullShapeOf } from './pull-shape.js';

test('a pull query shape takes out string and integer literals and keeps everything else as written', () => {
  const a = pullShapeOf("SELECT * FROM t WHERE k = 'x''y' AND n = 42 LIMIT 3;");
  const b = pullShapeOf("SELECT * FROM t WHERE k = 'zz' AND n = 7 LIMIT 30;");
  assert.ok(a !== undefined && b !== undefined);
  assert.equal(a.key, b.key);
  assert.deepEqual(
    a.literals.map((l) => [l.kind, l.value, l.start]),
    [
      ['string', "x'y", 26],
      ['number', '42', 41],
      ['number', '3', 50],
    ],
  );
  // A string and a number in the same place are different shapes.
  assert.notEqual(
    pullShapeOf("SELECT * FROM t WHERE k = '1';")?.key,
    pullShapeOf('SELECT * FROM t WHERE k = 1;')?.key,
  );
  // Names with digits, decimals, exponents and quoted names stay in the shape.
  for (const [x, y] of [
    ['SELECT c1 FROM t1;', 'SELECT c2 FROM t1;'],
    ['SELECT * FROM t WHERE d = 1.5;', 'SELECT * FROM t WHERE d = 2.5;'],
    ['SELECT * FROM t WHERE d = 1E3;', 'SELECT * FROM t WHERE d = 1E4;'],
    ['SELECT 1ST FROM t;', 'SELECT 2ST FROM t;'],
    ['SELECT `a 1` FROM "t 1";', 'SELECT `a 2` FROM "t 1";'],
  ]) {
    assert.notEqual(pullShapeOf(x)?.key, pullShapeOf(y)?.key, `${x} / ${y}`);
  }
  assert.equal(
    pullShapeOf("SELECT \"it's\" FROM t WHERE k = 'a';")?.key,
    pullShapeOf("SELECT \"it's\" FROM t WHERE k = 'bb';")?.key,
  );
});

test('text the scan is unsure of has no shape: comments, variables, non-ASCII, an open quote', () => {
  for (const sql of [
    "SELECT * FROM t WHERE k = 'a'; -- note",
    "SELECT * FROM t /* c */ WHERE k = 'a';",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ksqlDB's ${var} substitution, not a JS template
    'SELECT * FROM t WHERE k = ${key};',
    "SELECT * FROM t WHERE k = 'é';",
    "SELECT * FROM t WHERE k = 'a",
  ]) {
    assert.equal(pullShapeOf(sql), undefined, sql);
  }
});
