import { type Log, replayToEnd } from '../../log/index.js';

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

  constructor(log: Log, topic: string, partitions: number) {
    this.log = log;
    this.topic = topic;
    this.partitions = partitions;
  }

  /** Creates the topic (compacted) if needed and reads it into memory. */
  async load(): Promise<void> {
    if (!(await this.log.hasTopic(this.topic))) {
      await this.log.createTopic(this.topic, {
        partitions: this.partitions,
        config: { 'cleanup.policy': 'compact' },
      });
      return;
    }
    await replayToEnd(this.log, this.topic, (records) => {
      for (const r of records) {
        if (r.key === null) continue;
        const key = r.key.toString('utf8');
        if (r.value === null) this.values.delete(key);
        else this.values.set(key, JSON.parse(r.value.toString('utf8')));
      }
    });
  }

  /** Writes several keys in one append; null deletes. */
  async putAll(entries: readonly (readonly [string, unknown])[]): Promise<void> {
    if (entries.length === 0) return;
    await this.log.append(
      this.topic,
      entries.map(([key, value]) => ({
        key: Buffer.from(key),
        value: value === null ? null : Buffer.from(JSON.stringify(value)),
      })),
    );
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
