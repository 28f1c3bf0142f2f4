// Sluice's end-to-end SQL tests: every folder here is a test case run by the same code as
// `sluice test-runner`. A folder with an expected-failure.txt must fail with exactly that report.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadTestCase } from '../../src/testing/test-case-files.js';
import { runTestCase } from '../../src/testing/test-case-runner.js';

// The compiled file runs from dist/test/sql/; the cases stay in the source tree.
const CASES = fileURLToPath(new URL('../../../test/sql/', import.meta.url));

const caseNames = readdirSync(CASES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

test('the SQL test folder holds cases', () => {
  assert.ok(caseNames.length >= 8, `found ${caseNames.join(', ')}`);
});

for (const name of caseNames) {
  const dir = join(CASES, name);
  const failureFile = join(dir, 'expected-failure.txt');
  const expectedFailure = existsSync(failureFile) ? readFileSync(failureFile, 'utf8') : undefined;
  const title =
    expectedFailure === undefined
      ? `test/sql/${name}: the queries write exactly the expected records`
      : `test/sql/${name}: the run fails with the report in expected-failure.txt`;
  test(title, async () => {
    const testCase = loadTestCase({
      sqlFile: join(dir, 'statements.sql'),
      inputFile: join(dir, 'input.json'),
      outputFile: join(dir, 'output.json'),
    });
    const outcome = await runTestCase(testCase);
    if (expectedFailure === undefined) {
      assert.ok(outcome.passed, outcome.report);
    } else {
      assert.equal(outcome.passed, false);
      assert.equal(`${outcome.report}\n`, expectedFailure);
    }
  });
}
