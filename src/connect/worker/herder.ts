import {
  HIDDEN,
  isSecret,
  type KeyDeclarations,
  maskedValue,
  maskUrlCredentials,
  shownValue,
} from '../../config/index.js';
import type { Log } from '../../log/index.js';
import type {
  ConfigValue,
  Connector,
  ConnectorContext,
  Converter,
  SinkConnector,
  SourceConnector,
  TopicPartition,
} from '../api/index.js';
import { ConfigDef, type ConfigKey } from '../api/index.js';
import {
  ConfigStore,
  OffsetStore,
  type Status,
  type StatusState,
  StatusStore,
  type TargetState,
} from './backing-stores.js';
import { commonConnectorConfig } from './common-config.js';
import { ConfigSealer } from './config-encryption.js';
import {
  ConfigProviders,
  describeProblem,
  hasPlaceholder,
  isOnlyPlaceholders,
  withPlaceholdersRestored,
} from './config-providers.js';
import { ConnectError, notFound } from './connect-error.js';
import { connectLogger, withRecentLines } from './connect-logger.js';
import { readErrorPolicy } from './error-policy.js';
import { fileRootViolations } from './file-root-policy.js';
import { createTopicIfMissing } from './log-unavailable.js';
import type { PluginInfo, PluginRegistry } from './plugin-registry.js';
import { SinkTaskRunner } from './sink-task-runner.js';
import { SourceTaskRunner } from './source-task-runner.js';
import type { WorkerConfig } from './worker-config.js';

type AnyTaskRunner = SourceTaskRunner | SinkTaskRunner;

/** How long SQL's CREATE … CONNECTOR waits for its tasks' starts before reporting it created. */
const TASK_START_WAIT_MS = 5000;

interface RunningConnector {
  readonly name: string;
  readonly type: 'source' | 'sink';
  readonly className: string;
  connector: Connector | undefined;
  /** While its `start` runs (a connector may wait there, e.g. for a database). */
  starting?: boolean;
  tasks: AnyTaskRunner[];
  state: StatusState;
  trace: string | null;
  /** Topics the connector's tasks write (sources) or read (sinks). */
  readonly topics: Set<string>;
}

export interface ConnectorInfo {
  readonly name: string;
  readonly config: Record<string, string>;
  readonly tasks: { connector: string; task: number }[];
  readonly type: 'source' | 'sink' | 'unknown';
}

export interface ConnectorStateInfo {
  readonly name: string;
  readonly connector: { state: string; worker_id: string; trace?: string };
  readonly tasks: TaskStateInfo[];
  readonly type: 'source' | 'sink' | 'unknown';
}

/**
 * Kafka Connect's task status, and (beyond it) `retrying` while a RUNNING task retries something it
 * lost: the last error and since when.
 */
export interface TaskStateInfo {
  readonly id: number;
  readonly state: string;
  readonly worker_id: string;
  readonly trace?: string;
  readonly retrying?: { readonly since: string; readonly error: string };
}

/**
 * Sluice's per-task metrics (GET /connectors/{name}/metrics), counted since the task started:
 * `lag` is the records a sink task has yet to deliver (null for sources), `last_record_time`
 * when the last record came in (null before any).
 */
export interface TaskMetricsInfo {
  readonly id: number;
  readonly records_in: number;
  readonly records_out: number;
  readonly last_record_time: string | null;
  readonly lag: number | null;
  /** A source task's own lag in bytes (a CDC task's replication slot), null when it has none. */
  readonly lag_bytes: number | null;
  readonly errors: number;
  readonly dead_lettered: number;
}

export interface ConnectorMetricsInfo {
  readonly name: string;
  readonly tasks: TaskMetricsInfo[];
}

export interface ConfigInfos {
  readonly name: string;
  readonly error_count: number;
  readonly groups: string[];
  readonly configs: { definition: Record<string, unknown> | null; value: Record<string, unknown> }[];
}

/**
 * The config topic is created first at a worker's first start, the status topic after it: a log that
 * holds the status topic but not the config topic lost it (deleted behind the worker's back), and
 * starting would quietly forget every connector. Refused unless sluice.allow.missing.config.topic=true.
 */
async function checkConfigTopicPresent(log: Log, worker: WorkerConfig): Promise<void> {
  if ((await log.hasTopic(worker.configTopic)) || !(await log.hasTopic(worker.statusTopic))) return;
  if (worker.allowMissingConfigTopic) return;
  throw new Error(
    `The Connect config topic ${worker.configTopic} is missing, though its status topic ${worker.statusTopic} ` +
      'is here: starting would forget every connector. Restore the data from a backup; to start with no ' +
      'connectors anyway, set the worker property sluice.allow.missing.config.topic=true ' +
      '(KSQL_CONNECT_SLUICE_ALLOW_MISSING_CONFIG_TOPIC=true) for one start.',
  );
}

/**
 * Decides what runs (Kafka Connect's herder): owns connector configs, target states and task
 * configs in the config topic, starts and stops connectors and their task runners, and reports
 * statuses through the status topic. One worker, so every connector and task runs here.
 */
export class Herder {
  readonly worker: WorkerConfig;
  readonly plugins: PluginRegistry;
  private readonly log: Log;
  private readonly configs: ConfigStore;
  readonly offsets: OffsetStore;
  private readonly statuses: StatusStore;
  /** The worker's config providers, which resolve `${provider:path:key}` references at start. */
  private readonly providers: ConfigProviders;
  private readonly running = new Map<string, RunningConnector>();
  /** Each connector class's declarations, for telling its secrets (the plugins are fixed at start). */
  private readonly secretDefs = new Map<string, ConfigDef | undefined>();
  /** Changes run one at a time, so the config topic sees them in order. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(log: Log, worker: WorkerConfig, plugins: PluginRegistry) {
    this.log = log;
    this.worker = worker;
    this.plugins = plugins;
    this.providers = ConfigProviders.fromWorkerProperties(worker.properties);
    this.configs = new ConfigStore(
      log,
      worker,
      ConfigSealer.fromWorkerProperties(worker.properties, worker.configTopic),
      (className, key) => this.secretTest(className)(key),
    );
    this.offsets = new OffsetStore(log, worker);
    this.statuses = new StatusStore(log, worker);
  }

  /**
   * Loads the three internal topics and, unless `deferConnectors`, starts every connector as its
   * target state says. A server defers them until it answers requests (`startConnectors`), so
   * connectors that keep it busy cannot hold up its start.
   */
  static async start(
    log: Log,
    worker: WorkerConfig,
    plugins: PluginRegistry,
    options: { deferConnectors?: boolean } = {},
  ): Promise<Herder> {
    await checkConfigTopicPresent(log, worker);
    const herder = new Herder(log, worker, plugins);
    await herder.configs.load();
    for (const name of await herder.configs.sealPlainSecrets())
      connectLogger(name).info(
        `The connector's secrets in ${worker.configTopic} are now encrypted with the current key`,
      );
    await herder.offsets.load();
    await herder.statuses.load();
    if (options.deferConnectors !== true) await herder.startConnectors();
    return herder;
  }

  /** Starts the stored connectors that do not run yet (once, after a deferred start). */
  startConnectors(): Promise<void> {
    return this.serial(async () => {
      for (const [name, state] of this.configs.connectors()) {
        if (!this.running.has(name)) await this.startConnector(name, state.config, state.targetState);
      }
    });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => {});
    return run;
  }

  /** Whether secret settings are encrypted in the config topic (the worker has a key). */
  get encryptsSecrets(): boolean {
    return this.configs.encryptsSecrets;
  }

  connectorNames(): string[] {
    return [...this.configs.connectors().keys()].sort();
  }

  private stateOf(name: string) {
    const state = this.configs.connectors().get(name);
    if (state === undefined) throw notFound(name);
    return state;
  }

  /** The keys a connector class declares (its own, then the common ones), to tell which values are secret. */
  private declarations(className: string | undefined): KeyDeclarations {
    const name = className ?? '';
    if (!this.secretDefs.has(name)) {
      let own: ConfigDef | undefined;
      try {
        own = this.plugins.findConnector(name)?.create().config();
      } catch {
        own = undefined;
      }
      this.secretDefs.set(name, own);
    }
    const own = this.secretDefs.get(name);
    const common = commonConnectorConfig(this.plugins.findConnector(name)?.type ?? 'source');
    return { key: (key) => own?.key(key) ?? common.key(key) };
  }

  /** Whether a key of the class's configs holds a secret (see config/secrets.ts). */
  private secretTest(className: string | undefined): (key: string) => boolean {
    const declarations = this.declarations(className);
    return (k) => isSecret(declarations, k);
  }

  /**
   * Config with secrets hidden, for anything a user sees (see config/secrets.ts). `className` names
   * the connector class when the config itself may not (a task's config).
   */
  maskedConfig(config: Readonly<Record<string, string>>, className?: string): Record<string, string> {
    const declarations = this.declarations(className ?? config['connector.class']);
    const out: Record<string, string> = {};
    // A reference to a secret (${file:…:key}) is no secret: it is shown as it was given.
    for (const [k, v] of Object.entries(config))
      out[k] =
        v === null ? v : isOnlyPlaceholders(v) ? maskUrlCredentials(v) : maskedValue(declarations, k, v);
    return out;
  }

  /** Kafka Connect's 400 for a config without connector.class (secrets hidden). */
  noConnectorType(config: Readonly<Record<string, string | null>>): ConnectError {
    const shown = this.maskedConfig(config as Record<string, string>);
    const text = `{${Object.entries(shown)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}}`;
    return new ConnectError(400, `Connector config ${text} contains no connector type`);
  }

  connectorConfig(name: string): Record<string, string> {
    return { ...this.stateOf(name).config };
  }

  connectorInfo(name: string, masked = false): ConnectorInfo {
    const state = this.stateOf(name);
    const type = this.plugins.findConnector(state.config['connector.class'] ?? '')?.type ?? 'unknown';
    return {
      name,
      config: masked ? this.maskedConfig(state.config) : { ...state.config },
      tasks: state.taskConfigs.map((_, task) => ({ connector: name, task })),
      type,
    };
  }

  connectorStatus(name: string): ConnectorStateInfo {
    const state = this.stateOf(name);
    const running = this.running.get(name);
    const stored = this.statuses.connector(name);
    const connector = running
      ? { state: running.state, trace: running.trace }
      : { state: stored?.state ?? 'UNASSIGNED', trace: stored?.trace ?? null };
    const tasks =
      state.targetState === 'STOPPED' ? [] : state.taskConfigs.map((_, id) => this.taskStatus(name, id));
    return {
      name,
      connector: {
        state: connector.state,
        worker_id: this.worker.workerId,
        ...(connector.trace ? { trace: connector.trace } : {}),
      },
      tasks,
      type: this.plugins.findConnector(state.config['connector.class'] ?? '')?.type ?? 'unknown',
    };
  }

  taskStatus(name: string, id: number): TaskStateInfo {
    const state = this.configs.connectors().get(name);
    if (state === undefined || !Number.isInteger(id) || id < 0 || id >= state.taskConfigs.length)
      throw new ConnectError(404, `No status found for task ${name}-${id}`);
    const runner = this.running.get(name)?.tasks[id];
    const stored: Status | undefined = this.statuses.task(name, id);
    const st = runner?.state === 'STOPPED' ? 'UNASSIGNED' : (runner?.state ?? stored?.state ?? 'UNASSIGNED');
    const trace = runner?.trace ?? stored?.trace ?? null;
    const retrying = st === 'RUNNING' ? runner?.retrying : undefined;
    return {
      id,
      state: st,
      worker_id: this.worker.workerId,
      ...(trace ? { trace } : {}),
      ...(retrying === undefined ? {} : { retrying }),
    };
  }

  /** Each running task's counters; a STOPPED connector has no tasks. */
  async connectorMetrics(name: string): Promise<ConnectorMetricsInfo> {
    this.stateOf(name);
    const tasks = await Promise.all(
      (this.running.get(name)?.tasks ?? []).map(async (t, id): Promise<TaskMetricsInfo> => {
        const c = t.counters;
        return {
          id,
          records_in: c.recordsIn,
          records_out: c.recordsOut,
          last_record_time: c.lastRecordAt === 0 ? null : new Date(c.lastRecordAt).toISOString(),
          lag: t instanceof SinkTaskRunner ? await t.lag() : null,
          lag_bytes: t instanceof SourceTaskRunner ? await t.lagBytes() : null,
          errors: c.errors,
          dead_lettered: c.deadLettered,
        };
      }),
    );
    return { name, tasks };
  }

  taskConfigs(
    name: string,
    masked = false,
  ): { id: { connector: string; task: number }; config: Record<string, string> }[] {
    const state = this.stateOf(name);
    return state.taskConfigs.map((config, task) => ({
      id: { connector: name, task },
      config: masked ? this.maskedConfig(config, state.config['connector.class']) : { ...config },
    }));
  }

  connectorTopics(name: string): string[] {
    this.stateOf(name);
    return [...(this.running.get(name)?.topics ?? [])].sort();
  }

  connectorPlugins(): PluginInfo[] {
    return this.plugins.connectorPlugins();
  }

  /**
   * GET /connector-plugins/{plugin}/config: a connector's own keys then the framework's it does not
   * override; a converter's, transformation's or predicate's keys.
   */
  pluginConfig(className: string): Record<string, unknown>[] {
    const connector = this.plugins.findConnector(className);
    let keys: ConfigKey[] | undefined;
    if (connector !== undefined) {
      const own = connector.create().config().configKeys();
      const names = new Set(own.map((k) => k.name));
      keys = [
        ...own,
        ...commonConnectorConfig(connector.type)
          .configKeys()
          .filter((k) => !names.has(k.name)),
      ];
    } else {
      keys = this.plugins.pluginConfigDef(className)?.configKeys();
    }
    if (keys === undefined) throw new ConnectError(404, `Unknown plugin ${className}.`);
    return keys.map(keyInfo);
  }

  /**
   * Kafka Connect's validate: the common keys, the transformation chain, then the connector's own.
   * Null values (possible over REST) are errors of their own, as in Kafka Connect.
   */
  validate(className: string, given: Readonly<Record<string, string>>): ConfigInfos {
    const nullKeys = Object.keys(given).filter((k) => (given[k] as string | null) === null);
    const raw: Readonly<Record<string, string>> = Object.fromEntries(
      Object.entries(given).filter(([, v]) => (v as string | null) !== null),
    );
    // As Kafka Connect does, the config is checked with its references resolved; one that cannot be
    // is an error of its key.
    const { resolved: config, problems } = this.providers.resolve(raw);
    const plugin = this.plugins.findConnector(className);
    if (plugin === undefined) {
      throw new ConnectError(
        400,
        `Failed to find any class that implements Connector and which name matches ${className}, available connectors are: ${this.plugins
          .connectorPlugins()
          .map((p) => p.class)
          .join(', ')}`,
      );
    }
    const connector = plugin.create();
    const common = commonConnectorConfig(plugin.type);
    const own = connector.config();
    const values: ConfigValue[] = [
      ...common.validate(config),
      ...(connector.validate ? connector.validate(config) : own.validate(config)).filter(
        (v) => common.key(v.name) === undefined,
      ),
    ];
    const extra: ConfigValue[] = [];
    if (plugin.type === 'sink') {
      const hasTopics = (config.topics ?? '').trim() !== '';
      const hasRegex = (config['topics.regex'] ?? '').trim() !== '';
      if (hasTopics === hasRegex) {
        extra.push({
          name: 'topics',
          value: config.topics ?? null,
          recommendedValues: [],
          visible: true,
          errors: ['Must configure one of topics or topics.regex'],
        });
      }
    }
    // A converter that cannot be made (an unknown class, a bad setting) would fail every task.
    for (const side of ['key', 'value'] as const) {
      const key = `${side}.converter`;
      if (config[key] === undefined) continue;
      try {
        this.converter(config, side);
      } catch (err) {
        extra.push({
          name: key,
          value: config[key],
          recommendedValues: [],
          visible: true,
          errors: [`Invalid value ${config[key]} for configuration ${key}: ${(err as Error).message}`],
        });
      }
    }
    extra.push(...fileRootViolations(plugin.className, config, this.worker.fileConnectorsRoot));
    for (const p of this.plugins.transforms.validate(config)) {
      extra.push({
        name: p.key,
        value: config[p.key] ?? null,
        recommendedValues: [],
        visible: true,
        errors: [p.message],
      });
    }
    const defs = new ConfigDef();
    for (const k of [...common.configKeys(), ...own.configKeys()])
      if (defs.key(k.name) === undefined) defs.define(k);
    const NULL_VALUE = 'Null value can not be supplied as the configuration value.';
    const all = [...values, ...extra].map((v) =>
      nullKeys.includes(v.name) ? { ...v, value: null, errors: [NULL_VALUE] } : v,
    );
    for (const k of nullKeys) {
      if (!all.some((v) => v.name === k))
        all.push({ name: k, value: null, recommendedValues: [], visible: true, errors: [NULL_VALUE] });
    }
    for (const p of problems) {
      const at = all.findIndex((v) => v.name === p.key);
      if (at >= 0) all[at] = { ...all[at], errors: [describeProblem(p), ...all[at].errors] };
      else
        all.push({
          name: p.key,
          value: raw[p.key] ?? null,
          recommendedValues: [],
          visible: true,
          errors: [describeProblem(p)],
        });
    }
    const secret = (n: string) => isSecret(defs, n);
    return {
      name: className,
      error_count: all.reduce((n, v) => n + v.errors.length, 0),
      groups: [...new Set(defs.configKeys().map((k) => k.group ?? 'Common'))],
      configs: all.map((v) => {
        const k = defs.key(v.name);
        return {
          definition: k === undefined ? null : keyInfo(k),
          value: {
            name: v.name,
            value:
              v.value === null
                ? null
                : hasPlaceholder(raw[v.name])
                  ? raw[v.name]
                  : secret(v.name)
                    ? HIDDEN
                    : Array.isArray(v.value)
                      ? v.value.join(',')
                      : String(v.value),
            recommended_values: v.recommendedValues,
            errors: hasPlaceholder(raw[v.name])
              ? v.errors.map((e) => withoutResolvedValue(e, config[v.name], raw[v.name]))
              : v.errors,
            visible: v.visible,
          },
        };
      }),
    };
  }

  /** Rejects a config with every problem listed, before anything is stored or started. */
  private check(name: string, config: Readonly<Record<string, string>>): Record<string, string> {
    if (name.trim() === '') throw new ConnectError(400, 'Connector name is empty');
    const className = config['connector.class'];
    if (className === undefined || className === null || className.trim() === '') {
      throw this.noConnectorType(config);
    }
    if (config.name !== undefined && config.name !== name) {
      throw new ConnectError(
        400,
        `Connector name configuration (${config.name}) doesn't match connector name in the URL (${name})`,
      );
    }
    const full = { ...config, name };
    const infos = this.validate(className, full);
    if (infos.error_count > 0) {
      // One line per error, as Kafka Connect words them (the messages name their keys).
      const errors = infos.configs.flatMap((c) => c.value.errors as string[]);
      throw new ConnectError(
        400,
        `Connector configuration is invalid and contains the following ${errors.length} error(s):\n${errors.join('\n')}\nYou can also find the above list of errors at the endpoint \`/connector-plugins/{connectorType}/config/validate\``,
      );
    }
    return full;
  }

  /**
   * Creates and starts a connector. With `requireStart` (SQL's CREATE … CONNECTOR, beyond Kafka
   * Connect's REST API), a connector whose start fails (its own checks: nothing to generate, a
   * database that refuses the login) is removed again and the creation refused with the reason.
   */
  async createConnector(
    name: string,
    config: Readonly<Record<string, string>>,
    initialState: TargetState = 'STARTED',
    options: { requireStart?: boolean; taskStartWaitMs?: number } = {},
  ): Promise<ConnectorInfo> {
    const info = await this.serial(async () => {
      if (this.configs.connectors().has(name))
        throw new ConnectError(409, `Connector ${name} already exists`);
      const full = this.check(name, config);
      await this.configs.putTargetState(name, initialState);
      await this.configs.putConnectorConfig(name, full);
      const failure = await this.startConnector(name, full, initialState);
      if (failure !== undefined && options.requireStart === true) {
        await this.remove(name);
        throw new ConnectError(
          400,
          `Connector ${name} could not start: ${(failure as Error)?.message ?? failure}`,
        );
      }
      return this.connectorInfo(name);
    });
    if (options.requireStart === true)
      await this.refuseFailedTaskStart(name, options.taskStartWaitMs ?? TASK_START_WAIT_MS);
    return info;
  }

  /**
   * With `requireStart`, the tasks' own starts count too (a file sink pointed at a directory fails
   * in its task, not its connector): a task that fails to start within the wait removes the
   * connector again and refuses the creation with its error. The wait is outside the serial queue,
   * so other connector operations do not wait behind it; a slower start is reported by status.
   */
  private async refuseFailedTaskStart(name: string, waitMs: number): Promise<void> {
    const entry = this.running.get(name);
    if (entry === undefined || waitMs <= 0 || entry.tasks.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const outcomes = await Promise.race([
      Promise.all(entry.tasks.map((task) => task.started)),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), waitMs);
      }),
    ]);
    clearTimeout(timer);
    const id = outcomes?.findIndex((failure) => failure !== undefined) ?? -1;
    if (outcomes === undefined || id < 0) return;
    const removed = await this.serial(async () => {
      // Dropped or replaced meanwhile: that change stands.
      if (this.running.get(name) !== entry || !this.configs.connectors().has(name)) return false;
      await this.remove(name);
      return true;
    });
    if (!removed) return;
    const failure = outcomes[id];
    throw new ConnectError(
      400,
      `Connector ${name} could not start: task ${id} failed: ${(failure as Error)?.message ?? failure}`,
    );
  }

  /** PUT /connectors/{name}/config: creates or replaces; resolves whether it was created. */
  putConnectorConfig(
    name: string,
    config: Readonly<Record<string, string>>,
  ): Promise<{ created: boolean; info: ConnectorInfo }> {
    this.interruptStart(name);
    return this.serial(async () => {
      const existing = this.configs.connectors().get(name);
      const full = this.check(
        name,
        existing === undefined ? config : this.keepHiddenSecrets(existing.config, config),
      );
      const target = existing?.targetState ?? 'STARTED';
      if (existing !== undefined) await this.stopRunning(name);
      else await this.configs.putTargetState(name, target);
      await this.configs.putConnectorConfig(name, full);
      await this.startConnector(name, full, target);
      return { created: existing === undefined, info: this.connectorInfo(name) };
    });
  }

  /**
   * A config sent back as it was shown (secrets as "[hidden]") keeps the stored secrets: answers
   * never carry them, so a client that reads, edits and writes a config must not erase them.
   */
  private keepHiddenSecrets(
    stored: Readonly<Record<string, string>>,
    config: Readonly<Record<string, string>>,
  ): Record<string, string> {
    const declarations = this.declarations(config['connector.class'] ?? stored['connector.class']);
    const secret = (k: string) => isSecret(declarations, k);
    const out: Record<string, string> = { ...config };
    for (const [k, v] of Object.entries(config)) {
      const kept = stored[k];
      if (kept === undefined || v === null) continue;
      if (v === HIDDEN && secret(k)) out[k] = kept;
      // A URL shown with its password hidden, sent back unchanged.
      else if (v !== kept && v.includes(HIDDEN) && maskUrlCredentials(kept) === v) out[k] = kept;
    }
    return out;
  }

  deleteConnector(name: string): Promise<void> {
    const interrupted = this.interruptStart(name);
    // A creation that needed the start to succeed has removed it already: that is the DROP done.
    return this.serial(async () => {
      if (interrupted && !this.configs.connectors().has(name)) return;
      await this.remove(name);
    });
  }

  /**
   * A connector still in its `start` (waiting for a database, say) is stopped at once when it is
   * about to be removed, replaced or stopped: the change need not wait for the start to give up.
   */
  private interruptStart(name: string): boolean {
    const entry = this.running.get(name);
    if (entry?.starting !== true) return false;
    try {
      void Promise.resolve(entry.connector?.stop()).catch(() => {});
    } catch {
      // Its start will fail or end on its own.
    }
    return true;
  }

  private async remove(name: string): Promise<void> {
    const state = this.stateOf(name);
    await this.stopRunning(name);
    this.running.delete(name);
    await this.configs.removeConnector(name);
    await this.statuses.remove(name, state.taskConfigs.length);
  }

  pauseConnector(name: string): Promise<void> {
    return this.setTargetState(name, 'PAUSED');
  }

  resumeConnector(name: string): Promise<void> {
    return this.setTargetState(name, 'STARTED');
  }

  stopConnector(name: string): Promise<void> {
    this.interruptStart(name);
    return this.setTargetState(name, 'STOPPED');
  }

  private setTargetState(name: string, target: TargetState): Promise<void> {
    return this.serial(async () => {
      const state = this.configs.connectors().get(name);
      // Kafka Connect's pause, resume and stop word it so.
      if (state === undefined) throw new ConnectError(404, `Unknown connector ${name}`);
      if (state.targetState === target) return;
      await this.configs.putTargetState(name, target);
      const running = this.running.get(name);
      // Between STARTED and PAUSED the tasks stay and only pause or resume. A FAILED connector
      // stays FAILED (Kafka Connect moves it only to STOPPED); its tasks still follow.
      if (target === 'PAUSED' && running !== undefined && state.targetState === 'STARTED') {
        for (const t of running.tasks) await t.pause();
        if (running.state !== 'FAILED') {
          running.state = 'PAUSED';
          await this.statuses.putConnector(name, 'PAUSED');
        }
        return;
      }
      if (target === 'STARTED' && running !== undefined && state.targetState === 'PAUSED') {
        for (const t of running.tasks) await t.resume();
        if (running.state !== 'FAILED') {
          running.state = 'RUNNING';
          await this.statuses.putConnector(name, 'RUNNING');
        }
        return;
      }
      // STOPPED, or back from STOPPED: stop everything and start again as the target says.
      await this.stopRunning(name);
      await this.startConnector(name, state.config, target);
    });
  }

  /** Kafka Connect's restart: the connector iff !onlyFailed or FAILED; tasks likewise when includeTasks. */
  restartConnector(
    name: string,
    options: { includeTasks?: boolean; onlyFailed?: boolean } = {},
  ): Promise<ConnectorStateInfo> {
    return this.serial(async () => {
      const state = this.stateOf(name);
      // The plan, as Kafka Connect answers it: what restarts is shown RESTARTING.
      const before = this.connectorStatus(name);
      const restartConnector = !options.onlyFailed || before.connector.state === 'FAILED';
      const taskIds = before.tasks
        .filter((t) => options.includeTasks === true && (!options.onlyFailed || t.state === 'FAILED'))
        .map((t) => t.id);
      const plan: ConnectorStateInfo = {
        ...before,
        connector: restartConnector ? { ...before.connector, state: 'RESTARTING' } : before.connector,
        tasks: before.tasks.map((t) => (taskIds.includes(t.id) ? { ...t, state: 'RESTARTING' } : t)),
      };
      if (restartConnector) {
        // A connector restarts as a new instance, which rewrites its task configs: its tasks
        // restart with it.
        await this.statuses.putConnector(name, 'RESTARTING');
        for (const id of taskIds) await this.statuses.putTask(name, id, 'RESTARTING');
        await this.stopRunning(name);
        await this.startConnector(name, state.config, state.targetState);
      } else if (taskIds.length > 0) {
        await this.restartTasks(name, taskIds);
      }
      return plan;
    });
  }

  /** POST /connectors/{name}/tasks/{id}/restart: that task only. */
  restartTask(name: string, id: number): Promise<void> {
    return this.serial(async () => {
      const state = this.stateOf(name);
      if (!Number.isInteger(id) || id < 0 || id >= state.taskConfigs.length)
        throw new ConnectError(404, `Unknown task: ${name}-${id}`);
      await this.restartTasks(name, [id]);
    });
  }

  /** Replaces these task runners with new ones on the same task configs. */
  private async restartTasks(name: string, ids: readonly number[]): Promise<void> {
    const state = this.stateOf(name);
    const entry = this.running.get(name);
    if (entry?.connector === undefined || entry.tasks.length !== state.taskConfigs.length) {
      await this.stopRunning(name);
      await this.startConnector(name, state.config, state.targetState);
      return;
    }
    const assignments =
      entry.type === 'sink' ? await this.sinkAssignments(state.config, state.taskConfigs.length) : [];
    for (const id of ids) {
      await this.statuses.putTask(name, id, 'RESTARTING');
      await this.stopTask(entry.tasks[id], name, id);
      const runner = this.createRunner(
        entry,
        entry.connector,
        state.config,
        id,
        state.taskConfigs[id],
        assignments[id] ?? [],
      );
      entry.tasks[id] = runner;
      if (state.targetState === 'PAUSED') await runner.pause();
      runner.start();
    }
  }

  /** GET /connectors/{name}/offsets. */
  connectorOffsets(
    name: string,
  ): Promise<{ offsets: { partition: Record<string, unknown>; offset: Record<string, unknown> | null }[] }> {
    return this.serial(async () => {
      const state = this.stateOf(name);
      const type = this.plugins.findConnector(state.config['connector.class'] ?? '')?.type;
      if (type === 'sink') {
        // A negative committed offset is a reset partition (the log cannot delete a group's offset).
        const offsets = (await this.log.committedOffsets(`connect-${name}`)).filter((o) => o.offset >= 0);
        return {
          offsets: offsets.map((o) => ({
            partition: { kafka_topic: o.topic, kafka_partition: o.partition },
            offset: { kafka_offset: o.offset },
          })),
        };
      }
      return {
        offsets: this.offsets
          .all(name)
          .map((o) => ({ partition: { ...o.partition }, offset: { ...o.offset } })),
      };
    });
  }

  /** PATCH (alter) and DELETE (reset) of offsets: only while the connector is STOPPED, as in Kafka Connect. */
  alterOffsets(
    name: string,
    offsets: readonly { partition: Record<string, unknown>; offset: Record<string, unknown> | null }[] | null,
  ): Promise<string> {
    return this.serial(async () => {
      const state = this.stateOf(name);
      if (state.targetState !== 'STOPPED') {
        throw new ConnectError(
          400,
          `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`,
        );
      }
      const type = this.plugins.findConnector(state.config['connector.class'] ?? '')?.type;
      const reset = offsets === null;
      if (type === 'sink') {
        const group = `connect-${name}`;
        // Reset (or a null offset) removes the committed offset: the sink then starts from the
        // beginning, as a consumer group with no offset and auto.offset.reset=earliest does.
        const RESET = -1;
        const current = reset
          ? (await this.log.committedOffsets(group)).map((o) => ({
              topic: o.topic,
              partition: o.partition,
              offset: RESET,
            }))
          : offsets.map((o) => {
              const p = (o.partition ?? {}) as { kafka_topic?: unknown; kafka_partition?: unknown };
              const off = (o.offset as { kafka_offset?: unknown } | null)?.kafka_offset;
              const partition = Number(p.kafka_partition);
              if (
                typeof p.kafka_topic !== 'string' ||
                (typeof p.kafka_partition !== 'number' && typeof p.kafka_partition !== 'string') ||
                !Number.isInteger(partition) ||
                partition < 0
              ) {
                throw new ConnectError(
                  400,
                  'Sink connector offsets need partitions of the form {"kafka_topic": "t", "kafka_partition": 0}.',
                );
              }
              if (o.offset === null || off === undefined || off === null) {
                return { topic: p.kafka_topic, partition, offset: RESET };
              }
              const offset = Number(off);
              if (
                (typeof off !== 'number' && typeof off !== 'string') ||
                !Number.isInteger(offset) ||
                offset < 0
              ) {
                throw new ConnectError(
                  400,
                  `Offset ${JSON.stringify(off)} is not a valid sink offset: use a whole number of at least 0.`,
                );
              }
              return { topic: p.kafka_topic, partition, offset };
            });
        if (current.length > 0) await this.log.commitOffsets(group, current);
      } else {
        const entries = reset
          ? this.offsets.all(name).map((o) => ({ partition: o.partition, offset: null }))
          : offsets.map((o) => {
              checkSourceOffsetMap(o.partition, 'partition');
              if (o.offset !== null) checkSourceOffsetMap(o.offset, 'offset');
              return { partition: o.partition as never, offset: o.offset as never };
            });
        await this.offsets.putAll(name, entries);
      }
      return `The offsets for this connector have been ${reset ? 'reset' : 'altered'} successfully`;
    });
  }

  private converter(config: Readonly<Record<string, string>>, side: 'key' | 'value'): Converter {
    const prefix = `${side}.converter`;
    // As Kafka Connect does: converter settings come from the config that names the class.
    const source = config[prefix] !== undefined ? config : this.worker.properties;
    const className =
      source[prefix] ?? (side === 'key' ? this.worker.keyConverter : this.worker.valueConverter);
    const converter = this.plugins.converters.create(className);
    const settings: Record<string, string> = {};
    for (const [k, v] of Object.entries(source))
      if (k.startsWith(`${prefix}.`)) settings[k.slice(prefix.length + 1)] = v;
    converter.configure(settings, side === 'key');
    return converter;
  }

  /**
   * Starts a connector and, unless STOPPED, its tasks; failures become FAILED statuses with the
   * trace, and are returned (undefined when it started).
   */
  private async startConnector(
    name: string,
    config: Readonly<Record<string, string>>,
    target: TargetState,
  ): Promise<unknown> {
    const plugin = this.plugins.findConnector(config['connector.class'] ?? '');
    const logger = connectLogger(name);
    const entry: RunningConnector = {
      name,
      type: plugin?.type ?? 'source',
      className: plugin?.className ?? config['connector.class'] ?? '',
      connector: undefined,
      tasks: [],
      state: 'UNASSIGNED',
      trace: null,
      topics: new Set(),
    };
    this.running.set(name, entry);
    const fail = async (err: unknown) => {
      entry.state = 'FAILED';
      entry.trace = withRecentLines((err as Error)?.stack ?? String(err), name);
      logger.error('Connector failed', err);
      await this.statuses.putConnector(name, 'FAILED', entry.trace);
    };
    if (plugin === undefined) {
      const err = new Error(
        `Failed to find any class that implements Connector and which name matches ${config['connector.class']}`,
      );
      await fail(err);
      return err;
    }
    // References are resolved at each start, so a secret changed in its file is picked up on restart.
    let resolved: Record<string, string>;
    try {
      resolved = this.providers.resolveOrThrow(config);
    } catch (err) {
      await fail(err);
      return err;
    }
    if (target === 'STOPPED') {
      entry.state = 'STOPPED';
      await this.configs.putTaskConfigs(name, []);
      await this.statuses.putConnector(name, 'STOPPED');
      return undefined;
    }
    const connector = plugin.create();
    entry.connector = connector;
    const context: ConnectorContext = {
      logger,
      requestTaskReconfiguration: () => {
        void this.serial(async () => {
          const current = this.configs.connectors().get(name);
          if (current === undefined || this.running.get(name) !== entry) return;
          await this.stopRunning(name);
          await this.startConnector(name, current.config, current.targetState);
        });
      },
      raiseError: (error) => {
        void fail(error);
      },
    };
    try {
      if (connector.kind === 'source') {
        (connector as SourceConnector).initialize({
          ...context,
          offsetStorageReader: {
            offset: async (p) => this.offsets.get(name, p),
            offsets: async (ps) => new Map(ps.map((p) => [p, this.offsets.get(name, p)])),
          },
        });
      } else {
        (connector as SinkConnector).initialize(context);
      }
      entry.starting = true;
      try {
        await connector.start(resolved);
      } finally {
        entry.starting = false;
      }
      const maxTasks = Number(resolved['tasks.max'] ?? 1);
      const taskConfigs = (await connector.taskConfigs(maxTasks)).map((c) => ({
        ...c,
        'task.class': `${plugin.className}Task`,
        ...(plugin.type === 'sink' && resolved.topics !== undefined ? { topics: resolved.topics } : {}),
        ...(plugin.type === 'sink' && resolved['topics.regex'] !== undefined
          ? { 'topics.regex': resolved['topics.regex'] }
          : {}),
      }));
      if (taskConfigs.length > maxTasks) {
        throw new Error(
          `The connector ${name} has generated ${taskConfigs.length} tasks, which is greater than ${maxTasks}, the maximum number of tasks it is configured to create.`,
        );
      }
      await this.configs.putTaskConfigs(
        name,
        taskConfigs.map((c) => withPlaceholdersRestored(config, resolved, c)),
      );
      entry.state = target === 'PAUSED' ? 'PAUSED' : 'RUNNING';
      await this.statuses.putConnector(name, entry.state);
      logger.info(`Connector started with ${taskConfigs.length} task(s)`);
      const assignments =
        plugin.type === 'sink' ? await this.sinkAssignments(resolved, taskConfigs.length) : [];
      for (const [id, taskConfig] of taskConfigs.entries()) {
        const runner = this.createRunner(entry, connector, resolved, id, taskConfig, assignments[id] ?? []);
        entry.tasks.push(runner);
        if (target === 'PAUSED') await runner.pause();
        runner.start();
      }
      return undefined;
    } catch (err) {
      await fail(err);
      return err;
    }
  }

  /** A sink's partitions, spread over its tasks in turn. */
  private async sinkAssignments(
    config: Readonly<Record<string, string>>,
    tasks: number,
  ): Promise<TopicPartition[][]> {
    const topics = (config.topics ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '');
    const regex = (config['topics.regex'] ?? '').trim();
    const names =
      regex !== ''
        ? (await this.log.listTopics()).filter((t) => new RegExp(`^(?:${regex})$`).test(t))
        : topics;
    const partitions: TopicPartition[] = [];
    for (const topic of names) {
      if (!(await this.log.hasTopic(topic))) await createTopicIfMissing(this.log, topic, 1);
      for (const p of (await this.log.describeTopic(topic)).partitions)
        partitions.push({ topic, partition: p.partition });
    }
    const out: TopicPartition[][] = Array.from({ length: tasks }, () => []);
    for (const [i, tp] of partitions.entries()) out[i % Math.max(1, tasks)].push(tp);
    return out;
  }

  private createRunner(
    entry: RunningConnector,
    connector: Connector,
    config: Readonly<Record<string, string>>,
    id: number,
    taskConfig: Readonly<Record<string, string>>,
    assignment: readonly TopicPartition[],
  ): AnyTaskRunner {
    const common = {
      log: this.log,
      connector: entry.name,
      taskId: id,
      taskConfig,
      keyConverter: this.converter(config, 'key'),
      valueConverter: this.converter(config, 'value'),
      transform: this.plugins.transforms.build(config),
      errors: readErrorPolicy(config),
      statuses: this.statuses,
      offsetFlushIntervalMs: this.worker.offsetFlushIntervalMs,
      logger: connectLogger(entry.name, id),
    };
    if (connector.kind === 'sink') {
      for (const tp of assignment) entry.topics.add(tp.topic);
      return new SinkTaskRunner(connector.createTask(), { ...common, assignment });
    }
    const log = this.log;
    const topics = entry.topics;
    // Track the topics a source writes, for GET /connectors/{name}/topics and DESCRIBE CONNECTOR.
    const trackingLog = new Proxy(log, {
      get(target, prop, receiver) {
        if (prop === 'append') {
          return (topic: string, records: Parameters<Log['append']>[1]) => {
            topics.add(topic);
            return target.append(topic, records);
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    return new SourceTaskRunner(connector.createTask(), {
      ...common,
      log: trackingLog,
      offsets: this.offsets,
      newTopicPartitions: Number(config['topic.creation.default.partitions'] ?? 1),
    });
  }

  /**
   * Stops a connector's tasks together (committing their offsets) and the connector itself. A task
   * still busy after task.shutdown.graceful.timeout.ms is left to end on its own, as Kafka Connect
   * does, so no task can hold up a DROP, PAUSE or config change.
   */
  private async stopRunning(name: string): Promise<void> {
    const entry = this.running.get(name);
    if (entry === undefined) return;
    await Promise.all(entry.tasks.map((t, id) => this.stopTask(t, name, id)));
    try {
      await entry.connector?.stop();
    } catch (err) {
      connectLogger(name).warn(`Error while stopping the connector: ${(err as Error).message}`);
    }
    entry.tasks = [];
  }

  private async stopTask(task: AnyTaskRunner, name: string, id: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const graceful = this.worker.taskShutdownGracefulTimeoutMs;
    const stopped = await Promise.race([
      task.stop().then(() => true),
      new Promise<false>((r) => (timer = setTimeout(() => r(false), graceful))),
    ]);
    clearTimeout(timer);
    if (!stopped)
      connectLogger(name, id).warn(
        `Task did not stop within task.shutdown.graceful.timeout.ms=${graceful}; left to end on its own`,
      );
  }

  /** Records written by each of a source connector's tasks (for tests and benchmarks). */
  written(name: string): number {
    return (this.running.get(name)?.tasks ?? []).reduce(
      (n, t) => n + (t instanceof SourceTaskRunner ? t.written : t.delivered),
      0,
    );
  }

  /** Stops everything; statuses become UNASSIGNED, as when a worker leaves. */
  async close(): Promise<void> {
    await this.serial(async () => {
      for (const name of [...this.running.keys()]) {
        const entry = this.running.get(name)!;
        await this.stopRunning(name);
        if (entry.state !== 'FAILED' && entry.state !== 'STOPPED') {
          await this.statuses.putConnector(name, 'UNASSIGNED');
          for (let i = 0; i < this.stateOf(name).taskConfigs.length; i++)
            await this.statuses.putTask(name, i, 'UNASSIGNED');
        }
      }
      this.running.clear();
    });
  }
}

/**
 * A source partition or offset must be a map of primitive values, as Kafka Connect's offset format
 * requires (OffsetUtils.validateFormat): anything else could not be read back by the task.
 */
function checkSourceOffsetMap(value: unknown, what: 'partition' | 'offset'): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConnectError(
      400,
      `A source ${what} must be a JSON object (such as ${what === 'partition' ? '{"filename": "in.txt"}' : '{"position": 0}'}), but got ${JSON.stringify(value)}`,
    );
  }
  for (const [key, v] of Object.entries(value)) {
    if (v !== null && typeof v === 'object')
      throw new ConnectError(
        400,
        `Offsets may only contain primitive types as values, but field ${key} of the ${what} contains ${JSON.stringify(v)}`,
      );
  }
}

/** A validation message with a resolved secret put back as the reference it came from. */
function withoutResolvedValue(message: string, resolved: string | undefined, raw: string): string {
  return resolved === undefined || resolved === '' ? message : message.replaceAll(resolved, raw);
}

/** Kafka Connect's ConfigKeyInfo. */
function keyInfo(k: ConfigKey): Record<string, unknown> {
  return {
    name: k.name,
    type: k.type,
    required: k.defaultValue === undefined,
    // A PASSWORD's default is shown as [hidden], as Kafka Connect's ConfigKeyInfo shows it.
    default_value: shownValue(k, k.defaultValue ?? null),
    importance: k.importance,
    documentation: k.documentation,
    group: k.group ?? null,
    order: k.orderInGroup ?? -1,
    width: k.width ?? 'NONE',
    display_name: k.displayName ?? k.name,
    dependents: k.dependents ?? [],
  };
}
