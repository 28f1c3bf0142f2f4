import type { Herder } from '../worker/index.js';
import { ConnectError } from '../worker/index.js';
import { type ConnectClient, ConnectClientError, type ConnectorOffset } from './connect-client.js';

/** The ConnectClient over the worker running in this process. */
export class EmbeddedConnectClient implements ConnectClient {
  private readonly herder: Herder;

  constructor(herder: Herder) {
    this.herder = herder;
  }

  private async call<T>(work: () => T | Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof ConnectError) throw new ConnectClientError(err.status, err.message);
      throw err;
    }
  }

  connectors() {
    return this.call(() => this.herder.connectorNames());
  }
  create(name: string, config: Readonly<Record<string, string>>) {
    return this.call(async () => {
      // SQL's CREATE reports success only for a connector that started.
      const info = await this.herder.createConnector(name, config, 'STARTED', { requireStart: true });
      return { ...info, config: this.herder.maskedConfig(info.config) };
    });
  }
  validate(className: string, config: Readonly<Record<string, string>>) {
    return this.call(() => this.herder.validate(className, config));
  }
  describe(name: string) {
    return this.call(() => this.herder.connectorInfo(name, true));
  }
  status(name: string) {
    return this.call(() => this.herder.connectorStatus(name));
  }
  topics(name: string) {
    return this.call(() => this.herder.connectorTopics(name));
  }
  delete(name: string) {
    return this.call(() => this.herder.deleteConnector(name));
  }
  plugins() {
    return this.call(() => this.herder.connectorPlugins());
  }
  pause(name: string) {
    return this.call(() => this.herder.pauseConnector(name));
  }
  resume(name: string) {
    return this.call(() => this.herder.resumeConnector(name));
  }
  restart(name: string) {
    return this.call(() => this.herder.restartConnector(name, { includeTasks: true }));
  }
  stop(name: string) {
    return this.call(() => this.herder.stopConnector(name));
  }
  metrics(name: string) {
    return this.call(() => this.herder.connectorMetrics(name));
  }
  offsets(name: string) {
    return this.call(() => this.herder.connectorOffsets(name));
  }
  alterOffsets(name: string, offsets: readonly ConnectorOffset[]) {
    return this.call(() => {
      // The REST API's own check, so both modes answer alike.
      if (offsets.length === 0)
        throw new ConnectError(400, 'Partitions / offsets need to be provided for an alter offsets request');
      return this.herder.alterOffsets(name, offsets);
    });
  }
  resetOffsets(name: string) {
    return this.call(() => this.herder.alterOffsets(name, null));
  }
  updateConfig(name: string, config: Readonly<Record<string, string>>) {
    return this.call(async () => {
      const { info } = await this.herder.putConnectorConfig(name, config);
      return { ...info, config: this.herder.maskedConfig(info.config) };
    });
  }
  config(name: string) {
    return this.call(() => this.herder.connectorConfig(name));
  }
}
