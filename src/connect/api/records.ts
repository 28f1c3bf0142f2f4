import type { ConnectValue, Schema } from './schema.js';

export interface ConnectHeader {
  readonly key: string;
  readonly schema: Schema | null;
  readonly value: ConnectValue;
}

/** A record as connectors and transformations see it, before conversion to bytes. */
export interface ConnectRecord {
  readonly topic: string;
  /** Null lets the runtime choose (by key, as Kafka's partitioner does). */
  readonly kafkaPartition: number | null;
  readonly keySchema: Schema | null;
  readonly key: ConnectValue;
  readonly valueSchema: Schema | null;
  readonly value: ConnectValue;
  /** Milliseconds since the epoch; null means "when written". */
  readonly timestamp: number | null;
  readonly headers: readonly ConnectHeader[];
}

/** Where a source record came from, and how far the source has got: resumed after a restart. */
export type SourcePartition = Readonly<Record<string, string | number | boolean | null>>;
export type SourceOffset = Readonly<Record<string, string | number | boolean | null>>;

export interface SourceRecord extends ConnectRecord {
  readonly sourcePartition: SourcePartition;
  readonly sourceOffset: SourceOffset;
}

export interface SinkRecord extends ConnectRecord {
  readonly kafkaPartition: number;
  readonly kafkaOffset: number;
  readonly timestampType: 'CreateTime' | 'LogAppendTime' | 'NoTimestampType';
  /** Topic, partition and offset before transformations changed them (KIP-793). */
  readonly originalTopic: string;
  readonly originalKafkaPartition: number;
  readonly originalKafkaOffset: number;
}

/** A source record with the common defaults filled in. */
export function sourceRecord(
  fields: Partial<Omit<SourceRecord, 'topic' | 'sourcePartition' | 'sourceOffset'>> &
    Pick<SourceRecord, 'topic' | 'sourcePartition' | 'sourceOffset'>,
): SourceRecord {
  return {
    kafkaPartition: null,
    keySchema: null,
    key: null,
    valueSchema: null,
    value: null,
    timestamp: null,
    headers: [],
    ...fields,
  };
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}
