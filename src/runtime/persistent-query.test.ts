import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextBackoff } from './persistent-query.js';

test('the restart backoff doubles up to the maximum, then stays there with up to half the initial wait added', () => {
  const policy = { initialMs: 15_000, maxMs: 900_000, healthyAfterMs: 300_000 };
  const waits = [15_000];
  for (let i = 0; i < 7; i++) waits.push(nextBackoff(waits[waits.length - 1], policy, () => 0));
  assert.deepEqual(waits, [15_000, 30_000, 60_000, 120_000, 240_000, 480_000, 900_000, 900_000]);
  assert.equal(
    nextBackoff(900_000, policy, () => 0.999),
    900_000 + 7492,
  );
});
