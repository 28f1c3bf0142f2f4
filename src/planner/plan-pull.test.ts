import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStatement, type Query } from '../sql/index.js';
import type { SqlType } from '../types/index.js';
import { type PullTable, planTablePull, rebindTablePullLiterals, type TablePullPlan } from './plan-pull.js';
import { PlanningError } from './plan-select.js';

const BIGINT: SqlType = { kind: 'BIGINT' };
const STRING: SqlType = { kind: 'STRING' };

const counts: PullTable = {
  kind: 'TABLE',
  name: 'COUNTS',
  window: undefined,
  columns: [
    { name: 'ID', type: BIGINT, namespace: 'KEY' },
    { name: 'N', type: BIGINT, namespace: 'VALUE' },
  ],
};
const windowed: PullTable = { ...counts, name: 'WINDOWED', window: 'TIME' };
const twoKeys: PullTable = {
  kind: 'TABLE',
  name: 'TWO',
  window: undefined,
  columns: [
    { name: 'A', type: STRING, namespace: 'KEY' },
    { name: 'B', type: STRING, namespace: 'KEY' },
    { name: 'N', type: BIGINT, namespace: 'VALUE' },
  ],
};

function query(sql: string): Query {
  const s = parseStatement(sql);
  if (s.kind !== 'select') throw new Error('not a SELECT');
  return s.query;
}

const plan = (sql: string, table = counts, tableScanEnabled = true) =>
  planTablePull(query(sql), table, { tableScanEnabled });

test('key equalities and IN become lookups of key values widened to the key type, in request order', () => {
  assert.deepEqual(plan('SELECT * FROM counts WHERE id = 3;').access, { kind: 'lookup', keys: [[3n]] });
  assert.deepEqual(plan('SELECT * FROM counts WHERE id IN (5, 1, 3);').access, {
    kind: 'lookup',
    keys: [[5n], [1n], [3n]],
  });
  assert.deepEqual(plan('SELECT * FROM counts WHERE id = 2 OR id = 1;').access, {
    kind: 'lookup',
    keys: [[2n], [1n]],
  });
  // Two conditions on the key: only the values both allow.
  assert.deepEqual(plan('SELECT * FROM counts WHERE id IN (1, 2) AND id = 2;').access.kind, 'scan');
  assert.deepEqual(plan('SELECT * FROM counts WHERE id = 1 AND id = 2;').access, {
    kind: 'lookup',
    keys: [],
  });
  assert.deepEqual(plan("SELECT * FROM two WHERE a IN ('x', 'y') AND b = 'z';", twoKeys).access, {
    kind: 'lookup',
    keys: [
      ['x', 'z'],
      ['y', 'z'],
    ],
  });
});

/** The plan with the literal that was `from` replaced by `to` (a literal of the same kind's AST). */
function withLiteral(
  p: TablePullPlan,
  from: string | number,
  to: { kind: 'string'; value: string } | { kind: 'number'; text: string },
) {
  const node = [...(p.keySlots?.keys() ?? [])].find((n) =>
    n.kind === 'string' ? n.value === from : n.kind === 'number' && n.text === String(from),
  );
  if (node === undefined) return undefined;
  return rebindTablePullLiterals(p, new Map([[node, to]]));
}

test('a one-key lookup re-binds a literal straight into its key slot, widened and type-checked as planned', () => {
  const two = plan("SELECT * FROM two WHERE b = 'z' AND 'x' = a;", twoKeys);
  assert.deepEqual(two.access, { kind: 'lookup', keys: [['x', 'z']] });
  assert.deepEqual(withLiteral(two, 'z', { kind: 'string', value: 'q' })?.access, {
    kind: 'lookup',
    keys: [['x', 'q']],
  });
  assert.deepEqual(withLiteral(two, 'x', { kind: 'string', value: 'w' })?.access, {
    kind: 'lookup',
    keys: [['w', 'z']],
  });
  const one = plan('SELECT * FROM counts WHERE id = 3 AND n > 1;');
  assert.deepEqual(withLiteral(one, 3, { kind: 'number', text: '8' })?.access, {
    kind: 'lookup',
    keys: [[8n]],
  });
  assert.throws(
    () => withLiteral(one, 3, { kind: 'string', value: 'eight' }),
    /Cannot compare ID \(BIGINT\) to 'eight' \(STRING\) with EQUAL/,
  );
  // IN lists, ORs and contradictions have no slots: they re-bind through the WHERE.
  for (const sql of [
    'SELECT * FROM counts WHERE id IN (1, 2);',
    'SELECT * FROM counts WHERE id = 1 OR id = 2;',
    'SELECT * FROM counts WHERE id = 1 AND id = 2;',
    'SELECT * FROM counts WHERE id = -1;',
  ]) {
    assert.equal(withLiteral(plan(sql), 1, { kind: 'number', text: '4' }), undefined, sql);
  }
});

test('anything else scans; the whole WHERE stays the filter', () => {
  for (const sql of [
    'SELECT * FROM counts;',
    'SELECT * FROM counts WHERE n > 1;',
    'SELECT * FROM counts WHERE id > 1;',
    'SELECT * FROM counts WHERE id = 1 OR n = 2;',
  ]) {
    assert.equal(plan(sql).access.kind, 'scan', sql);
  }
  const p = plan('SELECT * FROM counts WHERE id = 1 AND n > 5;');
  assert.equal(p.access.kind, 'lookup');
  // Row layout: ID, N, ROWTIME, ROWPARTITION, ROWOFFSET.
  assert.equal(p.filter?.evaluate([1n, 6n, 0n, null, null]), true);
  assert.equal(p.filter?.evaluate([1n, 5n, 0n, null, null]), false);
});

test('window bounds narrow the windows read; text bounds are ISO-8601 instants (UTC without a zone)', () => {
  assert.deepEqual(
    plan('SELECT * FROM windowed WHERE id = 1 AND WINDOWSTART >= 1000 AND WINDOWSTART < 5000;', windowed)
      .windows,
    { startMin: 1000, startMax: 4999 },
  );
  assert.deepEqual(
    plan("SELECT * FROM windowed WHERE id = 1 AND WINDOWEND = '1970-01-01T00:00:02.000';", windowed).windows,
    { endMin: 2000, endMax: 2000 },
  );
  assert.deepEqual(
    plan("SELECT * FROM windowed WHERE id = 1 AND WINDOWSTART >= '1970-01-01T01:00:01.000+0100';", windowed)
      .windows,
    { startMin: 1000 },
  );
  const star = plan('SELECT * FROM windowed WHERE id = 1;', windowed);
  assert.deepEqual(
    star.columns.map((c) => `${c.name}${c.key ? ' KEY' : ''}`),
    ['ID KEY', 'WINDOWSTART KEY', 'WINDOWEND KEY', 'N'],
  );
});

test('what ksqlDB refuses is refused with its message', () => {
  const refused = (sql: string, table = counts, scan = true) => {
    try {
      plan(sql, table, scan);
    } catch (err) {
      assert.ok(err instanceof PlanningError);
      return err.message;
    }
    assert.fail(`planned: ${sql}`);
  };
  assert.match(
    refused('SELECT * FROM counts WHERE id = NULL;'),
    /Primary key columns can not be NULL: \(ID = null\)$/,
  );
  assert.match(
    refused("SELECT * FROM counts WHERE id = 'x';"),
    /Error in WHERE expression: Cannot compare ID \(BIGINT\) to 'x' \(STRING\) with EQUAL\.$/,
  );
  assert.match(
    refused('SELECT * FROM counts WHERE WINDOWSTART = 1;'),
    /WHERE column 'WINDOWSTART' cannot be resolved\.$/,
  );
  assert.match(refused('SELECT * FROM counts EMIT FINAL;'), /^Pull queries don't support EMIT clauses\./);
  assert.match(
    refused("SELECT * FROM two WHERE a = 'x';", twoKeys, false),
    /^Multi-column sources must specify every key/,
  );
  assert.match(
    refused('SELECT * FROM counts WHERE id > 1;', counts, false),
    /^Bound on key columns '\[`ID` BIGINT KEY\]' must currently be '='\.$/,
  );
});
