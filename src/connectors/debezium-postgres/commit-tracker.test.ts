import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sourceRecord } from '../../connect/api/index.js';
import { ChangeBuffer } from './change-buffer.js';
import { CommitTracker } from './commit-tracker.js';

const record = () => sourceRecord({ topic: 't', sourcePartition: {}, sourceOffset: {} });

test('a transaction is confirmable once all its records are written and their offsets committed', () => {
  const t = new CommitTracker();
  t.begin();
  const a = record();
  const b = record();
  t.add(a);
  t.add(b);
  t.complete(100n);
  t.begin();
  t.complete(200n); // a transaction with nothing captured
  t.begin();
  const c = record();
  t.add(c);
  assert.equal(t.takeConfirmable(), null);
  t.written(a);
  t.written(b);
  assert.equal(t.takeConfirmable(), null, 'written, offsets not committed');
  t.offsetsCommitted();
  assert.equal(t.takeConfirmable(), 200n, 'both finished transactions, in order');
  assert.ok(t.confirmedThrough(2));
  t.written(c);
  t.offsetsCommitted();
  assert.equal(t.takeConfirmable(), null, 'the third has not committed yet');
  assert.ok(!t.confirmedThrough(3));
  t.complete(300n);
  assert.equal(t.takeConfirmable(), 300n);
});

test('the change buffer makes writers wait when full and hands out at most a batch', async () => {
  const buffer = new ChangeBuffer(2);
  await buffer.put([record(), record()]);
  let third = false;
  const waiting = buffer.put([record()]).then(() => {
    third = true;
  });
  await new Promise((r) => setImmediate(r));
  assert.equal(third, false);
  assert.equal((await buffer.take(1, 10)).length, 1);
  await waiting;
  assert.equal(buffer.size, 2);
  assert.equal((await buffer.take(5, 10)).length, 2);
  assert.deepEqual(await buffer.take(5, 10), []);
  const pending = buffer.take(5, 60_000);
  buffer.close();
  assert.deepEqual(await pending, [], 'close wakes a waiting take');
});
