import type { ConfigInfos, ConnectorInfo, ConnectorStateInfo } from '../worker/herder.js';
import type { PluginInfo } from '../worker/plugin-registry.js';

export type { ConfigInfos, ConnectorInfo, ConnectorStateInfo, PluginInfo };

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
  /** Replaces the whole config (PUT /connectors/{name}/config). */
  updateConfig(name: string, config: Readonly<Record<string, string>>): Promise<ConnectorInfo>;
  config(name: string): Promise<Record<string, string>>;
}
