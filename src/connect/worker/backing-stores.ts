import type { Log } from '../../log/index.js';
import type { SourceOffset, SourcePartition } from '../api/index.js';
import { JsonTopicStore } from './json-topic-store.js';
import type { WorkerConfig } from './worker-config.js';

export type TargetState = 'STARTED' | 'PAUSED' | 'STOPPED';

export interface ConnectorState {
  readonly config: Readonly<Record<string, string>>;
  readonly targetState: TargetState;
  readonly taskConfigs: readonly Readonly<Record<string, string>>[];
}

/**
 * The config topic, in Kafka Connect's record formats: `connector-<name>`, `task-<name>-<n>` made
 * effective by `commit-<name>`, and `target-state-<name>`.
 */
export class ConfigStore {
  private readonly store: JsonTopicStore;

  constructor(log: Log, config: WorkerConfig) {
    this.store = new JsonTopicStore(log, config.configTopic, 1);
  }

  load(): Promise<void> {
    return this.store.load();
  }

  /** Every connector with its config, target state and committed task configs. */
  connectors(): Map<string, ConnectorState> {
    const out = new Map<string, ConnectorState>();
    for (const [key, value] of this.store.values) {
      if (!key.startsWith('connector-')) continue;
      const name = key.slice('connector-'.length);
      out.set(name, {
        config: (value as { properties: Record<string, string> }).properties,
        targetState: this.targetState(name),
        taskConfigs: this.taskConfigs(name),
      });
    }
    return out;
  }

  private targetState(name: string): TargetState {
    const v = this.store.get(`target-state-${name}`) as { state?: string; 'state.v2'?: string } | undefined;
    const state = v?.['state.v2'] ?? v?.state ?? 'STARTED';
    return state === 'PAUSED' || state === 'STOPPED' ? state : 'STARTED';
  }

  private taskConfigs(name: string): Record<string, string>[] {
    const commit = this.store.get(`commit-${name}`) as { tasks: number } | undefined;
    const out: Record<string, string>[] = [];
    for (let i = 0; i < (commit?.tasks ?? 0); i++) {
      const task = this.store.get(`task-${name}-${i}`) as { properties: Record<string, string> } | undefined;
      if (task !== undefined) out.push(task.properties);
    }
    return out;
  }

  putConnectorConfig(name: string, config: Readonly<Record<string, string>>): Promise<void> {
    return this.store.put(`connector-${name}`, { properties: config });
  }

  /** Task configs then the commit record, in one append, so they take effect together. */
  putTaskConfigs(name: string, configs: readonly Readonly<Record<string, string>>[]): Promise<void> {
    return this.store.putAll([
      ...configs.map((c, i) => [`task-${name}-${i}`, { properties: c }] as const),
      [`commit-${name}`, { tasks: configs.length }],
    ]);
  }

  putTargetState(name: string, state: TargetState): Promise<void> {
    // `state` is what workers before KIP-875 read: they know no STOPPED.
    return this.store.put(`target-state-${name}`, {
      state: state === 'STOPPED' ? 'PAUSED' : state,
      'state.v2': state,
    });
  }

  /** As Kafka Connect does: tombstones for the connector and its target state. */
  removeConnector(name: string): Promise<void> {
    return this.store.putAll([
      [`connector-${name}`, null],
      [`target-state-${name}`, null],
    ]);
  }
}

/**
 * The offsets topic: key `["<connector>", {source partition}]`, value the source offset, both
 * compact JSON as Kafka Connect writes them, so lookups match byte for byte.
 */
export class OffsetStore {
  private readonly store: JsonTopicStore;

  constructor(log: Log, config: WorkerConfig) {
    this.store = new JsonTopicStore(log, config.offsetTopic, config.offsetPartitions);
  }

  load(): Promise<void> {
    return this.store.load();
  }

  static key(connector: string, partition: SourcePartition): string {
    return JSON.stringify([connector, partition]);
  }

  get(connector: string, partition: SourcePartition): SourceOffset | null {
    return (this.store.get(OffsetStore.key(connector, partition)) as SourceOffset | undefined) ?? null;
  }

  /** Every stored partition and offset of a connector (for GET /connectors/{c}/offsets). */
  all(connector: string): { partition: SourcePartition; offset: SourceOffset }[] {
    const out: { partition: SourcePartition; offset: SourceOffset }[] = [];
    for (const [key, offset] of this.store.values) {
      const [name, partition] = JSON.parse(key) as [string, SourcePartition];
      if (name === connector) out.push({ partition, offset: offset as SourceOffset });
    }
    return out;
  }

  putAll(
    connector: string,
    offsets: readonly { partition: SourcePartition; offset: SourceOffset | null }[],
  ): Promise<void> {
    return this.store.putAll(
      offsets.map((o) => [OffsetStore.key(connector, o.partition), o.offset] as const),
    );
  }
}

export type StatusState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'FAILED' | 'RESTARTING' | 'STOPPED';

export interface Status {
  readonly state: StatusState;
  readonly trace: string | null;
  readonly worker_id: string;
  readonly generation: number;
}

/** The status topic: `status-connector-<name>` and `status-task-<name>-<n>`. */
export class StatusStore {
  private readonly store: JsonTopicStore;
  private readonly workerId: string;

  constructor(log: Log, config: WorkerConfig) {
    this.store = new JsonTopicStore(log, config.statusTopic, config.statusPartitions);
    this.workerId = config.workerId;
  }

  load(): Promise<void> {
    return this.store.load();
  }

  private status(state: StatusState, trace: string | null): Status {
    return { state, trace, worker_id: this.workerId, generation: 1 };
  }

  putConnector(name: string, state: StatusState, trace: string | null = null): Promise<void> {
    return this.store.put(`status-connector-${name}`, this.status(state, trace));
  }

  putTask(name: string, task: number, state: StatusState, trace: string | null = null): Promise<void> {
    return this.store.put(`status-task-${name}-${task}`, this.status(state, trace));
  }

  connector(name: string): Status | undefined {
    return this.store.get(`status-connector-${name}`) as Status | undefined;
  }

  task(name: string, task: number): Status | undefined {
    return this.store.get(`status-task-${name}-${task}`) as Status | undefined;
  }

  /** Deleted connectors leave tombstones (Kafka Connect's DESTROYED). */
  remove(name: string, tasks: number): Promise<void> {
    const keys: [string, null][] = [[`status-connector-${name}`, null]];
    for (let i = 0; i < tasks; i++) keys.push([`status-task-${name}-${i}`, null]);
    return this.store.putAll(keys);
  }
}
