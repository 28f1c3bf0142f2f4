import { ErrorCode } from '../../protocol/error-codes.js';
import type { Struct } from '../../protocol/schema.js';
import type { RequestContext } from '../context.js';
import { kafkaErrorOf, kafkaTopicNameProblem } from '../log-errors.js';

/** Kafka marks its own `__`-prefixed topics internal; clients hide them from pattern subscriptions. */
export function isKafkaInternal(name: string): boolean {
  return name.startsWith('__');
}

export async function partitionCount(ctx: RequestContext, topic: string): Promise<number | undefined> {
  try {
    return (await ctx.broker.log.describeTopic(topic)).partitions.length;
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
  const asked = request.topics as { name: string | null }[] | null;
  let names: string[];
  if (asked === null || (ctx.version === 0 && asked.length === 0)) names = await log.listTopics();
  else names = asked.map((t) => t.name).filter((n): n is string => n !== null);
  const allowCreate = (request.allowAutoTopicCreation as boolean) && ctx.broker.autoCreateTopics;
  const topics: Struct[] = [];
  for (const name of names) {
    const problem = kafkaTopicNameProblem(name);
    if (problem !== undefined) {
      topics.push({ errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, name, isInternal: false, partitions: [] });
      continue;
    }
    let count = await partitionCount(ctx, name);
    if (count === undefined && allowCreate && asked !== null) {
      try {
        count = (await log.createTopic(name, { partitions: ctx.broker.defaultPartitions })).partitions.length;
        ctx.broker.writeLine(`Kafka listener: created topic '${name}' for ${ctx.clientId} (auto-creation)`);
      } catch (err) {
        // Created by another client meanwhile, or refused.
        count = await partitionCount(ctx, name);
        if (count === undefined) {
          topics.push({ errorCode: kafkaErrorOf(err).code, name, isInternal: false, partitions: [] });
          continue;
        }
      }
    }
    if (count === undefined) {
      topics.push({
        errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        name,
        isInternal: false,
        partitions: [],
      });
      continue;
    }
    const partitions: Struct[] = [];
    for (let p = 0; p < count; p++) {
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
    topics.push({ errorCode: ErrorCode.NONE, name, isInternal: isKafkaInternal(name), partitions });
  }
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: node.nodeId, host: node.host, port: node.port, rack: null }],
    clusterId: log.clusterId,
    controllerId: node.nodeId,
    topics,
  };
}
