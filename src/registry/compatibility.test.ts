import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CompatibilityLevel, compatibilityProblem } from './compatibility.js';
import { parseSchema } from './schema-kinds.js';

const avro = (text: string) => parseSchema('AVRO', text, [], false);

const record = (fields: object[]) => JSON.stringify({ type: 'record', name: 'R', fields });
const earlier = (version: number, fields: object[]) => {
  const schema = record(fields);
  return { version, schema, parsed: avro(schema) };
};
const check = (level: CompatibilityLevel, fields: object[], history: ReturnType<typeof earlier>[]) =>
  compatibilityProblem(level, avro(record(fields)), history)?.message;

const A = { name: 'a', type: 'int' };
const B_NO_DEFAULT = { name: 'b', type: 'string' };
const B_DEFAULT = { name: 'b', type: 'string', default: '' };

test('BACKWARD: the new schema must read old data (an added field needs a default)', () => {
  const v1 = [earlier(1, [A])];
  assert.match(
    check('BACKWARD', [A, B_NO_DEFAULT], v1) ?? '',
    /cannot read data written with version 1: .*\bb\b/,
  );
  assert.equal(check('BACKWARD', [A, B_DEFAULT], v1), undefined);
  assert.equal(check('BACKWARD', [], v1), undefined, 'removing a field is backward compatible');
});

test('FORWARD: old readers must read new data (a removed field needed a default)', () => {
  assert.match(check('FORWARD', [], [earlier(1, [A])]) ?? '', /cannot be read by version 1/);
  assert.equal(check('FORWARD', [A], [earlier(1, [A, B_DEFAULT])]), undefined);
  assert.equal(check('FORWARD', [A, B_NO_DEFAULT], [earlier(1, [A])]), undefined);
});

test('FULL asks both ways; NONE asks nothing; type promotions follow Avro', () => {
  assert.notEqual(check('FULL', [A, B_NO_DEFAULT], [earlier(1, [A])]), undefined);
  assert.equal(check('FULL', [A, B_DEFAULT], [earlier(1, [A])]), undefined);
  assert.equal(check('NONE', [{ name: 'a', type: 'string' }], [earlier(1, [A])]), undefined);
  assert.equal(check('BACKWARD', [{ name: 'a', type: 'long' }], [earlier(1, [A])]), undefined);
  assert.match(check('FORWARD', [{ name: 'a', type: 'long' }], [earlier(1, [A])]) ?? '', /long/);
});

test('the non-transitive levels check the newest version only, the transitive ones every version', () => {
  // v1 had c as an int; v2 dropped it; the candidate brings c back as a string: v2 reads that, v1 cannot.
  const history = [earlier(2, [A]), earlier(1, [A, { name: 'c', type: 'int' }])];
  const candidate = [A, { name: 'c', type: 'string', default: '' }];
  assert.equal(check('FORWARD', candidate, history), undefined);
  assert.match(check('FORWARD_TRANSITIVE', candidate, history) ?? '', /version 1/);
});
