import type { Log } from '../../log/index.js';
import { CooperativeAssignor } from './assignor.js';
import type { ConfigStore, RestartRequest, StatusStore, TargetState } from './backing-stores.js';
import { connectLogger } from './connect-logger.js';
import {
  CONFIG_MISMATCH,
  CONNECTOR_TASK,
  decodeAssignment,
  decodeMetadata,
  encodeAssignment,
  encodeMetadata,
  type WorkSet,
} from './connect-protocol.js';
import { ConnectGroupMember } from './group-member.js';
import type { Worker } from './worker.js';
import type { WorkerConfig } from './worker-config.js';

/** How a distributed worker reaches its group: the Kafka brokers (Sluice's Kafka listener or Apache Kafka). */
export interface GroupOptions {
  readonly bootstrapServers: readonly string[];
}

/** What the cluster needs of its herder: the stores it follows, the worker it drives, its queue. */
export interface ClusterHost {
  readonly log: Log;
  readonly config: WorkerConfig;
  readonly configs: ConfigStore;
  readonly statuses: StatusStore;
  readonly runtime: Worker;
  serial<T>(work: () => Promise<T>): Promise<T>;
}

const log = connectLogger('cluster');

function numberSetting(props: Readonly<Record<string, string>>, key: string, fallback: number): number {
  const v = props[key];
  if (v === undefined || v.trim() === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`The worker setting ${key}=${v} is not a whole number of milliseconds.`);
  return n;
}

/** What one piece of work was started with, to tell when it must restart (config) or only pause/resume. */
interface Started {
  readonly config: string;
  readonly target: TargetState;
}

/**
 * A distributed worker's part in its Connect group (Kafka Connect's DistributedHerder and
 * WorkerCoordinator): joins the group with the other workers of its group.id, follows the config
 * and status topics, runs what the leader assigns it (connectors and tasks apart), stops what is
 * revoked, and, as leader, assigns everything incrementally (see assignor.ts).
 */
export class WorkerCluster {
  private readonly host: ClusterHost;
  private readonly member: ConnectGroupMember;
  private readonly assignor: CooperativeAssignor;
  /** This worker's REST URL, where other workers forward to it. */
  readonly url: string;
  private memberId = '';
  private leaderId = '';
  private leaderUrlValue: string | undefined;
  /** What the leader assigned here: connector → task ids (-1: the connector). */
  private readonly owned = new Map<string, Set<number>>();
  private everAssigned = false;
  private readonly startedConnectors = new Map<string, Started>();
  private readonly startedTasks = new Map<string, Started>();
  private readonly stopper = new AbortController();
  private tailing: Promise<void> | undefined;
  private delayTimer: NodeJS.Timeout | undefined;
  /** The work shape (connector → task count) the last join was made with. */
  private shape = '';
  /** The config topic position the last reconcile from `followConfigs` saw. */
  private followedPosition = -1;
  private fatal: ((err: Error) => void) | undefined;

  constructor(host: ClusterHost, group: GroupOptions, onFatal: (err: Error) => void) {
    this.host = host;
    this.fatal = onFatal;
    const props = host.config.properties;
    const scheme = host.config.listeners.split(',')[0].trim().toLowerCase().startsWith('https')
      ? 'https'
      : 'http';
    this.url = `${scheme}://${host.config.workerId}`;
    this.assignor = new CooperativeAssignor(
      numberSetting(props, 'scheduled.rebalance.max.delay.ms', 300_000),
    );
    this.member = new ConnectGroupMember({
      bootstrapServers: group.bootstrapServers,
      groupId: host.config.groupId,
      clientId: `sluice-connect-${host.config.workerId}`,
      sessionTimeoutMs: numberSetting(props, 'session.timeout.ms', 10_000),
      rebalanceTimeoutMs: numberSetting(props, 'rebalance.timeout.ms', 60_000),
      heartbeatIntervalMs: numberSetting(props, 'heartbeat.interval.ms', 3_000),
      metadata: () =>
        encodeMetadata({
          url: this.url,
          configOffset: this.host.configs.position,
          allocation: this.everAssigned ? this.allocation() : null,
        }),
      assign: (leaderId, members) => this.assign(leaderId, members),
      onAssignment: (assignment, memberId) => this.onAssignment(assignment, memberId),
      onLost: () => this.lost(),
      onFatal: (err) => this.fatal?.(err),
    });
    host.configs.onRestartRequest((name, request) => {
      void this.restart(name, request).catch((err) =>
        log.warn(`Restart of ${name} failed: ${(err as Error).message}`),
      );
    });
  }

  /**
   * A restart request read from the config topic: restarts what of it runs here, deciding by this
   * worker's own statuses (as Kafka Connect's RestartPlan): the connector iff !onlyFailed or FAILED,
   * tasks iff includeTasks and (!onlyFailed or FAILED); or the one task it names.
   */
  private restart(name: string, request: RestartRequest): Promise<void> {
    return this.host.serial(async () => {
      const { runtime, configs, statuses } = this.host;
      const state = configs.connectors().get(name);
      if (state === undefined) return;
      const failed = (s: { state: string } | undefined) => s?.state === 'FAILED';
      if (request.task === undefined && this.runsHere(name)) {
        const entry = runtime.connector(name);
        if (!request.onlyFailed || entry?.state === 'FAILED' || failed(statuses.connector(name))) {
          await statuses.putConnector(name, 'RESTARTING');
          await runtime.stopRunning(name);
          runtime.forget(name);
          await runtime.startConnector(name, state.config, state.targetState, { withTasks: false });
          this.startedConnectors.set(name, {
            config: JSON.stringify(state.config),
            target: state.targetState,
          });
        }
      }
      for (const id of this.owned.get(name) ?? []) {
        if (id === CONNECTOR_TASK || id >= state.taskConfigs.length) continue;
        const runner = runtime.task(name, id);
        const chosen =
          request.task !== undefined
            ? request.task === id
            : request.includeTasks &&
              (!request.onlyFailed || runner?.state === 'FAILED' || failed(statuses.task(name, id)));
        if (!chosen) continue;
        await statuses.putTask(name, id, 'RESTARTING');
        await runtime.stopAssignedTask(name, id);
        await runtime.startTask(name, id, state.config, state.taskConfigs, state.targetState);
      }
    });
  }

  /** Whether this worker leads the group (and so serves leader-only requests). */
  get isLeader(): boolean {
    return this.memberId !== '' && this.memberId === this.leaderId;
  }

  /** The leader's REST URL, once a rebalance has named it. */
  get leaderUrl(): string | undefined {
    return this.leaderUrlValue;
  }

  /** Whether the leader assigned this connector's instance (or, with `task`, that task) here. */
  runsHere(name: string, task = CONNECTOR_TASK): boolean {
    return this.owned.get(name)?.has(task) === true;
  }

  start(): void {
    this.shape = this.workShape();
    this.member.start();
    this.tailing = this.tail();
  }

  /** The config topic changed here (a REST write): read it now, rejoin if the work changed. */
  async configWritten(): Promise<void> {
    await this.followConfigs();
  }

  private allocation(): WorkSet {
    const out = new Map<string, number[]>();
    for (const [name, ids] of this.owned)
      if (ids.size > 0)
        out.set(
          name,
          [...ids].sort((a, b) => a - b),
        );
    return out;
  }

  /** Every connector and its task count, as the config topic says now. */
  private work(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [name, state] of this.host.configs.connectors()) out.set(name, state.taskConfigs.length);
    return out;
  }

  private workShape(): string {
    return JSON.stringify([...this.work()].sort());
  }

  /** Follows the config and status topics: a change of work means a rebalance; any change, a reconcile. */
  private async tail(): Promise<void> {
    const { log: topicLog, config } = this.host;
    while (!this.stopper.signal.aborted) {
      try {
        await this.followConfigs();
        await this.host.statuses.catchUp();
        await topicLog.waitForData(
          config.configTopic,
          0,
          this.host.configs.position,
          1000,
          this.stopper.signal,
        );
      } catch (err) {
        if (this.stopper.signal.aborted) return;
        log.warn(`Cannot follow the config topic, retrying: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /**
   * Catches up with the config topic; rejoins if the work's shape changed, reconciles if anything
   * was read since the last reconcile from here. Both compare against what this worker last acted
   * on, not against what this read returned: a catch-up made elsewhere (the leader's assign, an
   * assignment ahead of this worker) reads records too, and their change must not be lost.
   */
  private async followConfigs(): Promise<void> {
    await this.host.configs.catchUp();
    const shape = this.workShape();
    if (shape !== this.shape) {
      this.shape = shape;
      this.member.requestRejoin();
    }
    const position = this.host.configs.position;
    if (position === this.followedPosition) return;
    this.followedPosition = position;
    await this.reconcile();
  }

  /** As leader: catches up with the config topic, then assigns (see assignor.ts). */
  private async assign(
    leaderId: string,
    members: readonly { memberId: string; metadata: Buffer }[],
  ): Promise<Map<string, Buffer>> {
    await this.host.configs.catchUp();
    const decoded = members.map((m) => ({ memberId: m.memberId, ...decodeMetadata(m.metadata) }));
    const position = this.host.configs.position;
    const behind = decoded.some((m) => m.configOffset > position);
    const round = this.assignor.assign(decoded, this.work(), Date.now());
    const out = new Map<string, Buffer>();
    for (const m of decoded) {
      const mine = round.assignments.get(m.memberId);
      out.set(
        m.memberId,
        encodeAssignment({
          error: behind ? CONFIG_MISMATCH : 0,
          leader: leaderId,
          leaderUrl: this.url,
          configOffset: position,
          assigned: behind ? new Map() : (mine?.assigned ?? new Map()),
          revoked: behind ? new Map() : (mine?.revoked ?? new Map()),
          delay: round.delay,
        }),
      );
    }
    return out;
  }

  private async onAssignment(buf: Buffer, memberId: string): Promise<void> {
    const a = decodeAssignment(buf);
    this.memberId = memberId;
    this.leaderId = a.leader;
    this.leaderUrlValue = a.leaderUrl;
    if (a.error === CONFIG_MISMATCH) {
      await this.host.configs.catchUp();
      this.member.requestRejoin();
      return;
    }
    if (a.configOffset > this.host.configs.position) await this.host.configs.catchUp();
    this.everAssigned = true;
    for (const [name, ids] of a.revoked) for (const id of ids) this.owned.get(name)?.delete(id);
    for (const [name, ids] of a.assigned) {
      const set = this.owned.get(name) ?? new Set<number>();
      for (const id of ids) set.add(id);
      this.owned.set(name, set);
    }
    const revokedAny = [...a.revoked.values()].some((ids) => ids.length > 0);
    const assignedAny = [...a.assigned.values()].some((ids) => ids.length > 0);
    if (revokedAny || assignedAny)
      log.info(
        `Rebalance: ${assignedAny ? `assigned ${describe(a.assigned)}` : ''}${revokedAny ? ` revoked ${describe(a.revoked)}` : ''}; leader ${a.leaderUrl}`,
      );
    // Not awaited: heartbeats go on while connectors and tasks start. The revoked work is handed
    // out in a second round, once it has stopped here.
    void this.reconcile(revokedAny).then(
      () => {
        if (revokedAny) this.member.requestRejoin();
      },
      (err) => log.error('Could not apply the assignment', err),
    );
    clearTimeout(this.delayTimer);
    if (a.delay > 0) this.delayTimer = setTimeout(() => this.member.requestRejoin(), a.delay);
  }

  /**
   * Brings what runs here in line with the assignment and the config topic: starts what is
   * assigned and not running, restarts what runs with an older config, pauses and resumes with the
   * target state, and stops what is no longer assigned (`revoked`: writing UNASSIGNED for it).
   */
  private reconcile(revoked = false): Promise<void> {
    return this.host.serial(async () => {
      const { runtime, configs, statuses } = this.host;
      const connectors = configs.connectors();
      // Connector instances.
      for (const [name, started] of [...this.startedConnectors]) {
        const state = connectors.get(name);
        if (state !== undefined && this.runsHere(name)) continue;
        await runtime.stopRunning(name);
        runtime.forget(name);
        this.startedConnectors.delete(name);
        if (state !== undefined && revoked && started.target !== 'STOPPED')
          await statuses.putConnector(name, 'UNASSIGNED');
      }
      for (const [name, ids] of this.owned) {
        const state = connectors.get(name);
        if (state === undefined || !ids.has(CONNECTOR_TASK)) continue;
        const config = JSON.stringify(state.config);
        const before = this.startedConnectors.get(name);
        if (before?.config === config && before.target === state.targetState) continue;
        if (before?.config === config && before.target === 'STARTED' && state.targetState === 'PAUSED')
          await runtime.pauseConnector(name);
        else if (before?.config === config && before.target === 'PAUSED' && state.targetState === 'STARTED')
          await runtime.resumeConnector(name);
        else {
          if (before !== undefined) {
            await runtime.stopRunning(name);
            runtime.forget(name);
          }
          await runtime.startConnector(name, state.config, state.targetState, { withTasks: false });
        }
        this.startedConnectors.set(name, { config, target: state.targetState });
      }
      // Tasks.
      for (const [key, started] of [...this.startedTasks]) {
        const [name, idText] = splitKey(key);
        const id = Number(idText);
        const state = connectors.get(name);
        const keep =
          state !== undefined &&
          this.runsHere(name, id) &&
          id < state.taskConfigs.length &&
          state.targetState !== 'STOPPED';
        if (keep) continue;
        await runtime.stopAssignedTask(name, id);
        this.startedTasks.delete(key);
        if (state !== undefined && revoked && started.target !== 'STOPPED')
          await statuses.putTask(name, id, 'UNASSIGNED');
      }
      for (const [name, ids] of this.owned) {
        const state = connectors.get(name);
        if (state === undefined || state.targetState === 'STOPPED') continue;
        for (const id of ids) {
          if (id === CONNECTOR_TASK || id >= state.taskConfigs.length) continue;
          const key = `${name}\u0000${id}`;
          const config = JSON.stringify([state.config, state.taskConfigs[id], state.taskConfigs.length]);
          const before = this.startedTasks.get(key);
          if (before?.config === config && before.target === state.targetState) continue;
          const runner = runtime.task(name, id);
          if (before?.config === config && runner !== undefined) {
            if (state.targetState === 'PAUSED') await runner.pause();
            else await runner.resume();
          } else {
            if (before !== undefined) await runtime.stopAssignedTask(name, id);
            await runtime.startTask(name, id, state.config, state.taskConfigs, state.targetState);
          }
          this.startedTasks.set(key, { config, target: state.targetState });
        }
      }
    });
  }

  /** Fenced out of the group (session expired): stops all work here and joins as a new worker. */
  private async lost(): Promise<void> {
    log.warn(
      'This worker is no longer a member of its group (session expired): stopping its work to join again',
    );
    this.owned.clear();
    this.everAssigned = false;
    this.memberId = '';
    // No UNASSIGNED written: the work's new owners may have written RUNNING already.
    await this.reconcile(false);
  }

  /** Leaves the group and stops everything running here; its statuses become UNASSIGNED. */
  async close(): Promise<void> {
    this.fatal = undefined;
    this.stopper.abort();
    clearTimeout(this.delayTimer);
    await this.tailing;
    // Stopped (and marked UNASSIGNED) before leaving: the next owner's RUNNING must come after.
    this.owned.clear();
    await this.reconcile(true);
    await this.member.close();
  }
}

function splitKey(key: string): [string, string] {
  const at = key.lastIndexOf('\u0000');
  return [key.slice(0, at), key.slice(at + 1)];
}

function describe(set: WorkSet): string {
  const parts: string[] = [];
  for (const [name, ids] of set)
    for (const id of ids) parts.push(id === CONNECTOR_TASK ? name : `${name}-${id}`);
  return parts.join(', ');
}
