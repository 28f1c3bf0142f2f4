import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refusal, startEngine } from './test-engine.fixture.js';

/** Runs `work` and counts the event-loop turns other callbacks got before it settled. */
async function turnsDuring(work: Promise<unknown>): Promise<number> {
  let settled = false;
  let turns = 0;
  const done = work.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  const probe = async () => {
    while (!settled) {
      await new Promise((r) => setImmediate(r));
      if (!settled) turns++;
    }
  };
  await Promise.all([done, probe()]);
  return turns;
}

test('a request of 200,000 statements shares the event loop while it is split, and is refused at the first one over the limit', async () => {
  const { engine } = await startEngine();
  // 3 MB of statements, twenty times the default sluice.request.max.statements.
  const script = Array.from({ length: 200_000 }, (_, i) => `DEFINE v${i} = '${i}';`).join('\n');
  const request = engine.execute(script);
  // The split used to lex all 3 MB in one go before the first statement was parsed: no other
  // callback could run until it was refused. Now it is split as parsed, with turns between.
  const turns = await turnsDuring(request);
  const err = await refusal(request);
  assert.match(
    err.message,
    /holds more than the 10000 statements one request may hold \(statement 10001 starts here\)/,
  );
  assert.ok(turns > 0, 'other callbacks ran while the request was split and parsed');
});
