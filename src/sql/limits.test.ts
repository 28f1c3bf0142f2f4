import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SqlParseError } from './errors.js';
import { parseStatements } from './parser.js';
import { DEFAULT_MAX_NESTING_DEPTH } from './token-cursor.js';

// What one request may hold is bounded, so no small request can expand or nest without limit.

const parens = (n: number) => `SELECT ${'('.repeat(n)}1${')'.repeat(n)} FROM s EMIT CHANGES;`;
const chain = (n: number) =>
  `SELECT * FROM s WHERE ${Array.from({ length: n }, (_, i) => `x = ${i}`).join(' OR ')} EMIT CHANGES;`;
const structs = (n: number) =>
  `CREATE STREAM s (v ${Array.from({ length: n - 1 }).reduce<string>((t) => `STRUCT<a ${t}>`, 'INT')}) WITH (KAFKA_TOPIC='s');`;

test('nesting up to the limit parses; one level more is refused with the limit and the setting', () => {
  const limits = { maxNestingDepth: 50 };
  // Parentheses: the select item itself is one level, each pair one more.
  assert.doesNotThrow(() => parseStatements(parens(48), { limits }));
  assert.throws(() => parseStatements(parens(60), { limits }), {
    name: 'SqlParseError',
    message: /nests deeper than 50 levels .*sluice\.statement\.max\.nesting\.depth/,
  });
  // A chain of operators is as deep as it is long, though read in a loop.
  assert.doesNotThrow(() => parseStatements(chain(20), { limits }));
  assert.throws(() => parseStatements(chain(60), { limits }), /nests deeper than 50 levels/);
  assert.doesNotThrow(() => parseStatements(structs(50), { limits }));
  assert.throws(() => parseStatements(structs(51), { limits }), /nests deeper than 50 levels/);
  assert.throws(
    () =>
      parseStatements(`CREATE STREAM s (v INT${' ARRAY'.repeat(60)}) WITH (KAFKA_TOPIC='s');`, { limits }),
    /nests deeper than 50 levels/,
  );
});

test('the default depth stops 10,000 parentheses with a parse error, not a stack overflow', () => {
  assert.throws(
    () => parseStatements(parens(10_000)),
    (err: unknown) => {
      assert.ok(err instanceof SqlParseError);
      assert.match(err.message, new RegExp(`nests deeper than ${DEFAULT_MAX_NESTING_DEPTH} levels`));
      return true;
    },
  );
  assert.throws(() => parseStatements(chain(20_000)), SqlParseError);
});

test('nested DEFINEs cannot expand a statement past the length limit', () => {
  // Each level repeats the one before it ten times: level 9 would be 10^9 characters; level 5 (line 6)
  // is the first past 100,000.
  const levels = Array.from({ length: 9 }, (_, i) => `DEFINE v${i + 1} = '${`\${v${i}}`.repeat(10)}';`);
  const script = ["DEFINE v0 = 'x';", ...levels, "SELECT '${v9}' FROM s EMIT CHANGES;"].join('\n');
  assert.throws(
    () => parseStatements(script, { variables: new Map(), limits: { maxStatementLength: 100_000 } }),
    {
      name: 'SqlParseError',
      message: /line 6:.*is longer than 100000 characters.*sluice\.statement\.max\.length/,
    },
  );
  // A bare reference is bounded the same way.
  const bare = ["DEFINE big = 'aaaaaaaaaa';", `SELECT ${'${big}, '.repeat(20)}1 FROM s EMIT CHANGES;`].join(
    '\n',
  );
  assert.throws(
    () => parseStatements(bare, { variables: new Map(), limits: { maxStatementLength: 100 } }),
    /statement is longer than 100 characters/,
  );
  assert.equal(
    parseStatements(bare, { variables: new Map(), limits: { maxStatementLength: 1000 } }).length,
    2,
  );
});

test('a statement longer than the limit is refused even without variables', () => {
  assert.throws(
    () =>
      parseStatements(`SELECT '${'x'.repeat(200)}' FROM s EMIT CHANGES;`, {
        limits: { maxStatementLength: 100 },
      }),
    /The statement is 2\d\d characters long, more than 100/,
  );
});

test('a script with more statements than the limit is refused at the first one too many', () => {
  const script = "DEFINE a = '1';\nDEFINE b = '2';\nDEFINE c = '3';";
  assert.equal(parseStatements(script, { limits: { maxStatements: 3 } }).length, 3);
  assert.throws(() => parseStatements(script, { limits: { maxStatements: 2 } }), {
    message:
      /^line 3:1: The request holds more than the 2 statements one request may hold \(statement 3 starts here\).*sluice\.request\.max\.statements/,
  });
});

test('20,000 DEFINEs in one script are each seen by the statements after them', () => {
  // One map lookup per reference: this took minutes when every statement copied every variable.
  const n = 20_000;
  const defines = Array.from({ length: n }, (_, i) => `DEFINE v${i} = '${i}';`).join('\n');
  const parsed = parseStatements(
    `${defines}\nUNDEFINE V0;\nSELECT '\${v0}', '\${V19999}' FROM s EMIT CHANGES;`,
    {
      variables: new Map(),
    },
  );
  assert.equal(parsed.length, n + 2);
  assert.equal(parsed.at(-1)?.text, "SELECT '${v0}', '19999' FROM s EMIT CHANGES");
});
