import type { Log } from '../../log/index.js';
import { ConfigStore, OffsetStore, type Status, StatusStore, type TargetState } from './backing-stores.js';
import { type ClusterHost, type GroupOptions, WorkerCluster } from './cluster.js';
import { ConfigSealer } from './config-encryption.js';
import { ConfigProviders } from './config-providers.js';
import { ConnectError, ForwardRequest, notFound } from './connect-error.js';
import { connectLogger } from './connect-logger.js';
import { ConnectorSecrets } from './connector-secrets.js';
import type { PluginInfo, PluginRegistry } from './plugin-registry.js';
import { type ConfigInfos, ConfigValidator } from './validator.js';
import { type ConnectorMetricsInfo, Worker } from './worker.js';
import type { WorkerConfig } from './worker-config.js';

export type { ConfigInfos } from './validator.js';
export type { ConnectorMetricsInfo, TaskMetricsInfo } from './worker.js';

/** How long SQL's CREATE … CONNECTOR waits for its tasks' starts before reporting it created. */
const TASK_START_WAIT_MS = 5000;

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
 * Decides what runs (Kafka Connect's herder): keeps connector configs, target states and task
 * configs in the config topic and statuses in the status topic, and serves them as the REST read
 * model; the worker runs what it decides, the validator checks configs. One worker, so every
 * connector and task runs here.
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
  private readonly secrets: ConnectorSecrets;
  private readonly validator: ConfigValidator;
  /** Runs the connectors and tasks this herder starts. */
  private readonly runtime: Worker;
  /** Distributed mode: the group this worker shares its connectors and tasks with. */
  private cluster: WorkerCluster | undefined;
  /** Changes run one at a time, so the config topic sees them in order. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(log: Log, worker: WorkerConfig, plugins: PluginRegistry) {
    this.log = log;
    this.worker = worker;
    this.plugins = plugins;
    this.providers = ConfigProviders.fromWorkerProperties(worker.properties);
    this.secrets = new ConnectorSecrets(plugins);
    this.configs = new ConfigStore(
      log,
      worker,
      ConfigSealer.fromWorkerProperties(worker.properties, worker.configTopic),
      (className, key) => this.secrets.secretTest(className)(key),
    );
    this.offsets = new OffsetStore(log, worker);
    this.statuses = new StatusStore(log, worker);
    this.runtime = new Worker({
      log,
      config: worker,
      plugins,
      providers: this.providers,
      offsets: this.offsets,
      statuses: this.statuses,
      hooks: {
        putTaskConfigs: (name, configs) => this.configs.putTaskConfigs(name, configs),
        requestTaskReconfiguration: (name, current) => {
          void this.serial(async () => {
            const state = this.configs.connectors().get(name);
            if (state === undefined || !current()) return;
            await this.runtime.stopRunning(name);
            // Distributed: the new task configs go to the config topic; the leader assigns them.
            await this.runtime.startConnector(name, state.config, state.targetState, {
              withTasks: this.cluster === undefined,
            });
          });
        },
      },
    });
    this.validator = new ConfigValidator({
      plugins,
      providers: this.providers,
      secrets: this.secrets,
      makeConverter: (config, side) => this.runtime.converter(config, side),
      fileConnectorsRoot: worker.fileConnectorsRoot,
    });
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
    options: {
      deferConnectors?: boolean;
      /** Distributed mode: share connectors and tasks with the group.id's other workers. */
      group?: GroupOptions;
      /** Distributed mode: the worker cannot go on (a Java Connect worker in its group, say). */
      onFatal?: (err: Error) => void;
    } = {},
  ): Promise<Herder> {
    await checkConfigTopicPresent(log, worker);
    const herder = new Herder(log, worker, plugins);
    if (options.group !== undefined) {
      const host: ClusterHost = {
        log,
        config: worker,
        configs: herder.configs,
        statuses: herder.statuses,
        runtime: herder.runtime,
        serial: (work) => herder.serial(work),
      };
      herder.cluster = new WorkerCluster(host, options.group, options.onFatal ?? (() => {}));
    }
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
    // Distributed: the group's leader decides what runs here.
    if (this.cluster !== undefined) {
      this.cluster.start();
      return Promise.resolve();
    }
    return this.serial(async () => {
      for (const [name, state] of this.configs.connectors()) {
        if (this.runtime.connector(name) === undefined)
          await this.runtime.startConnector(name, state.config, state.targetState);
      }
    });
  }

  /**
   * Distributed mode: a request only the leader serves (config writes, deletes, stop, restarts,
   * offsets) is forwarded to it from the other workers.
   */
  private leaderOnly(): void {
    if (this.cluster !== undefined && !this.cluster.isLeader)
      throw new ForwardRequest(this.cluster.leaderUrl);
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

  /**
   * Config with secrets hidden, for anything a user sees (see config/secrets.ts). `className` names
   * the connector class when the config itself may not (a task's config).
   */
  maskedConfig(config: Readonly<Record<string, string>>, className?: string): Record<string, string> {
    return this.secrets.maskedConfig(config, className);
  }

  /** Kafka Connect's 400 for a config without connector.class (secrets hidden). */
  noConnectorType(config: Readonly<Record<string, string | null>>): ConnectError {
    return this.secrets.noConnectorType(config);
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
    const state = this.configs.connectors().get(name);
    // Kafka Connect reads a status from its status store, so its 404 has its own words.
    if (state === undefined) throw new ConnectError(404, `No status found for connector ${name}`);
    const running = this.runtime.connector(name);
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
        // Distributed: work that runs elsewhere is reported by its own worker.
        worker_id: running === undefined ? this.elsewhere(stored) : this.worker.workerId,
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
    const runner = this.runtime.task(name, id);
    const stored: Status | undefined = this.statuses.task(name, id);
    const st = runner?.state === 'STOPPED' ? 'UNASSIGNED' : (runner?.state ?? stored?.state ?? 'UNASSIGNED');
    const trace = runner?.trace ?? stored?.trace ?? null;
    const retrying = st === 'RUNNING' ? runner?.retrying : undefined;
    return {
      id,
      state: st,
      worker_id: runner === undefined ? this.elsewhere(stored) : this.worker.workerId,
      ...(trace ? { trace } : {}),
      ...(retrying === undefined ? {} : { retrying }),
    };
  }

  /** The worker a stored status names, in distributed mode (standalone: this one). */
  private elsewhere(stored: Status | undefined): string {
    return this.cluster !== undefined && stored !== undefined ? stored.worker_id : this.worker.workerId;
  }

  /** Each running task's counters; a STOPPED connector has no tasks. */
  connectorMetrics(name: string): Promise<ConnectorMetricsInfo> {
    this.stateOf(name);
    return this.runtime.connectorMetrics(name);
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
    return this.runtime.connectorTopics(name);
  }

  connectorPlugins(): PluginInfo[] {
    return this.plugins.connectorPlugins();
  }

  /**
   * GET /connector-plugins/{plugin}/config: a connector's own keys then the framework's it does not
   * override; a converter's, transformation's or predicate's keys.
   */
  pluginConfig(className: string): Record<string, unknown>[] {
    return this.validator.pluginConfig(className);
  }

  /** Kafka Connect's validate (PUT /connector-plugins/{plugin}/config/validate). */
  validate(className: string, given: Readonly<Record<string, string>>): ConfigInfos {
    return this.validator.validate(className, given);
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
    this.leaderOnly();
    const info = await this.serial(async () => {
      if (this.configs.connectors().has(name))
        throw new ConnectError(409, `Connector ${name} already exists`);
      const full = this.validator.check(name, config);
      await this.configs.putTargetState(name, initialState);
      await this.configs.putConnectorConfig(name, full);
      if (this.cluster !== undefined) return this.connectorInfo(name);
      const failure = await this.runtime.startConnector(name, full, initialState);
      if (failure !== undefined && options.requireStart === true) {
        await this.remove(name);
        throw new ConnectError(
          400,
          `Connector ${name} could not start: ${(failure as Error)?.message ?? failure}`,
        );
      }
      return this.connectorInfo(name);
    });
    await this.cluster?.configWritten();
    if (options.requireStart === true && this.cluster === undefined)
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
    const entry = this.runtime.connector(name);
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
      if (this.runtime.connector(name) !== entry || !this.configs.connectors().has(name)) return false;
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
    this.leaderOnly();
    this.runtime.interruptStart(name);
    const done = this.serial(async () => {
      const existing = this.configs.connectors().get(name);
      const full = this.validator.check(
        name,
        existing === undefined ? config : this.secrets.keepHiddenSecrets(existing.config, config),
      );
      const target = existing?.targetState ?? 'STARTED';
      const here = this.cluster === undefined;
      if (existing !== undefined) {
        if (here) await this.runtime.stopRunning(name);
      } else await this.configs.putTargetState(name, target);
      await this.configs.putConnectorConfig(name, full);
      if (here) await this.runtime.startConnector(name, full, target);
      return { created: existing === undefined, info: this.connectorInfo(name) };
    });
    return done.then(async (result) => {
      await this.cluster?.configWritten();
      return result;
    });
  }

  async deleteConnector(name: string): Promise<void> {
    this.leaderOnly();
    const interrupted = this.runtime.interruptStart(name);
    // A creation that needed the start to succeed has removed it already: that is the DROP done.
    await this.serial(async () => {
      if (interrupted && !this.configs.connectors().has(name)) return;
      await this.remove(name);
    });
    await this.cluster?.configWritten();
  }

  private async remove(name: string): Promise<void> {
    const state = this.stateOf(name);
    await this.runtime.stopRunning(name);
    this.runtime.forget(name);
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
    this.leaderOnly();
    this.runtime.interruptStart(name);
    return this.setTargetState(name, 'STOPPED');
  }

  private async setTargetState(name: string, target: TargetState): Promise<void> {
    await this.serial(async () => {
      let state = this.configs.connectors().get(name);
      if (this.cluster !== undefined) {
        // This worker's view of the config topic may lag what another worker wrote (a stop made
        // through the leader, say): read it first, and write the target state even when it looks
        // unchanged, as Kafka Connect's DistributedHerder does, since a stale view must not turn a
        // resume into a no-op.
        await this.configs.catchUp();
        state = this.configs.connectors().get(name);
        if (state === undefined) throw new ConnectError(404, `Unknown connector ${name}`);
        // As Kafka Connect's leader: a stop empties the task configs, then the target state
        // follows; the workers that run the connector and its tasks act on it.
        if (target === 'STOPPED') await this.configs.putTaskConfigs(name, []);
        await this.configs.putTargetState(name, target);
        return;
      }
      // Kafka Connect's pause, resume and stop word it so.
      if (state === undefined) throw new ConnectError(404, `Unknown connector ${name}`);
      if (state.targetState === target) return;
      await this.configs.putTargetState(name, target);
      const running = this.runtime.connector(name) !== undefined;
      // Between STARTED and PAUSED the tasks stay and only pause or resume. A FAILED connector
      // stays FAILED (Kafka Connect moves it only to STOPPED); its tasks still follow.
      if (target === 'PAUSED' && running && state.targetState === 'STARTED')
        return this.runtime.pauseConnector(name);
      if (target === 'STARTED' && running && state.targetState === 'PAUSED')
        return this.runtime.resumeConnector(name);
      // STOPPED, or back from STOPPED: stop everything and start again as the target says.
      await this.runtime.stopRunning(name);
      await this.runtime.startConnector(name, state.config, target);
    });
    await this.cluster?.configWritten();
  }

  /** Kafka Connect's restart: the connector iff !onlyFailed or FAILED; tasks likewise when includeTasks. */
  restartConnector(
    name: string,
    options: { includeTasks?: boolean; onlyFailed?: boolean } = {},
  ): Promise<ConnectorStateInfo> {
    this.leaderOnly();
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
      if (this.cluster !== undefined) {
        // Distributed: a restart request in the config topic, which the workers that run the
        // connector and its tasks carry out.
        await this.configs.putRestartRequest(name, {
          includeTasks: options.includeTasks === true,
          onlyFailed: options.onlyFailed === true,
        });
      } else if (restartConnector) {
        // A connector restarts as a new instance, which rewrites its task configs: its tasks
        // restart with it.
        await this.statuses.putConnector(name, 'RESTARTING');
        for (const id of taskIds) await this.statuses.putTask(name, id, 'RESTARTING');
        await this.runtime.stopRunning(name);
        await this.runtime.startConnector(name, state.config, state.targetState);
      } else if (taskIds.length > 0) {
        await this.runtime.restartTasks(name, taskIds, state);
      }
      return plan;
    });
  }

  /** POST /connectors/{name}/tasks/{id}/restart: that task only. */
  restartTask(name: string, id: number): Promise<void> {
    this.leaderOnly();
    return this.serial(async () => {
      const state = this.stateOf(name);
      if (!Number.isInteger(id) || id < 0 || id >= state.taskConfigs.length)
        throw new ConnectError(404, `Unknown task: ${name}-${id}`);
      if (this.cluster !== undefined) {
        await this.configs.putRestartRequest(name, { includeTasks: true, onlyFailed: false, task: id });
        return;
      }
      await this.runtime.restartTasks(name, [id], state);
    });
  }

  /** GET /connectors/{name}/offsets. */
  connectorOffsets(
    name: string,
  ): Promise<{ offsets: { partition: Record<string, unknown>; offset: Record<string, unknown> | null }[] }> {
    return this.serial(async () => {
      const state = this.stateOf(name);
      // Distributed: other workers' tasks commit source offsets too.
      if (this.cluster !== undefined) await this.offsets.catchUp();
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
    this.leaderOnly();
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

  /** Records written by each of a source connector's tasks (for tests and benchmarks). */
  written(name: string): number {
    return this.runtime.written(name);
  }

  /** Stops everything; statuses become UNASSIGNED, as when a worker leaves. */
  async close(): Promise<void> {
    if (this.cluster !== undefined) return this.cluster.close();
    await this.serial(async () => {
      for (const name of this.runtime.connectorNames()) {
        const entry = this.runtime.connector(name)!;
        await this.runtime.stopRunning(name);
        if (entry.state !== 'FAILED' && entry.state !== 'STOPPED') {
          await this.statuses.putConnector(name, 'UNASSIGNED');
          for (let i = 0; i < this.stateOf(name).taskConfigs.length; i++)
            await this.statuses.putTask(name, i, 'UNASSIGNED');
        }
      }
      for (const name of this.runtime.connectorNames()) this.runtime.forget(name);
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
