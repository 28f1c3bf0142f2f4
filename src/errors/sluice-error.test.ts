import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ERROR_CATALOGUE } from './catalogue.js';
import { httpStatusOf, SluiceError } from './sluice-error.js';

test('a SluiceError takes its number, HTTP status and remedy from the catalogue', () => {
  const err = new SluiceError('BAD_STATEMENT', 'FOO does not exist.', { statementText: 'DROP STREAM FOO;' });
  assert.equal(err.errorCode, 40001);
  assert.equal(err.httpStatus, 400);
  assert.equal(err.remedy, ERROR_CATALOGUE.BAD_STATEMENT.remedy);
  assert.equal(err.statementText, 'DROP STREAM FOO;');
  assert.equal(err.message, 'FOO does not exist.');
});

test("passes a peer's status through when given one, as ksqlDB does with Kafka Connect's", () => {
  const err = new SluiceError('CONNECT_ERROR', 'Failed to drop connector: not found', { errorCode: 40400 });
  assert.equal(err.errorCode, 40400);
  assert.equal(err.httpStatus, 404);
  assert.equal(err.code, 'CONNECT_ERROR');
});

test("reads the HTTP status of ksqlDB's and of Kafka Connect's numbers", () => {
  assert.equal(httpStatusOf(40301), 403);
  assert.equal(httpStatusOf(409), 409);
});
