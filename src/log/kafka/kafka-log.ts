import {
  Admin,
  type Base,
  ConfigResourceTypes,
  ConnectionPool,
  Consumer,
  FetchIsolationLevels,
  FindCoordinatorKeyTypes,
  ProduceAcks,
  Producer,
} from '@platformatic/kafka';
import { checkTopicName, TOPIC_CONFIG_DEFAULTS } from '../embedded/topic-config.js';
import { invalidPartition, LogError, unknownTopic } from '../errors.js';
import { partitionForKey } from '../partitioner.js';
import type {
  Log,
  LogRecord,
  LogTransaction,
  ProduceRecord,
  ReadOptions,
  ReadResult,
  RecordPosition,
  TopicDescription,
  TopicPartition,
  TopicPartitionOffset,
  TopicSpec,
} from '../types.js';
import { fromKafkaError, kafkaErrorIds, notOnKafka } from './kafka-errors.js';
import {
  KafkaLogTransaction,
  type KafkaTransactionHost,
  prepareKafkaTransactions,
} from './kafka-transaction.js';

export interface KafkaLogOptions {
  /** host:port of one or more brokers (bootstrap.servers). */
  readonly bootstrapServers: readonly string[];
  readonly clientId?: string;
  /** Replication factor of the topics it creates (ksql.internal.topic.replicas); -1: the broker's default. */
  readonly replicationFactor?: number;
}

interface TopicMeta {
  readonly id: string;
  readonly leaders: readonly number[];
  /** When it was asked (Date.now()): older than METADATA_MAX_AGE_MS, it is asked again. */
  readonly fetchedAt: number;
}

/**
 * How long a topic's partition count and leaders are trusted (Kafka's metadata.max.age.ms; 30 s as
 * ksql.streams.metadata.max.age.ms defaults here): partitions another client adds are then used
 * for keyed appends within that time.
 */
const METADATA_MAX_AGE_MS = 30_000;

/** Record batch attributes (Kafka's DefaultRecordBatch). */
const LOG_APPEND_TIME = 0x08;
const CONTROL_BATCH = 0x20;
const TRANSACTIONAL_BATCH = 0x10;
/** Errors a moment after a topic is created or a leader moves: asking again (metadata refreshed) succeeds. */
const TRANSIENT = new Set([
  'NOT_LEADER_OR_FOLLOWER',
  'LEADER_NOT_AVAILABLE',
  'UNKNOWN_LEADER_EPOCH',
  'FENCED_LEADER_EPOCH',
  'NOT_COORDINATOR',
  'COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'REQUEST_TIMED_OUT',
]);
const RETRIES = 8;

/**
 * What a Fetch names a topic by: its id, or its name on a broker without topic ids (Sluice's own
 * Kafka listener: Fetch up to v12, zero ids), whose v12 request and response carry the name in
 * that field.
 */
function fetchKey(id: string, name: string): string {
  return /^[0-]+$/.test(id) ? name : id;
}

/** Runs `attempt` again (backing off 50, 100, … ms) while it fails with a transient Kafka error. */
async function retryTransient<T>(attempt: () => Promise<T>, onRetry: () => void): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (i >= RETRIES || ![...kafkaErrorIds(err)].some((id) => TRANSIENT.has(id))) throw err;
      onRetry();
      await new Promise((resolve) => setTimeout(resolve, 50 * i));
    }
  }
}

/**
 * Where a read_committed reader's partition ends: the last stable offset (before the first open
 * transaction), which brokers without transactions leave at -1 or the high watermark.
 */
function stableEnd(p: { highWatermark: bigint; lastStableOffset?: bigint }): bigint {
  const lso = p.lastStableOffset ?? -1n;
  return lso >= 0n && lso < p.highWatermark ? lso : p.highWatermark;
}

/**
 * The aborted transactions a read_committed Fetch lists (producer id, first offset), applied as
 * Kafka's consumer applies them: from its first offset, a listed producer's transactional batches
 * are dropped until its ABORT marker (a control batch of that producer).
 */
class AbortedTransactions {
  readonly #pending: { producerId: bigint; firstOffset: bigint }[];
  readonly #open = new Set<bigint>();

  constructor(list: readonly { producerId: bigint; firstOffset: bigint }[]) {
    this.#pending = [...list].sort((a, b) =>
      a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0,
    );
  }

  /** Whether the batch at `first` belongs to an aborted transaction (or ends one: its marker). */
  skips(batch: { attributes: number; producerId: bigint; lastOffsetDelta: number }, first: number): boolean {
    while (this.#pending.length > 0 && this.#pending[0].firstOffset <= BigInt(first)) {
      this.#open.add((this.#pending.shift() as { producerId: bigint }).producerId);
    }
    if ((batch.attributes & TRANSACTIONAL_BATCH) === 0 || !this.#open.has(batch.producerId)) return false;
    // Its control batch ends the aborted transaction (Kafka writes ABORT markers only for aborts here).
    if ((batch.attributes & CONTROL_BATCH) !== 0) this.#open.delete(batch.producerId);
    return true;
  }
}

/** One partition of a Fetch response, as KafkaLog reads it. */
type FetchedPartition = Awaited<
  ReturnType<Consumer<Buffer, Buffer, Buffer, Buffer>['fetch']>
>['responses'][number]['partitions'][number];

/** A reader's next Fetch, sent ahead (see KafkaLog.read); kept in its ReadCursor. */
interface FetchAhead {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly maxBytes: number;
  readonly fetched: Promise<FetchedPartition>;
}

/**
 * Bytes of records per produce request of `append`: under Kafka's default max.message.bytes (1 MiB),
 * which a request's batch for one partition must not exceed.
 */
const SEND_BYTES = 900_000;

/** A record's size in a batch, roughly: key, value, headers and the varints around them. */
function encodedSize(r: ProduceRecord): number {
  let bytes = 24 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  for (const h of r.headers ?? []) bytes += 8 + h.key.length + (h.value?.length ?? 0);
  return bytes;
}

/** How long one long-poll Fetch of waitForData waits at the broker before the waiter asks again. */
const WAIT_ROUND_MS = 250;

type Client = Consumer<Buffer, Buffer, Buffer, Buffer>;

interface Waiter {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly finish: (hasData: boolean) => void;
}

/**
 * The `Log` over an Apache Kafka cluster (bootstrap.servers), through @platformatic/kafka: topics are
 * Kafka topics, appends are produced with acks=all, reads are Fetch requests at the offset asked,
 * offset queries are ListOffsets asked each time, group offsets are Kafka's own (OffsetCommit through
 * the group coordinator, so kafka-consumer-groups sees them). Waiting for data is a long-poll Fetch
 * on a connection of its own, shared by every waiter (a Fetch holds its connection until it answers).
 * Reads are read_committed. Transactions are Kafka transactions (see KafkaLogTransaction), not yet
 * offered to persistent queries (see checkTransactions).
 */
export class KafkaLog implements Log {
  readonly clusterId: string;
  readonly #admin: Admin;
  readonly #producer: Producer<Buffer, Buffer, Buffer, Buffer>;
  readonly #client: Client;
  /** Asks for one topic's metadata without the client's retries (see hasTopic). */
  readonly #probe: Admin;
  readonly #waitPool: ConnectionPool;
  readonly #replicationFactor: number;
  readonly #topics = new Map<string, TopicMeta>();
  readonly #roundRobin = new Map<string, number>();
  readonly #waiters = new Set<Waiter>();
  /** What every client of this log connects with: a transactional producer is made from it. */
  readonly #base: { clientId: string; bootstrapBrokers: string[]; retries: number; retryDelay: number };
  /** One transactional producer per transactional id, made at its first commit. */
  readonly #transactionalProducers = new Map<string, Promise<Producer<Buffer, Buffer, Buffer, Buffer>>>();
  /** The newest transaction begun with each id in this process: older ones are fenced. */
  readonly #transactionEpochs = new Map<string, number>();
  #waiting = false;
  #closed = false;

  private constructor(
    clusterId: string,
    admin: Admin,
    producer: Producer<Buffer, Buffer, Buffer, Buffer>,
    client: Client,
    probe: Admin,
    waitPool: ConnectionPool,
    replicationFactor: number,
    base: { clientId: string; bootstrapBrokers: string[]; retries: number; retryDelay: number },
  ) {
    this.#probe = probe;
    this.#base = base;
    this.clusterId = clusterId;
    this.#admin = admin;
    this.#producer = producer;
    this.#client = client;
    this.#waitPool = waitPool;
    this.#replicationFactor = replicationFactor;
  }

  /** Connects to the cluster; fails naming the brokers when none answers. */
  static async open(options: KafkaLogOptions): Promise<KafkaLog> {
    const clientId = options.clientId ?? 'sluice';
    const bootstrapBrokers = [...options.bootstrapServers];
    const base = { clientId, bootstrapBrokers, retries: 3, retryDelay: 200 };
    const admin = new Admin(base);
    const producer = new Producer<Buffer, Buffer, Buffer, Buffer>({
      ...base,
      acks: ProduceAcks.ALL,
      autocreateTopics: false,
    });
    const client: Client = new Consumer({ ...base, groupId: `${clientId}-log-reader` });
    const waitPool = new ConnectionPool(`${clientId}-wait`);
    const probe = new Admin({ ...base, clientId: `${clientId}-probe`, retries: 0 });
    try {
      const metadata = await client.metadata({ topics: [] });
      return new KafkaLog(
        metadata.id,
        admin,
        producer,
        client,
        probe,
        waitPool,
        options.replicationFactor ?? -1,
        base,
      );
    } catch (err) {
      await Promise.allSettled([
        admin.close(),
        producer.close(),
        client.close(),
        probe.close(),
        waitPool.close(),
      ]);
      throw new LogError(
        'UNAVAILABLE',
        `No Kafka broker of bootstrap.servers=${bootstrapBrokers.join(',')} answered (${(err as Error).message}). Start the cluster or fix bootstrap.servers.`,
        { cause: err },
      );
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw new LogError('LOG_CLOSED', 'The Kafka log is closed.');
  }

  /** The topic's id and partition leaders, from the cache or (fresh=true, or unknown) the cluster. */
  async #meta(topic: string, fresh = false): Promise<TopicMeta> {
    this.#checkOpen();
    const cached = fresh ? undefined : this.#topics.get(topic);
    if (cached !== undefined && Date.now() - cached.fetchedAt < METADATA_MAX_AGE_MS) return cached;
    try {
      return await retryTransient(
        () => this.#fetchMeta(topic),
        () => {},
      );
    } catch (err) {
      this.#topics.delete(topic);
      const e = fromKafkaError(err, `Topic '${topic}'`);
      throw e.code === 'UNKNOWN_TOPIC' ? unknownTopic(topic) : e;
    }
  }

  async #fetchMeta(topic: string, client: Base = this.#client): Promise<TopicMeta> {
    {
      const metadata = await client.metadata({ topics: [topic], forceUpdate: true });
      const t = metadata.topics.get(topic);
      if (t === undefined) throw unknownTopic(topic);
      if (t.partitions.some((p) => p === undefined || p.leader < 0))
        throw Object.assign(new Error(`${topic} has a partition without a leader yet`), {
          apiId: 'LEADER_NOT_AVAILABLE',
        });
      const meta = { id: t.id, leaders: t.partitions.map((p) => p.leader), fetchedAt: Date.now() };
      this.#topics.set(topic, meta);
      return meta;
    }
  }

  async #partitionMeta(topic: string, partition: number): Promise<TopicMeta> {
    let meta = await this.#meta(topic);
    // Partitions may have been added since the cache was filled.
    if (partition >= meta.leaders.length) meta = await this.#meta(topic, true);
    if (!Number.isInteger(partition) || partition < 0 || partition >= meta.leaders.length)
      throw invalidPartition(topic, partition, meta.leaders.length);
    return meta;
  }

  validateTopic(name: string, spec?: TopicSpec): void {
    checkTopicName(name);
    const partitions = spec?.partitions ?? 1;
    if (!Number.isInteger(partitions) || partitions < 1)
      throw new LogError(
        'INVALID_PARTITION',
        `Invalid partition count ${partitions}: use a whole number ≥ 1.`,
      );
    const replicas = spec?.replicas;
    if (replicas !== undefined && (!Number.isInteger(replicas) || replicas < 1))
      throw new LogError(
        'INVALID_CONFIG',
        `Invalid replica count ${replicas} for topic '${name}': use a whole number ≥ 1.`,
        { key: name },
      );
  }

  async createTopic(name: string, spec?: TopicSpec): Promise<TopicDescription> {
    this.#checkOpen();
    this.validateTopic(name, spec);
    try {
      await this.#admin.createTopics({
        topics: [name],
        partitions: spec?.partitions ?? 1,
        replicas: spec?.replicas ?? this.#replicationFactor,
        configs: Object.entries(spec?.config ?? {}).map(([n, value]) => ({ name: n, value })),
      });
    } catch (err) {
      throw fromKafkaError(err, `Creating topic '${name}'`);
    }
    return this.describeTopic(name);
  }

  async deleteTopic(name: string): Promise<void> {
    this.#checkOpen();
    try {
      await this.#admin.deleteTopics({ topics: [name] });
    } catch (err) {
      const e = fromKafkaError(err, `Deleting topic '${name}'`);
      throw e.code === 'UNKNOWN_TOPIC' ? unknownTopic(name) : e;
    } finally {
      this.#topics.delete(name);
    }
    // The controller answers before every broker's metadata has dropped the topic: wait (briefly)
    // until it has, so a `hasTopic` or a create of the same name right after sees it gone.
    for (let i = 1; i <= RETRIES && (await this.hasTopic(name)); i++)
      await new Promise((resolve) => setTimeout(resolve, 50 * i));
    this.#topics.delete(name);
  }

  async listTopics(): Promise<string[]> {
    this.#checkOpen();
    return (await this.#admin.listTopics({ includeInternals: false })).sort();
  }

  async hasTopic(name: string): Promise<boolean> {
    this.#checkOpen();
    try {
      // Asked with the probe: the main client retries an unknown topic (retriable in Kafka) three
      // times 200 ms apart, and "no such topic" is an answer here (a CSAS asks three times).
      await retryTransient(
        () => this.#fetchMeta(name, this.#probe),
        () => {},
      );
      return true;
    } catch (err) {
      this.#topics.delete(name);
      const e = fromKafkaError(err, `Topic '${name}'`);
      if (e.code === 'UNKNOWN_TOPIC') return false;
      throw e;
    }
  }

  async #offsets(topic: string, timestamp: bigint): Promise<bigint[]> {
    try {
      const offsets = await retryTransient(
        () =>
          this.#client.listOffsets({
            topics: [topic],
            timestamp,
            isolationLevel: FetchIsolationLevels.READ_COMMITTED,
          }),
        () => this.#topics.delete(topic),
      );
      return offsets.get(topic) ?? [];
    } catch (err) {
      const e = fromKafkaError(err, `Offsets of topic '${topic}'`);
      throw e.code === 'UNKNOWN_TOPIC' ? unknownTopic(topic) : e;
    }
  }

  async describeTopic(name: string): Promise<TopicDescription> {
    const meta = await this.#meta(name, true);
    const [earliest, latest] = await Promise.all([this.#offsets(name, -2n), this.#offsets(name, -1n)]);
    let config: Record<string, string> = {};
    try {
      const [described] = await this.#admin.describeConfigs({
        resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: name }],
      });
      // The configs Sluice knows, with their effective values, and whatever was set on the topic
      // (source 1): not the broker's hundred other defaults, which would read as the topic's own.
      config = Object.fromEntries(
        (described?.configs ?? [])
          .filter(
            (c) => c.value !== null && (c.name in TOPIC_CONFIG_DEFAULTS || Number(c.configSource) === 1),
          )
          .map((c) => [c.name, c.value as string]),
      );
    } catch (err) {
      throw fromKafkaError(err, `Describing topic '${name}'`);
    }
    return {
      name,
      partitions: meta.leaders.map((_, partition) => ({
        partition,
        beginningOffset: Number(earliest[partition] ?? 0n),
        endOffset: Number(latest[partition] ?? 0n),
        // The broker keeps these; DescribeLogDirs would tell them, not asked here.
        sizeBytes: 0,
        segments: 0,
      })),
      config,
    };
  }

  async alterTopicConfig(name: string, config: Readonly<Record<string, string>>): Promise<TopicDescription> {
    this.#checkOpen();
    try {
      await this.#admin.incrementalAlterConfigs({
        resources: [
          {
            resourceType: ConfigResourceTypes.TOPIC,
            resourceName: name,
            configs: Object.entries(config).map(([n, value]) => ({ name: n, value, configOperation: 0 })),
          },
        ],
      });
    } catch (err) {
      throw fromKafkaError(err, `Altering the config of topic '${name}'`);
    }
    return this.describeTopic(name);
  }

  async createPartitions(name: string, count: number): Promise<TopicDescription> {
    const current = (await this.#meta(name, true)).leaders.length;
    if (!Number.isInteger(count) || count <= current)
      throw new LogError(
        'INVALID_PARTITION',
        count === current
          ? `Topic '${name}' already has ${current} partitions: give a larger count to add partitions.`
          : `Invalid partition count ${count} for topic '${name}': it has ${current} partitions, and a count can only grow; partitions cannot be removed.`,
        { key: name },
      );
    try {
      // No assignments (written as null): an empty list asks Kafka to place no replicas and is refused.
      await this.#admin.createPartitions({ topics: [{ name, count } as never] });
    } catch (err) {
      throw fromKafkaError(err, `Adding partitions to topic '${name}'`);
    } finally {
      this.#topics.delete(name);
    }
    // The new partitions' leaders are elected a moment after the answer: #meta waits for them.
    await this.#meta(name, true);
    return this.describeTopic(name);
  }

  async deleteRecords(topic: string, partition: number, offset: number): Promise<number> {
    await this.#partitionMeta(topic, partition);
    const end = await this.endOffset(topic, partition);
    if (offset > end)
      throw new LogError(
        'OFFSET_OUT_OF_RANGE',
        `Cannot delete records of ${topic}-${partition} before offset ${offset}: its end offset is ${end}. Use an offset up to ${end} (the end deletes every record).`,
      );
    if (offset <= (await this.beginningOffset(topic, partition)))
      return this.beginningOffset(topic, partition);
    try {
      const [deleted] = await retryTransient(
        () =>
          this.#admin.deleteRecords({
            topics: [{ name: topic, partitions: [{ partition, offset: BigInt(offset) }] }],
          }),
        () => this.#topics.delete(topic),
      );
      return Number(deleted?.partitions.find((p) => p.partition === partition)?.lowWatermark ?? offset);
    } catch (err) {
      throw fromKafkaError(err, `Deleting records of ${topic}-${partition} before offset ${offset}`);
    }
  }

  /** The producer messages for `records`: partitioned by record, key (murmur2) or round-robin per call. */
  async #messagesFor(topic: string, records: readonly ProduceRecord[], now: number) {
    const meta = await this.#meta(topic);
    const count = meta.leaders.length;
    const rr = this.#roundRobin.get(topic) ?? 0;
    this.#roundRobin.set(topic, (rr + 1) % count);
    const partitions = records.map((r) => {
      const p = r.partition ?? (r.key ? partitionForKey(r.key, count) : rr);
      if (!Number.isInteger(p) || p < 0 || p >= count) throw invalidPartition(topic, p, count);
      return p;
    });
    const messages = records.map((r, i) => ({
      topic,
      partition: partitions[i],
      key: r.key ?? undefined,
      value: r.value ?? undefined,
      timestamp: BigInt(r.timestamp ?? now),
      headers: new Map((r.headers ?? []).map((h) => [Buffer.from(h.key), h.value ?? Buffer.alloc(0)])),
    }));
    return { partitions, messages, count };
  }

  /**
   * Sends the records in produce requests of at most SEND_BYTES each, one after another (the client
   * makes one batch per partition of a request, and Kafka refuses a batch over the topic's
   * max.message.bytes, 1 MiB by default). A request that fails leaves the earlier ones written, as
   * a Kafka producer's earlier batches are; a record alone in its request and too large is named by
   * its `recordIndex`.
   */
  async append(topic: string, records: readonly ProduceRecord[]): Promise<RecordPosition[]> {
    if (records.length === 0) return [];
    const now = Date.now();
    const { partitions, messages, count } = await this.#messagesFor(topic, records, now);
    const positions: RecordPosition[] = [];
    for (let from = 0; from < records.length; ) {
      let to = from + 1;
      for (let bytes = encodedSize(records[from]); to < records.length; to++) {
        bytes += encodedSize(records[to]);
        if (bytes > SEND_BYTES) break;
      }
      const chunk = from === 0 && to === records.length ? messages : messages.slice(from, to);
      let result: { offsets?: { partition: number; offset: bigint }[] };
      try {
        result = await retryTransient(
          async () => {
            await this.#producerKnows(this.#producer, topic, count);
            return this.#producer.send({ messages: chunk as never, acks: ProduceAcks.ALL });
          },
          () => this.#topics.delete(topic),
        );
      } catch (err) {
        if (kafkaErrorIds(err).has('UNKNOWN_TOPIC_OR_PARTITION')) this.#topics.delete(topic);
        const e = fromKafkaError(err, `Appending to topic '${topic}'`);
        if (e.code === 'RECORD_TOO_LARGE' && to - from === 1 && e.recordIndex === undefined)
          throw new LogError(e.code, e.message, { cause: err, recordIndex: from });
        throw e;
      }
      // Records of one partition are written in input order from the partition's base offset.
      const next = new Map<number, number>();
      for (const o of result.offsets ?? []) next.set(o.partition, Number(o.offset));
      for (let i = from; i < to; i++) {
        const partition = partitions[i];
        const offset = next.get(partition);
        if (offset === undefined)
          throw new LogError(
            'UNAVAILABLE',
            `Kafka did not say where the records of ${topic}-${partition} landed.`,
          );
        next.set(partition, offset + 1);
        positions.push({ partition, offset, timestamp: records[i].timestamp ?? now });
      }
      from = to;
    }
    return positions;
  }

  /**
   * Makes the producer's own metadata know `count` partitions of `topic`: it takes a record's
   * partition modulo the count it knows, so with a stale count (partitions added since it last
   * asked) a record for a new partition would silently land in an old one.
   */
  async #producerKnows(
    producer: Producer<Buffer, Buffer, Buffer, Buffer>,
    topic: string,
    count: number,
  ): Promise<void> {
    const known = (await producer.metadata({ topics: [topic] })).topics.get(topic)?.partitionsCount;
    if (known === count) return;
    const refreshed = await producer.metadata({ topics: [topic], forceUpdate: true });
    const now = refreshed.topics.get(topic)?.partitionsCount;
    if (now !== count)
      throw Object.assign(
        new Error(`${topic} has ${now} partitions in the producer's metadata, not ${count}`),
        {
          apiId: 'LEADER_NOT_AVAILABLE',
        },
      );
  }

  async #fetch(
    topic: string,
    partition: number,
    offset: number,
    maxBytes: number,
  ): Promise<FetchedPartition> {
    try {
      return await retryTransient(
        () => this.#fetchOnce(topic, partition, offset, maxBytes),
        () => this.#topics.delete(topic),
      );
    } catch (err) {
      if (err instanceof LogError) throw err;
      if (kafkaErrorIds(err).has('UNKNOWN_TOPIC_ID')) this.#topics.delete(topic);
      throw fromKafkaError(err, `Reading ${topic}-${partition} at offset ${offset}`);
    }
  }

  async #fetchOnce(topic: string, partition: number, offset: number, maxBytes: number) {
    const meta = await this.#partitionMeta(topic, partition);
    {
      const response = await this.#client.fetch({
        node: meta.leaders[partition],
        maxWaitTime: 0,
        minBytes: 0,
        maxBytes,
        isolationLevel: FetchIsolationLevels.READ_COMMITTED,
        topics: [
          {
            topicId: fetchKey(meta.id, topic),
            partitions: [
              {
                partition,
                fetchOffset: BigInt(offset),
                partitionMaxBytes: maxBytes,
                currentLeaderEpoch: -1,
                lastFetchedEpoch: -1,
              },
            ],
          },
        ],
      });
      return response.responses[0].partitions[0];
    }
  }

  /**
   * Reads with Kafka's consumer's fetch-ahead: a reader with a cursor gets, with its records, the
   * next Fetch already sent (when the partition has more now) or the rest of this one kept (when
   * maxRecords cut it), so its next read at `nextOffset` waits for no round trip while it processed.
   */
  async read(topic: string, partition: number, offset: number, options?: ReadOptions): Promise<ReadResult> {
    const maxRecords = options?.maxRecords ?? 10_000;
    const maxBytes = options?.maxBytes ?? 1 << 20;
    const cursor = options?.cursor;
    const ahead = cursor?.state as FetchAhead | undefined;
    if (cursor !== undefined) cursor.state = undefined;
    const fetched =
      (ahead !== undefined &&
      ahead.topic === topic &&
      ahead.partition === partition &&
      ahead.offset === offset &&
      ahead.maxBytes === maxBytes
        ? await ahead.fetched.catch(() => undefined)
        : undefined) ?? (await this.#fetch(topic, partition, offset, maxBytes));
    const records: LogRecord[] = [];
    let nextOffset = offset;
    let cut = false;
    const aborted = new AbortedTransactions(fetched.abortedTransactions ?? []);
    batches: for (const batch of fetched.records ?? []) {
      const first = Number(batch.firstOffset);
      if (!aborted.skips(batch, first) && (batch.attributes & CONTROL_BATCH) === 0) {
        const logAppendTime = (batch.attributes & LOG_APPEND_TIME) !== 0;
        for (const r of batch.records) {
          const at = first + r.offsetDelta;
          if (at < offset) continue;
          if (records.length >= maxRecords) {
            nextOffset = at;
            cut = true;
            break batches;
          }
          records.push({
            offset: at,
            timestamp: Number(logAppendTime ? batch.maxTimestamp : batch.firstTimestamp + r.timestampDelta),
            key: r.key,
            value: r.value,
            headers:
              r.headers.length === 0
                ? []
                : r.headers.map(([k, v]) => ({ key: k?.toString() ?? '', value: v })),
          });
        }
      }
      nextOffset = Math.max(nextOffset, first + batch.lastOffsetDelta + 1);
    }
    const endOffset = Number(stableEnd(fetched));
    if (cursor !== undefined && !this.#closed && (cut || nextOffset < endOffset)) {
      const next = cut ? Promise.resolve(fetched) : this.#fetch(topic, partition, nextOffset, maxBytes);
      // A failed fetch-ahead is sent again by the read that wanted it.
      next.catch(() => {});
      cursor.state = { topic, partition, offset: nextOffset, maxBytes, fetched: next } satisfies FetchAhead;
    }
    return { records, nextOffset, endOffset };
  }

  async beginningOffset(topic: string, partition: number): Promise<number> {
    await this.#partitionMeta(topic, partition);
    return Number((await this.#offsets(topic, -2n))[partition] ?? 0n);
  }

  /** Kafka's own ListOffsets by time (its time index), then the record there for its timestamp. */
  async offsetForTimestamp(
    topic: string,
    partition: number,
    timestamp: number,
  ): Promise<{ offset: number; timestamp: number } | undefined> {
    await this.#partitionMeta(topic, partition);
    const offset = Number((await this.#offsets(topic, BigInt(timestamp)))[partition] ?? -1n);
    if (offset < 0) return undefined;
    const read = await this.read(topic, partition, offset, { maxRecords: 1 });
    const found = read.records[0];
    return found === undefined ? undefined : { offset: found.offset, timestamp: found.timestamp };
  }

  async endOffset(topic: string, partition: number): Promise<number> {
    await this.#partitionMeta(topic, partition);
    return Number((await this.#offsets(topic, -1n))[partition] ?? 0n);
  }

  waitForData(
    topic: string,
    partition: number,
    offset: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<boolean> {
    if (signal?.aborted || this.#closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (hasData: boolean) => {
        if (!this.#waiters.delete(waiter)) return;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(hasData);
      };
      const waiter: Waiter = { topic, partition, offset, finish };
      const onAbort = () => finish(false);
      const timer = setTimeout(() => finish(false), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(waiter);
      if (!this.#waiting) void this.#waitRounds();
    });
  }

  /**
   * Long-polls every partition someone waits on in one Fetch per leader (min 1 byte, at most
   * WAIT_ROUND_MS at the broker), wakes the waiters whose partition's high watermark passed their
   * offset, and asks again while anyone waits. An error wakes the waiters, whose read then says it.
   */
  async #waitRounds(): Promise<void> {
    this.#waiting = true;
    try {
      while (this.#waiters.size > 0 && !this.#closed) {
        const byNode = new Map<number, Map<string, { meta: TopicMeta; partitions: Map<number, number> }>>();
        for (const w of [...this.#waiters]) {
          let meta: TopicMeta;
          try {
            meta = await this.#partitionMeta(w.topic, w.partition);
          } catch {
            w.finish(true);
            continue;
          }
          const node = meta.leaders[w.partition];
          const topics = byNode.get(node) ?? new Map();
          byNode.set(node, topics);
          const t = topics.get(w.topic) ?? { meta, partitions: new Map<number, number>() };
          topics.set(w.topic, t);
          t.partitions.set(w.partition, Math.min(t.partitions.get(w.partition) ?? w.offset, w.offset));
        }
        await Promise.all(
          [...byNode].map(async ([node, topics]) => {
            const ids = new Map([...topics].map(([name, t]) => [fetchKey(t.meta.id, name), name]));
            try {
              const response = await this.#client.fetch({
                node,
                maxWaitTime: WAIT_ROUND_MS,
                minBytes: 1,
                maxBytes: 1,
                connectionPool: this.#waitPool,
                isolationLevel: FetchIsolationLevels.READ_COMMITTED,
                topics: [...topics].map(([name, t]) => ({
                  topicId: fetchKey(t.meta.id, name),
                  partitions: [...t.partitions].map(([partition, offset]) => ({
                    partition,
                    fetchOffset: BigInt(offset),
                    partitionMaxBytes: 1,
                    currentLeaderEpoch: -1,
                    lastFetchedEpoch: -1,
                  })),
                })),
              });
              for (const t of response.responses) {
                const name = ids.get(t.topicId);
                for (const p of t.partitions) {
                  const end = Number(stableEnd(p));
                  for (const w of this.#waiters)
                    if (
                      w.topic === name &&
                      w.partition === p.partitionIndex &&
                      (end > w.offset || p.errorCode !== 0)
                    )
                      w.finish(true);
                }
              }
            } catch {
              for (const w of this.#waiters) if (topics.has(w.topic)) w.finish(true);
            }
          }),
        );
      }
    } finally {
      this.#waiting = false;
    }
  }

  async commitOffsets(group: string, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    this.#checkOpen();
    if (offsets.length === 0) return;
    const byTopic = new Map<string, { partition: number; offset: bigint }[]>();
    for (const o of offsets) {
      const list = byTopic.get(o.topic) ?? [];
      list.push({ partition: o.partition, offset: BigInt(o.offset) });
      byTopic.set(o.topic, list);
    }
    try {
      await retryTransient(
        () =>
          this.#admin.alterConsumerGroupOffsets({
            groupId: group,
            topics: [...byTopic].map(([name, partitionOffsets]) => ({ name, partitionOffsets })),
          }),
        () => {},
      );
    } catch (err) {
      throw fromKafkaError(err, `Committing offsets of group '${group}'`);
    }
  }

  async committedOffsets(group: string, topic?: string): Promise<TopicPartitionOffset[]> {
    this.#checkOpen();
    let groups: Awaited<ReturnType<Admin['listConsumerGroupOffsets']>>;
    try {
      groups = await retryTransient(
        () => this.#admin.listConsumerGroupOffsets({ groups: [group] }),
        () => {},
      );
    } catch (err) {
      throw fromKafkaError(err, `Offsets of group '${group}'`);
    }
    const out: TopicPartitionOffset[] = [];
    for (const g of groups)
      for (const t of g.topics)
        if (topic === undefined || t.name === topic)
          for (const p of t.partitions)
            if (p.committedOffset >= 0n)
              out.push({
                topic: t.name,
                partition: p.partitionIndex,
                offset: Number(p.committedOffset),
                ...(p.metadata ? { metadata: p.metadata } : {}),
              });
    return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }

  async listGroups(): Promise<string[]> {
    this.#checkOpen();
    return [...(await this.#admin.listGroups()).keys()].sort();
  }

  async deleteCommittedOffsets(group: string, partitions?: readonly TopicPartition[]): Promise<void> {
    this.#checkOpen();
    try {
      if (partitions === undefined) {
        await retryTransient(
          () => this.#admin.deleteGroups({ groups: [group] }),
          () => {},
        );
        return;
      }
      if (partitions.length === 0) return;
      const byTopic = new Map<string, number[]>();
      for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
      await retryTransient(
        () =>
          this.#admin.deleteConsumerGroupOffsets({
            groupId: group,
            topics: [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
          }),
        () => {},
      );
    } catch (err) {
      const ids = kafkaErrorIds(err);
      // A group Kafka does not know has no offsets to forget.
      if (ids.has('GROUP_ID_NOT_FOUND')) return;
      if (ids.has('NON_EMPTY_GROUP') || ids.has('GROUP_SUBSCRIBED_TO_TOPIC'))
        throw new LogError(
          'GROUP_NOT_EMPTY',
          `Group '${group}' has active members in Kafka${ids.has('GROUP_SUBSCRIBED_TO_TOPIC') ? ' subscribed to these topics' : ''}: stop its consumers first, then delete its offsets.`,
          { cause: err, key: group },
        );
      throw fromKafkaError(err, `Deleting the offsets of group '${group}'`);
    }
  }

  /**
   * Persistent queries under exactly_once_v2 stay refused on Kafka: a stateful query (GROUP BY)
   * killed again and again (test/e2e/aggregate-exactly-once.test.ts on Kafka) still ends with
   * counts well below its input while its committed offsets are at the input's end, and they do
   * not catch up. prepareTransactions now waits for the last transaction's markers also after a
   * restart in the same process; the cause of the rest is not found yet. Until it is, queries are
   * not given a guarantee that does not hold.
   */
  checkTransactions(): void {
    throw notOnKafka(
      'processing.guarantee=exactly_once_v2 for persistent queries (Kafka transactions are there, but a stateful query killed mid-stream is not exact yet)',
    );
  }

  beginTransaction(transactionalId: string): LogTransaction {
    this.#checkOpen();
    const epoch = (this.#transactionEpochs.get(transactionalId) ?? 0) + 1;
    this.#transactionEpochs.set(transactionalId, epoch);
    return new KafkaLogTransaction(transactionalId, epoch, this.#transactionHost);
  }

  /**
   * Kafka Streams' initTransactions before it restores state: InitProducerId for the id, which
   * aborts a transaction an earlier process left open (a SIGKILL) and waits for its last commit's
   * markers, so what is read afterwards (committed offsets, changelogs) includes every committed
   * transaction and nothing of the others.
   */
  async prepareTransactions(transactionalId: string): Promise<void> {
    this.#checkOpen();
    await prepareKafkaTransactions(transactionalId, this.#transactionHost);
  }

  /** What KafkaLogTransaction asks of this log. */
  readonly #transactionHost: KafkaTransactionHost = {
    producerFor: (id) => {
      let producer = this.#transactionalProducers.get(id);
      if (producer === undefined) {
        producer = Promise.resolve(
          new Producer<Buffer, Buffer, Buffer, Buffer>({
            ...this.#base,
            clientId: `${this.#base.clientId}-tx`,
            transactionalId: id,
            idempotent: true,
            // @platformatic/kafka 1.35 sends InitProducerId with producer id 0 and epoch 0 unless
            // told otherwise; Kafka reads those as "bump my own epoch" (KIP-360) and fences a
            // process that is not that producer. -1/-1 asks for the id's producer at a new epoch.
            producerId: -1n,
            producerEpoch: -1,
            acks: ProduceAcks.ALL,
            autocreateTopics: false,
          }),
        );
        this.#transactionalProducers.set(id, producer);
      }
      return producer;
    },
    dropProducer: async (id) => {
      const producer = this.#transactionalProducers.get(id);
      this.#transactionalProducers.delete(id);
      await producer?.then((p) => p.close()).catch(() => {});
    },
    isCurrent: (id, e) => !this.#closed && this.#transactionEpochs.get(id) === e,
    messagesFor: async (topic, records, producer) => {
      const { messages, count } = await this.#messagesFor(topic, records, Date.now());
      await this.#producerKnows(producer, topic, count);
      return messages;
    },
    groupCoordinator: async (group) => {
      try {
        const [found] = await retryTransient(
          () => this.#admin.findCoordinator({ keyType: FindCoordinatorKeyTypes.GROUP, keys: [group] }),
          () => {},
        );
        return found.nodeId;
      } catch (err) {
        throw fromKafkaError(err, `Finding the coordinator of group '${group}'`);
      }
    },
  };

  async flush(): Promise<void> {
    // Every append waited for acks=all already.
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of [...this.#waiters]) w.finish(false);
    await Promise.allSettled([
      this.#admin.close(),
      this.#producer.close(),
      ...[...this.#transactionalProducers.values()].map((p) => p.then((producer) => producer.close())),
      this.#client.close(true),
      this.#probe.close(),
      this.#waitPool.close(),
    ]);
  }
}
