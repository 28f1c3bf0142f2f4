/**
 * Which TUMBLING or HOPPING windows a record falls in, and whether each is still open, as Kafka
 * Streams' TimeWindows and KStreamWindowAggregate decide it (ksqlDB runs on them).
 */

export interface TimeWindow {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

/** The windows of size `sizeMs` every `advanceMs` (= size for TUMBLING) that contain `timestamp`, oldest first. */
export function timeWindowsFor(timestamp: number, sizeMs: number, advanceMs: number = sizeMs): TimeWindow[] {
  const out: TimeWindow[] = [];
  let start = Math.floor(Math.max(0, timestamp - sizeMs + advanceMs) / advanceMs) * advanceMs;
  for (; start <= timestamp; start += advanceMs) out.push({ start, end: start + sizeMs });
  return out;
}

export interface AssignedWindow extends TimeWindow {
  /** Closed already (end ≤ stream time − grace): the record is dropped for this window. */
  readonly late: boolean;
}

/**
 * Assigns records to time windows for one aggregate, tracking its stream time (the largest timestamp
 * it has seen). A window takes a record only while end > stream time − grace, so a hopping record
 * can be late for its older windows and on time for the newer ones.
 */
export class TimeWindowAssigner {
  #streamTime = Number.NEGATIVE_INFINITY;
  readonly sizeMs: number;
  readonly advanceMs: number;
  readonly graceMs: number;

  constructor(sizeMs: number, advanceMs: number, graceMs: number) {
    this.sizeMs = sizeMs;
    this.advanceMs = advanceMs;
    this.graceMs = graceMs;
  }

  get streamTime(): number {
    return this.#streamTime;
  }

  /** Restores stream time after a restart (the largest timestamp the aggregate had seen). */
  set streamTime(t: number) {
    this.#streamTime = t;
  }

  /** Where windows close now: stream time − grace. */
  get closeTime(): number {
    return this.#streamTime - this.graceMs;
  }

  /** Advances stream time with a record's timestamp (assign does it too). */
  observe(timestamp: number): void {
    if (timestamp > this.#streamTime) this.#streamTime = timestamp;
  }

  /** The oldest window start a record at `timestamp` falls in; the others follow every advanceMs up to it. */
  firstStart(timestamp: number): number {
    return (
      Math.floor(Math.max(0, timestamp - this.sizeMs + this.advanceMs) / this.advanceMs) * this.advanceMs
    );
  }

  /** Advances stream time with the record's timestamp, then assigns it. */
  assign(timestamp: number): AssignedWindow[] {
    if (timestamp > this.#streamTime) this.#streamTime = timestamp;
    const close = this.closeTime;
    return timeWindowsFor(timestamp, this.sizeMs, this.advanceMs).map((w) => ({
      ...w,
      late: w.end <= close,
    }));
  }
}

/**
 * EMIT FINAL for time windows: each time close time advances, the windows that closed since the last
 * emission, as a range of window starts (end ≤ close time), for all keys in start order.
 */
export class ClosedTimeWindows {
  #lastClose: number | undefined;
  readonly sizeMs: number;

  constructor(sizeMs: number, lastCloseTime?: number) {
    this.sizeMs = sizeMs;
    this.#lastClose = lastCloseTime;
  }

  /** The close time of the last emission (kept across restarts so no window is emitted twice). */
  get lastCloseTime(): number | undefined {
    return this.#lastClose;
  }

  /** The starts [from, to] of windows to emit now, or undefined when close time has not advanced. */
  advance(closeTime: number): { readonly fromStart: number; readonly toStart: number } | undefined {
    if (this.#lastClose !== undefined && closeTime <= this.#lastClose) return undefined;
    const fromStart = this.#lastClose === undefined ? 0 : this.#lastClose - this.sizeMs + 1;
    const toStart = closeTime - this.sizeMs;
    this.#lastClose = closeTime;
    return toStart < fromStart || toStart < 0 ? undefined : { fromStart: Math.max(0, fromStart), toStart };
  }
}
