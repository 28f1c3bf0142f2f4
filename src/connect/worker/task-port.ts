import type { Consumer, Log, ProduceRecord, RecordPosition, TopicSpec } from '../../log/index.js';
import type { SourceOffset, SourcePartition } from '../api/index.js';
import type { StatusState } from './backing-stores.js';

/**
 * The narrow ports a task runner works through: only what it uses of the log, the offset store and
 * the status store, so a runner can be driven (and tested) without a worker or a log behind it.
 */

/** Where a runner reports its task's state (the status topic). */
export interface TaskStatusPort {
  putTask(connector: string, task: number, state: StatusState, trace?: string | null): Promise<void>;
}

/** The log as a source task writes to it, creating a topic a record names when it is missing. */
export interface SourceLogPort {
  hasTopic(topic: string): Promise<boolean>;
  createTopic(topic: string, spec: TopicSpec): Promise<unknown>;
  /** Where each record landed, in order. */
  append(
    topic: string,
    records: readonly ProduceRecord[],
  ): Promise<readonly Pick<RecordPosition, 'partition' | 'offset'>[]>;
}

/** The source offsets a source task resumes from and commits (the offset topic). */
export interface SourceOffsetPort {
  get(connector: string, partition: SourcePartition): SourceOffset | null;
  putAll(
    connector: string,
    offsets: readonly { partition: SourcePartition; offset: SourceOffset | null }[],
  ): Promise<void>;
}

/** The log as a sink task uses it beside its consumer: re-reading a failed record for the dead-letter topic. */
export type SinkLogPort = SourceLogPort & Pick<Log, 'read'>;

/** The consumer a sink task reads its partitions with, from its group's committed offsets. */
export type SinkConsumerPort = Pick<
  Consumer,
  'assignTopics' | 'assignment' | 'seek' | 'pause' | 'resume' | 'poll' | 'lag' | 'position' | 'commit'
>;
