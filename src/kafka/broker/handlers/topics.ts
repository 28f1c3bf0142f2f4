import type { TopicSpec } from '../../../log/index.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { Struct } from '../../protocol/schema.js';
import type { RequestContext } from '../context.js';
import { kafkaErrorOf, kafkaTopicNameProblem } from '../log-errors.js';

interface CreatableTopic {
  readonly name: string;
  readonly numPartitions: number;
  readonly replicationFactor: number;
  readonly assignments: readonly { partitionIndex: number; brokerIds: number[] }[];
  readonly configs: readonly { name: string; value: string | null }[];
}

/**
 * CreateTopics. One node keeps one copy of each partition; any replication factor is accepted (a
 * Kafka Connect worker asks for 3 by default) and the response reports the 1 copy actually kept.
 */
export async function handleCreateTopics(request: Struct, ctx: RequestContext): Promise<Struct> {
  const { log, node } = ctx.broker;
  const validateOnly = request.validateOnly as boolean;
  const topics: Struct[] = [];
  for (const t of request.topics as CreatableTopic[]) {
    const fail = (code: number, message: string) =>
      topics.push({
        name: t.name,
        errorCode: code,
        errorMessage: message,
        numPartitions: -1,
        replicationFactor: -1,
        configs: null,
      });
    const problem = kafkaTopicNameProblem(t.name);
    if (problem !== undefined) {
      fail(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
      continue;
    }
    if (t.replicationFactor === 0 || t.replicationFactor < -1) {
      fail(
        ErrorCode.INVALID_REPLICATION_FACTOR,
        `replication factor ${t.replicationFactor}: use 1 (or -1 for the default)`,
      );
      continue;
    }
    let partitions = t.numPartitions === -1 ? ctx.broker.defaultPartitions : t.numPartitions;
    if (t.assignments.length > 0) {
      if (t.numPartitions !== -1) {
        fail(ErrorCode.INVALID_REQUEST, 'give either a partition count or replica assignments, not both');
        continue;
      }
      if (t.assignments.some((a) => a.brokerIds.some((b) => b !== node.nodeId))) {
        fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `this cluster has one broker, id ${node.nodeId}`);
        continue;
      }
      partitions = t.assignments.length;
    }
    if (partitions < 1) {
      fail(ErrorCode.INVALID_PARTITIONS, `${partitions} partitions: a topic needs at least 1`);
      continue;
    }
    const config: Record<string, string> = {};
    for (const c of t.configs) if (c.value !== null) config[c.name] = c.value;
    const spec: TopicSpec = { partitions, config };
    try {
      if (validateOnly) log.validateTopic(t.name, spec);
      else await log.createTopic(t.name, spec);
      const described = validateOnly ? undefined : await log.describeTopic(t.name);
      topics.push({
        name: t.name,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        numPartitions: partitions,
        replicationFactor: 1,
        configs:
          described === undefined
            ? []
            : Object.entries(described.config).map(([name, value]) => ({
                name,
                value,
                readOnly: false,
                configSource: name in config ? 1 : 5,
                isSensitive: false,
              })),
      });
    } catch (err) {
      const e = kafkaErrorOf(err);
      fail(
        e.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ? ErrorCode.INVALID_PARTITIONS : e.code,
        e.message,
      );
    }
  }
  return { throttleTimeMs: 0, topics };
}

/** DeleteTopics by name; Sluice's internal topics (its command topic, Connect's topics, `__*`) are refused. */
export async function handleDeleteTopics(request: Struct, ctx: RequestContext): Promise<Struct> {
  const names =
    ctx.version >= 6
      ? (request.topics as { name: string | null }[]).map((t) => t.name)
      : (request.topicNames as string[]);
  const responses: Struct[] = [];
  for (const name of names) {
    if (name === null) {
      responses.push({
        name: null,
        errorCode: ErrorCode.UNKNOWN_TOPIC_ID,
        errorMessage: 'topics are deleted by name here',
      });
      continue;
    }
    try {
      ctx.broker.internalTopics.check(name, 'delete');
      await ctx.broker.log.deleteTopic(name);
      ctx.broker.writeLine(`Kafka listener: deleted topic '${name}' for ${ctx.clientId}`);
      responses.push({ name, errorCode: ErrorCode.NONE, errorMessage: null });
    } catch (err) {
      const e = kafkaErrorOf(err);
      responses.push({ name, errorCode: e.code, errorMessage: e.message });
    }
  }
  return { throttleTimeMs: 0, responses };
}
