import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rowsOf, ServerError } from './ksql-client.js';

async function* linesOf(lines: readonly string[]): AsyncGenerator<string> {
  yield* lines;
}

async function collect(lines: readonly string[]): Promise<{ rows: unknown[][]; error?: unknown }> {
  const rows: unknown[][] = [];
  try {
    for await (const row of rowsOf(linesOf(lines))) rows.push([...row]);
  } catch (error) {
    return { rows, error };
  }
  return { rows };
}

test('a query failing midway ends the rows with a ServerError, whether its error body is bare or wrapped', async () => {
  const body = '{"@type":"generic_error","error_code":50000,"message":"Division by zero"}';
  for (const last of [body, `{"errorMessage":${body}}`]) {
    const { rows, error } = await collect(['[1,"a"]', last]);
    assert.deepEqual(rows, [[1, 'a']]);
    assert.ok(error instanceof ServerError, last);
    assert.equal(error.message, 'Division by zero');
  }
});
