import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SinkRecord } from '../../connect/api/index.js';
import { planBatch, type WriteGroup } from './batch-plan.js';
import type { RowOp, RowShape } from './record-rows.js';

const shapeA: RowShape = { signature: 'A', keyColumns: [], valueColumns: [] };
const shapeB: RowShape = { signature: 'B', keyColumns: [], valueColumns: [] };
const deleteShape: RowShape = { signature: 'D', keyColumns: [], valueColumns: [] };

let offset = 0;
function op(table: string, kind: 'write' | 'delete', key: string | undefined, shape = shapeA): RowOp {
  return {
    record: { kafkaOffset: offset++ } as SinkRecord,
    table: { sql: table, display: table },
    kind,
    shape: kind === 'delete' ? deleteShape : shape,
    values: [],
    keyId: key,
  };
}

/** Each group as table, kind and the offsets of its rows. */
function summary(groups: WriteGroup[]): string[] {
  return groups.map(
    (g) =>
      `${g.table.sql} ${g.kind} ${g.shape.signature} [${g.rows.map((r) => r.op.record.kafkaOffset).join(',')}]`,
  );
}

test('upserts: the last record of a key wins in place, and the one it replaced is kept behind it', () => {
  offset = 0;
  const groups = planBatch([op('t', 'write', 'a'), op('t', 'write', 'b'), op('t', 'write', 'a')], true);
  assert.deepEqual(summary(groups), ['t write A [2,1]']);
  assert.equal(groups[0].rows[0].replaced?.op.record.kafkaOffset, 0);
});

test('inserts keep every record, even of one key', () => {
  offset = 0;
  assert.deepEqual(summary(planBatch([op('t', 'write', 'a'), op('t', 'write', 'a')], false)), [
    't write A [0,1]',
  ]);
  assert.deepEqual(summary(planBatch([op('t', 'write', undefined), op('t', 'write', undefined)], false)), [
    't write A [2,3]',
  ]);
});

test('a key changing between write and delete, or changing shape, starts a new segment so order is kept', () => {
  offset = 0;
  const groups = planBatch(
    [
      op('t', 'write', 'a'),
      op('t', 'write', 'b'),
      op('t', 'delete', 'a'),
      op('t', 'delete', 'c'),
      op('t', 'write', 'a'),
      op('t', 'write', 'a', shapeB),
    ],
    true,
  );
  assert.deepEqual(summary(groups), [
    't write A [0,1]',
    't delete D [2,3]',
    't write A [4]',
    't write B [5]',
  ]);
});

test("different tables do not cut each other's segments; shapes of one segment go to their own groups", () => {
  offset = 0;
  const groups = planBatch(
    [
      op('t', 'write', 'a'),
      op('u', 'delete', 'a'),
      op('t', 'write', 'b', shapeB),
      op('u', 'write', 'b'),
      op('t', 'delete', 'c'),
      op('t', 'delete', 'c'),
    ],
    true,
  );
  assert.deepEqual(summary(groups), [
    't write A [0]',
    't write B [2]',
    't delete D [5]',
    'u delete D [1]',
    'u write A [3]',
  ]);
});
