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
  const row = joinedRowOfLeft(layout, left, key, timestamp);
  copyInto(row, layout.leftWidth, right, layout.rightWidth);
  return row;
}

/**
 * A joined row with its left side, key and ROWTIME, its right side's slots left for the caller to
 * fill. Allocated at its final size and filled in place: a concat then a push would copy it twice.
 */
export function joinedRowOfLeft(
  layout: JoinedRowLayout,
  left: readonly SqlValue[] | undefined,
  key: SqlValue,
  timestamp: number,
): SqlValue[] {
  const row = new Array<SqlValue>(layout.leftWidth + layout.rightWidth + 2);
  fillLeft(row, layout, left, key, timestamp);
  return row;
}

/** Writes a joined row's left side, key and ROWTIME into `row` (a new one, or a scratch row reused). */
export function fillLeft(
  row: SqlValue[],
  layout: JoinedRowLayout,
  left: readonly SqlValue[] | undefined,
  key: SqlValue,
  timestamp: number,
): void {
  const { leftWidth, rightWidth } = layout;
  copyInto(row, 0, left, leftWidth);
  row[leftWidth + rightWidth] = key;
  row[leftWidth + rightWidth + 1] = layout.fillsRowtime === false ? null : BigInt(timestamp);
}

/** A side's row into `row` from `at`, padded with NULLs to `width` (all NULLs when there is none). */
export function copyInto(
  row: SqlValue[],
  at: number,
  side: readonly SqlValue[] | undefined,
  width: number,
): void {
  if (side === undefined) {
    for (let i = 0; i < width; i++) row[at + i] = null;
    return;
  }
  for (let i = 0; i < width; i++) row[at + i] = side[i] ?? null;
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
