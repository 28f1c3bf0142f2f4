import type { Log } from './types.js';

/**
 * `Log.offsetForTimestamp` for a store without a time index: reads the partition from its
 * beginning until a record at or after `timestamp`.
 */
export async function scanForTimestamp(
  log: Pick<Log, 'read' | 'beginningOffset' | 'endOffset'>,
  topic: string,
  partition: number,
  timestamp: number,
): Promise<{ offset: number; timestamp: number } | undefined> {
  const end = await log.endOffset(topic, partition);
  let offset = await log.beginningOffset(topic, partition);
  while (offset < end) {
    const result = await log.read(topic, partition, offset, { maxRecords: 5000 });
    for (const r of result.records)
      if (r.timestamp >= timestamp) return { offset: r.offset, timestamp: r.timestamp };
    if (result.nextOffset <= offset) break;
    offset = result.nextOffset;
  }
  return undefined;
}
