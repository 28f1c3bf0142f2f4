import type { ConnectValue, Schema } from '../../connect/api/index.js';
import type { RandomSource } from './random-source.js';
import { RecordHistory } from './record-history.js';
import { type HistoryEntry, matchSources, type SlotProducer, slotProducer } from './slot-producer.js';
import type { TopicSpec, VolubleSpec } from './voluble-spec.js';

/** Upstream gives up after this many blocked attempts without a record. */
const MAX_FAILED_ATTEMPTS = 100;

export const LIVELOCK_MESSAGE = "Couldn't generate another event. State machine may be livelocked.";

export type GeneratorStep =
  | {
      readonly kind: 'record';
      readonly topic: string;
      readonly keySchema: Schema;
      readonly key: ConnectValue;
      readonly valueSchema: Schema;
      readonly value: ConnectValue;
      /** Records of this topic emitted so far, this one included. */
      readonly emitted: number;
    }
  /** Every topic is throttled: nothing is due before `untilMs`. */
  | { readonly kind: 'wait'; readonly untilMs: number }
  /** Every topic has emitted its `records.exactly`. */
  | { readonly kind: 'exhausted' };

interface TopicState {
  readonly spec: TopicSpec;
  readonly key: SlotProducer;
  readonly value: SlotProducer;
  readonly strictSources: readonly string[];
  readonly allSources: readonly string[];
  emitted: number;
  lastEmitMs: number;
}

/**
 * Voluble's state machine: walks the topics round-robin, skipping throttled ones, and makes one
 * record per step, matching against retained history. Pure apart from its RandomSource: the
 * caller passes the time, so throttling is tested without clocks.
 */
export class VolubleGenerator {
  private readonly random: RandomSource;
  private readonly active: TopicState[];
  /** Only topics something matches against keep history. */
  private readonly histories = new Map<string, RecordHistory>();
  private cursor = 0;

  constructor(
    spec: VolubleSpec,
    random: RandomSource,
    emittedSoFar: ReadonlyMap<string, number> = new Map(),
  ) {
    this.random = random;
    const states = spec.topics.map((t): TopicState => {
      const k = matchSources(t.key);
      const v = matchSources(t.value);
      return {
        spec: t,
        key: slotProducer(t.key, random),
        value: slotProducer(t.value, random),
        strictSources: [...new Set([...k.strict, ...v.strict])],
        allSources: [...new Set([...k.strict, ...v.strict, ...k.optional, ...v.optional])],
        emitted: emittedSoFar.get(t.name) ?? 0,
        lastEmitMs: Number.NEGATIVE_INFINITY,
      };
    });
    for (const state of states) {
      for (const source of state.allSources) {
        const capacity = spec.topics.find((t) => t.name === source)?.historyMax ?? 1;
        if (!this.histories.has(source)) this.histories.set(source, new RecordHistory(capacity));
      }
    }
    this.active = states.filter((s) => !this.isDone(s));
  }

  private isDone(state: TopicState): boolean {
    return state.spec.recordsExactly !== null && state.emitted >= state.spec.recordsExactly;
  }

  /** The next record, or why there is none right now. Throws when matching is livelocked. */
  next(nowMs: number): GeneratorStep {
    let skipped = 0;
    let failed = 0;
    for (;;) {
      if (this.active.length === 0) return { kind: 'exhausted' };
      if (this.cursor >= this.active.length) this.cursor = 0;
      const state = this.active[this.cursor];
      if (nowMs < state.lastEmitMs + state.spec.throttleMs) {
        skipped++;
        this.cursor++;
        if (skipped >= this.active.length) return { kind: 'wait', untilMs: this.earliestDue() };
        continue;
      }
      const sample = this.sampleSources(state);
      if (sample === null) {
        failed++;
        this.cursor++;
        if (failed > MAX_FAILED_ATTEMPTS) throw new Error(LIVELOCK_MESSAGE);
        continue;
      }
      return this.emit(state, sample, nowMs);
    }
  }

  private earliestDue(): number {
    return Math.min(...this.active.map((s) => s.lastEmitMs + s.spec.throttleMs));
  }

  /** One retained record per source ("stable matching"), or null when a strict source has none. */
  private sampleSources(state: TopicState): ReadonlyMap<string, HistoryEntry> | null {
    if (state.allSources.length === 0) return NOTHING_MATCHED;
    const sample = new Map<string, HistoryEntry>();
    for (const source of state.allSources) {
      const entry = this.histories.get(source)?.sample(this.random);
      if (entry !== undefined) sample.set(source, entry);
      else if (state.strictSources.includes(source)) return null;
    }
    return sample;
  }

  private emit(state: TopicState, sample: ReadonlyMap<string, HistoryEntry>, nowMs: number): GeneratorStep {
    const { spec } = state;
    const key = state.key.produce(sample);
    const tombstone = spec.tombstoneRate > 0 && this.random.next() < spec.tombstoneRate;
    const value = tombstone ? null : state.value.produce(sample);
    this.histories.get(spec.name)?.add({ key, value });
    state.emitted++;
    state.lastEmitMs = nowMs;
    if (this.isDone(state)) this.active.splice(this.cursor, 1);
    else this.cursor++;
    return {
      kind: 'record',
      topic: spec.name,
      keySchema: state.key.schema,
      key,
      valueSchema: state.value.schema,
      value,
      emitted: state.emitted,
    };
  }
}

/** The sample of a topic that matches against nothing: shared, so no map per record. */
const NOTHING_MATCHED: ReadonlyMap<string, HistoryEntry> = new Map();
