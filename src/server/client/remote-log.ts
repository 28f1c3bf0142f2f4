import {
  checkTopicName,
  type Log,
  LogError,
  type LogErrorCode,
  type LogRecord,
  type LogTransaction,
  type ProduceRecord,
  type ReadOptions,
  type ReadResult,
  type RecordPosition,
  resolveTopicConfig,
  scanForTimestamp,
  type TopicDescription,
  type TopicPartitionOffset,
  type TopicSpec,
} from '../../log/index.js';

/** Server answers are held at most this long, so a wait never outlives an HTTP timeout. */
const LONG_POLL_MS = 25_000;

interface RecordJson {
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: { name: string; value: string | null }[];
}

interface PartitionJson {
  partition_id: number;
  beginning_offset: number;
  end_offset: number;
  size_bytes: number;
  segments: number;
}

interface ReadJson {
  records: RecordJson[];
  next_offset: number;
  beginning_offset: number;
  end_offset: number;
}

const fromBase64 = (s: string | null) => (s === null ? null : Buffer.from(s, 'base64'));
const toBase64 = (b: Uint8Array | null | undefined) =>
  b == null ? null : Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

/**
 * The `Log` interface over a running Sluice server's REST API (REST Proxy v3 and Sluice's additions),
 * so tools written against `Log` work the same on a data dir and against a server. Every question
 * (does a topic exist, where a partition begins and ends) is asked of the server when it is asked:
 * nothing is answered from an earlier reply.
 */
export class RemoteLog implements Log {
  readonly clusterId: string;
  private readonly baseUrl: string;
  /** Records a wait already fetched, handed out by the next read at the same offset. */
  private readonly prefetched = new Map<string, { offset: number; result: ReadResult }>();

  /** Headers sent with every request: the Authorization of a server with basic authentication. */
  private readonly auth: Record<string, string>;

  private constructor(baseUrl: string, clusterId: string, auth: Record<string, string>) {
    this.baseUrl = baseUrl;
    this.clusterId = clusterId;
    this.auth = auth;
  }

  /** `authorization` is the header value for a server with authentication.method=BASIC. */
  static async connect(url: string, authorization?: string): Promise<RemoteLog> {
    const baseUrl = url.replace(/\/+$/, '');
    const auth: Record<string, string> = authorization === undefined ? {} : { authorization };
    let clusters: { data: { cluster_id: string }[] };
    try {
      const res = await fetch(`${baseUrl}/v3/clusters`, { headers: auth });
      if (res.status === 401 || res.status === 403) {
        const body = (await res.json().catch(() => ({}))) as { message?: string };
        throw new LogError(
          'IO_ERROR',
          `The Sluice server at ${baseUrl} refused the request: ${body.message ?? `HTTP ${res.status}`}`,
        );
      }
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      clusters = (await res.json()) as typeof clusters;
    } catch (err) {
      if (err instanceof LogError) throw err;
      throw new LogError(
        'IO_ERROR',
        `Cannot reach a Sluice server at ${baseUrl} (${(err as Error).message}). Start one with 'sluice server', check the URL, or use --data-dir.`,
      );
    }
    return new RemoteLog(baseUrl, clusters.data[0].cluster_id, auth);
  }

  private url(path: string): string {
    return `${this.baseUrl}/v3/clusters/${this.clusterId}${path}`;
  }

  private async call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.url(path), {
        method,
        headers: body === undefined ? this.auth : { ...this.auth, 'content-type': 'application/json' },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        signal,
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new LogError(
        'UNAVAILABLE',
        `The Sluice server at ${this.baseUrl} did not answer: ${(err as Error).message}.`,
      );
    }
    const text = await res.text();
    if (!res.ok) {
      let error: { message?: string; code?: string } = {};
      try {
        error = JSON.parse(text) as typeof error;
      } catch {
        // Not JSON: use the status line.
      }
      throw new LogError(
        (error.code as LogErrorCode | undefined) ?? 'IO_ERROR',
        error.message ?? `The server answered ${res.status} ${res.statusText}.`,
      );
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  private path(topic: string): string {
    return `/topics/${encodeURIComponent(topic)}`;
  }

  /** What can be checked here (name, partition count, configs); the server checks its own limits on create. */
  validateTopic(name: string, spec: TopicSpec = {}): void {
    checkTopicName(name);
    const count = spec.partitions ?? 1;
    if (!Number.isInteger(count) || count < 1) {
      throw new LogError(
        'INVALID_PARTITION',
        `Invalid partition count ${count} for topic '${name}': use a whole number ≥ 1.`,
      );
    }
    resolveTopicConfig(name, spec.config ?? {});
  }

  async createTopic(name: string, spec: TopicSpec = {}): Promise<TopicDescription> {
    await this.call('POST', '/topics', {
      topic_name: name,
      partitions_count: spec.partitions ?? 1,
      configs: Object.entries(spec.config ?? {}).map(([k, v]) => ({ name: k, value: v })),
    });
    return this.describeTopic(name);
  }

  async deleteTopic(name: string): Promise<void> {
    await this.call('DELETE', this.path(name));
  }

  async listTopics(): Promise<string[]> {
    const list = await this.call<{ data: { topic_name: string }[] }>('GET', '/topics');
    return list.data.map((t) => t.topic_name).sort();
  }

  async hasTopic(name: string): Promise<boolean> {
    try {
      await this.call('GET', this.path(name));
      return true;
    } catch (err) {
      if (err instanceof LogError && err.code === 'UNKNOWN_TOPIC') return false;
      throw err;
    }
  }

  private partitions(name: string): Promise<{ data: PartitionJson[] }> {
    return this.call<{ data: PartitionJson[] }>('GET', `${this.path(name)}/partitions`);
  }

  /** One partition's offsets, as the server has them now. */
  private async partitionOffsets(topic: string, partition: number): Promise<PartitionJson> {
    const list = (await this.partitions(topic)).data;
    const found = list.find((p) => p.partition_id === partition);
    if (found === undefined) {
      throw new LogError(
        'INVALID_PARTITION',
        `Topic '${topic}' has no partition ${partition}: it has ${list.length} partition${list.length === 1 ? '' : 's'}.`,
      );
    }
    return found;
  }

  async describeTopic(name: string): Promise<TopicDescription> {
    const partitions = await this.partitions(name);
    const configs = await this.call<{ data: { name: string; value: string }[] }>(
      'GET',
      `${this.path(name)}/configs`,
    );
    return {
      name,
      partitions: partitions.data.map((p) => ({
        partition: p.partition_id,
        beginningOffset: p.beginning_offset,
        endOffset: p.end_offset,
        sizeBytes: p.size_bytes,
        segments: p.segments,
      })),
      config: Object.fromEntries(configs.data.map((c) => [c.name, c.value])),
    };
  }

  async alterTopicConfig(name: string, config: Readonly<Record<string, string>>): Promise<TopicDescription> {
    await this.call('POST', `${this.path(name)}/configs:alter`, {
      data: Object.entries(config).map(([k, v]) => ({ name: k, value: v })),
    });
    return this.describeTopic(name);
  }

  /** One request for the whole batch: the body streams one produce object per record. */
  async append(topic: string, records: readonly ProduceRecord[]): Promise<RecordPosition[]> {
    if (records.length === 0) return [];
    const body = records
      .map((r) =>
        JSON.stringify({
          ...(r.partition === undefined ? {} : { partition_id: r.partition }),
          ...(r.timestamp === undefined ? {} : { timestamp: new Date(r.timestamp).toISOString() }),
          headers: (r.headers ?? []).map((h) => ({ name: h.key, value: toBase64(h.value) })),
          key: r.key == null ? undefined : { type: 'BINARY', data: toBase64(r.key) },
          value: r.value == null ? undefined : { type: 'BINARY', data: toBase64(r.value) },
        }),
      )
      .join('\n');
    const res = await fetch(this.url(`${this.path(topic)}/records`), {
      method: 'POST',
      headers: { ...this.auth, 'content-type': 'application/json' },
      body: records.length === 1 ? body : `${body}\n`,
    }).catch((err: Error) => {
      throw new LogError(
        'UNAVAILABLE',
        `The Sluice server at ${this.baseUrl} did not answer: ${err.message}.`,
      );
    });
    const text = await res.text();
    const lines = text
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            error_code: number;
            message?: string;
            code?: string;
            partition_id: number;
            offset: number;
            timestamp: string;
          },
      );
    const failed = lines.find((l) => l.error_code !== 200);
    if (!res.ok || failed !== undefined) {
      throw new LogError((failed?.code as LogErrorCode | undefined) ?? 'IO_ERROR', failed?.message ?? text);
    }
    return lines.map((l) => ({
      partition: l.partition_id,
      offset: l.offset,
      timestamp: Date.parse(l.timestamp),
    }));
  }

  private async fetchRecords(
    topic: string,
    partition: number,
    offset: number,
    options: ReadOptions | undefined,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<ReadResult> {
    const query = new URLSearchParams({ offset: String(offset), timeout_ms: String(waitMs) });
    if (options?.maxRecords !== undefined) query.set('max_records', String(options.maxRecords));
    if (options?.maxBytes !== undefined) query.set('max_bytes', String(options.maxBytes));
    const answer = await this.call<ReadJson>(
      'GET',
      `${this.path(topic)}/partitions/${partition}/records?${query}`,
      undefined,
      signal,
    );
    const records: LogRecord[] = answer.records.map((r) => ({
      offset: r.offset,
      timestamp: r.timestamp,
      key: fromBase64(r.key),
      value: fromBase64(r.value),
      headers: r.headers.map((h) => ({ key: h.name, value: fromBase64(h.value) })),
    }));
    return { records, nextOffset: answer.next_offset, endOffset: answer.end_offset };
  }

  async read(topic: string, partition: number, offset: number, options?: ReadOptions): Promise<ReadResult> {
    const id = `${topic}\u0000${partition}`;
    const ready = this.prefetched.get(id);
    this.prefetched.delete(id);
    if (ready !== undefined && ready.offset === offset && ready.result.records.length > 0) {
      const max = options?.maxRecords ?? Number.POSITIVE_INFINITY;
      if (ready.result.records.length <= max) return ready.result;
    }
    return this.fetchRecords(topic, partition, offset, options, 0);
  }

  async beginningOffset(topic: string, partition: number): Promise<number> {
    return (await this.partitionOffsets(topic, partition)).beginning_offset;
  }

  async endOffset(topic: string, partition: number): Promise<number> {
    return (await this.partitionOffsets(topic, partition)).end_offset;
  }

  /** A long poll: the server answers when records arrive or the wait ends. */
  async waitForData(
    topic: string,
    partition: number,
    offset: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!signal?.aborted) {
      const waitMs = Math.max(0, Math.min(LONG_POLL_MS, deadline - Date.now()));
      let result: ReadResult;
      try {
        result = await this.fetchRecords(topic, partition, offset, undefined, waitMs, signal);
      } catch (err) {
        if (signal?.aborted) return false;
        throw err;
      }
      if (result.records.length > 0) {
        this.prefetched.set(`${topic}\u0000${partition}`, { offset, result });
        return true;
      }
      if (result.nextOffset > offset) return true;
      if (Date.now() >= deadline) return false;
    }
    return false;
  }

  beginTransaction(): LogTransaction {
    throw new LogError(
      'UNSUPPORTED',
      'Transactions are not available through a remote server: run the query on the server, or open the data dir directly.',
    );
  }

  async commitOffsets(group: string, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    await this.call('POST', `/consumer-groups/${encodeURIComponent(group)}/offsets`, {
      data: offsets.map((o) => ({
        topic_name: o.topic,
        partition_id: o.partition,
        offset: o.offset,
        metadata: o.metadata ?? '',
      })),
    });
  }

  async committedOffsets(group: string, topic?: string): Promise<TopicPartitionOffset[]> {
    const query = topic === undefined ? '' : `?topic=${encodeURIComponent(topic)}`;
    const answer = await this.call<{
      data: { topic_name: string; partition_id: number; offset: number; metadata: string }[];
    }>('GET', `/consumer-groups/${encodeURIComponent(group)}/offsets${query}`);
    return answer.data.map((o) => ({
      topic: o.topic_name,
      partition: o.partition_id,
      offset: o.offset,
      metadata: o.metadata,
    }));
  }

  async listGroups(): Promise<string[]> {
    const answer = await this.call<{ data: { consumer_group_id: string }[] }>('GET', '/consumer-groups');
    return answer.data.map((g) => g.consumer_group_id);
  }

  /** The REST API has no time index to ask: the records are read from the beginning. */
  offsetForTimestamp(
    topic: string,
    partition: number,
    timestamp: number,
  ): Promise<{ offset: number; timestamp: number } | undefined> {
    return scanForTimestamp(this, topic, partition, timestamp);
  }

  // The REST API has no route for these yet; a server's Kafka listener serves them to Kafka's tools.
  async createPartitions(name: string): Promise<TopicDescription> {
    throw notOverRest(
      `Adding partitions to '${name}'`,
      `kafka-topics --alter --topic ${name} --partitions N`,
    );
  }

  async deleteRecords(topic: string): Promise<number> {
    throw notOverRest(`Deleting records of '${topic}'`, 'kafka-delete-records');
  }

  async deleteCommittedOffsets(group: string): Promise<void> {
    throw notOverRest(
      `Deleting the offsets of group '${group}'`,
      `kafka-consumer-groups --delete --group ${group}`,
    );
  }

  /** The server owns durability; nothing to do here. */
  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.prefetched.clear();
  }
}

function notOverRest(what: string, tool: string): LogError {
  return new LogError(
    'UNSUPPORTED',
    `${what} is not offered over a server's REST API yet: use --data-dir on a stopped server, or Kafka's own tool against the server's Kafka listener (${tool}).`,
  );
}
