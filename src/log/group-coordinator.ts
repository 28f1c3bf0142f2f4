import { Consumer } from './consumer.js';
import { invalidPartition, LogError, unknownTopic } from './errors.js';
import { replayToEnd } from './replay.js';
import type { Log, LogRecord, ProduceRecord, TopicPartition, TopicPartitionOffset } from './types.js';

/** Where committed group offsets live, as in Kafka: a compacted topic keyed by group, topic and partition. */
export const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets';

/** The storage a coordinator needs: appending to and reading its topic, and what topics exist. */
export type CoordinatorStore = Pick<
  Log,
  | 'append'
  | 'read'
  | 'beginningOffset'
  | 'endOffset'
  | 'waitForData'
  | 'describeTopic'
  | 'hasTopic'
  | 'createTopic'
>;

/*
 * The record of one committed offset (the layout every Sluice data dir has used):
 *   key   JSON [group, topic, partition]
 *   value JSON {"offset": n, "metadata": "…", "commitTimestamp": ms}, or null to forget it
 * Other keys in the topic (the embedded log's transaction states, `{"transaction": id}`) are not
 * the coordinator's and are skipped.
 */
export function offsetCommitRecord(group: string, o: TopicPartitionOffset, now: number): ProduceRecord {
  return {
    key: Buffer.from(JSON.stringify([group, o.topic, o.partition])),
    value: Buffer.from(
      JSON.stringify({ offset: o.offset, metadata: o.metadata ?? '', commitTimestamp: now }),
    ),
    timestamp: now,
  };
}

interface OffsetEntry {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  /** Undefined for a tombstone: the group forgot this partition. */
  readonly committed: { readonly offset: number; readonly metadata: string } | undefined;
}

function parseOffsetRecord(r: LogRecord): OffsetEntry | undefined {
  if (r.key === null || r.key.length === 0 || r.key[0] !== 0x5b /* [ */) return undefined;
  const [group, topic, partition] = JSON.parse(r.key.toString()) as [string, string, number];
  if (r.value === null) return { group, topic, partition, committed: undefined };
  const v = JSON.parse(r.value.toString()) as { offset: number; metadata?: string };
  return { group, topic, partition, committed: { offset: v.offset, metadata: v.metadata ?? '' } };
}

const keyOf = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * Kafka's group coordinator, over any log: commits append to `__consumer_offsets` and the committed
 * offsets are what that topic says. It follows the topic rather than trusting its own writes, so
 * offsets committed by a log transaction (with its records, Kafka's sendOffsetsToTransaction) count
 * from the moment the transaction commits. A question reads what was appended since the last one.
 */
export class GroupCoordinator {
  private readonly store: CoordinatorStore;
  private readonly follower: Consumer;
  private readonly groups = new Map<string, Map<string, TopicPartitionOffset>>();
  /** The catch-up running now: a question asked meanwhile waits for it, then reads on itself. */
  private catchingUp: Promise<void> | undefined;

  private constructor(store: CoordinatorStore) {
    this.store = store;
    this.follower = new Consumer(store as Log, { autoOffsetReset: 'earliest' });
  }

  /** Creates the offsets topic when missing and reads it whole. */
  static async open(store: CoordinatorStore): Promise<GroupCoordinator> {
    if (!(await store.hasTopic(CONSUMER_OFFSETS_TOPIC))) {
      // Kafka's offsets.topic.segment.bytes: small enough that compaction gets closed segments.
      await store.createTopic(CONSUMER_OFFSETS_TOPIC, {
        partitions: 1,
        config: { 'cleanup.policy': 'compact', 'segment.bytes': '104857600' },
      });
    }
    const coordinator = new GroupCoordinator(store);
    const ends = await replayToEnd(store as Log, CONSUMER_OFFSETS_TOPIC, (records) =>
      coordinator.apply(records),
    );
    await coordinator.follower.assignTopic(CONSUMER_OFFSETS_TOPIC);
    for (const [i, tp] of coordinator.follower.assignment().entries()) coordinator.follower.seek(tp, ends[i]);
    return coordinator;
  }

  /** Throws what a commit of these offsets would: an empty group, an unknown topic or partition. */
  async check(group: string, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (group.length === 0) throw new LogError('INVALID_CONFIG', 'A consumer group id must not be empty.');
    const counts = new Map<string, number>();
    for (const o of offsets) {
      let count = counts.get(o.topic);
      if (count === undefined) {
        if (!(await this.store.hasTopic(o.topic))) throw unknownTopic(o.topic);
        count = (await this.store.describeTopic(o.topic)).partitions.length;
        counts.set(o.topic, count);
      }
      if (!Number.isInteger(o.partition) || o.partition < 0 || o.partition >= count)
        throw invalidPartition(o.topic, o.partition, count);
    }
  }

  async commitOffsets(group: string, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    await this.check(group, offsets);
    if (offsets.length === 0) return;
    const now = Date.now();
    await this.store.append(
      CONSUMER_OFFSETS_TOPIC,
      offsets.map((o) => offsetCommitRecord(group, o, now)),
    );
  }

  /**
   * Forgets committed offsets with tombstones: the group's every one, or those of `partitions`. Only
   * offsets the group has get one, so deleting twice writes nothing the second time.
   */
  async deleteOffsets(group: string, partitions?: readonly TopicPartition[]): Promise<void> {
    await this.catchUp();
    const committed = this.groups.get(group);
    if (committed === undefined) return;
    const keys =
      partitions === undefined
        ? [...committed.values()]
        : partitions.filter((p) => committed.has(keyOf(p.topic, p.partition)));
    if (keys.length === 0) return;
    const now = Date.now();
    await this.store.append(
      CONSUMER_OFFSETS_TOPIC,
      keys.map((k) => ({ ...offsetCommitRecord(group, { ...k, offset: -1 }, now), value: null })),
    );
  }

  async committedOffsets(group: string, topic?: string): Promise<TopicPartitionOffset[]> {
    await this.catchUp();
    const committed = this.groups.get(group);
    if (committed === undefined) return [];
    return [...committed.values()]
      .filter((o) => topic === undefined || o.topic === topic)
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }

  async listGroups(): Promise<string[]> {
    await this.catchUp();
    return [...this.groups.keys()].filter((g) => (this.groups.get(g)?.size ?? 0) > 0).sort();
  }

  /** Reads what was appended to the offsets topic up to now; one reader at a time. */
  private async catchUp(): Promise<void> {
    while (this.catchingUp !== undefined) await this.catchingUp;
    this.catchingUp = this.readNew();
    try {
      await this.catchingUp;
    } finally {
      this.catchingUp = undefined;
    }
  }

  private async readNew(): Promise<void> {
    const never = new AbortController().signal;
    for (;;) {
      const batches = await this.follower.poll(10_000, never, 0);
      if (batches.length === 0) return;
      for (const b of batches) this.apply(b.records);
    }
  }

  private apply(records: readonly LogRecord[]): void {
    for (const r of records) {
      const entry = parseOffsetRecord(r);
      if (entry === undefined) continue;
      let committed = this.groups.get(entry.group);
      if (committed === undefined) {
        committed = new Map();
        this.groups.set(entry.group, committed);
      }
      const id = keyOf(entry.topic, entry.partition);
      if (entry.committed === undefined) committed.delete(id);
      else committed.set(id, { topic: entry.topic, partition: entry.partition, ...entry.committed });
    }
  }
}
