import { mkdirSync, readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { readPropertiesFile, type ServerConfig } from '../config/index.js';
import { type ConnectClient, RestConnectClient } from '../connect/client/index.js';
import { type RunningWorker, startConnectWorker } from '../connect/index.js';
import {
  checkTlsMaterial,
  clientCertificateOptions,
  connectListenerTls,
  parseClientAuthentication,
} from '../connect/rest/index.js';
import { builtinConnectors } from '../connectors/index.js';
import { KsqlEngine } from '../engine/index.js';
import { parseKafkaListener, type RunningKafkaListener, startKafkaListener } from '../kafka/index.js';
import {
  type Durability,
  type InternalTopics,
  KafkaLog,
  type Log,
  lockDataDir,
  type OpenReport,
  SegmentLog,
} from '../log/index.js';
import {
  buildRegistryApp,
  HttpSchemaRegistryClient,
  InProcessSchemaRegistryClient,
  type RegistryClientSettings,
  registryClientSettings,
  SchemaStore,
} from '../registry/index.js';
import {
  BasicAuthenticator,
  buildRestApp,
  type CrossOriginPolicy,
  guardCrossOrigin,
  requireConnectAuthentication,
  type TlsOptions,
  tlsMaterial,
  tlsServerOptions,
} from '../server/index.js';
import { restConnectClientOptions } from './connect-client-options.js';
import { packageVersion } from './package-version.js';
import { connectEnvName, describeWorkerSettingsReview, reviewWorkerSettings } from './worker-settings.js';

/**
 * Connect for connector statements: the REST endpoint ksql.connect.url names (external mode), or a
 * worker in this process configured by KSQL_CONNECT_* variables and ksql.connect.worker.config
 * (embedded mode, also the default so connectors work out of the box).
 */
function embeddedWorkerProperties(config: ServerConfig): Record<string, string> | undefined {
  if (config.isSetByUser('ksql.connect.url')) return undefined;
  const file = config.getOptionalString('ksql.connect.worker.config');
  const fromFile: Record<string, string> = {};
  if (file !== undefined && file !== '') {
    for (const [k, e] of readPropertiesFile(file).entries) fromFile[k] = e.value;
  }
  const properties: Record<string, string> = { ...fromFile, ...config.connectWorker };
  // A server on a free port (port 0: tests, a second server for a try) takes a free port for its
  // worker too, rather than 8083, which a real server may hold.
  if (properties.listeners === undefined && properties['rest.port'] === undefined && serverPort(config) === 0)
    properties.listeners = 'http://127.0.0.1:0';
  return properties;
}

async function connectFor(
  config: ServerConfig,
  log: Log,
  properties: Record<string, string> | undefined,
  authenticator: BasicAuthenticator | undefined,
  crossOrigin: CrossOriginPolicy,
  started: (worker: RunningWorker) => void,
): Promise<ConnectClient> {
  if (properties === undefined) {
    return new RestConnectClient(config.getString('ksql.connect.url'), restConnectClientOptions(config));
  }
  // Named once, at start: settings that are misspelt or do nothing here.
  for (const line of describeWorkerSettingsReview(reviewWorkerSettings(properties)))
    process.stderr.write(`${line}\n`);
  const worker = await startConnectWorker({
    log,
    properties,
    describeSetting: (key) => `${key}, ${connectEnvName(key)}`,
    connectors: builtinConnectors,
    deferConnectors: true,
    listenersSetting: 'KSQL_CONNECT_LISTENERS (the worker property listeners)',
    version: packageVersion(),
    // The worker's REST API admits the same users and web origins as the ksqlDB API: left open,
    // it would let anyone (or any web page) create the connectors the roles refuse.
    configureRest: (app) => {
      const secure = /^https:/i.test(properties.listeners ?? '');
      guardCrossOrigin(app, crossOrigin, secure, (status, message) => ({ error_code: status, message }));
      if (authenticator !== undefined) requireConnectAuthentication(app, authenticator);
    },
  });
  started(worker);
  return worker.client;
}

function serverPort(config: ServerConfig): number {
  return parseListener(config.getList('listeners')[0] ?? 'http://0.0.0.0:8088').port;
}

export interface RunningServer {
  /** The Connect REST API in use: the embedded worker's, or ksql.connect.url. */
  readonly connectUrl: string | undefined;
  /** Where Kafka clients connect (PLAINTEXT://host:port), unless sluice.kafka.listeners is empty. */
  readonly kafkaUrl: string | undefined;
  /** Sluice's Schema Registry (http://host:port), unless sluice.schema.registry.listeners is empty. */
  readonly schemaRegistryUrl: string | undefined;
  /** The URL clients use, e.g. http://127.0.0.1:8088. */
  readonly url: string;
  readonly log: Log;
  /** What opening the embedded log found (undefined on the Kafka backend). */
  readonly openReport: OpenReport | undefined;
  /** The engine behind the REST API (benchmarks time it without HTTP). */
  readonly engine: KsqlEngine;
  close(): Promise<void>;
}

function parseListener(listener: string): { host: string; port: number; secure: boolean } {
  const url = new URL(listener);
  return {
    host: url.hostname,
    port: url.port === '' ? 8088 : Number(url.port),
    secure: url.protocol === 'https:',
  };
}

/** The keystore for an https:// listener, as ksqlDB's ssl.keystore.* properties name it. */
function tlsOptions(config: ServerConfig): TlsOptions {
  const clientCertificates = clientCertificateOptions({
    clientAuthentication: parseClientAuthentication(
      config.getString('ssl.client.authentication'),
      'ssl.client.authentication',
    ),
    clientAuthenticationSetting: 'ssl.client.authentication',
    location: config.getOptionalString('ssl.truststore.location'),
    locationSetting: 'ssl.truststore.location',
    type: config.isSetByUser('ssl.truststore.type') ? config.getString('ssl.truststore.type') : undefined,
    typeSetting: 'ssl.truststore.type',
    certificates: config.getOptionalString('ssl.truststore.certificates'),
    certificatesSetting: 'ssl.truststore.certificates',
  });
  const inlineKey = config.getOptionalPassword('ssl.keystore.key')?.reveal();
  if (inlineKey !== undefined && inlineKey !== '') {
    // Kafka's PEM in the config itself (KIP-651): the key and its chain as text, read as one PEM.
    const chain = config.getOptionalString('ssl.keystore.certificate.chain');
    if (chain === undefined || chain === '')
      throw new Error(
        'ssl.keystore.key is set but ssl.keystore.certificate.chain is not: give the certificate chain in PEM.',
      );
    const passphrase = config.getOptionalPassword('ssl.key.password')?.reveal();
    const options: TlsOptions = {
      pem: Buffer.from(`${inlineKey}\n${chain}`),
      passphrase,
      ...(clientCertificates === undefined ? {} : { clientCertificates }),
    };
    checkTlsMaterial(
      { ...tlsMaterial(options), ...(passphrase === undefined ? {} : { passphrase }) },
      'ssl.keystore.key and ssl.keystore.certificate.chain',
    );
    return options;
  }
  const location = config.getOptionalString('ssl.keystore.location');
  if (location === undefined) {
    throw new Error(
      'An https:// listener needs ssl.keystore.location (a PKCS12 or PEM keystore) and ssl.keystore.password, or ssl.keystore.key and ssl.keystore.certificate.chain (PEM text).',
    );
  }
  // The config only admits PKCS12 and PEM: Node reads both; JKS would need a Java keystore parser.
  const type = config.getString('ssl.keystore.type').toUpperCase();
  let bytes: Buffer;
  try {
    bytes = readFileSync(location);
  } catch (err) {
    throw new Error(`Cannot read the keystore ssl.keystore.location=${location}: ${(err as Error).message}`);
  }
  const password =
    config.getOptionalPassword('ssl.keystore.password') ?? config.getOptionalPassword('ssl.key.password');
  const passphrase = password?.reveal();
  const options: TlsOptions = {
    ...(type === 'PEM' ? { pem: bytes, passphrase } : { pfx: bytes, passphrase }),
    ...(clientCertificates === undefined ? {} : { clientCertificates }),
  };
  checkTlsMaterial(
    { ...tlsMaterial(options), ...(passphrase === undefined ? {} : { passphrase }) },
    `the keystore ssl.keystore.location=${location}`,
  );
  return options;
}

/** authentication.method=BASIC: the users, read now so that a missing or broken file stops the start. */
function authenticatorFor(config: ServerConfig): BasicAuthenticator | undefined {
  if (config.getString('authentication.method') !== 'BASIC') return undefined;
  const passwordFile = config.getOptionalString('sluice.authentication.password.file');
  if (passwordFile === undefined || passwordFile === '') {
    throw new Error(
      "authentication.method=BASIC needs sluice.authentication.password.file: create one with 'sluice passwd FILE USER --role admin'.",
    );
  }
  return new BasicAuthenticator({
    passwordFile,
    realm: config.getString('authentication.realm'),
    allowedRoles: config.getList('authentication.roles'),
    failedLogins: {
      maxFailures: config.getNumber('sluice.authentication.max.failed.logins'),
      windowMs: config.getNumber('sluice.authentication.failed.login.window.seconds') * 1000,
    },
  });
}

/**
 * sluice.kafka.listeners: where Kafka clients reach the log, or undefined when it is empty. A server
 * on a free REST port (tests, a second server for a try) takes a free Kafka port too unless the
 * listener is set, rather than 9092, which a real server may hold. With authentication on, the
 * listener asks for SASL/PLAIN whatever its scheme, so no Kafka client gets round the password file.
 */
function kafkaListenerFor(config: ServerConfig, authenticated: boolean): string | undefined {
  let listener = config.getString('sluice.kafka.listeners').trim();
  if (listener === '') return undefined;
  parseKafkaListener(listener);
  if (!config.isSetByUser('sluice.kafka.listeners') && serverPort(config) === 0)
    listener = 'PLAINTEXT://127.0.0.1:0';
  return authenticated ? listener.replace(/^(PLAINTEXT|SSL):/i, 'SASL_$1:') : listener;
}

/**
 * The keystore for an SSL:// or SASL_SSL:// Kafka listener: the same ssl.* settings as the https://
 * listener, or undefined for a plaintext one. Refuses to start, naming the setting, when none is set.
 */
function kafkaTlsFor(config: ServerConfig, kafkaListener: string | undefined): TlsOptions | undefined {
  if (kafkaListener === undefined || !parseKafkaListener(kafkaListener).ssl) return undefined;
  const hasKeystore =
    config.getOptionalString('ssl.keystore.location') !== undefined ||
    (config.getOptionalPassword('ssl.keystore.key')?.reveal() ?? '') !== '';
  if (!hasKeystore)
    throw new Error(
      `sluice.kafka.listeners=${kafkaListener} serves TLS but no keystore is set: set ssl.keystore.location (a PKCS12 or PEM keystore) and ssl.keystore.password, or ssl.keystore.key and ssl.keystore.certificate.chain, or use a PLAINTEXT:// listener.`,
    );
  return tlsOptions(config);
}

async function startKafka(
  listener: string,
  log: Log,
  internalTopics: InternalTopics,
  authenticator: BasicAuthenticator | undefined,
  tls: TlsOptions | undefined,
): Promise<RunningKafkaListener> {
  try {
    return await startKafkaListener({
      log,
      internalTopics,
      listener,
      ...(tls === undefined ? {} : { tls: tlsServerOptions(tls) }),
      ...(authenticator === undefined
        ? {}
        : {
            // The same users, roles and failed-login limits as the REST API (PLAIN's user and password as basic credentials).
            authenticatePlain: async (user: string, password: string, address: string) => {
              const header = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
              const result = await authenticator.authenticate(header, address);
              return result.ok ? undefined : result.message;
            },
          }),
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(
        `The Kafka listener's address ${listener} is already in use. Stop what uses it, pass --kafka-port, or set sluice.kafka.listeners= (empty) to turn the Kafka listener off.`,
      );
    }
    throw err;
  }
}

/**
 * sluice.schema.registry.listeners: where the Schema Registry listens, or undefined when it is empty.
 * A server on a free REST port takes a free registry port too unless the listener is set.
 */
function registryListenerFor(config: ServerConfig): { host: string; port: number } | undefined {
  const listener = config.getString('sluice.schema.registry.listeners').trim();
  if (listener === '') return undefined;
  if (!config.isSetByUser('sluice.schema.registry.listeners') && serverPort(config) === 0)
    return { host: '127.0.0.1', port: 0 };
  const url = new URL(listener);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port === '' ? 8081 : Number(url.port) };
}

/** The client settings of ksql.schema.registry.url, or undefined when it is unset (the in-process registry). */
function registryClientSettingsFor(config: ServerConfig): RegistryClientSettings | undefined {
  const url = config.getOptionalString('ksql.schema.registry.url');
  if (url === undefined || url.trim() === '') return undefined;
  const props: Record<string, string | undefined> = {};
  for (const name of [
    'ksql.schema.registry.basic.auth.credentials.source',
    'ksql.schema.registry.bearer.auth.credentials.source',
    'ksql.schema.registry.bearer.auth.issuer.endpoint.url',
    'ksql.schema.registry.bearer.auth.client.id',
    'ksql.schema.registry.bearer.auth.scope',
    'ksql.schema.registry.bearer.auth.scope.claim.name',
    'ksql.schema.registry.bearer.auth.sub.claim.name',
    'ksql.schema.registry.bearer.auth.cache.expiry.buffer.seconds',
    'ksql.schema.registry.bearer.auth.logical.cluster',
    'ksql.schema.registry.bearer.auth.identity.pool.id',
    'ksql.schema.registry.sasl.oauthbearer.token.endpoint.url',
    'ksql.schema.registry.sasl.oauthbearer.scope.claim.name',
    'ksql.schema.registry.sasl.oauthbearer.sub.claim.name',
    'ksql.schema.registry.ssl.truststore.location',
    'ksql.schema.registry.ssl.truststore.type',
    'ksql.schema.registry.ssl.truststore.certificates',
    'ksql.schema.registry.ssl.keystore.location',
    'ksql.schema.registry.ssl.keystore.type',
    'ksql.schema.registry.ssl.endpoint.identification.algorithm',
  ])
    props[name.slice('ksql.schema.registry.'.length)] = config.getOptionalString(name);
  for (const name of [
    'ksql.schema.registry.basic.auth.user.info',
    'ksql.schema.registry.bearer.auth.token',
    'ksql.schema.registry.bearer.auth.client.secret',
    'ksql.schema.registry.sasl.jaas.config',
    'ksql.schema.registry.ssl.truststore.password',
    'ksql.schema.registry.ssl.keystore.password',
    'ksql.schema.registry.ssl.key.password',
  ])
    props[name.slice('ksql.schema.registry.'.length)] = config.getOptionalPassword(name)?.reveal();
  return registryClientSettings(url, props, 'ksql.schema.registry.');
}

async function startRegistry(
  listener: { host: string; port: number },
  store: SchemaStore,
  authenticator: BasicAuthenticator | undefined,
): Promise<FastifyInstance> {
  const app = buildRegistryApp(store);
  // The same users as the REST API: readers read, developers and admins register and delete.
  if (authenticator !== undefined) requireConnectAuthentication(app, authenticator);
  try {
    await app.listen(listener);
  } catch (err) {
    await app.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new Error(
        `The Schema Registry's address ${listener.host}:${listener.port} is already in use. Stop what uses it, or set sluice.schema.registry.listeners to another address, or empty to turn the registry off.`,
      );
    throw err;
  }
  return app;
}

function urlOf(app: FastifyInstance, host: string): string {
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

/** access.control.allow.*: the web origins admitted besides the server's own. */
function crossOriginPolicy(config: ServerConfig): CrossOriginPolicy {
  return {
    allowOrigins: config
      .getString('access.control.allow.origin')
      .split(',')
      .map((o) => o.trim())
      .filter((o) => o !== ''),
    allowMethods: config.getList('access.control.allow.methods'),
    allowHeaders: config.getList('access.control.allow.headers'),
  };
}

/**
 * The log every topic lives in: the Apache Kafka cluster of bootstrap.servers when it is set,
 * else the embedded log under sluice.data.dir. On Kafka the data dir still holds the queries' state
 * stores, so it is locked all the same: two servers on one dir would overwrite each other's state.
 * `release` unlocks it once the log is closed.
 */
async function openLog(config: ServerConfig): Promise<{ log: Log; release: () => void }> {
  const brokers = config.getOptionalList('bootstrap.servers') ?? [];
  const dataDir = config.getString('sluice.data.dir');
  if (brokers.length > 0) {
    mkdirSync(dataDir, { recursive: true });
    const release = lockDataDir(dataDir);
    try {
      const log = await KafkaLog.open({
        bootstrapServers: brokers,
        clientId: config.getString('ksql.service.id'),
        replicationFactor: config.getNumber('ksql.internal.topic.replicas'),
      });
      return { log, release };
    } catch (err) {
      release();
      throw err;
    }
  }
  const log = await SegmentLog.open({
    dataDir,
    durability: config.getString('sluice.log.durability') as Durability,
    flushIntervalMs: config.getNumber('sluice.log.flush.interval.ms'),
    cleanerIntervalMs: config.getNumber('sluice.log.retention.check.interval.ms'),
    maxPartitionsPerTopic: config.getNumber('sluice.topic.max.partitions'),
  });
  return { log, release: () => {} };
}

/**
 * Opens the data dir and serves the REST API on the first listener. Everything that can be checked
 * (keystores, the password file) is checked before the data dir is locked, and a failure after
 * that closes whatever started, so a failed start leaves no lock, port or worker behind.
 */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const listener = config.getList('listeners')[0] ?? 'http://0.0.0.0:8088';
  const { host, port, secure } = parseListener(listener);
  const authenticator = authenticatorFor(config);
  const kafkaListener = kafkaListenerFor(config, authenticator !== undefined);
  const kafkaTls = kafkaTlsFor(config, kafkaListener);
  if (!secure && kafkaTls === undefined && config.getString('ssl.client.authentication') !== 'NONE')
    throw new Error(
      `ssl.client.authentication=${config.getString('ssl.client.authentication')} needs an https:// listener (listeners=${listener}) or an SSL:// Kafka listener.`,
    );
  const tls = secure ? tlsOptions(config) : undefined;
  const crossOrigin = crossOriginPolicy(config);
  const workerProperties = embeddedWorkerProperties(config);
  if (workerProperties !== undefined) connectListenerTls(workerProperties);
  const registryListener = registryListenerFor(config);
  const registrySettings = registryClientSettingsFor(config);
  const { log, release } = await openLog(config);
  let engine: KsqlEngine | undefined;
  let worker: RunningWorker | undefined;
  let app: ReturnType<typeof buildRestApp> | undefined;
  let kafka: RunningKafkaListener | undefined;
  let registry: FastifyInstance | undefined;
  try {
    // The registry serves before anything that may use it (replayed queries, converters) starts,
    // so a ksql.schema.registry.url naming this very listener works from the first statement.
    const schemaStore = await SchemaStore.open(log);
    if (registryListener !== undefined) {
      registry = await startRegistry(registryListener, schemaStore, authenticator);
    }
    const schemaRegistry =
      registrySettings === undefined
        ? new InProcessSchemaRegistryClient(schemaStore)
        : new HttpSchemaRegistryClient(registrySettings);
    const connect = await connectFor(config, log, workerProperties, authenticator, crossOrigin, (w) => {
      worker = w;
    });
    engine = await KsqlEngine.start(log, config, connect, schemaRegistry);
    // The engine's own topics are there already; the REST API guards the same set.
    const internalTopics = engine.internalTopics;
    for (const [name, role] of worker?.internalTopics ?? []) internalTopics.add(name, role);
    if (kafkaListener !== undefined)
      kafka = await startKafka(kafkaListener, log, internalTopics, authenticator, kafkaTls);
    app = buildRestApp({
      log,
      engine,
      internalTopics,
      insertsStreamLimits: {
        maxLineBytes: config.getNumber('sluice.inserts.stream.max.line.bytes'),
        maxBytes: config.getNumber('sluice.inserts.stream.max.bytes'),
      },
      ...(tls === undefined ? {} : { tls }),
      idleTimeoutSeconds: config.getNumber('ksql.idle.connection.timeout.seconds'),
      ...(authenticator === undefined ? {} : { authenticator }),
      crossOrigin,
      identity: {
        version: packageVersion(),
        serviceId: config.getString('ksql.service.id'),
        hostPort: `${host}:${port}`,
      },
    });
    await app.listen({ host, port });
  } catch (err) {
    await app?.close().catch(() => {});
    await registry?.close();
    await kafka?.close();
    await engine?.close();
    await (worker as RunningWorker | undefined)?.close();
    await log.close();
    release();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new Error(`Port ${port} on ${host} is already in use. Stop what uses it or pass --port.`);
    }
    throw err;
  }
  const running = {
    app,
    engine,
    worker: worker as RunningWorker | undefined,
    kafka,
    registry: registry as FastifyInstance | undefined,
  };
  // Only now the stored connectors start: however busy they keep the worker, the server answers.
  running.worker?.startConnectors().catch((err: unknown) => {
    process.stderr.write(`WARNING could not start the stored connectors: ${(err as Error).message}\n`);
  });
  const address = running.app.server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return {
    url: `${secure ? 'https' : 'http'}://${shownHost}:${boundPort}`,
    log,
    openReport: log instanceof SegmentLog ? log.openReport : undefined,
    engine: running.engine,
    connectUrl:
      running.worker?.restUrl ??
      (config.isSetByUser('ksql.connect.url') ? config.getString('ksql.connect.url') : undefined),
    kafkaUrl: running.kafka?.url,
    schemaRegistryUrl:
      running.registry === undefined || registryListener === undefined
        ? undefined
        : urlOf(running.registry, registryListener.host),
    async close() {
      await running.app.close();
      await running.registry?.close();
      await running.kafka?.close();
      await running.engine.close();
      await running.worker?.close();
      await log.close();
      release();
    },
  };
}
