import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldOf, JsonSyntaxError, parseJsonDocument, printJson } from './json-document.js';

test('numbers keep the text they were written with', () => {
  const doc = parseJsonDocument('{"a": 10.010, "b": 9007199254740993, "c": -1e3}');
  assert.deepEqual(fieldOf(doc, 'a'), { kind: 'number', text: '10.010' });
  assert.deepEqual(fieldOf(doc, 'b'), { kind: 'number', text: '9007199254740993' });
  assert.equal(printJson(doc), '{"a":10.010,"b":9007199254740993,"c":-1e3}');
});

test('strings, escapes, nesting and literals read back to the same compact JSON', () => {
  const text = '{"s":"a\\"bé\\n","list":[true,false,null,[],{}],"o":{"x":{"y":[1,2]}}}';
  assert.equal(printJson(parseJsonDocument(` ${text}\n`)), text);
  assert.deepEqual(parseJsonDocument('"\\u00e9"'), { kind: 'string', value: 'é' });
});

test('a repeated field name resolves to its last value, as JSON.parse does', () => {
  assert.deepEqual(fieldOf(parseJsonDocument('{"a":1,"a":2}'), 'a'), { kind: 'number', text: '2' });
});

test('malformed JSON names the line and column where reading stopped', () => {
  assert.throws(
    () => parseJsonDocument('{\n  "a": 1,\n  "b": tru\n}'),
    (err: unknown) => err instanceof JsonSyntaxError && err.line === 3 && err.column === 8,
  );
  assert.throws(() => parseJsonDocument('{"a": 1} x'), /Unexpected text after the JSON value at line 1/);
  assert.throws(() => parseJsonDocument('[1, 2'), /Expected ','/);
  assert.throws(() => parseJsonDocument('{"a": 01}'), /Expected ','|Expected '}'|Unexpected/);
  assert.throws(() => parseJsonDocument('"tab\there"'), /Malformed string/);
});
