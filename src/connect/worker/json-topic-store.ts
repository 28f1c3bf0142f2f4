import { type Log, replayToEnd } from '../../log/index.js';
import { createTopicIfMissing } from './log-unavailable.js';

/**
 * A compacted topic of JSON values by string key: the shape of all three of Kafka Connect's
 * internal topics. Writes are durable once `put` resolves; `load` replays the topic so a restart
 * sees the latest value per key (a null value deletes the key).
 */
export class JsonTopicStore {
  readonly topic: string;
  private readonly log: Log;
  private readonly partitions: number;
  readonly values = new Map<string, unknown>();
  /** Hears each record read after `load` (records other workers wrote, and this one's own). */
  onRecord: ((key: string, value: unknown) => void) | undefined;
  private loaded = false;
  /** Where the next read of each partition starts (what `load` and `catchUp` have read). */
  private next: number[] = [];
  /** The read in progress, which the next `catchUp` waits for. */
  private reading: Promise<boolean> | undefined;

  constructor(log: Log, topic: string, partitions: number) {
    this.log = log;
    this.topic = topic;
    this.partitions = partitions;
  }

  /** Creates the topic (compacted) if needed and reads it into memory. */
  async load(): Promise<void> {
    // Another worker of the group may create it at the same moment: then it is read like any other.
    const created =
      !(await this.log.hasTopic(this.topic)) &&
      (await createTopicIfMissing(this.log, this.topic, this.partitions, { 'cleanup.policy': 'compact' }));
    if (!created) await this.catchUp();
    this.loaded = true;
  }

  /**
   * Reads what other workers of the group wrote since the last read (a distributed worker follows
   * the topic); resolves whether anything was read. Own writes are read again, to the same values.
   */
  catchUp(): Promise<boolean> {
    // One read at a time: two overlapping reads would start from the same offsets and hand the
    // same records to `onRecord` twice (a restart request run twice, say).
    const read = (this.reading ?? Promise.resolve(false)).then(
      () => this.readToEnd(),
      () => this.readToEnd(),
    );
    this.reading = read;
    return read;
  }

  private async readToEnd(): Promise<boolean> {
    let changed = false;
    this.next = await replayToEnd(
      this.log,
      this.topic,
      (records) => {
        changed = true;
        for (const r of records) {
          if (r.key === null) continue;
          const key = r.key.toString('utf8');
          const value = r.value === null ? null : JSON.parse(r.value.toString('utf8'));
          if (value === null) this.values.delete(key);
          else this.values.set(key, value);
          if (this.loaded) this.onRecord?.(key, value);
        }
      },
      { from: (partition) => this.next[partition] ?? 0 },
    );
    return changed;
  }

  /** How far the topic has been read: the sum of every partition's next offset (the config topic has one). */
  get position(): number {
    return this.next.reduce((a, b) => a + (b ?? 0), 0);
  }

  /** Writes several keys in one append; null deletes. */
  async putAll(entries: readonly (readonly [string, unknown])[]): Promise<void> {
    if (entries.length === 0) return;
    try {
      await this.log.append(
        this.topic,
        entries.map(([key, value]) => ({
          key: Buffer.from(key),
          value: value === null ? null : Buffer.from(JSON.stringify(value)),
        })),
      );
    } catch (err) {
      // A Sluice server's Kafka listener keeps its own worker's topics (Kafka's default names) to it.
      if (/TOPIC_AUTHORIZATION_FAILED/.test((err as Error).message))
        throw new Error(
          `The Kafka cluster refuses this worker's writes to ${this.topic} (TOPIC_AUTHORIZATION_FAILED). On a Sluice server's Kafka listener, the server's own Connect worker keeps connect-configs, connect-offsets and connect-status: give this worker's config.storage.topic, offset.storage.topic and status.storage.topic (CONNECT_CONFIG_STORAGE_TOPIC, CONNECT_OFFSET_STORAGE_TOPIC, CONNECT_STATUS_STORAGE_TOPIC) names of their own.`,
          { cause: err },
        );
      throw err;
    }
    for (const [key, value] of entries) {
      if (value === null) this.values.delete(key);
      else this.values.set(key, value);
    }
  }

  put(key: string, value: unknown): Promise<void> {
    return this.putAll([[key, value]]);
  }

  get(key: string): unknown {
    return this.values.get(key);
  }
}
