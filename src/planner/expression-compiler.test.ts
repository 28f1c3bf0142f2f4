// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} is SQL variable syntax in these strings, not a template.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseExpressionText } from '../sql/index.js';
import {
  array,
  BIGINT,
  DATE,
  DOUBLE,
  decimal,
  INTEGER,
  map,
  STRING,
  struct,
  TIMESTAMP,
} from '../types/index.js';
import { EvaluationError, ExpressionError } from './compiled-expression.js';
import { compileExpression } from './expression-compiler.js';
import { compileText, dec, evaluateText, testScope, typeOfText } from './expression-test-scope.fixture.js';

describe('literals', () => {
  test('types whole numbers as INTEGER when they fit 32 bits and BIGINT otherwise', () => {
    assert.equal(typeOfText('2147483647'), 'INTEGER');
    assert.equal(evaluateText('2147483648'), 2147483648n);
    assert.equal(typeOfText('2147483648'), 'BIGINT');
    assert.throws(() => compileText('9223372036854775808'), ExpressionError);
  });

  test('types numbers with a point as DECIMAL of the digits written, as ksqlDB does', () => {
    assert.equal(typeOfText('1.5'), 'DECIMAL(2, 1)');
    assert.equal(typeOfText('12.340'), 'DECIMAL(5, 3)');
    assert.equal(typeOfText('0.8'), 'DECIMAL(2, 1)');
    assert.equal(typeOfText('0.005'), 'DECIMAL(4, 3)');
    assert.equal(typeOfText('.5'), 'DECIMAL(2, 1)');
    assert.deepEqual(evaluateText('12.340'), dec('12.340'));
  });

  test('types numbers with an exponent as DOUBLE', () => {
    assert.equal(typeOfText('1E3'), 'DOUBLE');
    assert.equal(evaluateText('1.5E-3'), 0.0015);
  });

  test('types strings and booleans, and needs a type for a bare NULL', () => {
    assert.equal(evaluateText("'it''s'"), "it's");
    assert.equal(typeOfText('TRUE'), 'BOOLEAN');
    assert.throws(() => compileText('NULL'), /Can't infer a type of NULL/);
  });
});

describe('column references', () => {
  const cols = { ID: [BIGINT, 7n], NAME: [STRING, 'x'] } as const;

  test('reads columns from their slot in the row, with or without a qualifier', () => {
    assert.equal(evaluateText('ID', cols), 7n);
    assert.equal(evaluateText('S.NAME', cols), 'x');
  });

  test('names the unknown column and lists the known ones', () => {
    assert.throws(
      () => compileText('NAMES', cols),
      (e: Error) =>
        e instanceof ExpressionError &&
        e.message === "Column 'NAMES' cannot be resolved. Known columns: ID, NAME.",
    );
    assert.throws(() => compileText('T.ID', cols), /Column 'T.ID' cannot be resolved/);
  });
});

describe('CASE', () => {
  const cols = { I: [INTEGER, 2], N: [INTEGER, null] } as const;

  test('returns the first branch whose condition is true, else ELSE, else NULL', () => {
    assert.equal(
      evaluateText("CASE WHEN I = 1 THEN 'one' WHEN I = 2 THEN 'two' ELSE 'many' END", cols),
      'two',
    );
    assert.equal(evaluateText("CASE WHEN I > 5 THEN 'big' ELSE 'small' END", cols), 'small');
    assert.equal(evaluateText("CASE WHEN I > 5 THEN 'big' END", cols), null);
    assert.equal(evaluateText("CASE WHEN N > 5 THEN 'big' ELSE 'unknown' END", cols), 'unknown');
  });

  test('compares the operand of a simple CASE with each WHEN value', () => {
    assert.equal(evaluateText("CASE I WHEN 1 THEN 'one' WHEN 2 THEN 'two' END", cols), 'two');
    assert.equal(evaluateText("CASE N WHEN 1 THEN 'one' ELSE 'none' END", cols), 'none');
  });

  test('gives the branches their common type', () => {
    assert.equal(typeOfText('CASE WHEN I = 1 THEN 1 WHEN I = 2 THEN 2.5 ELSE 3E0 END', cols), 'DOUBLE');
    assert.equal(evaluateText('CASE WHEN I = 2 THEN 1 ELSE CAST(NULL AS BIGINT) END', cols), 1n);
    assert.deepEqual(evaluateText('CASE WHEN I = 2 THEN 1 ELSE 2.25 END', cols), dec('1.00'));
    assert.equal(typeOfText('CASE WHEN I = 2 THEN 1 ELSE 2.25 END', cols), 'DECIMAL(12, 2)');
  });

  test('rejects branches of unrelated types and non-boolean conditions', () => {
    assert.throws(() => compileText("CASE WHEN I = 1 THEN 1 ELSE 'x' END", cols), /Invalid CASE expression/);
    assert.throws(() => compileText('CASE WHEN I THEN 1 END', cols), /WHEN operand type should be boolean/);
    assert.throws(() => compileText('CASE WHEN I = 1 THEN NULL END', cols), /every branch is NULL/);
  });
});

describe('structs, arrays and maps', () => {
  const cols = {
    S: [
      struct([
        { name: 'city', type: STRING },
        { name: 'ZIP', type: INTEGER },
      ]),
      { city: 'Oslo', ZIP: 150 },
    ],
    NS: [struct([{ name: 'A', type: INTEGER }]), null],
    A: [array(STRING), ['a', 'b', 'c']],
    M: [map(STRING, DOUBLE), new Map([['k', 1.5]])],
  } as const;

  test('reads struct fields by their case-sensitive name and gives NULL for a NULL struct', () => {
    assert.equal(evaluateText('S->`city`', cols), 'Oslo');
    assert.equal(evaluateText('S->zip', cols), 150);
    assert.equal(evaluateText('NS->A', cols), null);
    assert.throws(
      () => compileText('S->city', cols),
      /Could not find field 'CITY' in 'S'.*did you mean `city`/,
    );
    assert.throws(() => compileText('A->X', cols), /reads a field of a STRUCT/);
  });

  test('indexes arrays from 1, from the end with negative indexes, and NULL out of range', () => {
    assert.equal(evaluateText('A[1]', cols), 'a');
    assert.equal(evaluateText('A[3]', cols), 'c');
    assert.equal(evaluateText('A[-1]', cols), 'c');
    assert.equal(evaluateText('A[-3]', cols), 'a');
    assert.equal(evaluateText('A[0]', cols), null);
    assert.equal(evaluateText('A[4]', cols), null);
    assert.equal(evaluateText('A[-4]', cols), null);
    assert.throws(() => compileText("A['1']", cols), /array index must be INTEGER or BIGINT/);
  });

  test('looks maps up by key and gives NULL for a missing key', () => {
    assert.equal(evaluateText("M['k']", cols), 1.5);
    assert.equal(evaluateText("M['nope']", cols), null);
    assert.equal(evaluateText('MAP(1 := 2)[1]', cols), 2);
    assert.equal(evaluateText('MAP(1.5 := 2)[1.50]', cols), 2);
    assert.throws(() => compileText('M[1]', cols), /key of MAP<STRING, DOUBLE> must be STRING/);
    assert.throws(() => compileText("S['city']", cols), /Use the dereference operator/);
  });

  test('builds arrays, maps and structs with a common element type', () => {
    assert.deepEqual(evaluateText('ARRAY[1, 2.5, NULL]'), [dec('1.0'), dec('2.5'), null]);
    assert.equal(typeOfText('ARRAY[1, 2E0]'), 'ARRAY<DOUBLE>');
    assert.deepEqual(
      evaluateText("MAP('a' := 1, 'b' := 2)"),
      new Map([
        ['a', 1],
        ['b', 2],
      ]),
    );
    assert.equal(typeOfText("MAP('a' := 1, 'b' := CAST(2 AS BIGINT))"), 'MAP<STRING, BIGINT>');
    assert.deepEqual(evaluateText("STRUCT(A := 1, `b` := 'x')"), { A: 1, b: 'x' });
    assert.equal(typeOfText("STRUCT(A := 1, `b` := 'x')"), 'STRUCT<`A` INTEGER, `b` STRING>');
    assert.equal(evaluateText("STRUCT(A := 1, B := 'x')->B"), 'x');
  });

  test('rejects empty and all-NULL constructors and mixed element types', () => {
    assert.throws(() => compileText('ARRAY[]'), /Array constructor cannot be empty/);
    assert.throws(() => compileText('ARRAY[NULL]'), /all NULL elements/);
    assert.throws(() => compileText("ARRAY[1, 'a']"), /Invalid ARRAY/);
    assert.throws(() => compileText('STRUCT(A := NULL)'), /Cannot infer the type of field 'A'/);
  });
});

describe('function calls', () => {
  test('calls scalar functions resolved for the argument types', () => {
    assert.equal(evaluateText("UCASE('abc')"), 'ABC');
    assert.equal(evaluateText('ABS(I)', { I: [INTEGER, -3] }), 3);
    assert.equal(evaluateText('LEN(S)', { S: [STRING, null] }), null);
    assert.equal(typeOfText("SUBSTRING('abc', 2)"), 'STRING');
  });

  test('reports resolution errors from the function library as expression errors', () => {
    assert.throws(() => compileText('NO_SUCH_FN(1)'), /Can't find any functions with the name 'NO_SUCH_FN'/);
    assert.throws(
      () => compileText('UCASE(1)'),
      (e: Error) =>
        e instanceof ExpressionError && e.message.includes('does not accept parameters (INTEGER)'),
    );
  });

  test('says aggregate functions need GROUP BY', () => {
    assert.throws(
      () => compileText('COUNT(*)'),
      /COUNT is an aggregate function: it needs a query with GROUP BY/,
    );
    assert.throws(() => compileText('SUM(I)', { I: [INTEGER] }), /aggregate function/);
  });

  test("takes a bare time unit as DATEADD's first argument, as ksqlDB's grammar does", () => {
    const cols = { D: [DATE, 10], T: [TIMESTAMP, 1000] } as const;
    assert.equal(evaluateText('DATEADD(DAYS, 3, D)', cols), 13);
    assert.equal(evaluateText('DATESUB(DAY, 1, D)', cols), 9);
    assert.equal(evaluateText('TIMESTAMPADD(SECONDS, 2, T)', cols), 3000);
    assert.equal(evaluateText("TIMESTAMPADD('MILLISECONDS', 2, T)", cols), 1002);
    assert.throws(() => compileText('DATEADD(WEEKS, 1, D)', cols), /Column 'WEEKS' cannot be resolved/);
  });

  test('turns a failure inside a function into an evaluation error for that row', () => {
    const scope = testScope({ S: [STRING] });
    const compiled = compileExpression(parseExpressionText("PARSE_DATE(S, 'yyyy-MM-dd')"), scope);
    assert.throws(() => compiled.evaluate(['not a date']), EvaluationError);
  });

  test('computes constant calls once but calls nondeterministic functions on every row', () => {
    const random = compileText('RANDOM()');
    assert.notEqual(random.evaluate([]), random.evaluate([]));
  });
});

describe('unsupported expressions', () => {
  test('tells to DEFINE a variable left in the expression', () => {
    assert.throws(
      () => compileText('${limit} + 1'),
      /Variable 'limit' is not defined. Define it first with DEFINE limit/,
    );
  });

  test("rejects '*' outside a select list", () => {
    assert.throws(() => compileText('ABS(*)'), ExpressionError);
  });
});

describe('one set of numeric rules', () => {
  test('a function over decimals wider than 38 digits gets the type CASE gives them, not one cut to 38', () => {
    const cols = { D: [decimal(40, 2)], I: [INTEGER] } as const;
    assert.equal(typeOfText('GREATEST(D, I)', cols), 'DECIMAL(40, 2)');
    assert.equal(typeOfText('CASE WHEN TRUE THEN D ELSE I END', cols), 'DECIMAL(40, 2)');
  });
});
