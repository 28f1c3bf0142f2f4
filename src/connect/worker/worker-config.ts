import { WORKER_CONFIG_DEF } from '../../config/index.js';

/** The Connect worker's own properties (Kafka Connect's names), parsed from their declarations. */
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
  /** sluice.file.connectors.root: where FileStream connectors are confined, if anywhere. */
  readonly fileConnectorsRoot: string | undefined;
  readonly allowMissingConfigTopic: boolean;
  /** Every property as given (converter settings such as key.converter.schemas.enable among them). */
  readonly properties: Readonly<Record<string, string>>;
}

/**
 * Reads worker properties (from KSQL_CONNECT_* variables, a worker file, or a standalone worker's
 * file). Without any, the embedded worker still runs, with Kafka's sample names for its topics.
 * Throws a ConfigException naming every key whose value does not fit its declaration.
 */
export function readWorkerConfig(props: Readonly<Record<string, string>>): WorkerConfig {
  const p = WORKER_CONFIG_DEF.parse(props);
  const listeners = p.listeners.join(',');
  const url = new URL(p.listeners[0].replace('://:', '://0.0.0.0:'));
  const host = p['rest.advertised.host.name'] ?? (url.hostname === '0.0.0.0' ? 'localhost' : url.hostname);
  const port = p['rest.advertised.port'] ?? (url.port || '8083');
  return {
    groupId: p['group.id'],
    configTopic: p['config.storage.topic'],
    offsetTopic: p['offset.storage.topic'],
    statusTopic: p['status.storage.topic'],
    offsetPartitions: p['offset.storage.partitions'],
    statusPartitions: p['status.storage.partitions'],
    keyConverter: p['key.converter'],
    valueConverter: p['value.converter'],
    offsetFlushIntervalMs: p['offset.flush.interval.ms'],
    taskShutdownGracefulTimeoutMs: p['task.shutdown.graceful.timeout.ms'],
    pluginPath: p['plugin.path'].filter((d) => d !== ''),
    listeners,
    workerId: `${host}:${port}`,
    fileConnectorsRoot: p['sluice.file.connectors.root'] ?? undefined,
    allowMissingConfigTopic: p['sluice.allow.missing.config.topic'],
    properties: props,
  };
}
