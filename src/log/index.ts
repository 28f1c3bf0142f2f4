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
export type * from './types.js';
