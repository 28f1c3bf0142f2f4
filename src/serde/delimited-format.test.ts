import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SqlType, SqlValue } from '../types/index.js';
import type { SerdeColumn } from './format.js';
import { delimitedFormat, FormatSchemaError, SerdeError } from './index.js';

const col = (name: string, kind: SqlType['kind']): SerdeColumn => ({ name, type: { kind } as SqlType });
const read = (columns: SerdeColumn[], text: string, delimiter?: string) =>
  delimitedFormat.createDeserializer(columns, { delimiter })(Buffer.from(text));
const write = (columns: SerdeColumn[], row: SqlValue[], delimiter?: string) =>
  delimitedFormat.createSerializer(columns, { delimiter })(row)?.toString('utf8');

test("ksqlDB's documented example splits 120,21 and bob,49 into columns", () => {
  assert.deepEqual(read([col('ORGID', 'BIGINT'), col('ID', 'BIGINT')], '120,21'), [120n, 21n]);
  assert.deepEqual(read([col('NAME', 'STRING'), col('AGE', 'INTEGER')], 'bob,49'), ['bob', 49]);
});

const everyType: SerdeColumn[] = [
  col('B', 'BOOLEAN'),
  col('I', 'INTEGER'),
  col('L', 'BIGINT'),
  col('D', 'DOUBLE'),
  col('S', 'STRING'),
  col('BY', 'BYTES'),
  { name: 'DEC', type: { kind: 'DECIMAL', precision: 10, scale: 3 } },
  col('TS', 'TIMESTAMP'),
  col('DT', 'DATE'),
  col('T', 'TIME'),
];

test('a row of every primitive type survives a DELIMITED round trip with each delimiter', () => {
  const row: SqlValue[] = [
    false,
    -5,
    9223372036854775807n,
    2.5e-7,
    'a "quoted", multi\nline value',
    new Uint8Array([1, 2, 3, 250]),
    { unscaled: -1234n, scale: 3 },
    1700000000000,
    19000,
    43200000,
  ];
  for (const delimiter of [undefined, '|', 'TAB', 'SPACE', ';']) {
    const bytes = delimitedFormat.createSerializer(everyType, { delimiter })(row);
    assert.deepEqual(delimitedFormat.createDeserializer(everyType, { delimiter })(bytes), row, delimiter);
  }
});

test('values are written as ksqlDB writes them, quoting only where needed', () => {
  const columns = [col('S', 'STRING'), col('D', 'DOUBLE'), col('S2', 'STRING'), col('S3', 'STRING')];
  assert.equal(write(columns, ['plain', 100, 'a,b', 'say "hi"']), 'plain,100.0,"a,b","say ""hi"""');
  assert.equal(write(columns, [' lead', 1e7, 'trail ', '#x']), '" lead",1.0E7,"trail ","#x"');
  assert.equal(write(columns, ['a b', 1, 'c', 'd'], 'SPACE'), '"a b" 1.0 c d');
  assert.equal(write(columns, ['a\tb', 1, 'c', 'd'], 'TAB'), '"a\tb"\t1.0\tc\td');
});

test('the first field is quoted unless it starts with an ASCII letter or digit, as ksqlDB writes it', () => {
  // ksqlDB ships Commons CSV 1.4, whose minimal quoting wraps such a first field (CSV-171).
  const columns = [col('A', 'INTEGER'), col('B', 'INTEGER')];
  assert.equal(write(columns, [-5, -5]), '"-5",-5');
  assert.equal(
    write(
      [{ name: 'D', type: { kind: 'DECIMAL', precision: 4, scale: 1 } }, col('S', 'STRING')],
      [null, '-x'],
    ),
    ',-x',
  );
  assert.equal(write([col('S', 'STRING'), col('T', 'STRING')], ['/home', '/home']), '"/home",/home');
  assert.equal(write([col('S', 'STRING'), col('T', 'STRING')], ['été', 'été']), '"été",été');
  assert.equal(write([col('S', 'STRING'), col('T', 'STRING')], ['_x', 'a_']), '"_x",a_');
  assert.equal(write([col('D', 'DOUBLE')], [Number.NEGATIVE_INFINITY]), '"-Infinity"');
});

test('an empty field is null whether quoted or not, and the empty string is quoted only first', () => {
  const columns = [col('S', 'STRING'), col('I', 'INTEGER'), col('S2', 'STRING')];
  assert.deepEqual(read(columns, '"",,""'), [null, null, null]);
  assert.equal(write(columns, [null, null, '']), ',,');
  assert.equal(write(columns, ['', null, '']), '"",,');
  assert.equal(write([col('S', 'STRING')], [null]), '');
});

test('a record with no fields is refused', () => {
  assert.match(failure([col('S', 'STRING')], '').message, /No fields in record/);
  assert.match(failure([col('S', 'STRING')], '\r\n').message, /No fields in record/);
});

test('booleans, integers and doubles parse as Java does', () => {
  const columns = [col('B', 'BOOLEAN'), col('B2', 'BOOLEAN'), col('D', 'DOUBLE'), col('I', 'INTEGER')];
  assert.deepEqual(read(columns, 'TRUE,yes, 1.5 ,+7'), [true, false, 1.5, 7]);
});

test('a CRLF-terminated record and leading blank lines are accepted', () => {
  assert.deepEqual(read([col('A', 'STRING'), col('B', 'INTEGER')], '\r\nx,1\r\n'), ['x', 1]);
});

function failure(columns: SerdeColumn[], text: string): SerdeError {
  try {
    read(columns, text);
  } catch (e) {
    assert.ok(e instanceof SerdeError, String(e));
    return e;
  }
  assert.fail(`expected ${text} to be rejected`);
}

test('a bad field names the column, its type and the record', () => {
  const e = failure([col('NAME', 'STRING'), col('AGE', 'INTEGER')], 'bob, 49');
  assert.equal(e.column, 'AGE');
  assert.match(e.message, /column 'AGE' \(INTEGER\): ' 49' is not a valid INTEGER\. Data: bob, 49/);
  assert.match(
    failure([{ name: 'P', type: { kind: 'DECIMAL', precision: 3, scale: 1 } }], '1.25').message,
    /without rounding/,
  );
});

test('the wrong number of fields and broken quoting are refused', () => {
  const columns = [col('A', 'STRING'), col('B', 'STRING')];
  assert.match(
    failure(columns, 'a,b,c').message,
    /Column count mismatch on deserialization\. expected: 2, got: 3 \(columns A, B\)/,
  );
  assert.match(failure(columns, '"a,b').message, /quoted field is not closed/);
  assert.match(failure(columns, '"a"x,b').message, /between a closing quote and the delimiter/);
});

test('delimiters must be one character or TAB or SPACE', () => {
  const columns = [col('A', 'STRING')];
  assert.throws(() => delimitedFormat.createSerializer(columns, { delimiter: '' }), /cannot be empty/);
  assert.throws(() => delimitedFormat.createSerializer(columns, { delimiter: '||' }), /single character/);
  assert.equal(write([col('A', 'STRING'), col('B', 'STRING')], ['x', 'y'], 'tab'), 'x\ty');
});

test('ARRAY, MAP and STRUCT columns are refused when the serde is made', () => {
  const columns: SerdeColumn[] = [{ name: 'A', type: { kind: 'ARRAY', element: { kind: 'INTEGER' } } }];
  assert.throws(
    () => delimitedFormat.createDeserializer(columns),
    (e: unknown) =>
      e instanceof FormatSchemaError && /does not support type 'ARRAY', column: `A`/.test(e.message),
  );
});
