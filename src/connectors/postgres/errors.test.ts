import assert from 'node:assert/strict';
import { test } from 'node:test';
import { databaseMessage, isTransientError } from './errors.js';

const pgError = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

test('an unreachable, restarting or overloaded server is transient; a bad statement is not', () => {
  for (const code of [
    'ECONNREFUSED',
    'ECONNRESET',
    '08006',
    '57P01',
    '57P03',
    '53300',
    '40001',
    '40P01',
    '55P03',
  ])
    assert.equal(isTransientError(pgError(code)), true, code);
  for (const code of ['22P02', '23505', '42P01', '42703', '28P01'])
    assert.equal(isTransientError(pgError(code)), false, code);
  assert.equal(isTransientError(new Error('Connection terminated unexpectedly')), true);
  assert.equal(isTransientError(new AggregateError([pgError('ECONNREFUSED')], '')), true);
  assert.equal(isTransientError(new Error('syntax error')), false);
  assert.equal(isTransientError(null), false);
  // The server's SQLSTATE wins over a message that mentions connections.
  assert.equal(isTransientError(pgError('42601', 'connection error')), false);
});

test('the message carries the SQLSTATE and detail, or the socket code when it has no text', () => {
  const e = Object.assign(new Error('duplicate key'), { code: '23505', detail: 'Key (id)=(1) exists.' });
  assert.equal(databaseMessage(e), 'duplicate key (SQLSTATE 23505): Key (id)=(1) exists.');
  assert.equal(databaseMessage(pgError('ECONNREFUSED', '')), 'ECONNREFUSED');
  assert.equal(
    databaseMessage(pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1')),
    'connect ECONNREFUSED 127.0.0.1:1',
  );
  assert.equal(databaseMessage('down'), 'down');
});
