import { LogError } from './errors.js';

/**
 * The Schema Registry's store (Confluent's kafkastore.topic): internal whether or not this process
 * serves the registry, since turning it on later, or a Confluent registry sharing the log, reads it.
 */
const SCHEMAS_TOPIC = '_schemas';

/** What would be done to an internal topic from outside its owner. */
export type InternalTopicAction =
  | 'delete'
  | 'write to'
  | 'change the configs of'
  | 'add partitions to'
  | 'delete records of';

/**
 * The topics that hold a process's own state (the command topic, the processing log, Connect's
 * config, offset and status topics, `__consumer_offsets`, the Schema Registry's `_schemas`). Their
 * owners write them through the log directly; every door the outside world has (REST Proxy, the
 * topic tools, SQL) asks here first, so no request can delete, truncate or overwrite the state a
 * restart rebuilds from.
 */
export class InternalTopics {
  private readonly roles = new Map<string, string>();

  /** `role` completes "Topic 'x' is …", e.g. "the command topic, which defines every stream". */
  add(name: string, role: string): this {
    this.roles.set(name, role);
    return this;
  }

  roleOf(name: string): string | undefined {
    return (
      this.roles.get(name) ??
      (name.startsWith('__')
        ? 'internal to the log (as Kafka names such topics)'
        : name === SCHEMAS_TOPIC
          ? "the Schema Registry's store, which holds every subject's schemas and ids"
          : queryInternalRole(name))
    );
  }

  /** Throws a LogError (INTERNAL_TOPIC) naming the topic and its role when `name` is internal. */
  check(name: string, action: InternalTopicAction): void {
    const role = this.roleOf(name);
    if (role === undefined) return;
    throw new LogError(
      'INTERNAL_TOPIC',
      `Topic '${name}' is ${role}: Sluice refuses to ${action} it from outside, since the next restart ` +
        'would lose what it holds. Use the statements that own it instead (DROP, TERMINATE, DROP CONNECTOR).',
    );
  }
}

/**
 * A persistent query's own topics, named as ksqlDB (Kafka Streams) names them:
 * `_confluent-ksql-<service id>query_<query id>-<store>-changelog` and `…-repartition`. A changelog
 * is what a lost state store is rebuilt from, so every query's are internal without being listed.
 */
function queryInternalRole(name: string): string | undefined {
  if (!name.startsWith('_confluent-ksql-')) return undefined;
  if (name.endsWith('-changelog')) return "a query's state-store changelog, which rebuilds the query's state";
  if (name.endsWith('-repartition')) return "a query's repartition topic, which carries its re-keyed input";
  return undefined;
}
