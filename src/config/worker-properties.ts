import { ConfigDef } from './config-def.js';
import { closestName } from './suggest.js';
import { atLeast, oneOfIgnoringCase } from './validators.js';

const TOPICS = 'Topics';
const CONVERTERS = 'Converters';
const REST = 'REST API';
const PLUGINS = 'Plugins and tasks';
/** Kafka's worker keys that a worker inside the server accepts and does not use. */
export const WITHOUT_EFFECT_GROUP = 'Accepted for Kafka compatibility, without effect on the embedded worker';

/**
 * The Kafka Connect worker properties Sluice knows, declared once (Kafka Connect's names): those its
 * worker reads, and Kafka's others that it accepts (so a worker file written for Kafka passes). A
 * server's embedded worker takes them from KSQL_CONNECT_* variables, `sluice connect` from its
 * properties file, CONNECT_* variables and flags.
 */
export const WORKER_CONFIG_DEF = new ConfigDef()
  .define({
    name: 'group.id',
    type: 'STRING',
    defaultValue: 'connect-cluster',
    importance: 'HIGH',
    group: TOPICS,
    documentation: 'The Connect cluster this worker belongs to; workers with the same id share connectors.',
  })
  .define({
    name: 'config.storage.topic',
    type: 'STRING',
    defaultValue: 'connect-configs',
    importance: 'HIGH',
    group: TOPICS,
    documentation: 'The topic connector and task configurations are stored in.',
  })
  .define({
    name: 'offset.storage.topic',
    type: 'STRING',
    defaultValue: 'connect-offsets',
    importance: 'HIGH',
    group: TOPICS,
    documentation: 'The topic source connector offsets are stored in.',
  })
  .define({
    name: 'status.storage.topic',
    type: 'STRING',
    defaultValue: 'connect-status',
    importance: 'HIGH',
    group: TOPICS,
    documentation: 'The topic connector and task statuses are stored in.',
  })
  .define({
    name: 'offset.storage.partitions',
    type: 'INT',
    defaultValue: 25,
    importance: 'LOW',
    group: TOPICS,
    documentation: 'Partitions of the offset topic when the worker creates it.',
    validator: atLeast(1),
  })
  .define({
    name: 'status.storage.partitions',
    type: 'INT',
    defaultValue: 5,
    importance: 'LOW',
    group: TOPICS,
    documentation: 'Partitions of the status topic when the worker creates it.',
    validator: atLeast(1),
  })
  .define({
    name: 'sluice.allow.missing.config.topic',
    type: 'BOOLEAN',
    defaultValue: false,
    importance: 'LOW',
    group: TOPICS,
    documentation:
      'Start even though the config topic is gone while the status topic remains (every connector would be forgotten). Without it such a worker refuses to start.',
  })
  .define({
    name: 'key.converter',
    type: 'CLASS',
    defaultValue: 'org.apache.kafka.connect.json.JsonConverter',
    importance: 'HIGH',
    group: CONVERTERS,
    documentation:
      "Converter class for record keys, unless a connector sets its own; key.converter.* settings are passed to it. The server's embedded worker defaults to org.apache.kafka.connect.storage.StringConverter.",
  })
  .define({
    name: 'value.converter',
    type: 'CLASS',
    defaultValue: 'org.apache.kafka.connect.json.JsonConverter',
    importance: 'HIGH',
    group: CONVERTERS,
    documentation:
      "Converter class for record values, unless a connector sets its own; value.converter.* settings are passed to it. The server's embedded worker defaults to JsonConverter with value.converter.schemas.enable=false.",
  })
  .define({
    name: 'offset.flush.interval.ms',
    type: 'LONG',
    defaultValue: 1000,
    importance: 'LOW',
    group: PLUGINS,
    documentation:
      "Milliseconds between commits of source offsets and sink positions (Kafka's default is a minute: a crash replays what was written since the last commit).",
    validator: atLeast(0),
  })
  .define({
    name: 'task.shutdown.graceful.timeout.ms',
    type: 'LONG',
    defaultValue: 5000,
    importance: 'LOW',
    group: PLUGINS,
    documentation: 'How long stopping a task waits for its loop to end before leaving it behind.',
    validator: atLeast(0),
  })
  .define({
    name: 'plugin.path',
    type: 'LIST',
    defaultValue: [],
    importance: 'LOW',
    group: PLUGINS,
    documentation:
      'Folders holding connector packages (see sluice plugin install); unset: SLUICE_PLUGIN_PATH, else the default plugin folder.',
  })
  .define({
    name: 'config.providers',
    type: 'LIST',
    defaultValue: [],
    importance: 'LOW',
    group: PLUGINS,
    documentation:
      'Names of the config providers that connector configs may refer to (a value such as $' +
      '{file:/path:key}); each is set with config.providers.<name>.class and config.providers.<name>.param.* (see the connectors page).',
  })
  .define({
    name: 'sluice.config.encryption.key',
    type: 'PASSWORD',
    defaultValue: null,
    importance: 'MEDIUM',
    group: PLUGINS,
    documentation:
      "A 256-bit key (base64 or hex, e.g. from 'openssl rand -base64 32') that encrypts every secret setting of a connector in the config topic (AES-256-GCM). Set this or sluice.config.encryption.key.file, not both.",
  })
  .define({
    name: 'sluice.config.encryption.key.file',
    type: 'STRING',
    defaultValue: null,
    importance: 'MEDIUM',
    group: PLUGINS,
    documentation: 'A file holding sluice.config.encryption.key, so the key stays out of the environment.',
  })
  .define({
    name: 'sluice.config.encryption.previous.keys',
    type: 'PASSWORD',
    defaultValue: null,
    importance: 'LOW',
    group: PLUGINS,
    documentation:
      'Keys (comma-separated) that connector secrets in the config topic may still be encrypted with: to change sluice.config.encryption.key, give the old key here for one start, which rewrites them with the new one.',
  })
  .define({
    name: 'sluice.file.connectors.root',
    type: 'STRING',
    defaultValue: null,
    importance: 'MEDIUM',
    group: PLUGINS,
    documentation:
      "Confines FileStream connectors to this folder: a connector whose file lies outside it (links followed, relative paths taken from the worker's folder) is refused when created.",
  })
  .define({
    name: 'listeners',
    type: 'LIST',
    defaultValue: ['http://0.0.0.0:8083'],
    importance: 'HIGH',
    group: REST,
    documentation: 'The URL the Kafka Connect REST API listens on (the first one); port 0 picks a free port.',
  })
  .define({
    name: 'rest.advertised.host.name',
    type: 'STRING',
    defaultValue: null,
    importance: 'LOW',
    group: REST,
    documentation:
      "The host shown in statuses' worker_id; unset: the listener's host (localhost for 0.0.0.0).",
  })
  .define({
    name: 'rest.advertised.port',
    type: 'INT',
    defaultValue: null,
    importance: 'LOW',
    group: REST,
    documentation: "The port shown in statuses' worker_id; unset: the listener's port.",
  })
  .define({
    name: 'rest.host.name',
    type: 'STRING',
    defaultValue: null,
    importance: 'LOW',
    group: REST,
    documentation: "Kafka's older way to set the listener's host; listeners wins.",
  })
  .define({
    name: 'rest.port',
    type: 'INT',
    defaultValue: null,
    importance: 'LOW',
    group: REST,
    documentation: "Kafka's older way to set the listener's port; listeners wins.",
  })
  .define({
    name: 'ssl.keystore.location',
    type: 'STRING',
    defaultValue: null,
    importance: 'HIGH',
    group: REST,
    documentation: 'The keystore an https:// listener serves (also listeners.https.ssl.keystore.location).',
  })
  .define({
    name: 'ssl.keystore.type',
    type: 'STRING',
    defaultValue: 'PKCS12',
    importance: 'MEDIUM',
    group: REST,
    documentation: 'The keystore format.',
    validator: oneOfIgnoringCase('PKCS12', 'PEM'),
  })
  .define({
    name: 'ssl.keystore.password',
    type: 'PASSWORD',
    defaultValue: null,
    importance: 'HIGH',
    group: REST,
    documentation: 'The keystore password.',
  })
  .define({
    name: 'ssl.key.password',
    type: 'PASSWORD',
    defaultValue: null,
    importance: 'HIGH',
    group: REST,
    documentation: "The private key's password, when it differs from the keystore's.",
  })
  .define({
    name: 'sluice.authentication.password.file',
    type: 'STRING',
    defaultValue: null,
    importance: 'HIGH',
    group: REST,
    documentation:
      "For sluice connect: a 'sluice passwd' file whose users the REST API asks for (HTTP basic authentication, with the embedded worker's roles). Unset: no authentication. The server's embedded worker uses the server's authentication instead.",
  })
  .define({
    name: 'sluice.authentication.realm',
    type: 'STRING',
    defaultValue: '',
    importance: 'LOW',
    group: REST,
    documentation: "For sluice connect: the realm named in the REST API's authentication challenge.",
  })
  .define({
    name: 'sluice.authentication.roles',
    type: 'LIST',
    defaultValue: ['*'],
    importance: 'LOW',
    group: REST,
    documentation:
      'For sluice connect: the roles of the password file allowed to use the REST API (* for all).',
  })
  .define({
    name: 'ssl.client.auth',
    type: 'STRING',
    defaultValue: 'none',
    importance: 'MEDIUM',
    group: REST,
    documentation:
      'Whether clients of an https:// listener must present a certificate signed by the trust store: none, requested or required.',
    validator: oneOfIgnoringCase('none', 'requested', 'required'),
  })
  .define({
    name: 'sluice.server.credentials.file',
    type: 'STRING',
    defaultValue: null,
    importance: 'MEDIUM',
    group: TOPICS,
    documentation:
      "For 'sluice connect' on a server with authentication.method=BASIC: a properties file with username=… and password=… of a developer, used when neither -u nor SLUICE_USER is given.",
  })
  .define({
    name: 'ssl.keystore.key',
    type: 'PASSWORD',
    defaultValue: null,
    importance: 'HIGH',
    group: REST,
    documentation:
      "The https:// listener's private key in PEM, given in the config itself (ssl.keystore.type=PEM, with ssl.keystore.certificate.chain).",
  })
  .define({
    name: 'ssl.keystore.certificate.chain',
    type: 'STRING',
    defaultValue: null,
    importance: 'HIGH',
    group: REST,
    documentation: 'The certificate chain in PEM that goes with ssl.keystore.key.',
  })
  .define({
    name: 'ssl.truststore.certificates',
    type: 'STRING',
    defaultValue: null,
    importance: 'MEDIUM',
    group: REST,
    documentation:
      'The CA certificates in PEM, given in the config itself instead of ssl.truststore.location.',
  })
  .define({
    name: 'ssl.truststore.location',
    type: 'STRING',
    defaultValue: null,
    importance: 'MEDIUM',
    group: REST,
    documentation:
      'The CA certificates (PEM) client certificates must be signed by, when ssl.client.auth is on.',
  })
  .define({
    name: 'ssl.truststore.type',
    type: 'STRING',
    defaultValue: 'PEM',
    importance: 'LOW',
    group: REST,
    documentation: 'The trust store format: PEM (a PKCS12 or JKS trust store is refused: convert it to PEM).',
  })
  .define({
    name: 'bootstrap.servers',
    type: 'STRING',
    defaultValue: null,
    importance: 'HIGH',
    group: WITHOUT_EFFECT_GROUP,
    documentation:
      "For sluice connect: the Sluice server (http://host:8088) whose log holds the worker's topics, or Kafka brokers (host:port: Sluice's Kafka listener or Apache Kafka), where the worker keeps its topics and shares connectors and tasks with the other workers of its group.id (distributed mode). The embedded worker uses its server's log.",
  })
  .with(withoutEffect());

/** Kafka's keys a worker file may carry that do nothing here; declared so they are known, not misspelt. */
function withoutEffect(): ConfigDef {
  const def = new ConfigDef();
  const declare = (
    name: string,
    type: 'STRING' | 'INT' | 'LONG' | 'LIST' | 'CLASS' | 'BOOLEAN',
    documentation: string,
  ) =>
    def.defineUntyped({
      name,
      type,
      defaultValue: null,
      importance: 'LOW',
      group: WITHOUT_EFFECT_GROUP,
      documentation,
    });
  for (const name of [
    'config.storage.replication.factor',
    'offset.storage.replication.factor',
    'status.storage.replication.factor',
  ])
    declare(name, 'INT', 'The log keeps one copy of each topic.');
  declare('security.protocol', 'STRING', 'No Kafka clients run in the worker.');
  declare('client.id', 'STRING', 'No Kafka clients run in the worker.');
  for (const name of [
    'session.timeout.ms',
    'heartbeat.interval.ms',
    'rebalance.timeout.ms',
    'scheduled.rebalance.max.delay.ms',
  ])
    declare(
      name,
      'LONG',
      'The embedded worker is the only member of its group; sluice connect reads it in distributed mode (bootstrap.servers naming Kafka brokers).',
    );
  declare('connect.protocol', 'STRING', 'The embedded worker is the only member of its group.');
  declare('offset.flush.timeout.ms', 'LONG', 'Offsets are written to the log directly.');
  declare('header.converter', 'CLASS', 'Headers are kept as they are.');
  declare('internal.key.converter', 'CLASS', 'Removed from Kafka; internal topics use JSON.');
  declare('internal.value.converter', 'CLASS', 'Removed from Kafka; internal topics use JSON.');
  declare('exactly.once.source.support', 'STRING', 'Not available yet.');
  declare('topic.creation.enable', 'BOOLEAN', 'Topics a connector writes are created on first write.');
  declare('connector.client.config.override.policy', 'STRING', 'No Kafka clients run in the worker.');
  declare('metrics.recording.level', 'STRING', 'Kafka metrics are not recorded.');
  declare('metric.reporters', 'LIST', 'Kafka metrics are not recorded.');
  declare('response.http.headers.config', 'STRING', 'Not applied by the REST API.');
  declare('access.control.allow.origin', 'STRING', 'Not applied by the REST API.');
  declare('access.control.allow.methods', 'STRING', 'Not applied by the REST API.');
  declare('admin.listeners', 'LIST', 'There is no separate admin listener.');
  declare('rest.advertised.listener', 'STRING', 'Statuses name the listener URL.');
  declare('rest.extension.classes', 'LIST', 'REST extensions are Java classes.');
  return def;
}

/** Prefixes of settings for something else (a converter's, a config provider's), passed along. */
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

/**
 * The worker properties nobody declares or passes on (likely misspellings), each with the declared
 * key it most likely means.
 */
export function unknownWorkerKeys(
  properties: Readonly<Record<string, string>>,
): { readonly key: string; readonly suggestion: string | undefined }[] {
  const known = WORKER_CONFIG_DEF.names();
  return Object.keys(properties)
    .sort()
    .filter(
      (key) =>
        WORKER_CONFIG_DEF.key(key) === undefined &&
        ![...WORKER_KEY_PREFIXES, ...WORKER_PREFIXES_WITHOUT_EFFECT].some((p) => key.startsWith(p)),
    )
    .map((key) => ({ key, suggestion: closestName(key, known) }));
}
