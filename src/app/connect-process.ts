import { connectCredentialsFromFile } from '../connect/client/index.js';
import { type RunningWorker, startConnectWorker } from '../connect/index.js';
import { builtinConnectors } from '../connectors/index.js';
import { KafkaLog, type Log, SegmentLog } from '../log/index.js';
import { RemoteLog } from '../server/client/index.js';
import { BasicAuthenticator, requireConnectAuthentication } from '../server/index.js';
import { kafkaBootstrapServers, sluiceServerUrl } from './connect-worker-properties.js';

/** The worker property naming a file with the server's username and password. */
const SERVER_CREDENTIALS_FILE = 'sluice.server.credentials.file';

/**
 * An unattended worker's credentials for its server in a file (username=…, password=…, as ksqlDB's
 * Connect credentials file), kept out of the process list and the environment; -u/-p and
 * SLUICE_USER/SLUICE_PASSWORD come first.
 */
function serverCredentialsFromFile(properties: Readonly<Record<string, string>>): string | undefined {
  const file = properties[SERVER_CREDENTIALS_FILE];
  if (file === undefined || file === '') return undefined;
  return connectCredentialsFromFile(file, false, SERVER_CREDENTIALS_FILE)();
}

import { packageVersion } from './package-version.js';

export interface StandaloneOptions {
  /** Worker properties (Kafka Connect's names). */
  readonly properties: Readonly<Record<string, string>>;
  /** Keep topics in this folder's own log instead of on a Sluice server. */
  readonly dataDir?: string;
  /** Connectors to create or update at start (connect-standalone's connector files). */
  readonly connectors?: readonly { name: string; config: Record<string, string> }[];
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The Authorization header for a Sluice server with basic authentication. */
  readonly authorization?: string;
}

export interface StandaloneWorker {
  readonly worker: RunningWorker;
  /** Distributed mode: settles with the error that stops the worker (a Java Connect worker in its group). */
  readonly fatal: Promise<Error>;
  /** Where the worker keeps its topics: a data folder or a server URL. */
  readonly storage: string;
  close(): Promise<void>;
}

/**
 * `sluice connect`: a Connect worker in its own process, for a server in external mode
 * (ksql.connect.url). Its topics — the connectors' data and its config, offset and status topics —
 * live on the Sluice server named by bootstrap.servers, so streams there read what connectors
 * write; or in a log of its own with a data folder.
 */
export async function startStandaloneWorker(options: StandaloneOptions): Promise<StandaloneWorker> {
  // Read before anything starts: a missing or broken password file stops the worker.
  const authenticator = workerAuthenticator(options.properties);
  let log: Log;
  let storage: string;
  const brokers =
    options.dataDir === undefined
      ? kafkaBootstrapServers(options.properties['bootstrap.servers'])
      : undefined;
  let reportFatal: (err: Error) => void = () => {};
  const fatal = new Promise<Error>((resolve) => {
    reportFatal = resolve;
  });
  if (options.dataDir !== undefined) {
    log = await SegmentLog.open({ dataDir: options.dataDir });
    storage = options.dataDir;
  } else if (brokers !== undefined) {
    // Distributed: topics on the Kafka brokers (Sluice's Kafka listener or Apache Kafka), and the
    // group.id's workers share connectors and tasks through Kafka's group protocol.
    log = await KafkaLog.open({ bootstrapServers: brokers, clientId: 'sluice-connect' });
    storage = `Kafka ${brokers.join(',')} (distributed, group.id=${options.properties['group.id'] ?? 'connect-cluster'})`;
  } else {
    storage = sluiceServerUrl(options.properties['bootstrap.servers']);
    log = await RemoteLog.connect(
      storage,
      options.authorization ?? serverCredentialsFromFile(options.properties),
    );
  }
  let worker: RunningWorker;
  try {
    worker = await startConnectWorker({
      log,
      properties: options.properties,
      connectors: builtinConnectors,
      version: packageVersion(),
      listenersSetting: 'listeners (or rest.port, CONNECT_LISTENERS, --port)',
      ...(authenticator === undefined
        ? {}
        : { configureRest: (app) => requireConnectAuthentication(app, authenticator) }),
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(brokers === undefined ? {} : { group: { bootstrapServers: brokers }, onFatal: reportFatal }),
    });
  } catch (err) {
    await log.close();
    throw err;
  }
  const close = async () => {
    await worker.close();
    await log.close();
  };
  try {
    for (const c of options.connectors ?? []) await worker.herder.putConnectorConfig(c.name, c.config);
  } catch (err) {
    await close();
    throw err;
  }
  return { worker, storage, fatal, close };
}

/** Worker properties that turn on basic authentication for the worker's REST API. */
export const WORKER_PASSWORD_FILE = 'sluice.authentication.password.file';
export const WORKER_AUTH_REALM = 'sluice.authentication.realm';
export const WORKER_AUTH_ROLES = 'sluice.authentication.roles';

/**
 * Basic authentication on the REST API with the users of a `sluice passwd` file and the roles a
 * server's embedded worker applies (Kafka Connect's BasicAuthSecurityRestExtension, without JAAS):
 * without it anyone who reaches the port could create any connector.
 */
function workerAuthenticator(properties: Readonly<Record<string, string>>): BasicAuthenticator | undefined {
  const passwordFile = properties[WORKER_PASSWORD_FILE];
  if (passwordFile === undefined || passwordFile === '') return undefined;
  return new BasicAuthenticator({
    passwordFile,
    realm: properties[WORKER_AUTH_REALM] ?? '',
    allowedRoles: (properties[WORKER_AUTH_ROLES] ?? '*')
      .split(',')
      .map((r) => r.trim())
      .filter((r) => r !== ''),
  });
}
