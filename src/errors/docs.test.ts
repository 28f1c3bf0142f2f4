import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ERROR_CATALOGUE, type ErrorCode } from './catalogue.js';
import { renderErrorsReference } from './docs.js';

const names = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

describe('the error catalogue', () => {
  test('gives every code a meaning and a remedy as sentences', () => {
    for (const name of names) {
      const e = ERROR_CATALOGUE[name];
      assert.match(e.meaning, /^[A-Z].*\.$/, `${name} meaning`);
      assert.match(e.remedy, /^[A-Z].*\.$/, `${name} remedy`);
    }
  });

  test("keeps each number's HTTP status in the number, as the API it belongs to counts", () => {
    for (const name of names) {
      const e = ERROR_CATALOGUE[name];
      const status = e.surface === 'connect' ? e.errorCode : Math.floor(e.errorCode / 100);
      assert.equal(status, e.httpStatus, name);
    }
  });

  test("uses ksqlDB's numbers for ksqlDB's errors", () => {
    assert.equal(ERROR_CATALOGUE.BAD_REQUEST.errorCode, 40000);
    assert.equal(ERROR_CATALOGUE.BAD_STATEMENT.errorCode, 40001);
    assert.equal(ERROR_CATALOGUE.QUERY_ENDPOINT.errorCode, 40002);
    assert.equal(ERROR_CATALOGUE.MAX_PUSH_QUERIES.errorCode, 40003);
    assert.equal(ERROR_CATALOGUE.UNAUTHORIZED.errorCode, 40100);
    assert.equal(ERROR_CATALOGUE.FORBIDDEN.errorCode, 40300);
    assert.equal(ERROR_CATALOGUE.NOT_FOUND.errorCode, 40400);
    assert.equal(ERROR_CATALOGUE.CONFLICT.errorCode, 40900);
    assert.equal(ERROR_CATALOGUE.SERVER_ERROR.errorCode, 50000);
  });
});

describe('docs/errors.md', () => {
  test('lists every code of the catalogue once with its remedy', () => {
    const page = renderErrorsReference();
    for (const name of names) {
      const rows = page.split('\n').filter((line) => line.includes(`| \`${name}\` `));
      assert.equal(rows.length, 1, name);
      assert.ok(rows[0].includes(ERROR_CATALOGUE[name].remedy.replaceAll('|', '\\|')), name);
    }
  });

  test('is the checked-in page: run `npm run docs` after changing the catalogue', () => {
    const checkedIn = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    assert.equal(
      checkedIn,
      renderErrorsReference(),
      'docs/errors.md differs from src/errors/catalogue.ts: run `npm run docs` and commit the page',
    );
  });
});
