import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DirectiveError, knownDirectiveNames } from './directives.js';
import { compileExpression } from './expression.js';
import { createRandomSource } from './random-source.js';

const random = createRandomSource(42);
const many = (expression: string, n = 500) => {
  const gen = compileExpression(expression, random);
  return Array.from({ length: n }, gen);
};

test('text outside directives is kept and every directive is replaced', () => {
  const [text] = many("Player #{number.number_between '1','6'} of #{Name.first_name}", 1);
  assert.match(text, /^Player [1-5] of \S+/);
});

test('a constant expression is its own text', () => {
  assert.deepEqual(many('plain', 2), ['plain', 'plain']);
});

test('number_between keeps Java bounds: the upper bound is exclusive', () => {
  const values = new Set(many("#{number.number_between '-9','9'}", 2000).map(Number));
  assert.equal(Math.min(...values), -9);
  assert.equal(Math.max(...values), 8);
});

test('names match case-insensitively with underscores ignored', () => {
  for (const name of ['Name.full_name', 'name.fullName', 'NAME.FULLNAME']) {
    assert.match(many(`#{${name}}`, 1)[0], /\S+ \S+/);
  }
});

test('the seed expressions give a UUID, a full name and a Luhn-valid card number', () => {
  assert.match(
    many('#{Internet.uuid}', 1)[0],
    /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
  for (const card of many('#{Finance.credit_card}', 50)) {
    const digits = card.replace(/\D/g, '').split('').reverse().map(Number);
    const sum = digits.reduce((acc, d, i) => acc + (i % 2 === 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d), 0);
    assert.equal(sum % 10, 0, `${card} is not Luhn-valid`);
  }
});

test('dates print as java.util.Date does and stay within their window', () => {
  const [text] = many("#{date.past '10','DAYS'}", 1);
  assert.match(text, /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/);
  const between = many("#{date.between 'Sun Mar 22 01:59:02 PDT 2020','Sun Mar 24 01:59:02 PDT 2020'}", 20);
  for (const d of between) assert.match(d, /Mar 2[234] .* 2020$/);
  assert.match(many("#{date.past '10','TimeUnit.SECONDS'}", 1)[0], /UTC/);
});

test('regexify handles groups and alternation, bothify and options pick as Java Faker does', () => {
  for (const s of many("#{regexify '(RED|GREEN)-[0-9]{3}'}", 50)) assert.match(s, /^(RED|GREEN)-\d{3}$/);
  for (const s of many("#{bothify '??##','true'}", 50)) assert.match(s, /^[A-Z]{2}\d{2}$/);
  assert.deepEqual(new Set(many("#{Options.option 'A','B','C'}", 300)), new Set(['A', 'B', 'C']));
});

test('a directive with spaces between arguments stays verbatim, as upstream', () => {
  assert.deepEqual(many("#{number.number_between '1', '10'}", 1), ["#{number.number_between '1', '10'}"]);
});

test('unknown names, wrong argument counts and bad arguments are rejected when compiled', () => {
  assert.throws(() => compileExpression('#{Nope.nothing}', random), {
    name: 'DirectiveError',
    message: 'Unable to resolve #{Nope.nothing} directive.',
  });
  assert.throws(() => compileExpression("#{number.number_between '1'}", random), /takes 2 arguments, got 1/);
  assert.throws(() => compileExpression("#{date.past '10','FORTNIGHTS'}", random), /not a TimeUnit/);
  assert.throws(() => compileExpression("#{regexify '(unclosed'}", random), DirectiveError);
});

test('every known directive produces text', () => {
  const sampleArgs: Record<string, string> = {
    'number.numberbetween': "'1','5'",
    'number.digits': "'4'",
    'number.randomdouble': "'2','1','9'",
    'options.option': "'x','y'",
    'date.past': "'5','HOURS'",
    'date.future': "'5','HOURS'",
    'date.between': "'2020-01-01','2020-02-01'",
    regexify: "'[a-c]{3}'",
    bothify: "'#?'",
    numerify: "'##'",
    letterify: "'??'",
  };
  for (const name of knownDirectiveNames()) {
    const args = sampleArgs[name];
    const text = many(`#{${name}${args ? ` ${args}` : ''}}`, 1)[0];
    assert.equal(typeof text, 'string', name);
    assert.ok(text.length > 0 && !text.startsWith('#{'), `${name} gave '${text}'`);
  }
});
