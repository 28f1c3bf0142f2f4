import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { builtinFunctions } from './index.js';

// The compiled test runs from dist/src/functions/; the list stays in the source tree.
const LIST = new URL('../../../src/functions/ksqldb-0.29-scalar-functions.txt', import.meta.url);

const ksqlDbNames = readFileSync(LIST, 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

test('the list of ksqlDB 0.29 scalar functions is whole', () => {
  assert.ok(ksqlDbNames.length >= 120, `only ${ksqlDbNames.length} names`);
  assert.equal(new Set(ksqlDbNames).size, ksqlDbNames.length, 'a name is listed twice');
});

test('every scalar function of ksqlDB 0.29 is registered', () => {
  const missing = ksqlDbNames.filter((name) => builtinFunctions.get(name) === undefined);
  assert.deepEqual(missing, [], `not registered: ${missing.join(', ')}`);
});
