import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SqlParseError } from './errors.js';
import { ALL_KEYWORDS } from './keywords.js';
import { parseStatement, parseStatements, splitStatements } from './parser.js';
import { printStatement } from './printer.js';

/*
 * Mutates real statements (every test/sql case, and test/fuzz/sql-seeds.sql) and parses the results: the
 * parser must answer with a SqlParseError or a tree that prints and parses back to itself, never crash
 * with anything else. A fixed seed and budget keep CI repeatable; SLUICE_FUZZ_SEED and
 * SLUICE_FUZZ_ITERATIONS run it longer. A failure prints the input: add it below as a regression case.
 */

const root = new URL('../../../', import.meta.url);
const ITERATIONS = Number(process.env.SLUICE_FUZZ_ITERATIONS ?? 4000);
const SEED = Number(process.env.SLUICE_FUZZ_SEED ?? 20261206);

function corpus(): string[] {
  const scripts = [readFileSync(new URL('test/fuzz/sql-seeds.sql', root), 'utf8')];
  const cases = new URL('test/sql/', root);
  for (const entry of readdirSync(cases, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    try {
      scripts.push(readFileSync(new URL(`${entry.name}/statements.sql`, cases), 'utf8'));
    } catch {
      // A case without statements has nothing to seed.
    }
  }
  return scripts.flatMap((script) => splitStatements(script).map((piece) => `${piece.text};`));
}

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAGMENTS = [
  '(',
  ')',
  ',',
  "'",
  '`',
  '"',
  ';',
  '${v}',
  '$${v}',
  'NULL',
  'STRUCT<',
  '>',
  '<',
  'ARRAY[',
  ']',
  'MAP(',
  ':=',
  '=>',
  '->',
  'CASE',
  'WHEN',
  'THEN',
  'END',
  '--',
  '/*',
  '*/',
  'EMIT CHANGES',
  '1e309',
  '-',
  '9'.repeat(40),
  '.',
  '..',
  '*',
  '\u0000',
  '\uFFFF',
  '\uD83D',
  '😀',
  ' ',
  '\n',
  'WITH (',
  "KAFKA_TOPIC='t'",
  'AS SELECT',
  'PARTITION BY',
  'IS NOT DISTINCT FROM',
  'x => x',
  '(a, b) =>',
  'DECIMAL(',
  "X'",
  "''",
  '0x',
  'E',
  '+',
  '%',
  '||',
  'IN (',
  'BETWEEN',
];

function mutate(text: string, next: () => number, corpusItems: readonly string[]): string {
  const at = () => Math.floor(next() * (text.length + 1));
  let out = text;
  const rounds = 1 + Math.floor(next() * 3);
  for (let i = 0; i < rounds; i++) {
    const a = at();
    const b = Math.min(out.length, a + Math.floor(next() * 12));
    switch (Math.floor(next() * 5)) {
      case 0:
        out = out.slice(0, a) + out.slice(b);
        break;
      case 1: {
        const pick =
          next() < 0.7
            ? FRAGMENTS[Math.floor(next() * FRAGMENTS.length)]
            : ALL_KEYWORDS[Math.floor(next() * ALL_KEYWORDS.length)];
        out = `${out.slice(0, a)} ${pick} ${out.slice(a)}`;
        break;
      }
      case 2:
        out = out.slice(0, b) + out.slice(a, b) + out.slice(b);
        break;
      case 3: {
        const other = corpusItems[Math.floor(next() * corpusItems.length)];
        const c = Math.floor(next() * other.length);
        out = out.slice(0, a) + other.slice(c, c + Math.floor(next() * 30)) + out.slice(a);
        break;
      }
      default: {
        const pick = FRAGMENTS[Math.floor(next() * FRAGMENTS.length)];
        out = out.slice(0, a) + pick.repeat(1 + Math.floor(next() * 50)) + out.slice(a);
      }
    }
  }
  return out;
}

/** Parses `text`; a SqlParseError is a fine answer, a tree must survive printing and parsing again. */
function check(text: string): void {
  let parsed: ReturnType<typeof parseStatements>;
  try {
    parsed = parseStatements(text, { variables: new Map([['v', 'orders']]) });
  } catch (err) {
    if (err instanceof SqlParseError) return;
    assert.fail(`parsing ${JSON.stringify(text)} threw ${(err as Error)?.stack ?? String(err)}`);
  }
  for (const { statement, text: one } of parsed) {
    const printed = printStatement(statement);
    let again: unknown;
    try {
      again = parseStatement(printed);
    } catch (err) {
      assert.fail(
        `${JSON.stringify(one)} printed as ${JSON.stringify(printed)}, which does not parse: ${String(err)}`,
      );
    }
    assert.deepEqual(
      again,
      statement,
      `${JSON.stringify(one)} printed as ${JSON.stringify(printed)}, which parses differently`,
    );
  }
}

test('every seed parses and prints back to itself', () => {
  const items = corpus();
  assert.ok(items.length > 50, `a corpus of ${items.length} statements`);
  for (const item of items) {
    try {
      parseStatements(item, { variables: new Map([['v', 'orders']]) });
    } catch (err) {
      // Some test/sql cases are about statements that must fail; they seed mutations all the same.
      if (!(err instanceof SqlParseError)) throw err;
    }
  }
  for (const item of items) check(item);
});

test(`${ITERATIONS} mutated statements parse or fail with a SqlParseError (seed ${SEED})`, () => {
  const items = corpus();
  const next = random(SEED);
  for (let i = 0; i < ITERATIONS; i++) {
    check(mutate(items[Math.floor(next() * items.length)], next, items));
  }
});

test('regressions found by the fuzzer', () => {
  for (const text of [
    `SELECT * FROM l JOIN r WITHIN ${'9'.repeat(400)} SECONDS ON l.a = r.a EMIT CHANGES;`,
    'SELECT * FROM l JOIN r WITHIN 9007199254740993 SECONDS ON l.a = r.a EMIT CHANGES;',
  ])
    check(text);
  assert.throws(
    () =>
      parseStatement(
        `SELECT * FROM s WINDOW TUMBLING (SIZE ${'9'.repeat(20)} SECONDS) GROUP BY a EMIT CHANGES;`,
      ),
    /expected a duration such as 10 SECONDS but found '9{20}'/,
  );
});
