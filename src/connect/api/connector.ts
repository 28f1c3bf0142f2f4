import type { ConfigDef, ConfigValue } from './config-def.js';
import type { SinkRecord, SourceOffset, SourcePartition, SourceRecord, TopicPartition } from './records.js';

/** Reads the offsets the runtime committed for this connector's source partitions. */
export interface OffsetStorageReader {
  offset(partition: SourcePartition): Promise<SourceOffset | null>;
  offsets(partitions: readonly SourcePartition[]): Promise<Map<SourcePartition, SourceOffset | null>>;
}

/** Logs with the connector name and task id on every line. */
export interface ConnectLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

export interface ConnectorContext {
  /** Asks the runtime to call `taskConfigs` again and restart tasks whose config changed. */
  requestTaskReconfiguration(): void;
  /** Fails the connector with this error. */
  raiseError(error: Error): void;
  readonly logger: ConnectLogger;
}

export interface SourceConnectorContext extends ConnectorContext {
  readonly offsetStorageReader: OffsetStorageReader;
}

export type SinkConnectorContext = ConnectorContext;

interface ConnectorBase {
  /** The connector's version, as shown by the plugins endpoint. */
  version(): string;
  /** Every key the connector takes; used to validate configs before anything starts. */
  config(): ConfigDef;
  /** Optional extra validation beyond single keys (key combinations); defaults to `config().validate`. */
  validate?(props: Readonly<Record<string, string>>): ConfigValue[];
  start(props: Readonly<Record<string, string>>): void | Promise<void>;
  /** At most `maxTasks` task configs. */
  taskConfigs(maxTasks: number): Record<string, string>[] | Promise<Record<string, string>[]>;
  stop(): void | Promise<void>;
}

export interface SourceConnector extends ConnectorBase {
  readonly kind: 'source';
  initialize(context: SourceConnectorContext): void;
  createTask(): SourceTask;
}

export interface SinkConnector extends ConnectorBase {
  readonly kind: 'sink';
  initialize(context: SinkConnectorContext): void;
  createTask(): SinkTask;
}

export type Connector = SourceConnector | SinkConnector;

export interface SourceTaskContext {
  readonly configs: Readonly<Record<string, string>>;
  readonly offsetStorageReader: OffsetStorageReader;
  readonly logger: ConnectLogger;
  /**
   * Aborted when the worker stops the task (beyond Kafka Connect): a task that waits (a retry's
   * backoff, a reconnect) ends the wait, so a DROP, PAUSE or config change never waits it out.
   */
  readonly stopping?: AbortSignal;
  /**
   * Tells the worker the task is retrying something it lost (a reason) or has recovered (null), so
   * its status shows it rather than a plain RUNNING (beyond Kafka Connect).
   */
  retrying?(reason: string | null): void;
}

/**
 * A source task. `poll` returns a batch (or null when idle) and should return within about a
 * second so pause and stop take effect; `stop` is called while a poll may be waiting and must make
 * it return. The runtime owns converting, transforming, writing, and committing offsets.
 */
export interface SourceTask {
  version(): string;
  initialize(context: SourceTaskContext): void;
  start(props: Readonly<Record<string, string>>): void | Promise<void>;
  poll(): Promise<SourceRecord[] | null>;
  /** Called after the runtime committed offsets. */
  commit?(): void | Promise<void>;
  /** Called once a record is written (metadata null when a transformation dropped it). */
  commitRecord?(
    record: SourceRecord,
    metadata: { topic: string; partition: number; offset: number } | null,
  ): void;
  stop(): void | Promise<void>;
  /**
   * Bytes the source system holds that this task has not confirmed yet (a CDC task's
   * replication-slot lag), for SHOW CONNECTOR STATUS; null when unknown. Called rarely, may query.
   */
  lagBytes?(): Promise<number | null>;
}

/** Reports one sink record that could not be written: to the log and the dead-letter queue. */
export type ErrantRecordReporter = (record: SinkRecord, error: Error) => Promise<void>;

export interface SinkTaskContext {
  readonly configs: Readonly<Record<string, string>>;
  readonly logger: ConnectLogger;
  /** Rewinds or skips: the next records of these partitions start at these offsets. */
  offset(offsets: ReadonlyMap<TopicPartition, number>): void;
  /** Waits this long before redelivering after a RetriableException from `put`. */
  timeout(ms: number): void;
  assignment(): readonly TopicPartition[];
  pause(...partitions: TopicPartition[]): void;
  resume(...partitions: TopicPartition[]): void;
  requestCommit(): void;
  /** Null unless error reporting (errors.tolerance / DLQ) is configured. */
  readonly errantRecordReporter: ErrantRecordReporter | null;
  /** Aborted when the worker stops the task: end any wait (a retry's backoff, a reconnect) then. */
  readonly stopping?: AbortSignal;
  /** Tells the worker the task is retrying something it lost (a reason) or has recovered (null). */
  retrying?(reason: string | null): void;
}

/**
 * A sink task. `put` may buffer; throwing RetriableException makes the runtime redeliver the same
 * batch; any other error fails the task. `preCommit` returns the offsets safe to commit (next
 * offset to read per partition), by default after `flush`.
 */
export interface SinkTask {
  version(): string;
  initialize(context: SinkTaskContext): void;
  start(props: Readonly<Record<string, string>>): void | Promise<void>;
  open?(partitions: readonly TopicPartition[]): void | Promise<void>;
  put(records: readonly SinkRecord[]): Promise<void>;
  flush?(offsets: ReadonlyMap<TopicPartition, number>): Promise<void>;
  preCommit?(offsets: ReadonlyMap<TopicPartition, number>): Promise<ReadonlyMap<TopicPartition, number>>;
  close?(partitions: readonly TopicPartition[]): void | Promise<void>;
  stop(): void | Promise<void>;
}
