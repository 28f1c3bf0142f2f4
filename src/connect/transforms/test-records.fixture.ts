import type { ConnectRecord, Schema, SinkRecord, Transformation } from '../api/index.js';
import { transformationByClass } from './registry.js';

/** A source-style record with the given fields; everything else empty. */
export function record(fields: Partial<ConnectRecord> = {}): ConnectRecord {
  return {
    topic: 'orders',
    kafkaPartition: 0,
    keySchema: null,
    key: null,
    valueSchema: null,
    value: null,
    timestamp: 1_700_000_000_000,
    headers: [],
    ...fields,
  };
}

export function sinkRecord(fields: Partial<SinkRecord> = {}): SinkRecord {
  return {
    ...record(),
    kafkaPartition: 0,
    kafkaOffset: 42,
    timestampType: 'CreateTime',
    originalTopic: 'orders',
    originalKafkaPartition: 0,
    originalKafkaOffset: 42,
    ...fields,
  };
}

/** A configured transformation, by Kafka class name (short names expand under o.a.k.connect.transforms). */
export function transform(className: string, configs: Record<string, string> = {}): Transformation {
  const t = transformationByClass(
    className.includes('.') ? className : `org.apache.kafka.connect.transforms.${className}`,
  );
  t.configure(configs);
  return t;
}

export function fieldNames(schema: Schema | null): string[] {
  return (schema?.fields ?? []).map((f) => f.name);
}
