import type { RandomSource } from './random-source.js';
import type { HistoryEntry } from './slot-producer.js';

/** The last `capacity` records of a topic, for matching; the oldest is dropped first. */
export class RecordHistory {
  private readonly entries: HistoryEntry[] = [];
  private readonly capacity: number;
  private oldest = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.entries.length;
  }

  add(entry: HistoryEntry): void {
    if (this.entries.length < this.capacity) {
      this.entries.push(entry);
      return;
    }
    this.entries[this.oldest] = entry;
    this.oldest = (this.oldest + 1) % this.capacity;
  }

  /** One retained record chosen uniformly, or undefined when there is none. */
  sample(random: RandomSource): HistoryEntry | undefined {
    return this.entries.length === 0 ? undefined : this.entries[random.below(this.entries.length)];
  }
}
