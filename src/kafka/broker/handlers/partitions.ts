import { ErrorCode } from '../../protocol/error-codes.js';
import type { Struct } from '../../protocol/schema.js';
import type { RequestContext } from '../context.js';
import { kafkaErrorOf } from '../log-errors.js';

interface PartitionsTopic {
  readonly name: string;
  readonly count: number;
  readonly assignments: readonly { brokerIds: number[] }[] | null;
}

/**
 * CreatePartitions: `count` is the topic's new total, as in Kafka. Fewer or as many as it has is
 * INVALID_PARTITIONS; assignments may only name this node, one per new partition.
 */
export async function handleCreatePartitions(request: Struct, ctx: RequestContext): Promise<Struct> {
  const { log, internalTopics, node } = ctx.broker;
  const validateOnly = request.validateOnly as boolean;
  const topics = request.topics as PartitionsTopic[];
  const seen = new Map<string, number>();
  for (const t of topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
  const results: Struct[] = [];
  for (const t of topics) {
    const result = (errorCode: number, errorMessage: string | null) =>
      results.push({ name: t.name, errorCode, errorMessage });
    if ((seen.get(t.name) ?? 0) > 1) {
      result(ErrorCode.INVALID_REQUEST, `topic '${t.name}' appears more than once in the request`);
      continue;
    }
    try {
      internalTopics.check(t.name, 'add partitions to');
      const current = (await log.describeTopic(t.name)).partitions.length;
      if (t.count < current) {
        result(
          ErrorCode.INVALID_PARTITIONS,
          `Topic currently has ${current} partitions, which is higher than the requested ${t.count}.`,
        );
        continue;
      }
      if (t.count === current) {
        result(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partitions.`);
        continue;
      }
      if (t.assignments !== null) {
        if (t.assignments.length !== t.count - current) {
          result(
            ErrorCode.INVALID_REPLICA_ASSIGNMENT,
            `${t.assignments.length} replica assignments for ${t.count - current} new partitions: give one per new partition`,
          );
          continue;
        }
        if (t.assignments.some((a) => a.brokerIds.some((b) => b !== node.nodeId))) {
          result(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `this cluster has one broker, id ${node.nodeId}`);
          continue;
        }
      }
      if (!validateOnly) {
        await log.createPartitions(t.name, t.count);
        ctx.broker.writeLine(
          `Kafka listener: topic '${t.name}' now has ${t.count} partitions (was ${current}), for ${ctx.clientId}`,
        );
      }
      result(ErrorCode.NONE, null);
    } catch (err) {
      const e = kafkaErrorOf(err);
      // The log's INVALID_PARTITION here is a count it refuses (above its limit), not a missing partition.
      const known = (err as { code?: string }).code === 'INVALID_PARTITION';
      result(known ? ErrorCode.INVALID_PARTITIONS : e.code, e.message);
    }
  }
  return { throttleTimeMs: 0, results };
}

interface DeleteRecordsTopic {
  readonly name: string;
  readonly partitions: readonly { partitionIndex: number; offset: number }[];
}

/** Offset -1 in DeleteRecords: up to the high watermark. */
const HIGH_WATERMARK = -1;

/**
 * DeleteRecords: moves each partition's log start offset to the offset given (-1: its end) and
 * answers the new low watermark. Only topics whose cleanup.policy includes delete, as in Kafka.
 */
export async function handleDeleteRecords(request: Struct, ctx: RequestContext): Promise<Struct> {
  const { log, internalTopics } = ctx.broker;
  const topics: Struct[] = [];
  for (const t of request.topics as DeleteRecordsTopic[]) {
    const partitions: Struct[] = [];
    const answer = (partitionIndex: number, errorCode: number, lowWatermark = -1) =>
      partitions.push({ partitionIndex, lowWatermark, errorCode });
    let policyProblem: number | undefined;
    let count = 0;
    try {
      internalTopics.check(t.name, 'delete records of');
      const described = await log.describeTopic(t.name);
      count = described.partitions.length;
      if (!(described.config['cleanup.policy'] ?? 'delete').split(',').some((p) => p.trim() === 'delete'))
        policyProblem = ErrorCode.POLICY_VIOLATION;
    } catch (err) {
      for (const p of t.partitions) answer(p.partitionIndex, kafkaErrorOf(err).code);
      topics.push({ name: t.name, partitions });
      continue;
    }
    for (const p of t.partitions) {
      if (p.partitionIndex < 0 || p.partitionIndex >= count) {
        answer(p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        continue;
      }
      if (policyProblem !== undefined) {
        answer(p.partitionIndex, policyProblem);
        continue;
      }
      try {
        const offset = p.offset === HIGH_WATERMARK ? await log.endOffset(t.name, p.partitionIndex) : p.offset;
        if (offset < 0) {
          answer(p.partitionIndex, ErrorCode.OFFSET_OUT_OF_RANGE);
          continue;
        }
        answer(p.partitionIndex, ErrorCode.NONE, await log.deleteRecords(t.name, p.partitionIndex, offset));
      } catch (err) {
        answer(p.partitionIndex, kafkaErrorOf(err).code);
      }
    }
    topics.push({ name: t.name, partitions });
  }
  return { throttleTimeMs: 0, topics };
}
