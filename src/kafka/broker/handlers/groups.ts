import type { TopicPartitionOffset } from '../../../log/index.js';
import { ErrorCode, type ErrorCodeValue } from '../../protocol/error-codes.js';
import type { Struct } from '../../protocol/schema.js';
import type { Protocol } from '../classic-group-coordinator.js';
import type { RequestContext } from '../context.js';
import { kafkaErrorOf } from '../log-errors.js';

/** FindCoordinator: this node coordinates every group (and would every transaction). */
export async function handleFindCoordinator(request: Struct, ctx: RequestContext): Promise<Struct> {
  const { nodeId, host, port } = ctx.broker.node;
  if (ctx.version >= 4) {
    return {
      throttleTimeMs: 0,
      coordinators: (request.coordinatorKeys as string[]).map((key) => ({
        key,
        nodeId,
        host,
        port,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
      })),
    };
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, nodeId, host, port };
}

export async function handleJoinGroup(request: Struct, ctx: RequestContext): Promise<Struct> {
  const result = await ctx.broker.groups.join({
    groupId: request.groupId as string,
    memberId: request.memberId as string,
    groupInstanceId: request.groupInstanceId as string | null,
    clientId: ctx.clientId,
    clientHost: `/${ctx.clientHost}`,
    sessionTimeoutMs: request.sessionTimeoutMs as number,
    rebalanceTimeoutMs: request.rebalanceTimeoutMs as number,
    protocolType: request.protocolType as string,
    protocols: request.protocols as Protocol[],
    requireKnownMemberId: ctx.version >= 4,
  });
  return {
    throttleTimeMs: 0,
    errorCode: result.errorCode,
    generationId: result.generationId,
    protocolType: result.protocolType,
    // Not nullable before v7.
    protocolName: ctx.version >= 7 ? result.protocolName : (result.protocolName ?? ''),
    leader: result.leader,
    skipAssignment: result.skipAssignment ?? false,
    memberId: result.memberId,
    members: result.members,
  };
}

export async function handleSyncGroup(request: Struct, ctx: RequestContext): Promise<Struct> {
  const result = await ctx.broker.groups.sync({
    groupId: request.groupId as string,
    generationId: request.generationId as number,
    memberId: request.memberId as string,
    groupInstanceId: (request.groupInstanceId as string | null | undefined) ?? null,
    protocolType: request.protocolType as string | null,
    protocolName: request.protocolName as string | null,
    assignments: request.assignments as { memberId: string; assignment: Buffer }[],
  });
  return { throttleTimeMs: 0, ...result };
}

export async function handleHeartbeat(request: Struct, ctx: RequestContext): Promise<Struct> {
  return {
    throttleTimeMs: 0,
    errorCode: ctx.broker.groups.heartbeat(
      request.groupId as string,
      request.memberId as string,
      request.generationId as number,
      (request.groupInstanceId as string | null | undefined) ?? null,
    ),
  };
}

export async function handleLeaveGroup(request: Struct, ctx: RequestContext): Promise<Struct> {
  const groupId = request.groupId as string;
  if (ctx.version < 3) {
    return { throttleTimeMs: 0, errorCode: ctx.broker.groups.leave(groupId, request.memberId as string) };
  }
  const members = (request.members as { memberId: string; groupInstanceId: string | null }[]).map((m) => ({
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId,
    errorCode: ctx.broker.groups.leave(groupId, m.memberId, m.groupInstanceId),
  }));
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, members };
}

export interface CommitPartition {
  readonly partitionIndex: number;
  readonly committedOffset: number;
  readonly committedMetadata: string | null;
}

/** Kafka's offset.metadata.max.bytes. */
const MAX_METADATA = 4096;

interface PartitionResult {
  partitionIndex: number;
  errorCode: ErrorCodeValue;
}

/** The offsets an OffsetCommit or TxnOffsetCommit may store, each partition's answer, and which answers a store failure changes. */
export interface CheckedCommits {
  readonly results: { name: string; partitions: PartitionResult[] }[];
  readonly toCommit: TopicPartitionOffset[];
  readonly committing: PartitionResult[];
}

/**
 * Checks each offset of a commit as Kafka does: after the group's own error, an unknown topic or
 * partition, then metadata over offset.metadata.max.bytes.
 */
export async function checkCommits(
  ctx: RequestContext,
  topics: readonly { name: string; partitions: readonly CommitPartition[] }[],
  groupError: ErrorCodeValue,
): Promise<CheckedCommits> {
  const results: CheckedCommits['results'] = [];
  const toCommit: TopicPartitionOffset[] = [];
  const committing: PartitionResult[] = [];
  for (const t of topics) {
    const count = groupError === ErrorCode.NONE ? await partitionsOf(ctx, t.name) : undefined;
    const partitions = t.partitions.map((p) => {
      let errorCode: ErrorCodeValue = groupError;
      if (errorCode === ErrorCode.NONE) {
        if (count === undefined || p.partitionIndex < 0 || p.partitionIndex >= count) {
          errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        } else if (p.committedMetadata !== null && Buffer.byteLength(p.committedMetadata) > MAX_METADATA) {
          errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE;
        }
      }
      const result = { partitionIndex: p.partitionIndex, errorCode };
      if (errorCode === ErrorCode.NONE) {
        toCommit.push({
          topic: t.name,
          partition: p.partitionIndex,
          offset: p.committedOffset,
          ...(p.committedMetadata === null ? {} : { metadata: p.committedMetadata }),
        });
        committing.push(result);
      }
      return result;
    });
    results.push({ name: t.name, partitions });
  }
  return { results, toCommit, committing };
}

/** OffsetCommit: checked against the group's generation, then stored in the log's group offsets. */
export async function handleOffsetCommit(request: Struct, ctx: RequestContext): Promise<Struct> {
  const groupId = request.groupId as string;
  const topics = request.topics as { name: string; partitions: CommitPartition[] }[];
  const groupError = ctx.broker.groups.checkCommit(
    groupId,
    request.memberId as string,
    request.generationIdOrMemberEpoch as number,
    (request.groupInstanceId as string | null | undefined) ?? null,
  );
  const { results, toCommit, committing } = await checkCommits(ctx, topics, groupError);
  if (toCommit.length > 0) {
    try {
      await ctx.broker.log.commitOffsets(groupId, toCommit);
    } catch (err) {
      const code = kafkaErrorOf(err).code;
      for (const r of committing) r.errorCode = code;
    }
  }
  return { throttleTimeMs: 0, topics: results };
}

async function partitionsOf(ctx: RequestContext, topic: string): Promise<number | undefined> {
  try {
    return (await ctx.broker.log.describeTopic(topic)).partitions.length;
  } catch {
    return undefined;
  }
}

type FetchTopics = { name: string; partitionIndexes: number[] }[] | null;

async function fetchGroupOffsets(
  ctx: RequestContext,
  groupId: string,
  topics: FetchTopics,
  requireStable: boolean,
): Promise<Struct[]> {
  const committed = await ctx.broker.log.committedOffsets(groupId);
  const byKey = new Map(committed.map((o) => [`${o.topic}\u0000${o.partition}`, o]));
  const entry = (topic: string, partition: number): Struct => {
    const o = byKey.get(`${topic}\u0000${partition}`);
    return {
      partitionIndex: partition,
      committedOffset: o?.offset ?? -1,
      committedLeaderEpoch: -1,
      metadata: o === undefined ? '' : (o.metadata ?? ''),
      // A transaction holds an offset of this partition: the consumer retries once it ends.
      errorCode:
        requireStable && ctx.broker.transactions.hasPendingOffset(groupId, topic, partition)
          ? ErrorCode.UNSTABLE_OFFSET_COMMIT
          : ErrorCode.NONE,
    };
  };
  if (topics === null) {
    const grouped = new Map<string, Struct[]>();
    for (const o of committed) {
      let list = grouped.get(o.topic);
      if (list === undefined) {
        list = [];
        grouped.set(o.topic, list);
      }
      list.push(entry(o.topic, o.partition));
    }
    return [...grouped].map(([name, partitions]) => ({ name, partitions }));
  }
  return topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => entry(t.name, p)) }));
}

/** OffsetFetch: committed offsets from the log; -1 for a partition (or group) with none, as Kafka. */
export async function handleOffsetFetch(request: Struct, ctx: RequestContext): Promise<Struct> {
  if (ctx.version >= 8) {
    const groups = request.groups as { groupId: string; topics: FetchTopics }[];
    const out: Struct[] = [];
    for (const g of groups) {
      out.push({
        groupId: g.groupId,
        topics: await fetchGroupOffsets(ctx, g.groupId, g.topics, request.requireStable === true),
        errorCode: ErrorCode.NONE,
      });
    }
    return { throttleTimeMs: 0, groups: out };
  }
  const topics = await fetchGroupOffsets(
    ctx,
    request.groupId as string,
    request.topics as FetchTopics,
    request.requireStable === true,
  );
  return { throttleTimeMs: 0, topics, errorCode: ErrorCode.NONE };
}

export async function handleDescribeGroups(request: Struct, ctx: RequestContext): Promise<Struct> {
  const withOffsets = new Set(await ctx.broker.log.listGroups());
  const groups = (request.groups as string[]).map((groupId) => {
    const d = ctx.broker.groups.describe(groupId);
    if (d === undefined) {
      // A group known only by its committed offsets is Empty; one never seen is Dead, as Kafka answers.
      return {
        errorCode: ErrorCode.NONE,
        groupId,
        groupState: withOffsets.has(groupId) ? 'Empty' : 'Dead',
        protocolType: '',
        protocolData: '',
        members: [],
      };
    }
    return {
      errorCode: ErrorCode.NONE,
      groupId,
      groupState: d.state,
      protocolType: d.protocolType,
      protocolData: d.protocolName,
      members: d.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: m.metadata,
        memberAssignment: m.assignment,
      })),
    };
  });
  return { throttleTimeMs: 0, groups };
}

export async function handleListGroups(request: Struct, ctx: RequestContext): Promise<Struct> {
  const states = new Set((request.statesFilter as string[]).map((s) => s.toLowerCase()));
  const types = new Set((request.typesFilter as string[]).map((s) => s.toLowerCase()));
  const known = new Map(ctx.broker.groups.list().map((g) => [g.groupId, g]));
  for (const groupId of await ctx.broker.log.listGroups()) {
    if (!known.has(groupId)) known.set(groupId, { groupId, state: 'Empty', protocolType: '' });
  }
  const groups = [...known.values()]
    .filter((g) => g.state !== 'Dead')
    .filter((g) => states.size === 0 || states.has(g.state.toLowerCase()))
    .filter(() => types.size === 0 || types.has('classic'))
    .map((g) => ({
      groupId: g.groupId,
      protocolType: g.protocolType,
      groupState: g.state,
      groupType: 'classic',
    }));
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups };
}

/**
 * DeleteGroups: a group without members loses its committed offsets and is gone; one with members
 * is NON_EMPTY_GROUP, one never seen GROUP_ID_NOT_FOUND, as Kafka answers.
 */
export async function handleDeleteGroups(request: Struct, ctx: RequestContext): Promise<Struct> {
  const withOffsets = new Set(await ctx.broker.log.listGroups());
  const results: Struct[] = [];
  for (const groupId of request.groupsNames as string[]) {
    const answer = (errorCode: ErrorCodeValue) => results.push({ groupId, errorCode });
    if (ctx.broker.groups.describe(groupId) === undefined && !withOffsets.has(groupId)) {
      answer(ErrorCode.GROUP_ID_NOT_FOUND);
      continue;
    }
    const code = ctx.broker.groups.remove(groupId);
    if (code !== ErrorCode.NONE) {
      answer(code);
      continue;
    }
    try {
      await ctx.broker.log.deleteCommittedOffsets(groupId);
      ctx.broker.writeLine(`Kafka listener: deleted group '${groupId}' for ${ctx.clientId}`);
      answer(ErrorCode.NONE);
    } catch (err) {
      answer(kafkaErrorOf(err).code);
    }
  }
  return { throttleTimeMs: 0, results };
}

/**
 * OffsetDelete: forgets a group's offsets of the partitions named. While the group has members, the
 * partitions of topics they subscribe to keep theirs (GROUP_SUBSCRIBED_TO_TOPIC), and a group of
 * another protocol than `consumer` keeps all (NON_EMPTY_GROUP), as in Kafka.
 */
export async function handleOffsetDelete(request: Struct, ctx: RequestContext): Promise<Struct> {
  const groupId = request.groupId as string;
  const asked = request.topics as { name: string; partitions: { partitionIndex: number }[] }[];
  const topLevel = (errorCode: ErrorCodeValue) => ({ errorCode, throttleTimeMs: 0, topics: [] });
  const { groups, log } = ctx.broker;
  if (groups.describe(groupId) === undefined && !(await log.listGroups()).includes(groupId))
    return topLevel(ErrorCode.GROUP_ID_NOT_FOUND);
  const subscribed = groups.subscribedTopics(groupId);
  if (subscribed === null) return topLevel(ErrorCode.NON_EMPTY_GROUP);
  const toDelete: { topic: string; partition: number }[] = [];
  const deleting: { errorCode: ErrorCodeValue }[] = [];
  const topics: Struct[] = [];
  for (const t of asked) {
    const count = await partitionsOf(ctx, t.name);
    const partitions = t.partitions.map((p) => {
      let errorCode: ErrorCodeValue = ErrorCode.NONE;
      if (count === undefined || p.partitionIndex < 0 || p.partitionIndex >= count)
        errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      else if (subscribed?.has(t.name)) errorCode = ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC;
      const result = { partitionIndex: p.partitionIndex, errorCode };
      if (errorCode === ErrorCode.NONE) {
        toDelete.push({ topic: t.name, partition: p.partitionIndex });
        deleting.push(result);
      }
      return result;
    });
    topics.push({ name: t.name, partitions });
  }
  if (toDelete.length > 0) {
    try {
      await log.deleteCommittedOffsets(groupId, toDelete);
    } catch (err) {
      const code = kafkaErrorOf(err).code;
      for (const r of deleting) r.errorCode = code;
    }
  }
  return { errorCode: ErrorCode.NONE, throttleTimeMs: 0, topics };
}
