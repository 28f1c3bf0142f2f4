import type { RowOp, RowShape } from './record-rows.js';
import type { TableRef } from './table-ref.js';

// Turns a put's records into statements without changing what applying them one by one would
// leave in the tables. Per table, records are cut into segments in which every key has one kind
// (write or delete) and one shape; inside a segment later records for a key replace earlier ones
// (in upsert and update mode, and for deletes), so its groups touch distinct keys and can run in
// any order, each as multi-row statements.

/** A row to write, and the rows for the same key it replaced (latest first). */
export interface GroupRow {
  op: RowOp;
  /** Written instead if `op` turns out to be unwritable, as one-by-one would have left it. */
  replaced: GroupRow | undefined;
}

/** Rows of one table, kind and shape: one statement per chunk. */
export interface WriteGroup {
  readonly table: TableRef;
  readonly kind: 'write' | 'delete';
  readonly shape: RowShape;
  readonly rows: GroupRow[];
}

interface Segment {
  readonly keys: Map<string, { group: WriteGroup; index: number }>;
  /** By shape (one shape object per column list), writes and deletes apart. */
  readonly writes: Map<RowShape, WriteGroup>;
  readonly deletes: Map<RowShape, WriteGroup>;
  readonly order: WriteGroup[];
}

const newSegment = (): Segment => ({ keys: new Map(), writes: new Map(), deletes: new Map(), order: [] });

/** `lastWins`: upsert and update (a key's last write is its state); inserts keep every record. */
export function planBatch(ops: readonly RowOp[], lastWins: boolean): WriteGroup[] {
  const tables = new Map<string, Segment[]>();
  for (const op of ops) {
    let segments = tables.get(op.table.sql);
    if (segments === undefined) {
      segments = [newSegment()];
      tables.set(op.table.sql, segments);
    }
    let segment = segments[segments.length - 1];
    const previous = op.keyId === undefined ? undefined : segment.keys.get(op.keyId);
    if (previous !== undefined) {
      if (previous.group.kind !== op.kind || previous.group.shape !== op.shape) {
        segment = newSegment();
        segments.push(segment);
      } else if (lastWins || op.kind === 'delete') {
        const row = previous.group.rows[previous.index];
        previous.group.rows[previous.index] = { op, replaced: row };
        continue;
      }
    }
    const groups = op.kind === 'write' ? segment.writes : segment.deletes;
    let group = groups.get(op.shape);
    if (group === undefined) {
      group = { table: op.table, kind: op.kind, shape: op.shape, rows: [] };
      groups.set(op.shape, group);
      segment.order.push(group);
    }
    const index = group.rows.push({ op, replaced: undefined }) - 1;
    if (op.keyId !== undefined) segment.keys.set(op.keyId, { group, index });
  }
  const out: WriteGroup[] = [];
  for (const segments of tables.values()) for (const s of segments) out.push(...s.order);
  return out;
}
