// The order a query with several inputs (a join) processes what one poll brought: Kafka Streams
// takes the next record from the partition whose head record has the smallest timestamp among those
// with buffered records (its PartitionGroup; max.task.idle.ms decides how long it waits for empty
// ones), so a stream record meets the table as of its own time, not a later update that happened to
// be fetched first. Here the poll's batches are merged the same way, into runs: a run is as many
// consecutive records of one partition as come before every other partition's head.
import type { LogRecord, PartitionRecords, TopicPartition } from '../log/index.js';

/**
 * `batches` as runs in timestamp order across partitions. Equal timestamps go to the topic earlier
 * in `topics` (a join lists its table sides first, so a table row and a stream row of the same time
 * meet), then to the earlier batch. Each run's `nextOffset` is where its partition resumes after
 * it, so committing after any run covers exactly what was processed.
 */
export function alignByTimestamp(
  batches: readonly PartitionRecords[],
  topics: readonly string[],
  timeOf: (record: LogRecord) => number = (record) => record.timestamp,
): PartitionRecords[] {
  const live = batches.filter((b) => b.records.length > 0);
  if (live.length <= 1) return [...batches];
  // A batch without records still moves its partition's position (past transaction markers).
  const runs: PartitionRecords[] = batches.filter((b) => b.records.length === 0);
  const rank = live.map((b) => {
    const i = topics.indexOf(b.topic);
    return i < 0 ? topics.length : i;
  });
  const next = live.map(() => 0);
  // Whether batch a's head goes before batch b's head.
  const before = (a: number, b: number): boolean => {
    const ta = timeOf(live[a].records[next[a]]);
    const tb = timeOf(live[b].records[next[b]]);
    if (ta !== tb) return ta < tb;
    return rank[a] !== rank[b] ? rank[a] < rank[b] : a < b;
  };
  for (;;) {
    let first = -1;
    let second = -1;
    for (let i = 0; i < live.length; i++) {
      if (next[i] >= live[i].records.length) continue;
      if (first < 0 || before(i, first)) {
        second = first;
        first = i;
      } else if (second < 0 || before(i, second)) second = i;
    }
    if (first < 0) break;
    const batch = live[first];
    const start = next[first];
    // The run goes on while its head still comes before every other partition's head.
    do next[first]++;
    while (next[first] < batch.records.length && (second < 0 || before(first, second)));
    const records = batch.records.slice(start, next[first]);
    const done = next[first] >= batch.records.length;
    runs.push({
      topic: batch.topic,
      partition: batch.partition,
      records: start === 0 && done ? batch.records : records,
      nextOffset: done ? batch.nextOffset : records[records.length - 1].offset + 1,
    });
  }
  return runs;
}

const keyOf = (topic: string, partition: number) => `${partition}\u0000${topic}`;

/**
 * What a query with several inputs has fetched but not processed yet, per partition. Kafka Streams
 * (max.task.idle.ms=0) does not let a task run while one of its partitions has nothing buffered but
 * records not yet fetched: that partition's next record could be the earliest. `take` gives runs in
 * timestamp order and stops where such a partition would be passed; the rest waits for a poll.
 */
export class BufferedInputs {
  readonly #topics: readonly string[];
  readonly #held = new Map<string, PartitionRecords>();
  /** Records whose time is not the log's (a TIMESTAMP column's). */
  readonly #times = new WeakMap<LogRecord, number>();
  readonly #timeOf = (record: LogRecord) => this.#times.get(record) ?? record.timestamp;

  constructor(topics: readonly string[]) {
    this.#topics = topics;
  }

  /** Whether any record waits. */
  get holding(): boolean {
    return this.#held.size > 0;
  }

  /** How many records of the partition wait. */
  count(topic: string, partition: number): number {
    return this.#held.get(keyOf(topic, partition))?.records.length ?? 0;
  }

  /** `timesOf` gives a batch's record times when they are not the log's. */
  add(
    batches: readonly PartitionRecords[],
    timesOf?: (batch: PartitionRecords) => readonly number[] | undefined,
  ): void {
    for (const b of batches) {
      const times = timesOf?.(b);
      if (times !== undefined) for (let i = 0; i < times.length; i++) this.#times.set(b.records[i], times[i]);
      const key = keyOf(b.topic, b.partition);
      const held = this.#held.get(key);
      if (held === undefined) {
        this.#held.set(key, b);
        continue;
      }
      this.#held.set(key, { ...held, records: [...held.records, ...b.records], nextOffset: b.nextOffset });
    }
  }

  /**
   * The runs that may go now, in timestamp order (see alignByTimestamp), stopping before the first
   * record that would pass a partition of `lagging` (records not fetched yet) whose records here
   * have all gone. Empty `lagging` lets everything go.
   */
  take(lagging: readonly TopicPartition[]): PartitionRecords[] {
    const held = [...this.#held.values()];
    const blockers = lagging.map((tp) => keyOf(tp.topic, tp.partition));
    const order = alignByTimestamp(held, this.#topics, this.#timeOf);
    const left = new Map(held.map((b) => [keyOf(b.topic, b.partition), b.records.length]));
    const runs: PartitionRecords[] = [];
    for (const run of order) {
      if (run.records.length > 0 && blockers.some((k) => (left.get(k) ?? 0) === 0)) break;
      const key = keyOf(run.topic, run.partition);
      left.set(key, (left.get(key) ?? 0) - run.records.length);
      runs.push(run);
    }
    // What did not go stays, from its first record not taken.
    for (const b of held) {
      const key = keyOf(b.topic, b.partition);
      const remaining = left.get(key) ?? 0;
      if (remaining <= 0) this.#held.delete(key);
      else this.#held.set(key, { ...b, records: b.records.slice(b.records.length - remaining) });
    }
    return runs;
  }
}
