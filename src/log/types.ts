import type { ReadCursor } from './read-cursor.js';

/** One header of a record; a header value may be null, as in Kafka. */
export interface RecordHeader {
  readonly key: string;
  readonly value: Buffer | null;
}

/** A record as stored: what a reader gets back. */
export interface LogRecord {
  readonly offset: number;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[];
}

/** A record to append. Missing timestamp means "now"; missing partition means "chosen by key". */
export interface ProduceRecord {
  readonly key?: Buffer | null;
  readonly value?: Buffer | null;
  readonly timestamp?: number;
  readonly headers?: readonly RecordHeader[];
  readonly partition?: number;
}

/** Where one appended record landed. */
export interface RecordPosition {
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
}

export interface TopicSpec {
  readonly partitions?: number;
  /**
   * Copies of each partition (ksqlDB's REPLICAS, Kafka's replication factor). The embedded log keeps
   * one and refuses more; the Kafka backend asks the cluster for this many (default: its own setting).
   */
  readonly replicas?: number;
  /** Kafka topic configs by name: cleanup.policy, retention.ms, retention.bytes, segment.bytes, … */
  readonly config?: Readonly<Record<string, string>>;
}

export interface PartitionDescription {
  readonly partition: number;
  /** The first offset still in the log (the log start offset). */
  readonly beginningOffset: number;
  /** The offset the next appended record will get (the high watermark). */
  readonly endOffset: number;
  readonly sizeBytes: number;
  readonly segments: number;
}

export interface TopicDescription {
  readonly name: string;
  /**
   * Kafka's topic id (16 bytes, URL-safe base64 without padding as Kafka prints it), where the store
   * keeps one: made at creation, so a topic deleted and created again has another.
   */
  readonly topicId?: string;
  readonly partitions: readonly PartitionDescription[];
  /** Every config with its effective value, defaults included. */
  readonly config: Readonly<Record<string, string>>;
}

export interface ReadOptions {
  /** Stop after this many records (default 10,000). */
  readonly maxRecords?: number;
  /** Stop after roughly this many bytes of batches (default 1 MiB); at least one batch is returned. */
  readonly maxBytes?: number;
  /** This reader's own place in the partition (see `ReadCursor`); without one, reads share a place. */
  readonly cursor?: ReadCursor;
}

export interface ReadResult {
  readonly records: LogRecord[];
  /** The offset to read from next. */
  readonly nextOffset: number;
  /** The partition's end offset at the time of the read. */
  readonly endOffset: number;
}

/**
 * What `Log.readKafkaBatches` returns, in offset order: `kafka` is one or more whole Kafka v2 record
 * batches stored as a Kafka producer sent them (base offsets already the log's), to send unchanged;
 * `records` is a run of records the log stored in its own format, covering [baseOffset,
 * nextOffset), for the caller to encode.
 */
export type StoredBatches =
  | { readonly kind: 'kafka'; readonly bytes: Buffer }
  | {
      readonly kind: 'records';
      readonly records: LogRecord[];
      readonly baseOffset: number;
      readonly nextOffset: number;
    };

export interface KafkaBatchesResult {
  readonly chunks: StoredBatches[];
  /** The offset to read from next. */
  readonly nextOffset: number;
  /** The partition's end offset at the time of the read. */
  readonly endOffset: number;
}

/** One partition of one topic. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export interface TopicPartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly metadata?: string;
}

/**
 * A transaction over the log, as Kafka's transactional producer has them: records appended to any
 * topics and consumer-group offsets that become visible together when it commits, or not at all
 * (after an abort, a failed commit or a crash at any point). Readers never see a transaction's
 * records before its commit (Kafka's read_committed). One-shot: begin another for the next one.
 */
export interface LogTransaction {
  readonly transactionalId: string;
  /** Records added so far. */
  readonly size: number;
  /** Bytes of keys and values added so far: what the transaction holds in memory until commit. */
  readonly bytes: number;
  /**
   * Adds records, partitioned as `Log.append` would. They are checked now: a record that can never be
   * written throws (RECORD_TOO_LARGE or INVALID_RECORD, with its `recordIndex`) and none is added.
   */
  append(topic: string, records: readonly ProduceRecord[]): void;
  /** Adds a consumer group's offsets, committed with the records (Kafka's sendOffsetsToTransaction). */
  commitOffsets(group: string, offsets: readonly TopicPartitionOffset[]): void;
  /** Makes everything added visible at once, durably under the log's durability setting. */
  commit(): Promise<void>;
  /** Drops everything added. */
  abort(): Promise<void>;
}

/**
 * The durable store everything else reads and writes. The embedded implementation keeps segment
 * files on local disk; a Kafka-backed one can stand in for it.
 */
export interface Log {
  /** A stable id for this store, created with it (Kafka's cluster id). */
  readonly clusterId: string;
  createTopic(name: string, spec?: TopicSpec): Promise<TopicDescription>;
  deleteTopic(name: string): Promise<void>;
  listTopics(): Promise<string[]>;
  describeTopic(name: string): Promise<TopicDescription>;
  /** Asks the store (a remote one answers from its server, not from what it saw before). */
  hasTopic(name: string): Promise<boolean>;
  /**
   * Throws what `createTopic` would throw for this name and spec (a bad name or partition count, a
   * bad config, too many partitions for the process's open-file limit), and creates nothing: what
   * Kafka's CreateTopics does with validateOnly. A request is checked with it before anything runs.
   */
  validateTopic(name: string, spec?: TopicSpec): void;
  /** Changes topic configs (merged into the existing ones). */
  alterTopicConfig(name: string, config: Readonly<Record<string, string>>): Promise<TopicDescription>;
  /**
   * Raises the topic's partition count to `count` (Kafka's CreatePartitions: the new total). Records
   * already written stay where they are, so keys hash to other partitions from now on. A count not
   * above the current one throws INVALID_PARTITION.
   */
  createPartitions(name: string, count: number): Promise<TopicDescription>;
  /**
   * Deletes the partition's records before `offset` (Kafka's DeleteRecords): the log start offset
   * moves there for good (reads before it fail with OFFSET_OUT_OF_RANGE, `beginningOffset` answers
   * it) and the space is freed as whole segments fall below it. Resolves the new log start offset;
   * an offset below the current start changes nothing, one past the end offset throws
   * OFFSET_OUT_OF_RANGE.
   */
  deleteRecords(topic: string, partition: number, offset: number): Promise<number>;

  /**
   * Appends records; each goes to its own `partition`, or the one its key hashes to (Kafka's murmur2
   * partitioner), or, without a key, one partition per call chosen round-robin. Resolves once the
   * records are durable under the log's durability setting; the results are in input order.
   */
  append(topic: string, records: readonly ProduceRecord[]): Promise<RecordPosition[]>;

  /** Reads records at or after `offset`. Never returns a partial batch. */
  read(topic: string, partition: number, offset: number, options?: ReadOptions): Promise<ReadResult>;

  /**
   * Optional, for a store that can keep Kafka v2 record batches as received (the embedded log):
   * appends one batch a Kafka producer sent to the partition as is, after checking it whole (CRC-32C,
   * layout, every record, keys on a compacted topic; CORRUPT_RECORD or INVALID_RECORD otherwise),
   * with its base offset rewritten. Resolves its base offset once durable as `append` is. Its records
   * read back through `read` like any others.
   */
  appendKafkaBatch?(topic: string, partition: number, batch: Buffer): Promise<number>;
  /**
   * Optional, beside `appendKafkaBatch`: whole batches from the one holding `offset`, up to about
   * `maxBytes` (at least one batch), stored Kafka batches as their bytes, without decoding them.
   */
  readKafkaBatches?(
    topic: string,
    partition: number,
    offset: number,
    options: Omit<ReadOptions, 'maxRecords'>,
  ): Promise<KafkaBatchesResult>;

  /** The first offset still in the partition (Kafka's log start offset), asked of the store now. */
  beginningOffset(topic: string, partition: number): Promise<number>;
  /** The offset the next appended record will get (the high watermark), asked of the store now. */
  endOffset(topic: string, partition: number): Promise<number>;
  /**
   * The first record still in the partition whose timestamp is at or after `timestamp`, with that
   * timestamp (Kafka's ListOffsets by time); undefined when there is none. Found through a time
   * index where the store keeps one.
   */
  offsetForTimestamp(
    topic: string,
    partition: number,
    timestamp: number,
  ): Promise<{ offset: number; timestamp: number } | undefined>;

  /**
   * Resolves true as soon as the partition's end offset is beyond `offset`, false when `timeoutMs`
   * passes or `signal` aborts first. No polling.
   */
  waitForData(
    topic: string,
    partition: number,
    offset: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<boolean>;

  /** Consumer-group offsets, stored durably in the internal `__consumer_offsets` topic. */
  commitOffsets(group: string, offsets: readonly TopicPartitionOffset[]): Promise<void>;
  committedOffsets(group: string, topic?: string): Promise<TopicPartitionOffset[]>;
  listGroups(): Promise<string[]>;
  /**
   * Forgets a group's committed offsets: every one, so the group is gone from `listGroups` (Kafka's
   * DeleteGroups), or those of the partitions given (Kafka's OffsetDelete). Offsets the group never
   * committed are no error. Throws GROUP_NOT_EMPTY where the store knows the group has members.
   */
  deleteCommittedOffsets(group: string, partitions?: readonly TopicPartition[]): Promise<void>;

  /**
   * Starts a transaction. Beginning another with the same id fences this one: its commit then fails
   * with PRODUCER_FENCED, so a stale writer (a query restarted meanwhile) cannot commit.
   */
  beginTransaction(transactionalId: string): LogTransaction;
  /**
   * Throws (why, and what to do) when `beginTransaction` would refuse: a statement that needs
   * transactions is then refused before anything is created. Absent: transactions are supported.
   */
  checkTransactions?(): void;
  /**
   * Where transactions are another system's (Kafka): fences the earlier writers of this id and waits
   * for their last transaction to be complete (Kafka Streams' initTransactions). A writer calls it
   * before it reads back what its earlier transactions wrote (committed offsets, changelogs), so it
   * sees every one that committed. Absent: commits are visible as soon as they resolve.
   */
  prepareTransactions?(transactionalId: string): Promise<void>;

  /** Forces everything appended so far to disk. */
  flush(): Promise<void>;
  /** Flushes, stops background work and releases the data dir. */
  close(): Promise<void>;
}
