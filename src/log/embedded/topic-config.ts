import { LogError } from '../errors.js';

/** Topic configs the embedded log acts on, with Kafka's defaults. */
export const TOPIC_CONFIG_DEFAULTS: Readonly<Record<string, string>> = {
  'cleanup.policy': 'delete',
  'retention.ms': '604800000',
  'retention.bytes': '-1',
  'segment.bytes': '1073741824',
  'segment.ms': '604800000',
  'delete.retention.ms': '86400000',
  'max.message.bytes': '1048588',
};

/**
 * Kafka topic configs that are accepted and kept so existing scripts and connectors work, but have
 * no effect on a single-node embedded log (replication, compression, message format).
 */
const ACCEPTED_WITHOUT_EFFECT = new Set([
  'compression.type',
  'min.insync.replicas',
  'unclean.leader.election.enable',
  'message.timestamp.type',
  'message.timestamp.difference.max.ms',
  'message.downconversion.enable',
  'min.cleanable.dirty.ratio',
  'min.compaction.lag.ms',
  'max.compaction.lag.ms',
  'file.delete.delay.ms',
  'flush.messages',
  'flush.ms',
  'index.interval.bytes',
  'segment.index.bytes',
  'segment.jitter.ms',
  'preallocate',
  'local.retention.ms',
  'local.retention.bytes',
  'remote.storage.enable',
  'follower.replication.throttled.replicas',
  'leader.replication.throttled.replicas',
  'confluent.value.schema.validation',
  'confluent.key.schema.validation',
]);

const LONG_KEYS: Record<string, number> = {
  'retention.ms': -1,
  'retention.bytes': -1,
  'segment.bytes': 64,
  'segment.ms': 1,
  'delete.retention.ms': 0,
  'max.message.bytes': 0,
};

/** Checks names and values; returns the full effective config with defaults filled in. */
export function resolveTopicConfig(
  topic: string,
  config: Readonly<Record<string, string>>,
): Record<string, string> {
  const resolved: Record<string, string> = { ...TOPIC_CONFIG_DEFAULTS };
  for (const [key, value] of Object.entries(config)) {
    const min = LONG_KEYS[key];
    if (min !== undefined) {
      const n = Number(value);
      if (!Number.isInteger(n) || n < min) {
        throw new LogError(
          'INVALID_CONFIG',
          `Invalid value '${value}' for topic config '${key}' of '${topic}': expected a whole number ≥ ${min}.`,
        );
      }
    } else if (key === 'cleanup.policy') {
      const parts = value.split(',').map((p) => p.trim());
      if (parts.length === 0 || !parts.every((p) => p === 'delete' || p === 'compact')) {
        throw new LogError(
          'INVALID_CONFIG',
          `Invalid value '${value}' for topic config 'cleanup.policy' of '${topic}': use delete, compact, or delete,compact.`,
        );
      }
    } else if (!ACCEPTED_WITHOUT_EFFECT.has(key)) {
      throw new LogError(
        'INVALID_CONFIG',
        `Unknown topic config '${key}' for '${topic}'. Known configs: ${Object.keys(TOPIC_CONFIG_DEFAULTS).join(', ')}.`,
      );
    }
    resolved[key] = value;
  }
  return resolved;
}

export interface TopicSettings {
  readonly compact: boolean;
  readonly deleteOld: boolean;
  readonly retentionMs: number;
  readonly retentionBytes: number;
  readonly segmentBytes: number;
  readonly segmentMs: number;
  readonly deleteRetentionMs: number;
  readonly maxMessageBytes: number;
}

export function topicSettings(config: Readonly<Record<string, string>>): TopicSettings {
  const policy = config['cleanup.policy'].split(',').map((p) => p.trim());
  return {
    compact: policy.includes('compact'),
    deleteOld: policy.includes('delete'),
    retentionMs: Number(config['retention.ms']),
    retentionBytes: Number(config['retention.bytes']),
    segmentBytes: Number(config['segment.bytes']),
    segmentMs: Number(config['segment.ms']),
    deleteRetentionMs: Number(config['delete.retention.ms']),
    maxMessageBytes: Number(config['max.message.bytes']),
  };
}

const LEGAL_NAME = /^[a-zA-Z0-9._-]+$/;

/** Kafka's topic name rules: letters, digits, '.', '_', '-'; at most 249 characters. */
export function checkTopicName(name: string): void {
  if (name.length === 0 || name.length > 249 || !LEGAL_NAME.test(name) || name === '.' || name === '..') {
    throw new LogError(
      'INVALID_TOPIC',
      `Invalid topic name '${name}': use 1 to 249 letters, digits, '.', '_' or '-' (not '.' or '..' alone).`,
      { key: name },
    );
  }
}
