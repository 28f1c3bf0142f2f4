import type { Log } from '../log/index.js';
import type { SqlValue } from '../types/index.js';
import type { ProcessingLog } from './processing-log.js';
import { processRow, type RowExpressions } from './row-processor.js';
import type { RuntimeSource } from './runtime-source.js';
import { DecodeError, SourceDecoder } from './source-decoder.js';
import { startPositions, TopicFollower } from './topic-follower.js';

export interface PushQuerySpec {
  readonly id: string;
  readonly source: RuntimeSource;
  readonly expressions: RowExpressions;
  readonly fromEarliest: boolean;
  readonly limit: number | undefined;
  readonly usesPseudoColumns: boolean;
}

/**
 * A transient SELECT … EMIT CHANGES: follows the source and yields result rows in batches until
 * its LIMIT is reached or the client goes away. Commits nothing.
 */
export async function* runPushQuery(
  log: Log,
  processingLog: ProcessingLog,
  spec: PushQuerySpec,
  signal: AbortSignal,
): AsyncGenerator<SqlValue[][]> {
  const decoder = new SourceDecoder(spec.source, spec.usesPseudoColumns);
  const { partitions, positions } = await startPositions(
    log,
    spec.source.topic,
    undefined,
    spec.fromEarliest,
  );
  const follower = new TopicFollower(log, spec.source.topic, partitions, positions);
  let remaining = spec.limit ?? Number.POSITIVE_INFINITY;
  while (remaining > 0) {
    const batch = await follower.read(signal, 1000);
    if (batch === undefined) return;
    if (batch === null) continue;
    const rows: SqlValue[][] = [];
    for (const record of batch.records) {
      try {
        const row = decoder.decode(record, batch.partition);
        if (row === null) continue;
        const result = processRow(row, spec.expressions);
        if (result === undefined) continue;
        rows.push(result);
        if (--remaining === 0) break;
      } catch (err) {
        if (err instanceof DecodeError)
          processingLog.deserializationError(spec.id, spec.source.topic, err.target, record, err);
        else processingLog.processingError(spec.id, record.offset, err as Error);
      }
    }
    await processingLog.flush();
    if (rows.length > 0) yield rows;
  }
}
