// The rows a join gives: the left source's row, the right source's row (NULLs when it has no match),
// then the join key and the result's ROWTIME, the layout the planner's JoinScope resolves names in.

import type { LogRecord } from '../../log/index.js';
import type { SqlValue } from '../../types/index.js';
import type { RowBatch } from '../operators.js';

/** Where each part of a joined row goes. */
export interface JoinedRowLayout {
  readonly leftWidth: number;
  readonly rightWidth: number;
  /** False when nothing reads the result's ROWTIME: its slot stays NULL. */
  readonly fillsRowtime?: boolean;
}

export function joinedRow(
  layout: JoinedRowLayout,
  left: readonly SqlValue[] | undefined,
  right: readonly SqlValue[] | undefined,
  key: SqlValue,
  timestamp: number,
): SqlValue[] {
  const { leftWidth, rightWidth } = layout;
  // Source rows are exactly their side's width (columns and pseudo columns): one native concat.
  const row =
    left !== undefined && left.length === leftWidth && right !== undefined && right.length === rightWidth
      ? left.concat(right)
      : [...padded(left, leftWidth), ...padded(right, rightWidth)];
  row.push(key, layout.fillsRowtime === false ? null : BigInt(timestamp));
  return row;
}

function padded(row: readonly SqlValue[] | undefined, width: number): readonly SqlValue[] {
  if (row === undefined) return nulls(width);
  const out = new Array<SqlValue>(width);
  for (let i = 0; i < width; i++) out[i] = row[i] ?? null;
  return out;
}

const NULL_ROWS: SqlValue[][] = [];

/** A row of `width` NULLs, shared (it is only read). */
function nulls(width: number): readonly SqlValue[] {
  NULL_ROWS[width] ??= new Array<SqlValue>(width).fill(null);
  return NULL_ROWS[width];
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
