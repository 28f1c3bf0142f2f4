import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openFileLimit, segmentFileBudget } from './open-file-budget.js';

const limits = (soft: string) =>
  `Limit                     Soft Limit           Hard Limit           Units     \n` +
  `Max cpu time              unlimited            unlimited            seconds   \n` +
  `Max open files            ${soft.padEnd(21)}1048576              files     \n`;

test("the open-file limit is the soft limit from Linux's /proc/self/limits", () => {
  assert.equal(openFileLimit(limits('4096')), 4096);
  assert.equal(openFileLimit(limits('unlimited')), undefined);
  assert.equal(openFileLimit('nothing here'), undefined);
  assert.ok((openFileLimit() ?? 1) > 0, 'this machine has one, or none is read');
});

test('segment files may use the limit less a quarter (at least 256) kept for connections', () => {
  assert.equal(segmentFileBudget(4096), 3072);
  assert.equal(segmentFileBudget(1024), 768);
  assert.equal(segmentFileBudget(300), 44);
  assert.equal(segmentFileBudget(undefined), Number.POSITIVE_INFINITY);
});
