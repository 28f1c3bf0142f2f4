import type { Log, LogRecord } from '../log/index.js';

export interface PartitionBatch {
  readonly partition: number;
  /** The partition's place in the follower's `positions`. */
  readonly index: number;
  readonly records: readonly LogRecord[];
  /** Where the partition is read from next: what a commit after this batch records. */
  readonly nextOffset: number;
}

/**
 * Follows every partition of a topic from given positions, batch by batch, waiting for new records
 * with the log's notifications rather than polling.
 */
export class TopicFollower {
  readonly positions: number[];
  private readonly log: Log;
  private readonly topic: string;
  private readonly partitions: readonly number[];
  private next = 0;

  constructor(log: Log, topic: string, partitions: readonly number[], positions: readonly number[]) {
    this.log = log;
    this.topic = topic;
    this.partitions = partitions;
    this.positions = [...positions];
  }

  /** True when every partition has been read to its end offset. */
  caughtUp(): boolean {
    return this.partitions.every((p, i) => this.positions[i] >= this.log.endOffset(this.topic, p));
  }

  /**
   * The next batch from some partition with data, partitions taken in turn so none starves. Waits
   * when all are caught up; resolves undefined once `signal` aborts, and null when nothing came
   * before `idleUntil` (a Date.now() time), so a caller can do its idle work.
   */
  async read(
    signal: AbortSignal,
    maxRecords: number,
    idleUntil?: number,
  ): Promise<PartitionBatch | null | undefined> {
    while (!signal.aborted) {
      for (let n = 0; n < this.partitions.length; n++) {
        const i = (this.next + n) % this.partitions.length;
        const partition = this.partitions[i];
        const position = this.positions[i];
        if (position >= this.log.endOffset(this.topic, partition)) continue;
        const { records, nextOffset } = await this.log.read(this.topic, partition, position, { maxRecords });
        this.positions[i] = nextOffset;
        this.next = (i + 1) % this.partitions.length;
        if (records.length > 0) return { partition, index: i, records, nextOffset };
      }
      const wait = idleUntil === undefined ? 60_000 : idleUntil - Date.now();
      if (wait <= 0) return null;
      await this.waitForAny(signal, wait);
    }
    return undefined;
  }

  private async waitForAny(signal: AbortSignal, timeoutMs: number): Promise<void> {
    const done = new AbortController();
    const stop = () => done.abort();
    signal.addEventListener('abort', stop, { once: true });
    try {
      await Promise.race(
        this.partitions.map((p, i) =>
          this.log.waitForData(this.topic, p, this.positions[i], Math.min(timeoutMs, 60_000), done.signal),
        ),
      );
    } finally {
      signal.removeEventListener('abort', stop);
      done.abort();
    }
  }
}

/** Where to start reading each partition: the committed offset, else the beginning or the end. */
export async function startPositions(
  log: Log,
  topic: string,
  group: string | undefined,
  fromEarliest: boolean,
): Promise<{ partitions: number[]; positions: number[] }> {
  const d = await log.describeTopic(topic);
  const committed = new Map<number, number>();
  if (group !== undefined)
    for (const c of await log.committedOffsets(group, topic)) committed.set(c.partition, c.offset);
  const partitions = d.partitions.map((p) => p.partition);
  const positions = d.partitions.map((p) => {
    const c = committed.get(p.partition);
    if (c !== undefined && c >= p.beginningOffset && c <= p.endOffset) return c;
    return fromEarliest ? p.beginningOffset : p.endOffset;
  });
  return { partitions, positions };
}
