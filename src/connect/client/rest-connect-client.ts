import {
  type ConnectClient,
  ConnectClientError,
  type ConnectorInfo,
  type ConnectorMetricsInfo,
  type ConnectorOffset,
  type ConnectorOffsets,
  type ConnectorStateInfo,
} from './connect-client.js';

/**
 * The ConnectClient over a Kafka Connect REST endpoint (ksql.connect.url): a real Kafka Connect
 * cluster or `sluice connect`. Retries 5xx and 409 (a rebalance) a few times, as ksqlDB does.
 */
export class RestConnectClient implements ConnectClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  /** The Authorization header to send (ksql.connect.basic.auth.*), if any. */
  private readonly authorization: (() => string) | undefined;
  private readonly createWaitMs: number;

  /**
   * `createWaitMs`: how long `create` watches the new connector's status for a failed start
   * (sluice.connect.create.wait.ms); 0 answers as soon as Connect accepted the config.
   */
  constructor(url: string, timeoutMs = 5000, authorization?: () => string, createWaitMs = 0) {
    this.baseUrl = url.replace(/\/+$/, '');
    this.timeoutMs = timeoutMs;
    this.authorization = authorization;
    this.createWaitMs = createWaitMs;
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let last: ConnectClientError | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      let res: Response;
      try {
        res = await fetch(`${this.baseUrl}${path}`, {
          method,
          headers: {
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(this.authorization === undefined ? {} : { authorization: this.authorization() }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (err) {
        last = new ConnectClientError(
          503,
          `Kafka Connect at ${this.baseUrl} is not reachable (${(err as Error).message}). Check ksql.connect.url.`,
        );
        continue;
      }
      const text = await res.text();
      if (res.ok) return (text === '' ? undefined : JSON.parse(text)) as T;
      let message = text;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        // Not JSON: keep the raw body, as ksqlDB relays it.
      }
      last = new ConnectClientError(res.status, message);
      if (res.status < 500 && res.status !== 409) break;
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
    throw last!;
  }

  private path(name: string): string {
    return `/connectors/${encodeURIComponent(name)}`;
  }

  connectors() {
    return this.request<string[]>('GET', '/connectors');
  }
  /**
   * Creates a connector and, like the embedded client, resolves only for one that starts: Connect
   * answers the POST before the connector starts, so its status is watched for createWaitMs. One
   * that fails (it or a task FAILED) is deleted again, so that the same statement, fixed, can be
   * run again, and the creation is refused with the first line of its trace.
   */
  async create(name: string, config: Readonly<Record<string, string>>) {
    const info = await this.request<ConnectorInfo>('POST', '/connectors', {
      name,
      config: { ...config, name },
    });
    const failure = await this.startFailure(name);
    if (failure === undefined) return info;
    const removed = await this.delete(name).then(
      () => true,
      () => false,
    );
    throw new ConnectClientError(
      400,
      `Connector ${name} could not start: ${failure}. ${
        removed
          ? 'It was removed again: fix what the error names and run the statement again.'
          : `It is left FAILED on ${this.baseUrl}: fix what the error names, then DROP CONNECTOR ${name} and create it again.`
      }`,
    );
  }

  /**
   * Watches a new connector's status for up to createWaitMs: the first line of the trace of the
   * connector or a task that FAILED, or undefined once the connector and all its tasks run (or
   * when the wait is over without a failure).
   */
  private async startFailure(name: string): Promise<string | undefined> {
    if (this.createWaitMs <= 0) return undefined;
    const deadline = Date.now() + this.createWaitMs;
    for (let pause = 25; ; pause = Math.min(pause * 2, 500)) {
      // A distributed Connect may not know the connector for a moment (404) while it reads its config.
      const status = await this.status(name).catch(() => undefined);
      if (status !== undefined) {
        if (status.connector.state === 'FAILED') return firstLine(status.connector.trace);
        const task = status.tasks.find((t) => t.state === 'FAILED');
        if (task !== undefined) return `task ${task.id} failed: ${firstLine(task.trace)}`;
        if (
          status.connector.state === 'RUNNING' &&
          status.tasks.length > 0 &&
          status.tasks.every((t) => t.state === 'RUNNING')
        )
          return undefined;
      }
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise((r) => setTimeout(r, Math.min(pause, left)));
    }
  }
  validate(className: string, config: Readonly<Record<string, string>>) {
    return this.request<import('./connect-client.js').ConfigInfos>(
      'PUT',
      `/connector-plugins/${encodeURIComponent(className)}/config/validate`,
      config,
    );
  }
  describe(name: string) {
    return this.request<ConnectorInfo>('GET', this.path(name));
  }
  status(name: string) {
    return this.request<ConnectorStateInfo>('GET', `${this.path(name)}/status`);
  }
  async topics(name: string) {
    try {
      const answer = await this.request<Record<string, { topics: string[] }>>(
        'GET',
        `${this.path(name)}/topics`,
      );
      return answer[name]?.topics ?? [];
    } catch (err) {
      // Connect before KIP-558 has no topics endpoint: no topics, as ksqlDB treats it.
      if (err instanceof ConnectClientError && err.status === 404) return [];
      throw err;
    }
  }
  async delete(name: string) {
    await this.request('DELETE', this.path(name));
  }
  plugins() {
    return this.request<import('./connect-client.js').PluginInfo[]>('GET', '/connector-plugins');
  }
  async pause(name: string) {
    await this.request('PUT', `${this.path(name)}/pause`);
  }
  async resume(name: string) {
    await this.request('PUT', `${this.path(name)}/resume`);
  }
  restart(name: string) {
    return this.request<ConnectorStateInfo | undefined>(
      'POST',
      `${this.path(name)}/restart?includeTasks=true`,
    );
  }
  async stop(name: string) {
    await this.request('PUT', `${this.path(name)}/stop`);
  }
  async metrics(name: string) {
    try {
      return await this.request<ConnectorMetricsInfo>('GET', `${this.path(name)}/metrics`);
    } catch (err) {
      // Apache Kafka's Connect has no such endpoint (its metrics are JMX): no counters, not an error.
      if (err instanceof ConnectClientError && err.status === 404) return undefined;
      throw err;
    }
  }
  offsets(name: string) {
    return this.request<ConnectorOffsets>('GET', `${this.path(name)}/offsets`);
  }
  async alterOffsets(name: string, offsets: readonly ConnectorOffset[]) {
    const answer = await this.request<{ message: string }>('PATCH', `${this.path(name)}/offsets`, {
      offsets,
    });
    return answer.message;
  }
  async resetOffsets(name: string) {
    const answer = await this.request<{ message: string }>('DELETE', `${this.path(name)}/offsets`);
    return answer.message;
  }
  updateConfig(name: string, config: Readonly<Record<string, string>>) {
    return this.request<ConnectorInfo>('PUT', `${this.path(name)}/config`, { ...config, name });
  }
  config(name: string) {
    return this.request<Record<string, string>>('GET', `${this.path(name)}/config`);
  }
}

/** A trace's first line (the exception and its message), or a stand-in when Connect gave none. */
function firstLine(trace: string | undefined): string {
  const line = trace?.split('\n')[0]?.trim();
  return line === undefined || line === '' ? 'Connect gave no reason (no trace)' : line;
}
