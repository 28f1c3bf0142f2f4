import { ErrorCode, type ErrorCodeValue } from '../../protocol/error-codes.js';
import type { Struct } from '../../protocol/schema.js';
import type { RequestContext } from '../context.js';
import { type CommitPartition, checkCommits } from './groups.js';

/** Kafka 2.7+ (KIP-588) answers a fenced producer PRODUCER_FENCED from v2 on, INVALID_PRODUCER_EPOCH before. */
function fencedCode(ctx: RequestContext): ErrorCodeValue {
  return ctx.version >= 2 ? ErrorCode.PRODUCER_FENCED : ErrorCode.INVALID_PRODUCER_EPOCH;
}

export async function handleAddPartitionsToTxn(request: Struct, ctx: RequestContext): Promise<Struct> {
  const topics = request.topics as { name: string; partitions: number[] }[];
  const asked: { topic: string; partition: number; problem: ErrorCodeValue }[] = [];
  for (const t of topics) {
    const problem = await topicProblem(ctx, t.name);
    for (const p of t.partitions) {
      asked.push({
        topic: t.name,
        partition: p,
        problem:
          typeof problem === 'number'
            ? problem
            : p < 0 || p >= problem.partitions
              ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
              : ErrorCode.NONE,
      });
    }
  }
  const codes = await ctx.broker.transactions.addPartitions(
    request.transactionalId as string,
    request.producerId as number,
    request.producerEpoch as number,
    fencedCode(ctx),
    asked,
  );
  const byTopic = new Map<string, Struct[]>();
  asked.forEach((a, i) => {
    let list = byTopic.get(a.topic);
    if (list === undefined) {
      list = [];
      byTopic.set(a.topic, list);
    }
    list.push({ partitionIndex: a.partition, partitionErrorCode: codes[i] });
  });
  return {
    throttleTimeMs: 0,
    results: [...byTopic].map(([name, results]) => ({ name, results })),
  };
}

/** A topic a transaction may write: its partition count, or why not. */
async function topicProblem(
  ctx: RequestContext,
  topic: string,
): Promise<ErrorCodeValue | { partitions: number }> {
  if (ctx.broker.internalTopics.roleOf(topic) !== undefined) return ErrorCode.TOPIC_AUTHORIZATION_FAILED;
  try {
    return { partitions: (await ctx.broker.log.describeTopic(topic)).partitions.length };
  } catch {
    return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  }
}

export async function handleAddOffsetsToTxn(request: Struct, ctx: RequestContext): Promise<Struct> {
  const errorCode = await ctx.broker.transactions.addOffsets(
    request.transactionalId as string,
    request.producerId as number,
    request.producerEpoch as number,
    fencedCode(ctx),
    request.groupId as string,
  );
  return { throttleTimeMs: 0, errorCode };
}

/**
 * TxnOffsetCommit: the group's offsets join the transaction (committed with its records, or never).
 * From v3 the member and generation are checked as OffsetCommit checks them; a producer that sends
 * none (generation -1, no member) is not, as in Kafka.
 */
export async function handleTxnOffsetCommit(request: Struct, ctx: RequestContext): Promise<Struct> {
  const groupId = request.groupId as string;
  const topics = request.topics as { name: string; partitions: CommitPartition[] }[];
  const memberId = request.memberId as string;
  const generationId = request.generationId as number;
  let groupError: ErrorCodeValue = ErrorCode.NONE;
  if (ctx.version >= 3 && !(memberId === '' && generationId < 0)) {
    groupError = ctx.broker.groups.checkCommit(groupId, memberId, generationId);
  }
  const { results, toCommit: offsets, committing } = await checkCommits(ctx, topics, groupError);
  if (offsets.length > 0) {
    const code = ctx.broker.transactions.txnOffsetCommit(
      request.transactionalId as string,
      request.producerId as number,
      request.producerEpoch as number,
      fencedCode(ctx),
      groupId,
      offsets,
    );
    for (const r of committing) r.errorCode = code;
  }
  return { throttleTimeMs: 0, topics: results };
}

export async function handleEndTxn(request: Struct, ctx: RequestContext): Promise<Struct> {
  const errorCode = await ctx.broker.transactions.endTxn(
    request.transactionalId as string,
    request.producerId as number,
    request.producerEpoch as number,
    fencedCode(ctx),
    request.committed as boolean,
  );
  return { throttleTimeMs: 0, errorCode };
}

export async function handleDescribeTransactions(request: Struct, ctx: RequestContext): Promise<Struct> {
  const transactionStates = (request.transactionalIds as string[]).map((transactionalId) => {
    const d = ctx.broker.transactions.describe(transactionalId);
    if (d === undefined) {
      return {
        errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND,
        transactionalId,
        transactionState: '',
        transactionTimeoutMs: 0,
        transactionStartTimeMs: -1,
        producerId: -1,
        producerEpoch: -1,
        topicPartitions: [],
      };
    }
    return {
      errorCode: ErrorCode.NONE,
      transactionalId,
      transactionState: d.state,
      transactionTimeoutMs: d.timeoutMs,
      transactionStartTimeMs: d.startedAt,
      producerId: d.producerId,
      producerEpoch: d.epoch,
      topicPartitions: d.partitions.map((p) => ({ name: p.topic, partitionIndexes: p.partitions })),
    };
  });
  return { throttleTimeMs: 0, transactionStates };
}

export async function handleListTransactions(request: Struct, ctx: RequestContext): Promise<Struct> {
  const { unknownStates, transactions } = ctx.broker.transactions.list(
    request.stateFilters as string[],
    request.producerIdFilters as number[],
    request.durationFilter as number,
  );
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    unknownStateFilters: unknownStates,
    transactionStates: transactions.map((t) => ({
      transactionalId: t.transactionalId,
      producerId: t.producerId,
      transactionState: t.state,
    })),
  };
}
