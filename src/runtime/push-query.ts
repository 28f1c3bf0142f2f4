import { Consumer, type Log, type LogRecord } from '../log/index.js';
import type { SqlValue } from '../types/index.js';
import type { ProcessingLog } from './processing-log.js';
import { columnError, processRow, type RowExpressions } from './row-processor.js';
import type { RuntimeSource } from './runtime-source.js';
import { DecodeError, SourceDecoder } from './source-decoder.js';

export interface PushQuerySpec {
  readonly id: string;
  readonly source: RuntimeSource;
  readonly expressions: RowExpressions;
  /**
   * For a table source: the projections that are the source's key columns, filled in a deleted
   * row (the others are null, as in ksqlDB's tombstone rows).
   */
  readonly keyProjections: readonly number[];
  readonly fromEarliest: boolean;
  readonly limit: number | undefined;
  readonly usesPseudoColumns: boolean;
}

/**
 * Result rows in the order they happened. Over a table, `tombstones[i]` marks row i as a deleted
 * key (`undefined` over a stream, which has none).
 */
export interface PushBatch {
  readonly rows: SqlValue[][];
  readonly tombstones: boolean[] | undefined;
}

/**
 * A transient SELECT … EMIT CHANGES: follows the source and yields result rows in batches until
 * its LIMIT is reached or the client goes away. Commits nothing.
 *
 * Over a table it yields changes as ksqlDB does: a key deleted from the source, or whose new row no
 * longer passes the WHERE, comes out as a tombstone row, once, and only if the key is in the
 * result (no spurious tombstones for keys never shown), so it keeps the keys it has shown.
 */
export async function* runPushQuery(
  log: Log,
  processingLog: ProcessingLog,
  spec: PushQuerySpec,
  signal: AbortSignal,
): AsyncGenerator<PushBatch> {
  const decoder = new SourceDecoder(spec.source, spec.usesPseudoColumns);
  const isTable = spec.source.kind === 'TABLE';
  const shown = new Set<string>();
  const consumer = new Consumer(log, { autoOffsetReset: spec.fromEarliest ? 'earliest' : 'latest' });
  await consumer.assignTopic(spec.source.topic);
  let remaining = spec.limit ?? Number.POSITIVE_INFINITY;
  while (remaining > 0) {
    const batches = await consumer.poll(1000, signal);
    if (signal.aborted) return;
    const rows: SqlValue[][] = [];
    const tombstones: boolean[] | undefined = isTable ? [] : undefined;
    for (const batch of batches)
      for (const record of batch.records) {
        if (remaining === 0) break;
        try {
          const row = decoder.decode(record, batch.partition);
          const result =
            row === null
              ? undefined
              : processRow(row, spec.expressions, undefined, (err, i) =>
                  processingLog.processingError(
                    spec.id,
                    record.offset,
                    columnError(spec.expressions, err, i),
                  ),
                );
          if (tombstones === undefined) {
            if (result === undefined) continue;
            rows.push(result);
          } else {
            const key = keyIdentity(record);
            if (result !== undefined) {
              shown.add(key);
              rows.push(result);
              tombstones.push(false);
            } else if (shown.delete(key)) {
              rows.push(deletedRow(decoder, record, spec));
              tombstones.push(true);
            } else continue;
          }
          remaining--;
        } catch (err) {
          if (err instanceof DecodeError)
            processingLog.deserializationError(spec.id, spec.source.topic, err.target, record, err);
          else processingLog.processingError(spec.id, record.offset, err as Error);
        }
      }
    await processingLog.flush();
    if (rows.length > 0) yield { rows, tombstones };
  }
}

/** A table row's identity: its key bytes. */
function keyIdentity(record: LogRecord): string {
  return record.key === null ? '' : Buffer.from(record.key).toString('latin1');
}

/** The result row of a deleted key: the key columns the query selects, every other column null. */
function deletedRow(decoder: SourceDecoder, record: LogRecord, spec: PushQuerySpec): SqlValue[] {
  const keys = decoder.decodeKey(record) ?? [];
  const sourceRow = new Array<SqlValue>(spec.source.columns.length + 3).fill(null);
  let k = 0;
  spec.source.columns.forEach((c, i) => {
    if (c.namespace === 'KEY') sourceRow[i] = keys[k++] ?? null;
  });
  const out = new Array<SqlValue>(spec.expressions.projections.length).fill(null);
  for (const i of spec.keyProjections) out[i] = spec.expressions.projections[i](sourceRow);
  return out;
}
