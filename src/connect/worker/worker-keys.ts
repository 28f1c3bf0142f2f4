// The Kafka Connect worker properties Sluice knows: those its worker reads, and Kafka's others
// that it accepts (so a worker file written for Kafka passes), some of which do nothing here.

/** Properties Sluice's worker reads. */
export const WORKER_KEYS_USED: readonly string[] = [
  'group.id',
  'config.storage.topic',
  'offset.storage.topic',
  'status.storage.topic',
  'offset.storage.partitions',
  'status.storage.partitions',
  'key.converter',
  'value.converter',
  'offset.flush.interval.ms',
  'task.shutdown.graceful.timeout.ms',
  'plugin.path',
  'sluice.file.connectors.root',
  'sluice.allow.missing.config.topic',
  'listeners',
  'rest.advertised.host.name',
  'rest.advertised.port',
  'rest.host.name',
  'rest.port',
  'config.providers',
  'ssl.key.password',
  'ssl.client.auth',
  'sluice.config.encryption.key',
  'sluice.config.encryption.key.file',
];

/**
 * Kafka's worker properties that do nothing for a worker inside the server, which keeps its
 * topics in the server's log (one copy, no Kafka clients) and is the only member of its group.
 */
export const WORKER_KEYS_WITHOUT_EFFECT: readonly string[] = [
  'config.storage.replication.factor',
  'offset.storage.replication.factor',
  'status.storage.replication.factor',
  'bootstrap.servers',
  'security.protocol',
  'client.id',
  'session.timeout.ms',
  'heartbeat.interval.ms',
  'rebalance.timeout.ms',
  'scheduled.rebalance.max.delay.ms',
  'connect.protocol',
  'offset.flush.timeout.ms',
  'header.converter',
  'internal.key.converter',
  'internal.value.converter',
  'exactly.once.source.support',
  'topic.creation.enable',
  'connector.client.config.override.policy',
  'metrics.recording.level',
  'metric.reporters',
  'response.http.headers.config',
  'access.control.allow.origin',
  'access.control.allow.methods',
  'admin.listeners',
  'rest.advertised.listener',
  'rest.extension.classes',
];

/** Prefixes of settings for something else (a converter's own, Kafka clients'), passed along or ignored. */
export const WORKER_KEY_PREFIXES: readonly string[] = [
  'key.converter.',
  'value.converter.',
  'header.converter.',
  'config.providers.',
  // The https:// Connect listener's key and the client certificates it trusts.
  'ssl.keystore.',
  'ssl.truststore.',
  'listeners.https.ssl.',
];

/** Prefixes of Kafka client and security settings: no Kafka clients run in the embedded worker. */
export const WORKER_PREFIXES_WITHOUT_EFFECT: readonly string[] = [
  'producer.',
  'consumer.',
  'admin.',
  'sasl.',
  'ssl.',
  'listeners.https.',
];
