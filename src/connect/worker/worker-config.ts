/** The Connect worker's own properties (Kafka Connect's names), with the embedded defaults. */
export interface WorkerConfig {
  readonly groupId: string;
  readonly configTopic: string;
  readonly offsetTopic: string;
  readonly statusTopic: string;
  readonly offsetPartitions: number;
  readonly statusPartitions: number;
  readonly keyConverter: string;
  readonly valueConverter: string;
  readonly offsetFlushIntervalMs: number;
  /** How long a stop waits for a task's loop to end before leaving it behind (Kafka's default 5 s). */
  readonly taskShutdownGracefulTimeoutMs: number;
  readonly pluginPath: readonly string[];
  readonly listeners: string;
  /** host:port shown as worker_id in statuses. */
  readonly workerId: string;
  /** Every property as given (converter settings such as key.converter.schemas.enable among them). */
  readonly properties: Readonly<Record<string, string>>;
}

function intOf(props: Readonly<Record<string, string>>, key: string, fallback: number): number {
  const raw = props[key];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`Invalid worker property ${key}=${raw}: expected a whole number.`);
  return n;
}

/**
 * Reads worker properties (from KSQL_CONNECT_* variables, a worker file, or a standalone worker's
 * file). Without any, the embedded worker still runs, with Kafka's sample names for its topics.
 */
export function readWorkerConfig(props: Readonly<Record<string, string>>): WorkerConfig {
  const listeners = props.listeners ?? 'http://0.0.0.0:8083';
  const url = new URL(listeners.split(',')[0].trim().replace('://:', '://0.0.0.0:'));
  const host =
    props['rest.advertised.host.name'] ?? (url.hostname === '0.0.0.0' ? 'localhost' : url.hostname);
  const port = props['rest.advertised.port'] ?? (url.port || '8083');
  return {
    groupId: props['group.id'] ?? 'connect-cluster',
    configTopic: props['config.storage.topic'] ?? 'connect-configs',
    offsetTopic: props['offset.storage.topic'] ?? 'connect-offsets',
    statusTopic: props['status.storage.topic'] ?? 'connect-status',
    offsetPartitions: intOf(props, 'offset.storage.partitions', 25),
    statusPartitions: intOf(props, 'status.storage.partitions', 5),
    keyConverter: props['key.converter'] ?? 'org.apache.kafka.connect.json.JsonConverter',
    valueConverter: props['value.converter'] ?? 'org.apache.kafka.connect.json.JsonConverter',
    // A second, not Kafka's minute: a crash replays what was written since the last commit.
    offsetFlushIntervalMs: intOf(props, 'offset.flush.interval.ms', 1_000),
    taskShutdownGracefulTimeoutMs: intOf(props, 'task.shutdown.graceful.timeout.ms', 5_000),
    pluginPath: (props['plugin.path'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== ''),
    listeners,
    workerId: `${host}:${port}`,
    properties: props,
  };
}
