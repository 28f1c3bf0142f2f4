import type { KeyValueStore, SessionStore, WindowStore } from '../state/index.js';
import { ClosedSessions, ClosedTimeWindows, SessionMerger, TimeWindowAssigner } from '../windows/index.js';
import type { AggregateCalls, AggregateState } from './aggregate-state.js';
import {
  type AggregateOutput,
  type DroppedRecord,
  type GroupedRecord,
  nullGroupingColumn,
} from './grouped-records.js';
import { ChangeEmitter } from './record-cache.js';

const lateMessage = (record: GroupedRecord, start: number, end: number, closeTime: number) =>
  `Skipping record for expired window. timestamp=[${record.timestamp}] window=[${start},${end}] expiration=[${closeTime}]`;

export interface TimeWindowOptions {
  readonly sizeMs: number;
  /** = sizeMs for TUMBLING. */
  readonly advanceMs: number;
  readonly graceMs: number;
  /** EMIT FINAL: nothing on update; each window once, when it closes. */
  readonly emitFinal: boolean;
  /** EMIT FINAL: where the close time of the last emission is kept, so a restart emits no window twice. */
  readonly emitProgress?: KeyValueStore<number>;
}

const PROGRESS_KEY = Buffer.from('last-emit-close-time');

/** The last emission's close time from its store, and a function that records a new one. */
function emitProgress(store: KeyValueStore<number> | undefined): {
  last: number | undefined;
  save(closeTime: number | undefined): void;
} {
  let saved = store?.get(PROGRESS_KEY);
  return {
    last: saved,
    save(closeTime) {
      if (store === undefined || closeTime === undefined || closeTime === saved) return;
      store.put(PROGRESS_KEY, closeTime, closeTime);
      saved = closeTime;
    },
  };
}

/**
 * GROUP BY over a stream with a TUMBLING or HOPPING window: each record updates every open window it
 * falls in (a late window drops it, reported for the processing log). With EMIT CHANGES each update
 * emits the window's row; with EMIT FINAL windows are emitted, for all keys in start order, once
 * stream time − grace passes their end. A window row's timestamp is its largest record timestamp.
 */
export class TimeWindowAggregator {
  readonly #calls: AggregateCalls;
  readonly #store: WindowStore<AggregateState>;
  readonly #assigner: TimeWindowAssigner;
  readonly #closed: ClosedTimeWindows | undefined;
  readonly #progress: ReturnType<typeof emitProgress>;
  readonly #sizeMs: number;
  readonly #out: ChangeEmitter;

  constructor(
    calls: AggregateCalls,
    store: WindowStore<AggregateState>,
    options: TimeWindowOptions,
    out?: ChangeEmitter,
  ) {
    this.#calls = calls;
    this.#store = store;
    this.#out = out ?? new ChangeEmitter(calls);
    this.#sizeMs = options.sizeMs;
    this.#assigner = new TimeWindowAssigner(options.sizeMs, options.advanceMs, options.graceMs);
    this.#progress = emitProgress(options.emitProgress);
    this.#closed = options.emitFinal ? new ClosedTimeWindows(options.sizeMs, this.#progress.last) : undefined;
  }

  get streamTime(): number {
    return this.#assigner.streamTime;
  }

  process(batch: readonly GroupedRecord[]): AggregateOutput {
    const dropped: DroppedRecord[] = [];
    const out = this.#out;
    for (const record of batch) {
      const nullKey = nullGroupingColumn(record);
      if (nullKey !== undefined) {
        dropped.push(nullKey);
        continue;
      }
      // The record's windows, oldest first, without building them as objects: one record updates
      // size/advance windows, and this is the query's innermost loop.
      const assigner = this.#assigner;
      const timestamp = record.timestamp;
      assigner.observe(timestamp);
      const closeTime = assigner.closeTime;
      const size = this.#sizeMs;
      for (let start = assigner.firstStart(timestamp); start <= timestamp; start += assigner.advanceMs) {
        const end = start + size;
        if (end <= closeTime) {
          dropped.push({ record, message: lateMessage(record, start, end, closeTime) });
          continue;
        }
        const current = this.#store.get(record.key, start);
        const previous = this.#closed === undefined ? this.#calls.oldResults(current) : undefined;
        const state = this.#calls.aggregate(
          current ?? this.#calls.initialize(record.keyValues),
          record.inputs,
          timestamp,
        );
        this.#store.put(record.key, start, state, timestamp);
        // Kafka Streams' window stores expire by the newest window start they hold, not by record
        // time: a window survives while start ≥ newest start − retention (ksqlDB's EMIT FINAL skips
        // older windows after a jump in time, and so does this).
        this.#store.observeStreamTime(start);
        if (this.#closed === undefined) {
          out.emit(
            record.key,
            record.keyValues,
            start,
            end,
            state,
            state.t,
            previous,
            current !== undefined,
            record.origin,
          );
        }
      }
      if (this.#closed !== undefined) this.#emitClosed(record.origin);
    }
    return { changes: out.take(), dropped };
  }

  /** EMIT FINAL's closed windows go out at once, past the record cache (Kafka Streams' emit-on-close). */
  #emitClosed(origin: number | undefined): void {
    const range = this.#closed?.advance(this.#assigner.closeTime);
    this.#progress.save(this.#closed?.lastCloseTime);
    if (range === undefined) return;
    const windows = this.#store.fetchAll(range.fromStart, range.toStart);
    windows.sort((a, b) => a.windowStart - b.windowStart || Buffer.compare(a.key, b.key));
    for (const w of windows) {
      this.#out.push({
        key: w.key,
        keyValues: w.value.k,
        window: { start: w.windowStart, end: w.windowStart + this.#sizeMs },
        results: this.#calls.results(w.value),
        timestamp: w.value.t,
        origin,
      });
    }
  }
}

export interface SessionWindowOptions {
  readonly gapMs: number;
  readonly graceMs: number;
  readonly emitFinal: boolean;
  /** EMIT FINAL: where the close time of the last emission is kept, so a restart emits no session twice. */
  readonly emitProgress?: KeyValueStore<number>;
}

/**
 * GROUP BY over a stream with a SESSION window: a record merges its key's sessions within the gap
 * (each absorbed session emits a tombstone, timestamped with its end), then the merged session's row
 * is emitted, timestamped with its end. With EMIT FINAL, sessions are emitted once close time
 * (stream time − grace − gap) passes their end.
 */
export class SessionWindowAggregator {
  readonly #calls: AggregateCalls;
  readonly #store: SessionStore<AggregateState>;
  readonly #merger: SessionMerger;
  readonly #closed: ClosedSessions | undefined;
  readonly #progress: ReturnType<typeof emitProgress>;
  readonly #out: ChangeEmitter;

  constructor(
    calls: AggregateCalls,
    store: SessionStore<AggregateState>,
    options: SessionWindowOptions,
    out?: ChangeEmitter,
  ) {
    this.#calls = calls;
    this.#store = store;
    this.#out = out ?? new ChangeEmitter(calls);
    this.#merger = new SessionMerger(options.gapMs, options.graceMs);
    this.#progress = emitProgress(options.emitProgress);
    this.#closed = options.emitFinal ? new ClosedSessions(this.#progress.last) : undefined;
  }

  process(batch: readonly GroupedRecord[]): AggregateOutput {
    const dropped: DroppedRecord[] = [];
    const calls = this.#calls;
    const out = this.#out;
    for (const record of batch) {
      const nullKey = nullGroupingColumn(record);
      if (nullKey !== undefined) {
        dropped.push(nullKey);
        continue;
      }
      const { earliestEnd, latestStart } = this.#merger.searchBounds(record.timestamp);
      const found = this.#store
        .findSessions(record.key, earliestEnd, latestStart)
        .map((s) => ({ start: s.start, end: s.end, value: s.value }));
      // An absorbed session's tombstone carries the results it had (before the merge touches them).
      const before = found.map((s) => calls.oldResults(s.value));
      const update = this.#merger.update(record.timestamp, found, {
        initialize: () => calls.initialize(record.keyValues),
        merge: (a, b) => calls.merge(a, b),
        aggregate: (state) => calls.aggregate(state, record.inputs, record.timestamp),
      });
      if (update.late) {
        dropped.push({
          record,
          message: lateMessage(record, update.start, update.end, this.#merger.closeTime),
        });
      } else {
        const cache = out.cache;
        const sameWindow = (s: { start: number; end: number }) =>
          s.start === update.start && s.end === update.end;
        // The cache keeps one entry per session window (Kafka Streams' caching session store): a found
        // session with the merged bounds is the same entry, replaced rather than deleted and made.
        let sameExisted = false;
        for (const s of found)
          if (sameWindow(s)) sameExisted = cache?.cancel(s.value, record.key.length) ?? true;
        update.removed.forEach((s, i) => {
          this.#store.put(record.key, s.start, s.end, null, s.end);
          if (this.#closed === undefined && !(cache !== undefined && sameWindow(s))) {
            // An absorbed session downstream never saw (made since the last flush) needs no tombstone.
            out.emit(
              record.key,
              record.keyValues,
              s.start,
              s.end,
              null,
              s.end,
              before[i],
              true,
              record.origin,
              s.value,
            );
          }
        });
        this.#store.put(record.key, update.start, update.end, update.value, update.end);
        if (this.#closed === undefined) {
          out.emit(
            record.key,
            record.keyValues,
            update.start,
            update.end,
            update.value,
            update.end,
            // Kafka Streams forwards a merged session as new: its old value is null.
            calls.sendOldValues ? null : undefined,
            sameExisted,
            record.origin,
          );
        }
      }
      // Closed sessions are read before the store drops what its retention (gap + grace) no longer
      // covers: with EMIT FINAL, a session closes exactly when it leaves the retention.
      if (this.#closed !== undefined) this.#emitClosed(record.origin);
      this.#store.observeStreamTime(this.#merger.streamTime);
    }
    return { changes: out.take(), dropped };
  }

  /** EMIT FINAL's closed sessions go out at once, past the record cache. */
  #emitClosed(origin: number | undefined): void {
    const range = this.#closed?.advance(this.#merger.closeTime);
    this.#progress.save(this.#closed?.lastCloseTime);
    if (range === undefined) return;
    const sessions = this.#store
      .fetchAll(range.fromEnd, Number.MAX_SAFE_INTEGER)
      .filter((s) => s.end <= range.toEnd)
      .sort((a, b) => a.end - b.end || Buffer.compare(a.key, b.key));
    for (const s of sessions) {
      this.#out.push({
        key: s.key,
        keyValues: s.value.k,
        window: { start: s.start, end: s.end },
        results: this.#calls.results(s.value),
        timestamp: s.end,
        origin,
      });
    }
  }
}
