import { LogError } from '../errors.js';

/** The Kafka error ids (e.g. TOPIC_ALREADY_EXISTS) an error of the client carries, nested ones included. */
export function kafkaErrorIds(err: unknown): Set<string> {
  const ids = new Set<string>();
  const visit = (e: unknown, depth: number) => {
    if (typeof e !== 'object' || e === null || depth > 5) return;
    const apiId = (e as { apiId?: unknown }).apiId;
    if (typeof apiId === 'string') ids.add(apiId);
    // The client's own metadata lookup reports a missing topic as a plain user error.
    if (/^Unknown topic /.test((e as { message?: unknown }).message as string))
      ids.add('UNKNOWN_TOPIC_OR_PARTITION');
    for (const inner of (e as { errors?: unknown[] }).errors ?? []) visit(inner, depth + 1);
    visit((e as { cause?: unknown }).cause, depth + 1);
  };
  visit(err, 0);
  return ids;
}

/** The error a Log method throws for what the Kafka cluster answered, naming the cluster's reason. */
export function fromKafkaError(err: unknown, what: string): LogError {
  if (err instanceof LogError) return err;
  const ids = kafkaErrorIds(err);
  const reason = ids.size > 0 ? [...ids].join(', ') : (err as Error).message;
  if (ids.has('TOPIC_ALREADY_EXISTS'))
    return new LogError('TOPIC_EXISTS', `${what}: the topic already exists in Kafka.`, { cause: err });
  if (ids.has('UNKNOWN_TOPIC_OR_PARTITION') || ids.has('UNKNOWN_TOPIC_ID'))
    return new LogError(
      'UNKNOWN_TOPIC',
      `${what}: Kafka has no such topic. Create it first or check the name.`,
      {
        cause: err,
      },
    );
  if (ids.has('INVALID_TOPIC_EXCEPTION'))
    return new LogError('INVALID_TOPIC', `${what}: Kafka refused the topic name.`, { cause: err });
  if (ids.has('INVALID_REPLICATION_FACTOR'))
    return new LogError(
      'INVALID_CONFIG',
      `${what}: Kafka refused the replication factor (INVALID_REPLICATION_FACTOR): a topic cannot have more replicas than the cluster has brokers. Ask for fewer (REPLICAS=…, ksql.internal.topic.replicas) or add brokers.`,
      { cause: err },
    );
  if (ids.has('INVALID_CONFIG') || ids.has('INVALID_PARTITIONS') || ids.has('POLICY_VIOLATION'))
    return new LogError('INVALID_CONFIG', `${what}: Kafka refused it (${reason}).`, { cause: err });
  if (ids.has('OFFSET_OUT_OF_RANGE'))
    return new LogError('OFFSET_OUT_OF_RANGE', `${what}: the offset is outside the partition's range.`, {
      cause: err,
    });
  if (ids.has('MESSAGE_TOO_LARGE') || ids.has('RECORD_LIST_TOO_LARGE'))
    return new LogError('RECORD_TOO_LARGE', `${what}: Kafka refused a record as too large (${reason}).`, {
      cause: err,
    });
  return new LogError('UNAVAILABLE', `${what}: the Kafka cluster did not answer as expected (${reason}).`, {
    cause: err,
  });
}

/** What the Kafka backend does not do yet, said where it is asked for. */
export function notOnKafka(feature: string): LogError {
  return new LogError(
    'UNSUPPORTED',
    `${feature} is not implemented on the Kafka backend (bootstrap.servers) yet. Unset bootstrap.servers to use the embedded log, which has it.`,
  );
}
