import type { FastifyInstance } from 'fastify';
import type { Log } from '../log/index.js';
import { EmbeddedConnectClient } from './client/index.js';
import { converterByClass, converterClassNames } from './converters/index.js';
import { freePort } from './free-port.js';
import { effectivePluginPath, loadPluginPackages, type PluginLoadReport } from './plugins/index.js';
import { buildConnectRestApp, connectListenerTls } from './rest/index.js';
import { transformChainFactory } from './transforms/index.js';
import {
  type ConnectorPlugin,
  ENCRYPTION_KEY,
  ENCRYPTION_KEY_FILE,
  type GroupOptions,
  Herder,
  PluginRegistry,
  readWorkerConfig,
} from './worker/index.js';

export interface RunningWorker {
  readonly herder: Herder;
  readonly client: EmbeddedConnectClient;
  /** The Connect REST API's URL, or undefined when it was not asked to listen. */
  readonly restUrl: string | undefined;
  /** The connector packages loaded from plugin.path, and those skipped with the reason. */
  readonly pluginPackages: PluginLoadReport;
  /** The worker's config, offset and status topics, each with what it holds. */
  readonly internalTopics: ReadonlyMap<string, string>;
  /** Starts the stored connectors, after a start with `deferConnectors`. */
  startConnectors(): Promise<void>;
  close(): Promise<void>;
}

export interface WorkerOptions {
  readonly log: Log;
  /** Worker properties (Kafka Connect's names), e.g. from KSQL_CONNECT_* variables. */
  readonly properties: Readonly<Record<string, string>>;
  readonly connectors: readonly ConnectorPlugin[];
  readonly version: string;
  /** Serve the Connect REST API on the worker's listener (default true). */
  readonly listen?: boolean;
  /**
   * Leave the stored connectors stopped until `startConnectors` (default false): a server starts
   * them once it answers requests.
   */
  readonly deferConnectors?: boolean;
  /** How the user sets the worker's listeners, for the message when its port is taken. */
  readonly listenersSetting?: string;
  /** Adds hooks (authentication) to the Connect REST API before it listens. */
  readonly configureRest?: (app: FastifyInstance) => void;
  /** How the user sets a worker property (e.g. with its KSQL_CONNECT_* variable), for messages. */
  readonly describeSetting?: (key: string) => string;
  /** Where SLUICE_PLUGIN_PATH is read when plugin.path is unset (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Distributed mode: share connectors and tasks with the other workers of group.id through the
   * Kafka group protocol, on these brokers.
   */
  readonly group?: GroupOptions;
  /** Distributed mode: the worker cannot go on (a Java Kafka Connect worker in its group, say). */
  readonly onFatal?: (err: Error) => void;
}

/**
 * Converters when none are configured (Kafka Connect requires them): keys as strings and values as
 * plain JSON, which is what KEY_FORMAT='KAFKA' and VALUE_FORMAT='JSON' streams read, so the seed's
 * generator feeds a stream with no further setup.
 */
export function withEmbeddedDefaults(props: Readonly<Record<string, string>>): Record<string, string> {
  return {
    ...(props['key.converter'] === undefined
      ? { 'key.converter': 'org.apache.kafka.connect.storage.StringConverter' }
      : {}),
    ...(props['value.converter'] === undefined
      ? {
          'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
          'value.converter.schemas.enable': 'false',
        }
      : {}),
    ...props,
  };
}

function reportPluginPackages(report: PluginLoadReport): void {
  for (const pkg of report.loaded) {
    const classes = pkg.plugins.map((p) => p.className).join(', ');
    process.stdout.write(
      `Loaded connector package ${pkg.manifest.name} ${pkg.manifest.version} (${classes})\n`,
    );
  }
  for (const b of report.broken)
    process.stderr.write(`WARNING skipped the connector package at ${b.dir}: ${b.reason}\n`);
}

/**
 * The worker properties with port 0 in `listeners` replaced by a free port, chosen before the
 * herder starts: statuses carry worker_id (host:port), written before the REST app can listen.
 */
async function withListenerPort(
  props: Record<string, string>,
  listen: boolean,
): Promise<Record<string, string>> {
  const listeners = props.listeners;
  if (!listen || listeners === undefined) return props;
  const first = listeners.split(',')[0].trim();
  const url = new URL(first.replace('://:', '://0.0.0.0:'));
  if (url.port !== '0') return props;
  const port = await freePort(url.hostname.replace(/^\[|\]$/g, ''));
  url.port = String(port);
  return { ...props, listeners: url.href.replace(/\/$/, '') };
}

/** A worker converter that cannot be made would fail every task: the worker does not start. */
function checkWorkerConverters(
  config: ReturnType<typeof readWorkerConfig>,
  plugins: PluginRegistry,
  describe: (key: string) => string,
): void {
  for (const [key, className] of [
    ['key.converter', config.keyConverter],
    ['value.converter', config.valueConverter],
  ] as const) {
    try {
      const converter = plugins.converters.create(className);
      const settings: Record<string, string> = {};
      for (const [k, v] of Object.entries(config.properties))
        if (k.startsWith(`${key}.`)) settings[k.slice(key.length + 1)] = v;
      converter.configure(settings, key === 'key.converter');
    } catch (err) {
      throw new Error(
        `The Connect worker setting ${key}=${className} (${describe(key)}) cannot be used: ${(err as Error).message}`,
      );
    }
  }
}

/** Starts a Connect worker on a log: herder, connectors, and the Connect REST API. */
export async function startConnectWorker(options: WorkerOptions): Promise<RunningWorker> {
  // Checked first: a keystore that does not open stops the worker before it starts anything.
  const tls = options.listen === false ? undefined : connectListenerTls(options.properties);
  const config = readWorkerConfig(
    await withListenerPort(withEmbeddedDefaults(options.properties), options.listen !== false),
  );
  const plugins = new PluginRegistry(
    {
      create: (className) => converterByClass(className),
      list: () => converterClassNames().map((c) => ({ class: c, type: 'converter' })),
    },
    transformChainFactory,
  );
  for (const p of options.connectors) plugins.register(p);
  checkWorkerConverters(config, plugins, options.describeSetting ?? ((k) => k));
  // Packages come after the built-ins and may not replace one; new ones are picked up on restart.
  const pluginPackages = await loadPluginPackages(
    effectivePluginPath(config.pluginPath, options.env ?? process.env),
    {
      reservedClassNames: options.connectors.map((p) => p.className),
    },
  );
  for (const pkg of pluginPackages.loaded) for (const p of pkg.plugins) plugins.register(p);
  reportPluginPackages(pluginPackages);
  const herder = await Herder.start(options.log, config, plugins, {
    deferConnectors: true,
    ...(options.group === undefined ? {} : { group: options.group }),
    ...(options.onFatal === undefined ? {} : { onFatal: options.onFatal }),
  });
  if (!herder.encryptsSecrets) {
    const describe = options.describeSetting ?? ((k: string) => k);
    process.stdout.write(
      `NOTE connector secrets (PASSWORD settings) are stored in plain text in the config topic ${config.configTopic}: to encrypt them, set a 256-bit key in ${describe(ENCRYPTION_KEY)} (or a file holding it in ${describe(ENCRYPTION_KEY_FILE)}), or keep them out of connector configs with config providers (\${file:…}).\n`,
    );
  }
  let app: FastifyInstance | undefined;
  let restUrl: string | undefined;
  if (options.listen !== false) {
    app = buildConnectRestApp(herder, { version: options.version, clusterId: options.log.clusterId }, tls);
    options.configureRest?.(app);
    const url = new URL(config.listeners.split(',')[0].trim().replace('://:', '://0.0.0.0:'));
    try {
      await app.listen({ host: url.hostname, port: url.port === '' ? 8083 : Number(url.port) });
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : Number(url.port);
      restUrl = `${tls === undefined ? 'http' : 'https'}://${url.hostname === '0.0.0.0' ? 'localhost' : url.hostname}:${port}`;
    } catch (err) {
      // Going on without it would leave ksql.connect.url's default (this port) pointing at
      // whatever else listens there: stop, and say which setting moves the port.
      await app.close();
      await herder.close();
      const setting = options.listenersSetting ?? 'listeners';
      const code = (err as NodeJS.ErrnoException).code;
      throw new Error(
        code === 'EADDRINUSE'
          ? `The Kafka Connect REST API cannot listen on ${config.listeners}: the port is in use (another Connect worker?). Set ${setting} to another port (port 0 picks a free one), or stop what uses it.`
          : `The Kafka Connect REST API cannot listen on ${config.listeners} (${setting}): ${(err as Error).message}`,
      );
    }
  }
  // Connectors start once the REST API answers, so a busy one cannot keep it from listening.
  if (options.deferConnectors !== true) await herder.startConnectors();
  return {
    herder,
    client: new EmbeddedConnectClient(herder),
    restUrl,
    pluginPackages,
    internalTopics: new Map([
      [config.configTopic, "the Connect worker's config topic, which defines every connector"],
      [config.offsetTopic, "the Connect worker's offset topic, where every source connector resumes from"],
      [config.statusTopic, "the Connect worker's status topic"],
    ]),
    startConnectors: () => herder.startConnectors(),
    async close() {
      await app?.close();
      await herder.close();
    },
  };
}
