// The rows a join gives: the left source's row, the right source's row (NULLs when it has no match),
// then the join key and the result's ROWTIME, the layout the planner's JoinScope resolves names in.

import type { LogRecord } from '../../log/index.js';
import type { SqlValue } from '../../types/index.js';
import type { RowBatch } from '../operators.js';

/** Where each part of a joined row goes. */
export interface JoinedRowLayout {
  readonly leftWidth: number;
  readonly rightWidth: number;
}

export function joinedRow(
  layout: JoinedRowLayout,
  left: readonly SqlValue[] | undefined,
  right: readonly SqlValue[] | undefined,
  key: SqlValue,
  timestamp: number,
): SqlValue[] {
  const { leftWidth, rightWidth } = layout;
  const row = new Array<SqlValue>(leftWidth + rightWidth + 2);
  for (let i = 0; i < leftWidth; i++) row[i] = left === undefined ? null : (left[i] ?? null);
  for (let i = 0; i < rightWidth; i++) row[leftWidth + i] = right === undefined ? null : (right[i] ?? null);
  row[leftWidth + rightWidth] = key;
  row[leftWidth + rightWidth + 1] = BigInt(timestamp);
  return row;
}

/** A batch to fill with joined rows, for the same source records as `from`. */
export function emptyLike(from: {
  readonly records: readonly LogRecord[];
  readonly partition: number;
}): RowBatch {
  return {
    rows: [],
    deletes: [],
    timestamps: [],
    origins: [],
    records: from.records,
    partition: from.partition,
  };
}
