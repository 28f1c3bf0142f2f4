import { LogError } from './errors.js';
import { ReadCursor } from './read-cursor.js';
import type { Log, LogRecord, ReadResult, TopicPartition, TopicPartitionOffset } from './types.js';

export type { TopicPartition } from './types.js';

/**
 * Where a partition starts when the group has no committed offset for it (or no group is used), and
 * where it goes when its position is no longer in the log (retention deleted it): Kafka's
 * auto.offset.reset. `none` refuses with OFFSET_OUT_OF_RANGE instead.
 */
export type OffsetReset = 'earliest' | 'latest' | 'none';

export interface ConsumerOptions {
  /**
   * The consumer group: an assigned partition starts at the group's committed offset when it has a
   * valid one, and `commit` records positions for it. Without a group nothing is committed.
   */
  readonly group?: string;
  /** Default `latest`, as in Kafka. */
  readonly autoOffsetReset?: OffsetReset;
  /**
   * Kafka's metadata.max.age.ms: how often topics assigned with `assignTopics` are described again,
   * so partitions added to them (createPartitions) are read without a restart. Default 30 s.
   */
  readonly metadataMaxAgeMs?: number;
}

/** Records of one partition in a poll, in offset order. */
export interface PartitionRecords extends TopicPartition {
  readonly records: readonly LogRecord[];
  /** The partition's position after these records: what a commit that covers them records. */
  readonly nextOffset: number;
}

const DEFAULT_METADATA_MAX_AGE_MS = 30_000;

/** How long one wait on the log may last before it is renewed (setTimeout's limit is ~24 days). */
const LONGEST_WAIT_MS = 60_000;

interface Assigned extends TopicPartition {
  readonly key: string;
  position: number;
  /**
   * The partition's end offset as this poll's last read saw it, so a waiting poll reads only the
   * partitions the log says have more; undefined when it must be read to know.
   */
  knownEnd: number | undefined;
  paused: boolean;
  readonly cursor: ReadCursor;
}

const keyOf = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`;

/**
 * Reads a set of topic-partitions the way every reader of the log should: each partition starts at
 * the group's committed offset, else where `autoOffsetReset` says; `poll` returns a batch across the
 * partitions with data, taking them in turn so none starves, and waits on the log's notifications
 * (never a busy loop) when all are caught up; positions move only as records are returned; `commit`
 * records them for the group. Its read cursors are its own. Not safe for concurrent polls.
 */
export class Consumer {
  readonly log: Log;
  readonly group: string | undefined;
  private readonly reset: OffsetReset;
  private readonly metadataMaxAgeMs: number;
  private assigned: Assigned[] = [];
  /** Topics whose partition count is followed (assignTopics), and when they were last described. */
  private followed: readonly string[] = [];
  /** Which of the followed topics' partitions are this consumer's (the rest are other consumers'). */
  private owns: (tp: TopicPartition) => boolean = () => true;
  private describedAt = 0;
  /** The partition the next poll reads first: the one after the last that gave records. */
  private next = 0;

  constructor(log: Log, options: ConsumerOptions = {}) {
    this.log = log;
    this.group = options.group;
    this.reset = options.autoOffsetReset ?? 'latest';
    this.metadataMaxAgeMs = options.metadataMaxAgeMs ?? DEFAULT_METADATA_MAX_AGE_MS;
    if (this.group !== undefined && this.group.length === 0) {
      throw new LogError('INVALID_CONFIG', 'A consumer group id must not be empty.');
    }
  }

  /**
   * Reads these partitions from now on (replacing the previous assignment), each from the group's
   * committed offset when it is still in the log, else from the beginning or end (autoOffsetReset).
   */
  async assign(partitions: readonly TopicPartition[]): Promise<void> {
    this.followed = [];
    this.assigned = await this.positioned(partitions, this.reset);
    this.next = 0;
  }

  /** Each partition with its start position: the group's committed offset if valid, else `reset`. */
  private async positioned(partitions: readonly TopicPartition[], reset: OffsetReset): Promise<Assigned[]> {
    const committed = new Map<string, number>();
    if (this.group !== undefined && partitions.length > 0) {
      for (const c of await this.log.committedOffsets(this.group)) committed.set(keyOf(c), c.offset);
    }
    const assigned: Assigned[] = [];
    for (const tp of partitions) {
      const key = keyOf(tp);
      const [begin, end] = await Promise.all([
        this.log.beginningOffset(tp.topic, tp.partition),
        this.log.endOffset(tp.topic, tp.partition),
      ]);
      const c = committed.get(key);
      const position =
        c !== undefined && c >= begin && c <= end
          ? c
          : this.resetPosition(tp, begin, end, c, undefined, reset);
      assigned.push({
        topic: tp.topic,
        partition: tp.partition,
        key,
        position,
        knownEnd: end,
        paused: false,
        cursor: new ReadCursor(),
      });
    }
    return assigned;
  }

  /** Assigns every partition of `topic` (its partitions as they are now, not those added later). */
  async assignTopic(topic: string): Promise<void> {
    const d = await this.log.describeTopic(topic);
    await this.assign(d.partitions.map((p) => ({ topic, partition: p.partition })));
  }

  /**
   * Assigns every partition of these topics (those `owns` accepts), in order, and keeps doing so:
   * every metadataMaxAgeMs a poll describes them again and appends partitions added since (that it
   * accepts) to the assignment. A new partition
   * starts at the group's committed offset, else at its beginning (all of it is new to this consumer).
   */
  async assignTopics(
    topics: readonly string[],
    owns: (tp: TopicPartition) => boolean = () => true,
  ): Promise<void> {
    const partitions: TopicPartition[] = [];
    for (const topic of topics) {
      const d = await this.log.describeTopic(topic);
      partitions.push(...d.partitions.map((p) => ({ topic, partition: p.partition })).filter(owns));
    }
    await this.assign(partitions);
    this.followed = [...topics];
    this.owns = owns;
    this.describedAt = Date.now();
  }

  /** Appends the followed topics' partitions added since they were last described. */
  private async addNewPartitions(): Promise<void> {
    this.describedAt = Date.now();
    const have = new Set(this.assigned.map((a) => a.key));
    const added: TopicPartition[] = [];
    for (const topic of this.followed) {
      const d = await this.log.describeTopic(topic);
      for (const p of d.partitions) {
        const tp = { topic, partition: p.partition };
        if (!have.has(keyOf(tp)) && this.owns(tp)) added.push(tp);
      }
    }
    if (added.length > 0) this.assigned.push(...(await this.positioned(added, 'earliest')));
  }

  assignment(): TopicPartition[] {
    return this.assigned.map(({ topic, partition }) => ({ topic, partition }));
  }

  /** Each assigned partition's position: the offset the next poll reads it from. */
  positions(): TopicPartitionOffset[] {
    return this.assigned.map(({ topic, partition, position }) => ({ topic, partition, offset: position }));
  }

  position(tp: TopicPartition): number {
    return this.get(tp).position;
  }

  /** Reads `tp` from `offset` on; an offset outside the log is refused by the next poll's read. */
  seek(tp: TopicPartition, offset: number): void {
    if (!Number.isInteger(offset) || offset < 0) {
      throw new LogError(
        'OFFSET_OUT_OF_RANGE',
        `Cannot seek ${tp.topic}-${tp.partition} to ${offset}: use an offset ≥ 0.`,
      );
    }
    const a = this.get(tp);
    a.position = offset;
    a.knownEnd = undefined;
  }

  async seekToBeginning(partitions: readonly TopicPartition[] = this.assigned): Promise<void> {
    for (const tp of partitions) this.seek(tp, await this.log.beginningOffset(tp.topic, tp.partition));
  }

  async seekToEnd(partitions: readonly TopicPartition[] = this.assigned): Promise<void> {
    for (const tp of partitions) this.seek(tp, await this.log.endOffset(tp.topic, tp.partition));
  }

  /** Paused partitions are neither read nor waited on until resumed; their positions stay. */
  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.get(tp).paused = true;
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.get(tp).paused = false;
  }

  /**
   * Up to `maxRecords` records from the partitions that have some, starting with the partition
   * after the one that gave records last. When none has any, waits for an append to any of them,
   * up to `timeoutMs` (default: until `signal` aborts); resolves [] on timeout or abort.
   */
  async poll(
    maxRecords: number,
    signal: AbortSignal,
    timeoutMs = Number.POSITIVE_INFINITY,
  ): Promise<PartitionRecords[]> {
    const deadline = Date.now() + timeoutMs;
    // What the last poll learnt of the end offsets may be old by now: look again once per poll.
    for (const a of this.assigned) a.knownEnd = undefined;
    while (!signal.aborted) {
      const follow = this.followed.length > 0;
      if (follow && Date.now() - this.describedAt >= this.metadataMaxAgeMs) await this.addNewPartitions();
      const batch = await this.readAvailable(Math.max(1, maxRecords));
      if (batch.length > 0) return batch;
      const left = deadline - Date.now();
      if (left <= 0) return [];
      // A wait ends by the next describe, so a partition added meanwhile is not waited past.
      const describeIn = follow ? this.describedAt + this.metadataMaxAgeMs - Date.now() : LONGEST_WAIT_MS;
      await this.waitForAny(Math.max(1, Math.min(left, LONGEST_WAIT_MS, describeIn)), signal);
    }
    return [];
  }

  /**
   * One round over the partitions that may have records, in turn from `next`. Positions move once
   * every read of the round has succeeded: a read that fails (a remote log away) loses nothing.
   */
  private async readAvailable(maxRecords: number): Promise<PartitionRecords[]> {
    const reads: { a: Assigned; result: ReadResult }[] = [];
    const n = this.assigned.length;
    let total = 0;
    let last = -1;
    for (let k = 0; k < n && total < maxRecords; k++) {
      const i = (this.next + k) % n;
      const a = this.assigned[i];
      if (a.paused || (a.knownEnd !== undefined && a.position >= a.knownEnd)) continue;
      const result = await this.read(a, maxRecords - total);
      reads.push({ a, result });
      if (result.records.length === 0) continue;
      total += result.records.length;
      last = i;
    }
    const out: PartitionRecords[] = [];
    for (const { a, result } of reads) {
      a.knownEnd = result.endOffset;
      a.position = result.nextOffset;
      if (result.records.length === 0) continue;
      const { records, nextOffset } = result;
      out.push({ topic: a.topic, partition: a.partition, records, nextOffset });
    }
    if (last >= 0) this.next = (last + 1) % n;
    return out;
  }

  /** Reads on from the position; a position no longer in the log moves as autoOffsetReset says. */
  private async read(a: Assigned, maxRecords: number): Promise<ReadResult> {
    try {
      return await this.log.read(a.topic, a.partition, a.position, { maxRecords, cursor: a.cursor });
    } catch (err) {
      if (!(err instanceof LogError) || err.code !== 'OFFSET_OUT_OF_RANGE') throw err;
      const [begin, end] = await Promise.all([
        this.log.beginningOffset(a.topic, a.partition),
        this.log.endOffset(a.topic, a.partition),
      ]);
      // The log moved past it (retention) or was truncated; an explicit seek outside it, too.
      const from = a.position;
      a.position = this.resetPosition(a, begin, end, from, err);
      return { records: [], nextOffset: a.position, endOffset: end };
    }
  }

  private resetPosition(
    tp: TopicPartition,
    begin: number,
    end: number,
    from?: number,
    cause?: Error,
    reset: OffsetReset = this.reset,
  ): number {
    if (reset === 'earliest') return begin;
    if (reset === 'latest') return end;
    throw new LogError(
      'OFFSET_OUT_OF_RANGE',
      from === undefined
        ? `${tp.topic}-${tp.partition} has no committed offset for group '${this.group ?? ''}' and auto.offset.reset is none: ` +
            'commit an offset for it or start from earliest or latest.'
        : `Offset ${from} is out of range for ${tp.topic}-${tp.partition} (valid offsets are ${begin} to ${end}) ` +
            'and auto.offset.reset is none: seek to a valid offset or start from earliest or latest.',
      { cause },
    );
  }

  /** Waits until any unpaused partition has records past its position, the timeout, or an abort. */
  private async waitForAny(timeoutMs: number, signal: AbortSignal): Promise<void> {
    const waiting = this.assigned.filter((a) => !a.paused);
    if (waiting.length === 0) {
      await abortableDelay(timeoutMs, signal);
      return;
    }
    const done = new AbortController();
    const stop = () => done.abort();
    signal.addEventListener('abort', stop, { once: true });
    try {
      await new Promise<void>((resolve, reject) => {
        let pending = waiting.length;
        for (const a of waiting) {
          this.log.waitForData(a.topic, a.partition, a.position, timeoutMs, done.signal).then((hasData) => {
            // Only the partitions that woke need reading to learn their new end.
            if (hasData) {
              a.knownEnd = undefined;
              resolve();
            } else if (--pending === 0) resolve();
          }, reject);
        }
      });
    } finally {
      signal.removeEventListener('abort', stop);
      done.abort();
    }
  }

  /** True when every assigned partition has been read to its end offset now. */
  async caughtUp(): Promise<boolean> {
    return (await this.lag()) === 0;
  }

  /** Records between the positions and the end offsets now (paused partitions included). */
  async lag(): Promise<number> {
    const ends = await Promise.all(this.assigned.map((a) => this.log.endOffset(a.topic, a.partition)));
    let behind = 0;
    ends.forEach((end, i) => {
      behind += Math.max(0, end - this.assigned[i].position);
    });
    return behind;
  }

  /**
   * Records offsets for the group: the given ones, or every assigned partition's position. The
   * offset committed is the next one to read, as in Kafka.
   */
  async commit(offsets: readonly TopicPartitionOffset[] = this.positions()): Promise<void> {
    if (this.group === undefined) {
      throw new LogError('INVALID_CONFIG', 'This consumer has no group: give it one to commit offsets.');
    }
    if (offsets.length === 0) return;
    await this.log.commitOffsets(this.group, offsets);
  }

  private get(tp: TopicPartition): Assigned {
    const key = keyOf(tp);
    const a = this.assigned.find((x) => x.key === key);
    if (a === undefined) {
      throw new LogError(
        'INVALID_PARTITION',
        `${tp.topic}-${tp.partition} is not assigned to this consumer: assign it first.`,
      );
    }
    return a;
  }
}

/** Resolves after `ms` or as soon as `signal` aborts. */
function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      resolve();
    };
    const timer = setTimeout(finish, ms);
    signal.addEventListener('abort', finish, { once: true });
  });
}
