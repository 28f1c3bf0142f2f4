import { ErrorCode } from '../../protocol/error-codes.js';
import type { Struct } from '../../protocol/schema.js';
import type { RequestContext } from '../context.js';
import { kafkaErrorOf, kafkaTopicNameProblem } from '../log-errors.js';
import { topicIdBytes } from '../topic-ids.js';

/** Kafka marks its own `__`-prefixed topics internal; clients hide them from pattern subscriptions. */
export function isKafkaInternal(name: string): boolean {
  return name.startsWith('__');
}

export async function partitionCount(ctx: RequestContext, topic: string): Promise<number | undefined> {
  return (await described(ctx, topic))?.count;
}

/** A topic's partition count and id, or undefined when it does not exist. */
async function described(
  ctx: RequestContext,
  topic: string,
): Promise<{ count: number; id: string | undefined } | undefined> {
  try {
    const d = await ctx.broker.log.describeTopic(topic);
    ctx.broker.topicIds.note(topic, d.topicId);
    return { count: d.partitions.length, id: d.topicId };
  } catch {
    return undefined;
  }
}

/**
 * Metadata: this node is the only broker, the controller and every partition's leader and only
 * replica. A missing topic is created when the client allows it and auto-creation is on, as Kafka's
 * auto.create.topics.enable does.
 */
export async function handleMetadata(request: Struct, ctx: RequestContext): Promise<Struct> {
  const { log, node } = ctx.broker;
  const asked = request.topics as { name: string | null; topicId?: Buffer }[] | null;
  let names: string[];
  const unknownIds: Buffer[] = [];
  if (asked === null || (ctx.version === 0 && asked.length === 0)) names = await log.listTopics();
  else {
    names = [];
    for (const t of asked) {
      if (t.name !== null) names.push(t.name);
      else if (t.topicId !== undefined) {
        // v10+: a topic asked for by id alone.
        const name = await ctx.broker.topicIds.nameOf(t.topicId);
        if (name !== undefined) names.push(name);
        else unknownIds.push(t.topicId);
      }
    }
  }
  const allowCreate = (request.allowAutoTopicCreation as boolean) && ctx.broker.autoCreateTopics;
  const topics: Struct[] = [];
  for (const name of names) {
    const problem = kafkaTopicNameProblem(name);
    if (problem !== undefined) {
      topics.push({ errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, name, isInternal: false, partitions: [] });
      continue;
    }
    let topic = await described(ctx, name);
    if (topic === undefined && allowCreate && asked !== null) {
      try {
        await log.createTopic(name, { partitions: ctx.broker.defaultPartitions });
        ctx.broker.writeLine(`Kafka listener: created topic '${name}' for ${ctx.clientId} (auto-creation)`);
        topic = await described(ctx, name);
      } catch (err) {
        // Created by another client meanwhile, or refused.
        topic = await described(ctx, name);
        if (topic === undefined) {
          topics.push({ errorCode: kafkaErrorOf(err).code, name, isInternal: false, partitions: [] });
          continue;
        }
      }
    }
    if (topic === undefined) {
      topics.push({
        errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        name,
        isInternal: false,
        partitions: [],
      });
      continue;
    }
    const partitions: Struct[] = [];
    for (let p = 0; p < topic.count; p++) {
      partitions.push({
        errorCode: ErrorCode.NONE,
        partitionIndex: p,
        leaderId: node.nodeId,
        leaderEpoch: 0,
        replicaNodes: [node.nodeId],
        isrNodes: [node.nodeId],
        offlineReplicas: [],
      });
    }
    topics.push({
      errorCode: ErrorCode.NONE,
      name,
      topicId: topicIdBytes(topic.id),
      isInternal: isKafkaInternal(name),
      partitions,
    });
  }
  for (const topicId of unknownIds) {
    const name = ctx.version >= 12 ? null : '';
    topics.push({ errorCode: ErrorCode.UNKNOWN_TOPIC_ID, name, topicId, isInternal: false, partitions: [] });
  }
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: node.nodeId, host: node.host, port: node.port, rack: null }],
    clusterId: log.clusterId,
    controllerId: node.nodeId,
    topics,
  };
}
