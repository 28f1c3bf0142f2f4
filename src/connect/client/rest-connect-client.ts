import {
  type ConfigInfos,
  type ConnectClient,
  ConnectClientError,
  type ConnectorInfo,
  type ConnectorMetricsInfo,
  type ConnectorOffset,
  type ConnectorOffsets,
  type ConnectorStateInfo,
  type PluginInfo,
} from './connect-client.js';
import { type ConnectTls, type HttpAnswer, HttpTimeout, sendHttp } from './connect-http.js';

/** How the server reaches ksql.connect.url, as ksqlDB's ksql.connect.* settings describe it. */
export interface RestConnectClientOptions {
  /** ksql.connect.request.timeout.ms: the longest one HTTP exchange may take. */
  readonly timeoutMs?: number;
  /** The Authorization header to send (ksql.connect.basic.auth.*), asked for before each request. */
  readonly authorization?: () => string;
  /**
   * sluice.connect.create.wait.ms: how long `create` watches the new connector's status for a
   * failed start; 0 answers as soon as Connect accepted the config.
   */
  readonly createWaitMs?: number;
  /** sluice.connect.request.headers: sent with every request (a gateway's tenant or token header). */
  readonly headers?: Readonly<Record<string, string>>;
  /** ksql.connect.ssl.*: for an https:// URL. */
  readonly tls?: ConnectTls;
  /** The first wait before a retry; each further one doubles it. */
  readonly retryBackoffMs?: number;
}

/** Connect's own 409 for a name in use: final, unlike the 409s of a rebalance, which pass. */
const ALREADY_EXISTS = /already exists/i;
/** Attempts for a 5xx or an unreachable Connect (ksqlDB's three). */
const ATTEMPTS = 3;
/** Attempts for a 409 during a rebalance, which lasts longer than a passing fault. */
const REBALANCE_ATTEMPTS = 6;
const MAX_BACKOFF_MS = 2000;

/**
 * The ConnectClient over a Kafka Connect REST endpoint (ksql.connect.url): a real Kafka Connect
 * cluster or `sluice connect`. Retries an unreachable Connect and 5xx answers a few times, as
 * ksqlDB does, and a 409 (a rebalance in progress) with a longer backoff. Every failure that is not
 * Connect's own answer to the statement names the URL and the cause.
 */
export class RestConnectClient implements ConnectClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly authorization: (() => string) | undefined;
  private readonly createWaitMs: number;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly tls: ConnectTls | undefined;
  private readonly backoffMs: number;
  private readonly options: RestConnectClientOptions;

  constructor(url: string, options: RestConnectClientOptions = {}) {
    this.options = options;
    this.baseUrl = url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.authorization = options.authorization;
    this.createWaitMs = options.createWaitMs ?? 0;
    this.headers = options.headers ?? {};
    this.tls = options.tls;
    this.backoffMs = options.retryBackoffMs ?? 200;
  }

  /**
   * ksqlDB's order for the Authorization header: an Authorization among the configured headers,
   * then ksql.connect.basic.auth.* (FILE), then the caller's own header (source NONE).
   */
  forCaller(authorization: string | undefined): ConnectClient {
    if (authorization === undefined || this.authorization !== undefined || 'authorization' in this.headers)
      return this;
    return new RestConnectClient(this.baseUrl, { ...this.options, authorization: () => authorization });
  }

  /**
   * One call, retried as above. `once`: a request that must not be sent twice after it timed out
   * (a POST Connect may have carried out); its timeout is thrown for the caller to look into.
   */
  private async request<T>(method: string, path: string, body?: unknown, once = false): Promise<T> {
    let last: ConnectClientError | undefined;
    for (let attempt = 0; ; attempt++) {
      let retry: boolean;
      try {
        const answer = await sendHttp(
          new URL(`${this.baseUrl}${path}`),
          method,
          {
            ...this.headers,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(this.authorization === undefined ? {} : { authorization: this.authorization() }),
          },
          body === undefined ? undefined : JSON.stringify(body),
          this.timeoutMs,
          this.tls,
        );
        if (answer.status >= 200 && answer.status < 300) return this.parse<T>(method, path, answer);
        last = this.failure(method, path, answer);
        retry =
          answer.status >= 500
            ? attempt + 1 < ATTEMPTS
            : answer.status === 409 && !ALREADY_EXISTS.test(last.message) && attempt + 1 < REBALANCE_ATTEMPTS;
      } catch (err) {
        if (err instanceof ConnectClientError) throw err;
        last = this.unreachable(method, path, err as Error);
        retry = !(once && err instanceof HttpTimeout) && attempt + 1 < ATTEMPTS;
      }
      if (!retry) throw last;
      await new Promise((r) => setTimeout(r, Math.min(this.backoffMs * 2 ** attempt, MAX_BACKOFF_MS)));
    }
  }

  /** A 2xx answer's JSON; an answer that is not JSON is a Connect (or a proxy) gone wrong. */
  private parse<T>(method: string, path: string, answer: HttpAnswer): T {
    if (answer.body.trim() === '') return undefined as T;
    try {
      return JSON.parse(answer.body) as T;
    } catch {
      throw new ConnectClientError(
        502,
        `Kafka Connect at ${this.baseUrl} answered ${method} ${path} with HTTP ${answer.status} but a body that is not JSON (${snippet(answer.body)}). Check that ksql.connect.url names a Kafka Connect REST API.`,
      );
    }
  }

  /**
   * A non-2xx answer. Connect's own JSON error (a connector not found, a bad config) is relayed as
   * Connect wrote it, as ksqlDB does; anything else names the URL and what came back.
   */
  private failure(method: string, path: string, answer: HttpAnswer): ConnectClientError {
    let message: string | undefined;
    try {
      const parsed = JSON.parse(answer.body) as { message?: unknown };
      if (typeof parsed?.message === 'string') message = parsed.message;
    } catch {
      // Not Connect's JSON: described below.
    }
    const what = `HTTP ${answer.status}${answer.statusText === '' ? '' : ` ${answer.statusText}`}`;
    if (answer.status === 401 || answer.status === 403)
      return new ConnectClientError(
        answer.status,
        `Kafka Connect at ${this.baseUrl} refused ${method} ${path} (${what}${message === undefined ? '' : `: ${message}`}). Check ksql.connect.basic.auth.credentials.source and ksql.connect.basic.auth.credentials.file.`,
      );
    if (message === undefined)
      return new ConnectClientError(
        answer.status,
        `Kafka Connect at ${this.baseUrl} answered ${method} ${path} with ${what} and no Connect error (${snippet(answer.body)}). Check that ksql.connect.url names a Kafka Connect REST API.`,
      );
    if (answer.status >= 500)
      return new ConnectClientError(
        answer.status,
        `Kafka Connect at ${this.baseUrl} failed ${method} ${path} (${what}): ${message}`,
      );
    return new ConnectClientError(answer.status, message);
  }

  /** No answer at all: refused, reset, a TLS failure, or too slow. */
  private unreachable(method: string, path: string, err: Error): ConnectClientError {
    if (err instanceof HttpTimeout)
      return new ConnectClientError(
        504,
        `Kafka Connect at ${this.baseUrl} did not answer ${method} ${path} within ${this.timeoutMs} ms (ksql.connect.request.timeout.ms). It may be overloaded or rebalancing; raise the timeout or try again.`,
      );
    const code = (err as NodeJS.ErrnoException).code;
    const cause = code === undefined ? err.message : `${code}: ${err.message}`;
    const tls = /CERT|SSL|TLS|SELF_SIGNED|ALTNAME|EPROTO/i.test(`${code ?? ''} ${err.message}`);
    return new ConnectClientError(
      503,
      tls
        ? `Kafka Connect at ${this.baseUrl} failed the TLS handshake (${cause}). Check ksql.connect.ssl.truststore.location and ksql.connect.ssl.endpoint.identification.algorithm.`
        : `Kafka Connect at ${this.baseUrl} is not reachable (${cause}). Check ksql.connect.url.`,
    );
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
    const info = await this.request<ConnectorInfo>(
      'POST',
      '/connectors',
      { name, config: { ...config, name } },
      true,
    ).catch((err: unknown) => this.createdDespiteTimeout(name, config, err));
    const failure = await this.startFailure(name);
    if (failure === undefined) {
      // Connect answers the POST before it has made the tasks (Kafka's lists none): once watched,
      // the connector is described again, so the entity lists its tasks as embedded mode's does.
      if (this.createWaitMs <= 0) return info;
      return this.describe(name).catch(() => info);
    }
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
   * A POST that timed out may still have been carried out: sending it again would fail with
   * "already exists" for a connector this very statement created. So Connect is asked instead;
   * the connector it has under this name with this config is the one created.
   */
  private async createdDespiteTimeout(
    name: string,
    config: Readonly<Record<string, string>>,
    err: unknown,
  ): Promise<ConnectorInfo> {
    if (!(err instanceof ConnectClientError) || err.status !== 504) throw err;
    const existing = await this.describe(name).catch(() => undefined);
    const wanted = { ...config, name };
    const same =
      existing !== undefined &&
      Object.keys(wanted).length === Object.keys(existing.config).length &&
      Object.entries(wanted).every(([k, v]) => existing.config[k] === v);
    if (same) return existing;
    throw new ConnectClientError(
      504,
      `${err.message} The connector may still appear: see SHOW CONNECTORS before creating it again.`,
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
    return this.request<ConfigInfos>(
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
    return this.request<PluginInfo[]>('GET', '/connector-plugins');
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

/** The start of a body for an error message: enough to recognise an HTML page or a proxy's text. */
function snippet(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  if (flat === '') return 'an empty body';
  return flat.length > 120 ? `${flat.slice(0, 120)}…` : flat;
}
