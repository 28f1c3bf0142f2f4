import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Lets the event loop run once `sliceMs` of synchronous work has gone by, so a long request (ten
 * thousand statements) shares the server with /info, running queries and other clients instead of
 * blocking them until it ends. Cheap when called often: a clock read until the slice is used up.
 */
export class TimeSlicer {
  private started = performance.now();
  private readonly sliceMs: number;

  constructor(sliceMs = 10) {
    this.sliceMs = sliceMs;
  }

  async tick(): Promise<void> {
    if (performance.now() - this.started < this.sliceMs) return;
    await nextTurn();
    this.started = performance.now();
  }

  /** Drains `items`, giving the event loop its turns between them. */
  async collect<T>(items: Iterable<T>): Promise<T[]> {
    const out: T[] = [];
    for (const item of items) {
      out.push(item);
      await this.tick();
    }
    return out;
  }
}
