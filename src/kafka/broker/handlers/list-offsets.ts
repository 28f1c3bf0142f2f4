import type { Log } from '../../../log/index.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { Struct } from '../../protocol/schema.js';
import type { RequestContext } from '../context.js';
import { kafkaErrorOf } from '../log-errors.js';

const LATEST = -1;
const EARLIEST = -2;
const MAX_TIMESTAMP = -3;

interface ListPartition {
  readonly partitionIndex: number;
  readonly timestamp: number;
}

/**
 * ListOffsets: -1 latest (the high watermark), -2 earliest, -3 the record with the largest timestamp
 * (v7+), or a timestamp: the first offset whose record has a timestamp at or after it, else -1.
 */
export async function handleListOffsets(request: Struct, ctx: RequestContext): Promise<Struct> {
  const topics = request.topics as { name: string; partitions: ListPartition[] }[];
  const out: Struct[] = [];
  for (const t of topics) {
    const partitions: Struct[] = [];
    for (const p of t.partitions) {
      try {
        const found = await offsetFor(ctx.broker.log, t.name, p.partitionIndex, p.timestamp);
        partitions.push({
          partitionIndex: p.partitionIndex,
          errorCode: ErrorCode.NONE,
          ...found,
          leaderEpoch: 0,
        });
      } catch (err) {
        partitions.push({ partitionIndex: p.partitionIndex, errorCode: kafkaErrorOf(err).code });
      }
    }
    out.push({ name: t.name, partitions });
  }
  return { throttleTimeMs: 0, topics: out };
}

async function offsetFor(
  log: Log,
  topic: string,
  partition: number,
  timestamp: number,
): Promise<{ timestamp: number; offset: number }> {
  if (timestamp === LATEST) return { timestamp: -1, offset: await log.endOffset(topic, partition) };
  if (timestamp === EARLIEST) return { timestamp: -1, offset: await log.beginningOffset(topic, partition) };
  if (timestamp !== MAX_TIMESTAMP) {
    const found = await log.offsetForTimestamp(topic, partition, timestamp);
    return found ?? { timestamp: -1, offset: -1 };
  }
  // The largest timestamp: a scan of the partition.
  const end = await log.endOffset(topic, partition);
  let offset = await log.beginningOffset(topic, partition);
  let best = { timestamp: -1, offset: -1 };
  while (offset < end) {
    const result = await log.read(topic, partition, offset, { maxRecords: 5000 });
    for (const r of result.records) {
      if (r.timestamp >= best.timestamp) best = { timestamp: r.timestamp, offset: r.offset };
    }
    if (result.nextOffset <= offset) break;
    offset = result.nextOffset;
  }
  return best;
}
