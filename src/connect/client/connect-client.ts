import type {
  ConfigInfos,
  ConnectorInfo,
  ConnectorMetricsInfo,
  ConnectorStateInfo,
  PluginInfo,
  TaskMetricsInfo,
} from '../worker/index.js';

export type {
  ConfigInfos,
  ConnectorInfo,
  ConnectorMetricsInfo,
  ConnectorStateInfo,
  PluginInfo,
  TaskMetricsInfo,
};

/** One partition's offset in Kafka Connect's offsets API (KIP-875); a null offset resets it. */
export interface ConnectorOffset {
  readonly partition: Record<string, unknown>;
  readonly offset: Record<string, unknown> | null;
}

/** GET /connectors/{name}/offsets. */
export interface ConnectorOffsets {
  readonly offsets: readonly ConnectorOffset[];
}

/** A failed Connect call: the HTTP status and Connect's message, as ksqlDB relays them. */
export class ConnectClientError extends Error {
  override readonly name = 'ConnectClientError';
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/**
 * What the engine needs from Kafka Connect, the same whether the worker runs in this process
 * (embedded) or behind any Kafka Connect REST endpoint (external: ksql.connect.url).
 */
export interface ConnectClient {
  connectors(): Promise<string[]>;
  create(name: string, config: Readonly<Record<string, string>>): Promise<ConnectorInfo>;
  validate(className: string, config: Readonly<Record<string, string>>): Promise<ConfigInfos>;
  describe(name: string): Promise<ConnectorInfo>;
  status(name: string): Promise<ConnectorStateInfo>;
  topics(name: string): Promise<string[]>;
  delete(name: string): Promise<void>;
  plugins(): Promise<PluginInfo[]>;
  pause(name: string): Promise<void>;
  resume(name: string): Promise<void>;
  restart(name: string): Promise<ConnectorStateInfo | undefined>;
  /** KIP-875's STOPPED state: tasks shut down, config kept (PUT /connectors/{name}/stop). */
  stop(name: string): Promise<void>;
  offsets(name: string): Promise<ConnectorOffsets>;
  /** Sluice's per-task counters; undefined from a Connect that has none (Apache Kafka's). */
  metrics(name: string): Promise<ConnectorMetricsInfo | undefined>;
  /** PATCH /connectors/{name}/offsets (STOPPED only); resolves Connect's message. */
  alterOffsets(name: string, offsets: readonly ConnectorOffset[]): Promise<string>;
  /** DELETE /connectors/{name}/offsets (STOPPED only); resolves Connect's message. */
  resetOffsets(name: string): Promise<string>;
  /** Replaces the whole config (PUT /connectors/{name}/config). */
  updateConfig(name: string, config: Readonly<Record<string, string>>): Promise<ConnectorInfo>;
  config(name: string): Promise<Record<string, string>>;
  /**
   * A client for one request that sends the caller's Authorization header, as ksqlDB does when it
   * has no credentials of its own for Connect; this client where the header does not apply.
   */
  forCaller?(authorization: string | undefined): ConnectClient;
}
