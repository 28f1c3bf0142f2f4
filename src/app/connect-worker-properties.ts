import { envSuffixToPropertyName, readPropertiesFile, unknownWorkerKeys } from '../config/index.js';

/** Worker variables as Confluent's cp-kafka-connect image names them: CONNECT_GROUP_ID → group.id. */
export const STANDALONE_ENV_PREFIX = 'CONNECT_';

export interface StandaloneSources {
  /** A Kafka Connect worker properties file. */
  readonly file?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** --port: the REST listener's port. */
  readonly port?: number;
  /** --bootstrap-server: where the worker keeps its topics. */
  readonly bootstrapServer?: string;
}

/**
 * The standalone worker's properties: the file, then CONNECT_* variables, then flags, each
 * overriding the one before, as the Docker image's variables override its rendered file.
 */
export function standaloneWorkerProperties(sources: StandaloneSources): Record<string, string> {
  const props: Record<string, string> = {};
  if (sources.file !== undefined)
    for (const [k, e] of readPropertiesFile(sources.file).entries) props[k] = e.value;
  for (const [name, value] of Object.entries(sources.env)) {
    if (value === undefined || !name.startsWith(STANDALONE_ENV_PREFIX)) continue;
    props[envSuffixToPropertyName(name.slice(STANDALONE_ENV_PREFIX.length))] = value;
  }
  // Kafka's older rest.host.name/rest.port, still in many worker files, when listeners is unset.
  if (
    props.listeners === undefined &&
    (props['rest.port'] !== undefined || props['rest.host.name'] !== undefined)
  )
    props.listeners = `http://${props['rest.host.name'] ?? '0.0.0.0'}:${props['rest.port'] ?? '8083'}`;
  if (sources.port !== undefined) props.listeners = `http://0.0.0.0:${sources.port}`;
  if (sources.bootstrapServer !== undefined) props['bootstrap.servers'] = sources.bootstrapServer;
  return props;
}

/** Warnings for worker properties no one reads (likely misspelt), naming the nearest declared key. */
export function unknownWorkerSettingWarnings(properties: Readonly<Record<string, string>>): string[] {
  return unknownWorkerKeys(properties).map(
    ({ key, suggestion }) =>
      `WARNING unknown Connect worker setting ${key} is ignored${suggestion === undefined ? '' : `: did you mean ${suggestion}?`}`,
  );
}

/** The default: the Sluice server on this machine, whose log the worker then shares. */
export const DEFAULT_BOOTSTRAP_SERVER = 'http://localhost:8088';

/**
 * The Kafka brokers bootstrap.servers names (host:port entries, not a Sluice server's http URL):
 * then the worker keeps its topics there and shares its connectors with the group.id's other
 * workers (distributed mode); undefined for a Sluice server's URL.
 */
export function kafkaBootstrapServers(bootstrapServers: string | undefined): string[] | undefined {
  const entries = (bootstrapServers ?? DEFAULT_BOOTSTRAP_SERVER)
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0 || entries.some((e) => /^https?:\/\//i.test(e))) return undefined;
  for (const e of entries)
    if (!/^[^\s/:]+:\d+$/.test(e) && !/^\[[0-9a-f:]+\]:\d+$/i.test(e))
      throw new Error(
        `bootstrap.servers entry ${e} is neither a Kafka broker (host:port) nor a Sluice server (http://HOST:8088).`,
      );
  return entries;
}

/**
 * The Sluice server named by bootstrap.servers (its first entry). Kafka brokers (host:port) are
 * refused with what to do instead: this worker speaks to Sluice's REST API, not Kafka's protocol.
 */
export function sluiceServerUrl(bootstrapServers: string | undefined): string {
  const first = (bootstrapServers ?? DEFAULT_BOOTSTRAP_SERVER).split(',')[0].trim();
  if (/^https?:\/\//i.test(first)) return first.replace(/\/+$/, '');
  throw new Error(
    `bootstrap.servers=${first} looks like a Kafka broker; this worker keeps its topics on a Sluice server (bootstrap.servers=http://HOST:8088) or in its own log (--data-dir DIR). To drive a real Kafka Connect cluster, point the server's ksql.connect.url at it instead.`,
  );
}

/** A connector properties file (name=…, connector.class=…), as connect-standalone takes them. */
export function readConnectorFile(path: string): { name: string; config: Record<string, string> } {
  const config: Record<string, string> = {};
  for (const [k, e] of readPropertiesFile(path).entries) config[k] = e.value;
  const name = config.name;
  if (name === undefined || name.trim() === '')
    throw new Error(`The connector file ${path} has no name=… line: every connector needs a name.`);
  delete config.name;
  return { name: name.trim(), config };
}
