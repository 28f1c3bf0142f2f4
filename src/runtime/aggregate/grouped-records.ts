import type { SqlValue } from '../../types/index.js';

/**
 * A row on its way into an aggregation, already grouped by the caller: the GROUP BY values, their
 * serialized key (the output key's bytes), and each aggregate call's argument evaluated on the row.
 * Streams drop NULL-value records before grouping; that is the caller's job.
 */
export interface GroupedRecord {
  readonly key: Buffer;
  readonly keyValues: readonly SqlValue[];
  /** One argument per aggregate call, in call order: the value, or an array for several columns. */
  readonly inputs: readonly SqlValue[];
  readonly timestamp: number;
  /** Passed through to the changes this record causes (e.g. the index of its source record). */
  readonly origin?: number;
}

/** A window's bounds as the output key carries them (time windows: end exclusive; sessions: inclusive). */
export interface WindowBounds {
  readonly start: number;
  readonly end: number;
}

/** One change of the aggregation's result table, in the order it must be emitted. */
export interface AggregateChange {
  readonly key: Buffer;
  /** The GROUP BY values (on EMIT FINAL rows, as stored with the group's state). */
  readonly keyValues?: readonly SqlValue[];
  readonly window?: WindowBounds;
  /** One result per aggregate call; null for a tombstone (a session absorbed by a merge). */
  readonly results: SqlValue[] | null;
  /** The output record's timestamp (ROWTIME). */
  readonly timestamp: number;
  /** With AggregateCalls.sendOldValues: the results this change replaces, null for a new row. */
  readonly previous?: SqlValue[] | null;
  /** The `origin` of the record that caused the change. */
  readonly origin?: number;
}

/** A record the aggregation dropped, with ksqlDB's reason, for the processing log. */
export interface DroppedRecord {
  readonly record: GroupedRecord;
  readonly message: string;
}

export interface AggregateOutput {
  readonly changes: AggregateChange[];
  readonly dropped: DroppedRecord[];
}

/** ksqlDB drops a row whose grouping value is NULL, saying so in the processing log. */
export function nullGroupingColumn(record: GroupedRecord): DroppedRecord | undefined {
  const i = record.keyValues.indexOf(null);
  if (i < 0) return undefined;
  return {
    record,
    message: `Group-by column with index ${i} resolved to null. The source row will be excluded from the table.`,
  };
}
