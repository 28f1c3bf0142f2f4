import type { TopicPartition } from '../../connect/api/index.js';
import type { RowOp } from './record-rows.js';

// Records put has accepted, written in the background one transaction at a time. The writer
// takes from the queue as it goes: a transaction can keep taking records that arrive while it is
// open, so PostgreSQL parses one put's rows while the task converts the next, a busy topic gets
// large transactions and a quiet one gets each put written at once. What is not written yet is
// never committed as an offset (see `safeOffsets`), so nothing is lost whatever happens.

/** Why writing stopped: `transient` failures are retried, others are final. */
export interface WriteFailure {
  readonly error: unknown;
  readonly transient: boolean;
}

/** What a write takes its records from. Everything taken is the write's: kept if it fails. */
export interface OpSource {
  /** The next record, without taking it. */
  peek(): RowOp | undefined;
  /** Takes up to `max` records, stopping before the first that `fits` refuses. */
  take(max: number, fits?: (op: RowOp) => boolean): RowOp[];
  /** Waits up to `ms` for more records; true when some came. */
  waitForMore(ms: number): Promise<boolean>;
}

export class WriteQueue {
  private pending: RowOp[] = [];
  private writing: RowOp[] = [];
  private loop: Promise<void> | undefined;
  private failure: WriteFailure | undefined;
  private progress: (() => void)[] = [];
  private more: (() => void)[] = [];
  private readonly write: (source: OpSource) => Promise<void>;
  private readonly isTransient: (error: unknown) => boolean;
  private readonly source: OpSource;

  constructor(write: (source: OpSource) => Promise<void>, isTransient: (error: unknown) => boolean) {
    this.write = write;
    this.isTransient = isTransient;
    this.source = {
      peek: () => this.pending[0],
      take: (max, fits) => this.take(max, fits),
      waitForMore: (ms) => this.waitForMore(ms),
    };
  }

  /** Accepted and not yet written. */
  get size(): number {
    return this.pending.length + this.writing.length;
  }

  /** Accepted and not yet taken by a write. */
  get waiting(): number {
    return this.pending.length;
  }

  /** What stopped the writing, if anything. */
  get stoppedBy(): WriteFailure | undefined {
    return this.failure;
  }

  /** Clears a transient failure, so the unwritten records are tried again on the next `add` or `kick`. */
  clearTransientFailure(): void {
    if (this.failure?.transient) this.failure = undefined;
  }

  add(ops: readonly RowOp[]): void {
    for (const op of ops) this.pending.push(op);
    if (ops.length > 0) for (const resolve of this.more.splice(0)) resolve();
    this.kick();
  }

  /** Starts writing if there is something to write and nothing stopped it. */
  kick(): void {
    if (this.loop !== undefined || this.failure !== undefined || this.pending.length === 0) return;
    this.loop = this.run().finally(() => {
      this.loop = undefined;
      // Records added while the loop was finishing.
      this.kick();
    });
  }

  /** Resolves once nothing is being written (all written, or writing stopped). */
  async idle(): Promise<void> {
    while (this.loop !== undefined) await this.loop;
  }

  /** Waits while at least `limit` records wait to be taken and writing goes on: put's backpressure. */
  async waitForRoom(limit: number): Promise<void> {
    while (this.pending.length >= limit && this.loop !== undefined)
      await new Promise<void>((resolve) => this.progress.push(resolve));
  }

  /**
   * The offsets safe to commit: for a partition with unwritten records, the first of them (it is
   * read again after a restart); otherwise what the runtime has delivered.
   */
  safeOffsets(delivered: ReadonlyMap<TopicPartition, number>): Map<TopicPartition, number> {
    const firstUnwritten = new Map<string, number>();
    for (const list of [this.writing, this.pending]) {
      for (const op of list) {
        const r = op.record;
        const key = `${r.originalTopic}\u0000${r.originalKafkaPartition}`;
        const seen = firstUnwritten.get(key);
        if (seen === undefined || r.originalKafkaOffset < seen)
          firstUnwritten.set(key, r.originalKafkaOffset);
      }
    }
    const out = new Map<TopicPartition, number>();
    for (const [tp, offset] of delivered) {
      const first = firstUnwritten.get(`${tp.topic}\u0000${tp.partition}`);
      out.set(tp, first === undefined ? offset : Math.min(first, offset));
    }
    return out;
  }

  private take(max: number, fits?: (op: RowOp) => boolean): RowOp[] {
    let count = 0;
    const limit = Math.min(max, this.pending.length);
    while (count < limit && (fits === undefined || fits(this.pending[count]))) count++;
    const taken = this.pending.splice(0, count);
    for (const op of taken) this.writing.push(op);
    if (count > 0) for (const resolve of this.progress.splice(0)) resolve();
    return taken;
  }

  private waitForMore(ms: number): Promise<boolean> {
    if (this.pending.length > 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.more = this.more.filter((r) => r !== wake);
        resolve(false);
      }, ms);
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.more.push(wake);
    });
  }

  private async run(): Promise<void> {
    while (this.pending.length > 0 && this.failure === undefined) {
      try {
        await this.write(this.source);
        if (this.writing.length === 0) throw new Error('A write took no records.');
      } catch (error) {
        // Kept, in order, ahead of anything added since: retried, or never committed.
        this.pending = [...this.writing, ...this.pending];
        this.failure = { error, transient: this.isTransient(error) };
      }
      this.writing = [];
      for (const resolve of this.progress.splice(0)) resolve();
    }
  }
}
