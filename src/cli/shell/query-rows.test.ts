import assert from 'node:assert/strict';
import { test } from 'node:test';
import { javaText, queryRowLayout, renderQueryHeader, renderQueryRow } from './query-rows.js';

test('push query columns share the terminal width, the header between +---+ lines', () => {
  const layout = queryRowLayout(40, 2);
  assert.equal(layout.cellWidth, 18);
  assert.equal(
    renderQueryHeader(['ID', 'NAME'], layout),
    '+------------------+------------------+\n|ID                |NAME              |\n+------------------+------------------+\n',
  );
  assert.equal(renderQueryRow([1, 'alice'], layout), '|1                 |alice             |\n');
});

test('columns are never narrower than five characters', () => {
  assert.equal(queryRowLayout(10, 4).cellWidth, 5);
});

test('long values wrap onto further lines, or are cut with ... when wrapping is off', () => {
  assert.equal(
    renderQueryRow(['abcdefghijkl', 'x'], queryRowLayout(14, 2)),
    '|abcde|x    |\n|fghij|     |\n|kl   |     |\n',
  );
  assert.equal(renderQueryRow(['abcdefghijkl', 'x'], queryRowLayout(14, 2, false)), '|ab...|x    |\n');
});

test('values print as Java’s toString of the JSON: null, lists and maps', () => {
  assert.equal(javaText(null), 'null');
  assert.equal(javaText([1, 'a', null]), '[1, a, null]');
  assert.equal(javaText({ CITY: 'Paris', ZIP: { A: [true] } }), '{CITY=Paris, ZIP={A=[true]}}');
  assert.equal(javaText(1.5), '1.5');
});
