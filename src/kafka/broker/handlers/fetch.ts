import { type Log, ReadCursor } from '../../../log/index.js';
import { ErrorCode, type ErrorCodeValue } from '../../protocol/error-codes.js';
import type { Struct } from '../../protocol/schema.js';
import { encodeBatch } from '../../records/record-batch.js';
import type { RequestContext } from '../context.js';
import { kafkaErrorOf } from '../log-errors.js';
import { NO_TOPIC_ID } from '../topic-ids.js';

interface FetchPartition {
  readonly partition: number;
  readonly fetchOffset: number;
  readonly partitionMaxBytes: number;
}
interface FetchTopic {
  /** v12 and below. */
  readonly topic?: string;
  /** v13 and above. */
  readonly topicId?: Buffer;
  readonly partitions: readonly FetchPartition[];
}

interface PartitionState {
  readonly topic: string;
  readonly topicId: Buffer | undefined;
  readonly partition: number;
  readonly maxBytes: number;
  offset: number;
  errorCode: ErrorCodeValue;
  highWatermark: number;
  logStartOffset: number;
  batches: Buffer[];
  bytes: number;
}

/** Most records one read of one partition returns; a fetch reads again until its byte limits are met. */
const RECORDS_PER_READ = 2000;
const EMPTY = Buffer.alloc(0);

/**
 * Fetch: whole batches from each partition's fetch offset, up to the partition's and the request's
 * byte limits (the first batch always, even when larger: KIP-74); batches stored as received are
 * sent as their bytes. With fewer than MinBytes ready it
 * waits on the log's data signal (no polling) until enough arrives or MaxWaitMs passes. No fetch
 * sessions: answering SessionId 0 keeps clients on full fetch requests. Both isolation levels read
 * the same records: a transaction's records reach a partition only when it commits, so the last
 * stable offset is the high watermark and no aborted transaction is listed.
 */
export async function handleFetch(request: Struct, ctx: RequestContext): Promise<Struct> {
  const topics = request.topics as FetchTopic[];
  const maxWaitMs = Math.max(0, request.maxWaitMs as number);
  const minBytes = Math.max(0, request.minBytes as number);
  const maxBytes = Math.max(1, request.maxBytes as number);
  const readCommitted = request.isolationLevel === 1;
  const states: PartitionState[] = [];
  for (const t of topics) {
    // v13+: the topic by id; an id the log does not know (deleted, or created again) is UNKNOWN_TOPIC_ID.
    const byId = ctx.version >= 13 ? (t.topicId ?? NO_TOPIC_ID) : undefined;
    const name = byId === undefined ? (t.topic ?? '') : await ctx.broker.topicIds.nameOf(byId);
    for (const p of t.partitions) {
      states.push({
        topic: name ?? '',
        topicId: byId,
        partition: p.partition,
        maxBytes: Math.max(1, p.partitionMaxBytes),
        offset: p.fetchOffset,
        errorCode: name === undefined ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.NONE,
        highWatermark: -1,
        logStartOffset: -1,
        batches: [],
        bytes: 0,
      });
    }
  }
  const deadline = Date.now() + maxWaitMs;
  let total = await readAll(ctx, states, maxBytes, 0);
  while (
    total < Math.max(1, minBytes) &&
    !ctx.signal.aborted &&
    states.some((s) => s.errorCode === ErrorCode.NONE)
  ) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    const arrived = await waitForAny(ctx, states, left);
    if (!arrived) break;
    total = await readAll(ctx, states, maxBytes, total);
  }
  const byTopic = new Map<string, { topic: string; topicId: Buffer | undefined; partitions: Struct[] }>();
  for (const s of states) {
    const key = s.topicId === undefined ? s.topic : s.topicId.toString('hex');
    let entry = byTopic.get(key);
    if (entry === undefined) {
      entry = { topic: s.topic, topicId: s.topicId, partitions: [] };
      byTopic.set(key, entry);
    }
    const list = entry.partitions;
    list.push({
      partitionIndex: s.partition,
      errorCode: s.errorCode,
      highWatermark: s.highWatermark,
      lastStableOffset: s.highWatermark,
      logStartOffset: s.logStartOffset,
      // read_committed: no aborted transaction is ever in a partition (see TransactionCoordinator).
      abortedTransactions: readCommitted ? [] : null,
      preferredReadReplica: -1,
      // The batches as read, attached to the response frame rather than copied into it.
      records: s.batches.length === 0 ? EMPTY : s.batches,
    });
  }
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    sessionId: 0,
    responses: [...byTopic.values()],
  };
}

/** Reads what is ready in every partition still without an error; returns the response's byte total. */
async function readAll(
  ctx: RequestContext,
  states: PartitionState[],
  maxBytes: number,
  total: number,
): Promise<number> {
  const { log } = ctx.broker;
  for (const s of states) {
    if (s.errorCode !== ErrorCode.NONE) continue;
    try {
      const start = await log.beginningOffset(s.topic, s.partition);
      const end = await log.endOffset(s.topic, s.partition);
      s.logStartOffset = start;
      s.highWatermark = end;
      if (s.offset < start || s.offset > end) {
        s.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
        continue;
      }
      const key = `${s.topic}\u0000${s.partition}`;
      let cursor = ctx.cursors.get(key);
      if (cursor === undefined) {
        cursor = new ReadCursor();
        ctx.cursors.set(key, cursor);
      }
      while (s.offset < end && s.bytes < s.maxBytes && total < maxBytes) {
        // KIP-74: the first batch of the response goes out whatever its size, so a big record never blocks.
        const budget =
          total === 0
            ? Math.max(1, Math.min(s.maxBytes, maxBytes))
            : Math.min(s.maxBytes - s.bytes, maxBytes - total);
        const read = await readBatches(log, s, budget, total === 0, cursor);
        if (read.nextOffset <= s.offset) break;
        if (total > 0 && read.bytes > budget) break;
        for (const b of read.batches) s.batches.push(b);
        s.bytes += read.bytes;
        total += read.bytes;
        s.offset = read.nextOffset;
        s.highWatermark = Math.max(s.highWatermark, read.endOffset);
      }
    } catch (err) {
      s.errorCode = kafkaErrorOf(err).code;
    }
  }
  return total;
}

/**
 * The next batches of a partition in Kafka's wire format, about `budget` bytes: stored Kafka batches
 * as their bytes (no decoding) where the log keeps them, records encoded into a batch otherwise.
 */
async function readBatches(
  log: Log,
  s: PartitionState,
  budget: number,
  first: boolean,
  cursor: ReadCursor,
): Promise<{ batches: Buffer[]; bytes: number; nextOffset: number; endOffset: number }> {
  const batches: Buffer[] = [];
  let bytes = 0;
  if (log.readKafkaBatches !== undefined) {
    const result = await log.readKafkaBatches(s.topic, s.partition, s.offset, { maxBytes: budget, cursor });
    for (const chunk of result.chunks) {
      const batch =
        chunk.kind === 'kafka' ? chunk.bytes : encodeBatch(chunk.records, chunk.baseOffset, chunk.nextOffset);
      batches.push(batch);
      bytes += batch.length;
    }
    return { batches, bytes, nextOffset: result.nextOffset, endOffset: result.endOffset };
  }
  const result = await log.read(s.topic, s.partition, s.offset, {
    maxRecords: RECORDS_PER_READ,
    maxBytes: budget,
    cursor,
  });
  if (result.nextOffset > s.offset) {
    // Records past the budget are not encoded only to be dropped (the first batch always goes).
    if (!first && result.records.length > 0 && estimate(result.records) > budget)
      return { batches, bytes, nextOffset: s.offset, endOffset: result.endOffset };
    const batch = encodeBatch(result.records, s.offset, result.nextOffset);
    batches.push(batch);
    bytes = batch.length;
  }
  return { batches, bytes, nextOffset: result.nextOffset, endOffset: result.endOffset };
}

function estimate(records: readonly { key: Buffer | null; value: Buffer | null }[]): number {
  let n = 61;
  for (const r of records) n += 16 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  return n;
}

/** Resolves true once any partition has data past its position, false when `timeoutMs` passes. */
async function waitForAny(
  ctx: RequestContext,
  states: PartitionState[],
  timeoutMs: number,
): Promise<boolean> {
  const stop = new AbortController();
  const onClose = () => stop.abort();
  ctx.signal.addEventListener('abort', onClose, { once: true });
  try {
    const waits = states
      .filter((s) => s.errorCode === ErrorCode.NONE)
      .map((s) =>
        ctx.broker.log.waitForData(s.topic, s.partition, s.offset, timeoutMs, stop.signal).catch(() => false),
      );
    if (waits.length === 0) return false;
    return await new Promise<boolean>((resolve) => {
      let pending = waits.length;
      for (const w of waits) {
        w.then((arrived) => {
          if (arrived) resolve(true);
          else if (--pending === 0) resolve(false);
        });
      }
    });
  } finally {
    stop.abort();
    ctx.signal.removeEventListener('abort', onClose);
  }
}
