import type { SourceRecord } from '../../connect/api/index.js';

// Records decoded from the WAL, waiting for poll. `put` waits while the buffer is full; the WAL
// reader awaits it, which pauses the replication socket (backpressure) instead of growing memory.

export class ChangeBuffer {
  private records: SourceRecord[] = [];
  private head = 0;
  private closed = false;
  private spaceWaiters: (() => void)[] = [];
  private dataWaiter: (() => void) | undefined;
  private wakeScheduled = false;
  private readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.records.length - this.head;
  }

  /** Adds records (a group is never split), first waiting until the buffer has room. */
  async put(records: readonly SourceRecord[]): Promise<void> {
    while (!this.closed && this.size >= this.capacity) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
    if (this.closed) return;
    for (const r of records) this.records.push(r);
    // Wake a waiting take only after the messages already received are decoded too, so a poll
    // returns them as one batch rather than one record at a time.
    if (this.dataWaiter !== undefined && !this.wakeScheduled) {
      this.wakeScheduled = true;
      setImmediate(() => {
        this.wakeScheduled = false;
        this.wakeReader();
      });
    }
  }

  /** Up to `max` records; waits up to `waitMs` for the first one. Empty when closed or idle. */
  async take(max: number, waitMs: number): Promise<SourceRecord[]> {
    if (this.size === 0 && !this.closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.dataWaiter = undefined;
          resolve();
        }, waitMs);
        this.dataWaiter = () => {
          clearTimeout(timer);
          this.dataWaiter = undefined;
          resolve();
        };
      });
    }
    const n = Math.min(max, this.size);
    const out = this.records.slice(this.head, this.head + n);
    this.head += n;
    if (this.head > 4096 && this.head * 2 > this.records.length) {
      this.records = this.records.slice(this.head);
      this.head = 0;
    }
    if (n > 0) {
      const waiters = this.spaceWaiters;
      this.spaceWaiters = [];
      for (const w of waiters) w();
    }
    return out;
  }

  /** Wakes a waiting `take` early (to report an error or a stop). */
  wakeReader(): void {
    this.dataWaiter?.();
  }

  /** Releases every waiter; later puts are dropped. */
  close(): void {
    this.closed = true;
    this.wakeReader();
    const waiters = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const w of waiters) w();
  }
}
