import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SqlValue } from '../../types/index.js';
import type { OperatorContext, RowBatch } from '../operators.js';
import type { ProcessingLog } from '../processing-log.js';
import { TableFunctionOperator } from './table-function-operator.js';

function context(errors: string[]): OperatorContext {
  const processingLog = {
    processingError: (_logger: string, _row: unknown, error: Error) => errors.push(error.message),
  } as unknown as ProcessingLog;
  return { queryId: 'Q', processingLog, countFailure: () => {} };
}

function batch(rows: SqlValue[][], deletes = rows.map(() => false)): RowBatch {
  return {
    rows,
    deletes,
    timestamps: rows.map((_, i) => 100 + i),
    origins: rows.map((_, i) => i),
    records: [],
    partition: 0,
  };
}

test('each row becomes as many rows as its longest list, the others padded with NULL, keeping timestamp and origin', () => {
  // Rows: ID, A (list), B (list); width 3 (no pseudo columns here).
  const op = new TableFunctionOperator({ calls: [(row) => row[1], (row) => row[2]], width: 3 }, context([]));
  const out = op.process(
    batch([
      ['x', [1, 2], ['p']],
      ['y', [], null],
      ['z', null, ['q', 'r']],
    ]),
  );
  assert.deepEqual(
    out.rows.map((r) => r.slice(3)),
    [
      [1, 'p'],
      [2, null],
      [null, 'q'],
      [null, 'r'],
    ],
  );
  assert.deepEqual(
    out.rows.map((r) => r[0]),
    ['x', 'x', 'z', 'z'],
  );
  assert.deepEqual(out.timestamps, [100, 100, 102, 102]);
  assert.deepEqual(out.origins, [0, 0, 2, 2]);
});

test('a call that throws drops its input row to the processing log; a deleted row gives nothing', () => {
  const errors: string[] = [];
  const op = new TableFunctionOperator(
    {
      calls: [
        (row) => {
          if (row[0] === 'bad') throw new Error('cannot explode');
          return row[1];
        },
      ],
      width: 2,
    },
    context(errors),
  );
  const out = op.process(
    batch(
      [
        ['bad', [1]],
        ['gone', [2]],
        ['ok', [3]],
      ],
      [false, true, false],
    ),
  );
  assert.deepEqual(out.rows, [['ok', [3], 3]]);
  assert.deepEqual(errors, ['cannot explode']);
});
