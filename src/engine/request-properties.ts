import { StatementError } from './errors.js';

/*
 * Which properties a request may set (SET, streamsProperties, a query endpoint's properties), as
 * ksqlDB's LocalPropertyParser decides: `ksql.*` properties, and Kafka Streams, consumer and producer
 * configs (plain, `ksql.streams.`-prefixed, or `consumer.`/`producer.`-prefixed). Anything else is a
 * typo that would silently do nothing, so it is refused with ksqlDB's message; values Sluice reads
 * are checked too.
 */

const STREAMS = [
  'acceptable.recovery.lag',
  'buffered.records.per.partition',
  'cache.max.bytes.buffering',
  'commit.interval.ms',
  'default.deserialization.exception.handler',
  'default.production.exception.handler',
  'default.timestamp.extractor',
  'max.task.idle.ms',
  'max.warmup.replicas',
  'metrics.recording.level',
  'num.standby.replicas',
  'num.stream.threads',
  'poll.ms',
  'probing.rebalance.interval.ms',
  'processing.guarantee',
  'replication.factor',
  'retries',
  'retry.backoff.ms',
  'rocksdb.config.setter',
  'state.dir',
  'statestore.cache.max.bytes',
  'task.timeout.ms',
  'topology.optimization',
  'upgrade.from',
  'windowstore.changelog.additional.retention.ms',
];
const CONSUMER = [
  'allow.auto.create.topics',
  'auto.commit.interval.ms',
  'auto.offset.reset',
  'check.crcs',
  'client.id',
  'default.api.timeout.ms',
  'enable.auto.commit',
  'fetch.max.bytes',
  'fetch.max.wait.ms',
  'fetch.min.bytes',
  'heartbeat.interval.ms',
  'isolation.level',
  'max.partition.fetch.bytes',
  'max.poll.interval.ms',
  'max.poll.records',
  'partition.assignment.strategy',
  'receive.buffer.bytes',
  'request.timeout.ms',
  'send.buffer.bytes',
  'session.timeout.ms',
];
const PRODUCER = [
  'acks',
  'batch.size',
  'buffer.memory',
  'client.id',
  'compression.type',
  'delivery.timeout.ms',
  'enable.idempotence',
  'linger.ms',
  'max.block.ms',
  'max.in.flight.requests.per.connection',
  'max.request.size',
  'receive.buffer.bytes',
  'request.timeout.ms',
  'send.buffer.bytes',
  'transaction.timeout.ms',
];
const CLIENT_KEYS = new Set([...STREAMS, ...CONSUMER, ...PRODUCER]);
const PREFIXED = [
  ['consumer.', new Set(CONSUMER)],
  ['main.consumer.', new Set(CONSUMER)],
  ['restore.consumer.', new Set(CONSUMER)],
  ['global.consumer.', new Set(CONSUMER)],
  ['producer.', new Set(PRODUCER)],
] as const;

/** The Kafka config a name stands for (prefixes removed), or undefined when it is none. */
function clientKey(name: string): string | undefined {
  const plain = name.startsWith('ksql.streams.') ? name.slice('ksql.streams.'.length) : name;
  if (CLIENT_KEYS.has(plain)) return plain;
  for (const [prefix, keys] of PREFIXED) {
    if (plain.startsWith(prefix) && keys.has(plain.slice(prefix.length))) return plain.slice(prefix.length);
  }
  return undefined;
}

const WHOLE_NUMBERS = new Set([
  'commit.interval.ms',
  'cache.max.bytes.buffering',
  'statestore.cache.max.bytes',
]);

/** Throws ksqlDB's error for a property a request may not set, or a value Sluice cannot use. */
export function checkRequestProperty(name: string, value: string): void {
  const key = name.startsWith('ksql.') && !name.startsWith('ksql.streams.') ? name : clientKey(name);
  if (key === undefined) {
    throw new StatementError(`Not recognizable as ksql, streams, consumer, or producer property: '${name}'`);
  }
  if (key === 'auto.offset.reset' && !['earliest', 'latest'].includes(value.toLowerCase())) {
    throw new StatementError(
      `Invalid value ${value} for configuration auto.offset.reset: String must be one of: earliest, latest`,
    );
  }
  if (WHOLE_NUMBERS.has(key) && !/^\d+$/.test(value.trim())) {
    throw new StatementError(`Invalid value ${value} for configuration ${key}: Not a number of type LONG`);
  }
}
