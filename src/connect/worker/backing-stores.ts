import type { Log } from '../../log/index.js';
import type { SourceOffset, SourcePartition } from '../api/index.js';
import type { ConfigSealer, EncryptionEnvelope } from './config-encryption.js';
import { isOnlyPlaceholders } from './config-providers.js';
import { JsonTopicStore } from './json-topic-store.js';
import type { WorkerConfig } from './worker-config.js';

export type TargetState = 'STARTED' | 'PAUSED' | 'STOPPED';

export interface ConnectorState {
  readonly config: Readonly<Record<string, string>>;
  readonly targetState: TargetState;
  readonly taskConfigs: readonly Readonly<Record<string, string>>[];
}

/**
 * Kafka Connect's restart request record; `task` (Sluice's, for one task's restart) names a single
 * task to restart instead.
 */
export interface RestartRequest {
  readonly includeTasks: boolean;
  readonly onlyFailed: boolean;
  readonly task?: number;
}

/** A connector or task record: Kafka Connect's `properties`, and Sluice's envelope when some are encrypted. */
interface PropertiesRecord {
  readonly properties: Record<string, string>;
  readonly 'sluice.encryption'?: EncryptionEnvelope;
}

/** Whether a setting of a connector class holds a secret. */
export type SecretTest = (className: string | undefined, key: string) => boolean;

/**
 * The config topic, in Kafka Connect's record formats: `connector-<name>`, `task-<name>-<n>` made
 * effective by `commit-<name>`, and `target-state-<name>`. Secret settings are encrypted in it when
 * the worker has a key (the record then names them under `sluice.encryption`).
 */
export class ConfigStore {
  private readonly store: JsonTopicStore;
  private readonly sealer: ConfigSealer;
  private readonly isSecret: SecretTest;
  /** Records already decrypted, by the stored object (replaced when its key is written again). */
  private readonly opened = new WeakMap<object, Record<string, string>>();

  constructor(log: Log, config: WorkerConfig, sealer: ConfigSealer, isSecret: SecretTest) {
    this.store = new JsonTopicStore(log, config.configTopic, 1);
    this.sealer = sealer;
    this.isSecret = isSecret;
  }

  get encryptsSecrets(): boolean {
    return this.sealer.cipher !== undefined;
  }

  /** Reads the topic; a record that cannot be decrypted (no key, another key) stops the start, naming it. */
  async load(): Promise<void> {
    await this.store.load();
    for (const key of this.store.values.keys()) {
      if (key.startsWith('connector-')) this.properties(key, key.slice('connector-'.length));
      const task = /^task-(.*)-\d+$/.exec(key);
      if (task !== null) this.properties(key, task[1]);
    }
  }

  /**
   * Hears restart requests (Kafka Connect's `restart-connector-<name>` records) read after the
   * start: a distributed worker restarts what of them runs on it.
   */
  onRestartRequest(listener: (name: string, request: RestartRequest) => void): void {
    this.store.onRecord = (key, value) => {
      if (!key.startsWith('restart-connector-') || value === null) return;
      const v = value as { 'include-tasks'?: unknown; 'only-failed'?: unknown; 'sluice.task'?: unknown };
      listener(key.slice('restart-connector-'.length), {
        includeTasks: v['include-tasks'] === true,
        onlyFailed: v['only-failed'] === true,
        ...(typeof v['sluice.task'] === 'number' ? { task: v['sluice.task'] } : {}),
      });
    };
  }

  /** A restart request for the workers that run the connector's instance and tasks. */
  putRestartRequest(name: string, request: RestartRequest): Promise<void> {
    return this.store.put(`restart-connector-${name}`, {
      'include-tasks': request.includeTasks,
      'only-failed': request.onlyFailed,
      ...(request.task === undefined ? {} : { 'sluice.task': request.task }),
    });
  }

  /** Reads what other workers wrote since; resolves whether anything changed. */
  catchUp(): Promise<boolean> {
    return this.store.catchUp();
  }

  /** How far the config topic has been read (its next offset). */
  get position(): number {
    return this.store.position;
  }

  /** The plain properties of a connector or task record. */
  private properties(recordKey: string, connector: string): Record<string, string> {
    const record = this.store.get(recordKey) as PropertiesRecord;
    let plain = this.opened.get(record);
    if (plain === undefined) {
      plain = this.sealer.open(recordKey, connector, record.properties, record['sluice.encryption']);
      this.opened.set(record, plain);
    }
    return plain;
  }

  private sealed(
    recordKey: string,
    className: string | undefined,
    properties: Readonly<Record<string, string>>,
  ) {
    const { properties: stored, envelope } = this.sealer.seal(
      recordKey,
      properties,
      // A reference (${file:…}) is no secret, and stays readable as written.
      (k, v) => this.isSecret(className, k) && !isOnlyPlaceholders(v),
    );
    const record: PropertiesRecord =
      envelope === undefined ? { properties: stored } : { properties: stored, 'sluice.encryption': envelope };
    this.opened.set(record, { ...properties });
    return record;
  }

  /**
   * With a key, rewrites the records that still hold secrets in plain text (written before the key
   * was set), or encrypted with a previous key, with the current key. The old records stay in the
   * topic's older segments until it is compacted.
   */
  async sealPlainSecrets(): Promise<string[]> {
    if (this.sealer.cipher === undefined) return [];
    const rewritten: string[] = [];
    for (const [name, state] of this.connectors()) {
      const record = this.store.get(`connector-${name}`) as PropertiesRecord;
      const className = state.config['connector.class'];
      const plainSecret = (r: PropertiesRecord | undefined) =>
        r !== undefined &&
        (this.sealer.needsResealing(r['sluice.encryption']) ||
          (r['sluice.encryption'] === undefined &&
            Object.entries(r.properties).some(
              ([k, v]) =>
                typeof v === 'string' && v !== '' && this.isSecret(className, k) && !isOnlyPlaceholders(v),
            )));
      const tasks = state.taskConfigs.map((_, i) => this.store.get(`task-${name}-${i}`) as PropertiesRecord);
      if (!plainSecret(record) && !tasks.some(plainSecret)) continue;
      await this.putConnectorConfig(name, state.config);
      if (state.taskConfigs.length > 0) await this.putTaskConfigs(name, state.taskConfigs);
      rewritten.push(name);
    }
    return rewritten;
  }

  /** Every connector with its config, target state and committed task configs. */
  connectors(): Map<string, ConnectorState> {
    const out = new Map<string, ConnectorState>();
    for (const key of this.store.values.keys()) {
      if (!key.startsWith('connector-')) continue;
      const name = key.slice('connector-'.length);
      out.set(name, {
        config: this.properties(key, name),
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
      if (this.store.get(`task-${name}-${i}`) !== undefined)
        out.push(this.properties(`task-${name}-${i}`, name));
    }
    return out;
  }

  putConnectorConfig(name: string, config: Readonly<Record<string, string>>): Promise<void> {
    const key = `connector-${name}`;
    return this.store.put(key, this.sealed(key, config['connector.class'], config));
  }

  /** Task configs then the commit record, in one append, so they take effect together. */
  putTaskConfigs(name: string, configs: readonly Readonly<Record<string, string>>[]): Promise<void> {
    const className =
      this.store.get(`connector-${name}`) === undefined
        ? undefined
        : this.properties(`connector-${name}`, name)['connector.class'];
    return this.store.putAll([
      ...configs.map(
        (c, i) => [`task-${name}-${i}`, this.sealed(`task-${name}-${i}`, className, c)] as const,
      ),
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

  /** Reads offsets other workers committed since (before a task moved here starts). */
  catchUp(): Promise<boolean> {
    return this.store.catchUp();
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

  /** Reads statuses other workers wrote since. */
  catchUp(): Promise<boolean> {
    return this.store.catchUp();
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
