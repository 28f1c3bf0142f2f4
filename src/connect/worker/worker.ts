import { Consumer, type Log } from '../../log/index.js';
import type {
  Connector,
  ConnectorContext,
  Converter,
  SinkConnector,
  SourceConnector,
  TopicPartition,
} from '../api/index.js';
import type { ConnectorState, OffsetStore, StatusState, StatusStore, TargetState } from './backing-stores.js';
import { type ConfigProviders, withPlaceholdersRestored } from './config-providers.js';
import { connectLogger, withRecentLines } from './connect-logger.js';
import { readErrorPolicy } from './error-policy.js';
import { createTopicIfMissing } from './log-unavailable.js';
import type { PluginRegistry } from './plugin-registry.js';
import { SinkTaskRunner } from './sink-task-runner.js';
import { SourceTaskRunner } from './source-task-runner.js';
import type { WorkerConfig } from './worker-config.js';

export type AnyTaskRunner = SourceTaskRunner | SinkTaskRunner;

/** What one sink task reads: the partitions of `topics` it `owns`, followed as partitions are added. */
interface SinkShare {
  readonly topics: readonly string[];
  readonly owns: (tp: TopicPartition) => boolean;
  /** consumer.override.metadata.max.age.ms: how soon added partitions are read (else the consumer's default). */
  readonly metadataMaxAgeMs?: number;
}

/** A connector config's positive whole number, or undefined when unset; anything else is refused. */
function positiveNumber(config: Readonly<Record<string, string>>, key: string): number | undefined {
  const text = config[key];
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(
      `Invalid value ${text} for configuration ${key}: use a whole number of milliseconds > 0.`,
    );
  return n;
}

/** A connector this worker runs, with its task runners. */
export interface RunningConnector {
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

/** What the worker asks of its herder, which keeps the configs. */
export interface WorkerHooks {
  /** Stores the task configs a connector generated. */
  putTaskConfigs(name: string, configs: readonly Readonly<Record<string, string>>[]): Promise<void>;
  /**
   * The connector asked for its tasks to be reconfigured; `current` says whether the instance that
   * asked still runs (a later start replaced it otherwise).
   */
  requestTaskReconfiguration(name: string, current: () => boolean): void;
}

/**
 * Runs what the herder decides (Kafka Connect's Worker): owns the plugins, converters and
 * transformation chains, starts and stops connectors and their task runners, and reports their
 * states to the status topic. It decides nothing: configs and target states are the herder's.
 */
export class Worker {
  readonly config: WorkerConfig;
  readonly plugins: PluginRegistry;
  private readonly log: Log;
  private readonly providers: ConfigProviders;
  private readonly offsets: OffsetStore;
  private readonly statuses: StatusStore;
  private readonly hooks: WorkerHooks;
  private readonly running = new Map<string, RunningConnector>();
  /**
   * Distributed: tasks assigned to this worker, by connector, apart from the connector instances
   * (which may run on another worker).
   */
  private readonly taskHosts = new Map<string, RunningConnector>();

  constructor(options: {
    log: Log;
    config: WorkerConfig;
    plugins: PluginRegistry;
    providers: ConfigProviders;
    offsets: OffsetStore;
    statuses: StatusStore;
    hooks: WorkerHooks;
  }) {
    this.log = options.log;
    this.config = options.config;
    this.plugins = options.plugins;
    this.providers = options.providers;
    this.offsets = options.offsets;
    this.statuses = options.statuses;
    this.hooks = options.hooks;
  }

  /** A task running here, whether its connector runs here too (standalone) or not (distributed). */
  task(name: string, id: number): AnyTaskRunner | undefined {
    return this.running.get(name)?.tasks[id] ?? this.taskHosts.get(name)?.tasks[id];
  }

  /** Every task of a connector running here, by id (distributed: only some ids). */
  private tasksOf(name: string): [number, AnyTaskRunner][] {
    const out: [number, AnyTaskRunner][] = [];
    for (const entry of [this.running.get(name), this.taskHosts.get(name)])
      entry?.tasks.forEach((t, id) => {
        out.push([id, t]);
      });
    return out.sort((a, b) => a[0] - b[0]);
  }

  /**
   * Distributed: starts one task the leader assigned here, from its stored config, after reading
   * the offsets its previous worker committed. Its connector may run elsewhere.
   */
  async startTask(
    name: string,
    id: number,
    connectorConfig: Readonly<Record<string, string>>,
    taskConfigs: readonly Readonly<Record<string, string>>[],
    target: TargetState,
  ): Promise<void> {
    const plugin = this.plugins.findConnector(connectorConfig['connector.class'] ?? '');
    let entry = this.taskHosts.get(name);
    if (entry === undefined) {
      entry = {
        name,
        type: plugin?.type ?? 'source',
        className: plugin?.className ?? connectorConfig['connector.class'] ?? '',
        connector: undefined,
        tasks: [],
        state: 'UNASSIGNED',
        trace: null,
        topics: new Set(),
      };
      this.taskHosts.set(name, entry);
    }
    try {
      if (plugin === undefined)
        throw new Error(
          `Failed to find any class that implements Connector and which name matches ${connectorConfig['connector.class']}`,
        );
      const resolved = this.providers.resolveOrThrow(connectorConfig);
      const taskConfig = this.providers.resolveOrThrow(taskConfigs[id] ?? {});
      await this.offsets.catchUp();
      const share = plugin.type === 'sink' ? await this.sinkShares(resolved, taskConfigs.length) : undefined;
      const runner = this.createRunner(entry, plugin.create(), resolved, id, taskConfig, share?.(id));
      entry.tasks[id] = runner;
      if (target === 'PAUSED') await runner.pause();
      runner.start();
    } catch (err) {
      const trace = withRecentLines((err as Error)?.stack ?? String(err), `${name}-${id}`);
      connectLogger(name, id).error('Task failed to start', err);
      await this.statuses.putTask(name, id, 'FAILED', trace);
    }
  }

  /** Distributed: stops one task running here (revoked, or its config changed). */
  async stopAssignedTask(name: string, id: number): Promise<void> {
    const entry = this.taskHosts.get(name);
    const runner = entry?.tasks[id];
    if (entry === undefined || runner === undefined) return;
    await this.stopTask(runner, name, id);
    delete entry.tasks[id];
    if (!entry.tasks.some((t) => t !== undefined)) this.taskHosts.delete(name);
  }

  /** The connector running here under that name, if any. */
  connector(name: string): RunningConnector | undefined {
    return this.running.get(name);
  }

  /** Names of the connectors running here. */
  connectorNames(): string[] {
    return [...this.running.keys()];
  }

  /** Forgets a stopped connector (after a delete, or when all stop). */
  forget(name: string): void {
    this.running.delete(name);
  }

  /** Between STARTED and PAUSED the tasks stay and only pause; a FAILED connector stays FAILED. */
  async pauseConnector(name: string): Promise<void> {
    const running = this.running.get(name);
    if (running === undefined) return;
    for (const t of running.tasks) await t.pause();
    if (running.state !== 'FAILED') {
      running.state = 'PAUSED';
      await this.statuses.putConnector(name, 'PAUSED');
    }
  }

  async resumeConnector(name: string): Promise<void> {
    const running = this.running.get(name);
    if (running === undefined) return;
    for (const t of running.tasks) await t.resume();
    if (running.state !== 'FAILED') {
      running.state = 'RUNNING';
      await this.statuses.putConnector(name, 'RUNNING');
    }
  }

  /** The topics a connector's tasks write or read, as seen so far. */
  connectorTopics(name: string): string[] {
    const topics = new Set([
      ...(this.running.get(name)?.topics ?? []),
      ...(this.taskHosts.get(name)?.topics ?? []),
    ]);
    return [...topics].sort();
  }

  converter(config: Readonly<Record<string, string>>, side: 'key' | 'value'): Converter {
    const prefix = `${side}.converter`;
    // As Kafka Connect does: converter settings come from the config that names the class.
    const source = config[prefix] !== undefined ? config : this.config.properties;
    const className =
      source[prefix] ?? (side === 'key' ? this.config.keyConverter : this.config.valueConverter);
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
  async startConnector(
    name: string,
    config: Readonly<Record<string, string>>,
    target: TargetState,
    options: { withTasks?: boolean } = {},
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
      await this.hooks.putTaskConfigs(name, []);
      await this.statuses.putConnector(name, 'STOPPED');
      return undefined;
    }
    const connector = plugin.create();
    entry.connector = connector;
    const context: ConnectorContext = {
      logger,
      requestTaskReconfiguration: () => {
        this.hooks.requestTaskReconfiguration(name, () => this.running.get(name) === entry);
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
      await this.hooks.putTaskConfigs(
        name,
        taskConfigs.map((c) => withPlaceholdersRestored(config, resolved, c)),
      );
      entry.state = target === 'PAUSED' ? 'PAUSED' : 'RUNNING';
      await this.statuses.putConnector(name, entry.state);
      logger.info(`Connector started with ${taskConfigs.length} task(s)`);
      // Distributed: the group's leader assigns the tasks, maybe to other workers.
      if (options.withTasks === false) return undefined;
      const share = plugin.type === 'sink' ? await this.sinkShares(resolved, taskConfigs.length) : undefined;
      for (const [id, taskConfig] of taskConfigs.entries()) {
        const runner = this.createRunner(entry, connector, resolved, id, taskConfig, share?.(id));
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

  /**
   * A sink's topics (created when missing), and each task's share of their partitions: partition p
   * of the i-th topic belongs to task (i + p) mod tasks. The rule needs no coordination and keeps
   * every partition with its task when partitions are added, so each task follows its topics on
   * its own (every metadata.max.age.ms) and takes the new partitions that are its own, on whichever
   * worker it runs: no rebalance is needed, and no two tasks ever read one partition.
   */
  private async sinkShares(
    config: Readonly<Record<string, string>>,
    tasks: number,
  ): Promise<(task: number) => SinkShare> {
    const topics = (config.topics ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '');
    const regex = (config['topics.regex'] ?? '').trim();
    // Topics that match topics.regex later are not followed: they join at the connector's next start.
    const names =
      regex !== ''
        ? (await this.log.listTopics()).filter((t) => new RegExp(`^(?:${regex})$`).test(t))
        : topics;
    for (const topic of names)
      if (!(await this.log.hasTopic(topic))) await createTopicIfMissing(this.log, topic, 1);
    const index = new Map(names.map((t, i) => [t, i]));
    const metadataMaxAgeMs = positiveNumber(config, 'consumer.override.metadata.max.age.ms');
    return (task) => ({
      topics: names,
      owns: (tp) => ((index.get(tp.topic) ?? 0) + tp.partition) % Math.max(1, tasks) === task,
      ...(metadataMaxAgeMs === undefined ? {} : { metadataMaxAgeMs }),
    });
  }

  private createRunner(
    entry: RunningConnector,
    connector: Connector,
    config: Readonly<Record<string, string>>,
    id: number,
    taskConfig: Readonly<Record<string, string>>,
    share: SinkShare | undefined,
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
      offsetFlushIntervalMs: this.config.offsetFlushIntervalMs,
      logger: connectLogger(entry.name, id),
    };
    if (connector.kind === 'sink') {
      const { topics, owns, metadataMaxAgeMs } = share ?? { topics: [], owns: () => false };
      for (const topic of topics) entry.topics.add(topic);
      const consumer = new Consumer(this.log, {
        group: `connect-${entry.name}`,
        autoOffsetReset: 'earliest',
        ...(metadataMaxAgeMs === undefined ? {} : { metadataMaxAgeMs }),
      });
      return new SinkTaskRunner(connector.createTask(), { ...common, topics, owns, consumer });
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
  async stopRunning(name: string): Promise<void> {
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

  async stopTask(task: AnyTaskRunner, name: string, id: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const graceful = this.config.taskShutdownGracefulTimeoutMs;
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

  /** Replaces these task runners with new ones on the same task configs. */
  async restartTasks(name: string, ids: readonly number[], state: ConnectorState): Promise<void> {
    const entry = this.running.get(name);
    if (entry?.connector === undefined || entry.tasks.length !== state.taskConfigs.length) {
      await this.stopRunning(name);
      await this.startConnector(name, state.config, state.targetState);
      return;
    }
    const share =
      entry.type === 'sink' ? await this.sinkShares(state.config, state.taskConfigs.length) : undefined;
    for (const id of ids) {
      await this.statuses.putTask(name, id, 'RESTARTING');
      await this.stopTask(entry.tasks[id], name, id);
      const runner = this.createRunner(
        entry,
        entry.connector,
        state.config,
        id,
        state.taskConfigs[id],
        share?.(id),
      );
      entry.tasks[id] = runner;
      if (state.targetState === 'PAUSED') await runner.pause();
      runner.start();
    }
  }

  /** Each running task's counters; a STOPPED connector has no tasks. */
  async connectorMetrics(name: string): Promise<ConnectorMetricsInfo> {
    const tasks = await Promise.all(
      this.tasksOf(name).map(async ([id, t]): Promise<TaskMetricsInfo> => {
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

  /**
   * A connector still in its `start` (waiting for a database, say) is stopped at once when it is
   * about to be removed, replaced or stopped: the change need not wait for the start to give up.
   */
  interruptStart(name: string): boolean {
    const entry = this.running.get(name);
    if (entry?.starting !== true) return false;
    try {
      void Promise.resolve(entry.connector?.stop()).catch(() => {});
    } catch {
      // Its start will fail or end on its own.
    }
    return true;
  }

  /** Records written by each of a source connector's tasks (for tests and benchmarks). */
  written(name: string): number {
    return this.tasksOf(name).reduce(
      (n, [, t]) => n + (t instanceof SourceTaskRunner ? t.written : t.delivered),
      0,
    );
  }
}
