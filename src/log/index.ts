/*
 * log/'s public surface.
 *
 * - `Log` (types.ts): the storage every component reads and writes. Everything on it that asks the
 *   store is asynchronous, `hasTopic`, `beginningOffset` and `endOffset` included, so an
 *   implementation over a network (RemoteLog, a Kafka-backed log) asks each time instead of
 *   answering from a cache. `ReadOptions.cursor` takes a reader's own `ReadCursor`.
 * - `Consumer`: the one way to read topics (assignment, start positions from a group's committed
 *   offsets or auto.offset.reset, a fair `poll` across partitions that waits on `waitForData`,
 *   seek, pause, commit). `replayToEnd`: a topic read once up to its end offsets, to rebuild state.
 * - `GroupCoordinator`: committed group offsets over any log's append and read, in
 *   `__consumer_offsets`; the embedded log answers `commitOffsets`/`committedOffsets`/`listGroups`
 *   through it.
 * - `SegmentLog`: the embedded implementation (embedded/).
 * - `KafkaLog`: the implementation over an Apache Kafka cluster (kafka/), used with bootstrap.servers.
 */
export type {
  ConsumerOptions,
  OffsetReset,
  PartitionRecords,
  TopicPartition,
} from './consumer.js';
export { Consumer } from './consumer.js';
export { lockDataDir } from './embedded/data-dir-lock.js';
export type { Durability, OpenReport, SegmentLogOptions } from './embedded/segment-log.js';
export { DEFAULT_MAX_PARTITIONS_PER_TOPIC, SegmentLog } from './embedded/segment-log.js';
export { checkTopicName, resolveTopicConfig, TOPIC_CONFIG_DEFAULTS } from './embedded/topic-config.js';
export type { LogErrorCode } from './errors.js';
export { LogError } from './errors.js';
export {
  CONSUMER_OFFSETS_TOPIC,
  type CoordinatorStore,
  GroupCoordinator,
  offsetCommitRecord,
} from './group-coordinator.js';
export { type InternalTopicAction, InternalTopics } from './internal-topics.js';
export { KafkaLog, type KafkaLogOptions } from './kafka/index.js';
export { murmur2, partitionForKey } from './partitioner.js';
export { ReadCursor } from './read-cursor.js';
export { type ReplayHandler, type ReplayOptions, replayToEnd } from './replay.js';
export { scanForTimestamp } from './scan-for-timestamp.js';
export type * from './types.js';
