export type {
  ConsumerOptions,
  OffsetReset,
  PartitionRecords,
  TopicPartition,
} from './consumer.js';
export { Consumer } from './consumer.js';
export type { Durability, OpenReport, SegmentLogOptions } from './embedded/segment-log.js';
export {
  CONSUMER_OFFSETS_TOPIC,
  DEFAULT_MAX_PARTITIONS_PER_TOPIC,
  SegmentLog,
} from './embedded/segment-log.js';
export { checkTopicName, resolveTopicConfig, TOPIC_CONFIG_DEFAULTS } from './embedded/topic-config.js';
export type { LogErrorCode } from './errors.js';
export { LogError } from './errors.js';
export { type InternalTopicAction, InternalTopics } from './internal-topics.js';
export { murmur2, partitionForKey } from './partitioner.js';
export { ReadCursor } from './read-cursor.js';
export { type ReplayHandler, replayToEnd } from './replay.js';
export type * from './types.js';
