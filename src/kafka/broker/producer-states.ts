import { type Log, type LogRecord, type ProduceRecord, replayToEnd } from '../../log/index.js';
import { ErrorCode, type ErrorCodeValue } from '../protocol/error-codes.js';
import { readBatchHeaders } from '../records/record-batch.js';

/** A batch appended by an idempotent producer, kept so a retry gets the original offsets. */
interface RetainedBatch {
  readonly firstSequence: number;
  readonly lastSequence: number;
  readonly baseOffset: number;
}

interface PartitionProducer {
  epoch: number;
  lastSequence: number;
  readonly batches: RetainedBatch[];
}

/** Kafka keeps the last 5 batches per producer and partition (ProducerStateEntry.NUM_BATCHES_TO_RETAIN). */
const RETAINED_BATCHES = 5;
const INT32_MAX = 2147483647;

/**
 * Where the listener keeps what Kafka keeps in its producer state snapshots and its controller's
 * producer id blocks: a compacted topic of Sluice's own (internal, as every `__` topic is).
 */
export const PRODUCER_STATES_TOPIC = '__producer_states';
/** Ids are reserved this many at a time, durably, before any of them is handed out (as Kafka's blocks). */
const ID_BLOCK = 1000;
/** Kafka's producer.id.expiration.ms: a producer silent this long is forgotten (1 day). */
const EXPIRATION_MS = 86_400_000;
const BLOCK_KEY = Buffer.from('"producer-id-block"');

export type SequenceCheck =
  | { readonly kind: 'append' }
  | { readonly kind: 'duplicate'; readonly baseOffset: number }
  | { readonly kind: 'error'; readonly code: ErrorCodeValue; readonly message: string };

/** A partition producer's state as its record in the topic holds it. */
interface StateValue {
  readonly epoch: number;
  readonly lastSequence: number;
  /** [firstSequence, lastSequence, baseOffset] of the retained batches, oldest first. */
  readonly batches: readonly (readonly [number, number, number])[];
}

/**
 * Idempotent producers (KIP-98): producer ids from InitProducerId, and per partition the epoch and
 * sequence each producer has reached, as Kafka's ProducerAppendInfo checks them. Both survive a
 * restart, as in Kafka: ids come from blocks reserved in the log before use, so none is handed out
 * twice, and each appended batch's state is written to the log right after the batch, so a batch
 * retried after a restart is still recognised. The two writes are not atomic: on open, the states
 * are reconciled with the partitions' batches (see #reconcile).
 * Producers silent for a day are forgotten when the listener starts.
 */
export class ProducerStates {
  readonly #log: Log | undefined;
  #nextProducerId: number;
  #blockEnd: number;
  /** The reservation of the next block, while it is being written. */
  #reserving: Promise<void> | undefined;
  readonly #states = new Map<string, PartitionProducer>();

  /** In memory only, for tests of the checks: ids from 0, nothing kept. */
  constructor(log?: Log, nextProducerId = 0) {
    this.#log = log;
    this.#nextProducerId = nextProducerId;
    this.#blockEnd = log === undefined ? Number.MAX_SAFE_INTEGER : nextProducerId;
  }

  /** Reads the producer states and the last reserved id block back from `log` (creating the topic). */
  static async open(log: Log, now = Date.now()): Promise<ProducerStates> {
    if (!(await log.hasTopic(PRODUCER_STATES_TOPIC))) {
      await log.createTopic(PRODUCER_STATES_TOPIC, {
        partitions: 1,
        config: { 'cleanup.policy': 'compact', 'segment.bytes': '104857600' },
      });
    }
    let next = 0;
    const states = new Map<string, { value: StateValue; key: Buffer; at: number }>();
    await replayToEnd(log, PRODUCER_STATES_TOPIC, (records: readonly LogRecord[]) => {
      for (const r of records) {
        if (r.key === null) continue;
        if (r.key.equals(BLOCK_KEY)) {
          if (r.value !== null)
            next = Math.max(next, (JSON.parse(r.value.toString()) as { end: number }).end);
          continue;
        }
        const id = r.key.toString();
        if (r.value === null) states.delete(id);
        else
          states.set(id, {
            value: JSON.parse(r.value.toString()) as StateValue,
            key: r.key,
            at: r.timestamp,
          });
      }
    });
    const producers = new ProducerStates(log, next);
    const expired: ProduceRecord[] = [];
    for (const [id, { value, key, at }] of states) {
      if (now - at > EXPIRATION_MS) {
        expired.push({ key, value: null });
        continue;
      }
      producers.#states.set(id, {
        epoch: value.epoch,
        lastSequence: value.lastSequence,
        batches: value.batches.map(([firstSequence, lastSequence, baseOffset]) => ({
          firstSequence,
          lastSequence,
          baseOffset,
        })),
      });
    }
    if (expired.length > 0) await log.append(PRODUCER_STATES_TOPIC, expired);
    await producers.#reconcile(log);
    return producers;
  }

  /**
   * A batch and its state record are two appends, so a crash can keep one without the other. As
   * Kafka rebuilds producer state from its snapshot and the batch headers after it, the states read
   * back are checked against each partition: retained batches past its end (lost with the crash)
   * are dropped, and batches stored as received (their headers carry producer id, epoch and
   * sequence) after the partition's last recorded one are recorded. Corrected states are written
   * back. Batches the log stored in its own format carry no producer fields and cannot be recovered
   * this way, nor can a partition's first batch whose state was never written.
   */
  async #reconcile(log: Log): Promise<void> {
    const byPartition = new Map<string, { topic: string; partition: number; keys: string[] }>();
    for (const key of this.#states.keys()) {
      const [, topic, partition] = JSON.parse(key) as [number, string, number];
      const tp = `${partition}:${topic}`;
      const entry = byPartition.get(tp) ?? { topic, partition, keys: [] };
      entry.keys.push(key);
      byPartition.set(tp, entry);
    }
    const changed = new Set<string>();
    for (const { topic, partition, keys } of byPartition.values()) {
      let end: number;
      try {
        end = await log.endOffset(topic, partition);
      } catch {
        // The topic (or partition) is gone: so are its producers' batches.
        for (const key of keys) {
          this.#states.delete(key);
          changed.add(key);
        }
        continue;
      }
      let scanFrom = -1;
      for (const key of keys) {
        const state = this.#states.get(key) as PartitionProducer;
        const kept = state.batches.filter((b) => b.baseOffset < end);
        if (kept.length < state.batches.length) {
          changed.add(key);
          if (kept.length === 0) {
            this.#states.delete(key);
            continue;
          }
          state.batches.splice(0, state.batches.length, ...kept);
          state.lastSequence = kept[kept.length - 1].lastSequence;
        }
        scanFrom = Math.max(scanFrom, ...state.batches.map((b) => b.baseOffset));
      }
      if (scanFrom >= 0 && scanFrom < end && log.readKafkaBatches !== undefined)
        for (const key of await this.#recordStoredBatches(log, topic, partition, scanFrom, end))
          changed.add(key);
    }
    const records: ProduceRecord[] = [...changed].map((key) => {
      const state = this.#states.get(key);
      return {
        key: Buffer.from(key),
        value: state === undefined ? null : Buffer.from(JSON.stringify(stateValue(state))),
      };
    });
    if (records.length > 0) await log.append(PRODUCER_STATES_TOPIC, records);
  }

  /** Records the idempotent batches stored as received in [from, end) that their producers' states lack. */
  async #recordStoredBatches(
    log: Log,
    topic: string,
    partition: number,
    from: number,
    end: number,
  ): Promise<string[]> {
    const read = log.readKafkaBatches as NonNullable<Log['readKafkaBatches']>;
    const changed: string[] = [];
    for (let offset = from; offset < end; ) {
      const result = await read.call(log, topic, partition, offset, { maxBytes: 1 << 20 });
      for (const chunk of result.chunks) {
        if (chunk.kind !== 'kafka') continue;
        for (const batch of readBatchHeaders(chunk.bytes)) {
          if (batch.producerId < 0 || batch.transactional || batch.control) continue;
          const key = this.#key(topic, partition, batch.producerId);
          const state = this.#states.get(key);
          const latest = state?.batches.at(-1)?.baseOffset ?? -1;
          if (state === undefined || batch.baseOffset <= latest || batch.producerEpoch < state.epoch)
            continue;
          this.#record(key, batch.producerEpoch, batch.baseSequence, batch.recordsCount, batch.baseOffset);
          changed.push(key);
        }
      }
      if (result.nextOffset <= offset) break;
      offset = result.nextOffset;
    }
    return changed;
  }

  /** A producer id never handed out before, by this process or an earlier one on the same log. */
  async allocateProducerId(): Promise<number> {
    while (this.#nextProducerId >= this.#blockEnd) {
      this.#reserving ??= this.#reserveBlock().finally(() => {
        this.#reserving = undefined;
      });
      await this.#reserving;
    }
    return this.#nextProducerId++;
  }

  /** Writes the next block's end and forces it to disk before any id of the block goes out. */
  async #reserveBlock(): Promise<void> {
    const log = this.#log as Log;
    const end = this.#blockEnd + ID_BLOCK;
    await log.append(PRODUCER_STATES_TOPIC, [
      { key: BLOCK_KEY, value: Buffer.from(JSON.stringify({ end })) },
    ]);
    await log.flush();
    this.#nextProducerId = this.#blockEnd;
    this.#blockEnd = end;
  }

  #key(topic: string, partition: number, producerId: number): string {
    return JSON.stringify([producerId, topic, partition]);
  }

  /** What to do with a batch of `count` records from `producerId` at `epoch` starting at `firstSequence`. */
  check(
    topic: string,
    partition: number,
    producerId: number,
    epoch: number,
    firstSequence: number,
    count: number,
  ): SequenceCheck {
    const state = this.#states.get(this.#key(topic, partition, producerId));
    if (state === undefined) return { kind: 'append' };
    if (epoch < state.epoch) {
      return {
        kind: 'error',
        code: ErrorCode.INVALID_PRODUCER_EPOCH,
        message: `producer ${producerId} epoch ${epoch} is older than the current epoch ${state.epoch}`,
      };
    }
    const lastSequence = (firstSequence + count - 1) % (INT32_MAX + 1);
    if (epoch === state.epoch) {
      const retried = state.batches.find(
        (b) => b.firstSequence === firstSequence && b.lastSequence === lastSequence,
      );
      if (retried !== undefined) return { kind: 'duplicate', baseOffset: retried.baseOffset };
      const expected = state.lastSequence === INT32_MAX ? 0 : state.lastSequence + 1;
      if (firstSequence !== expected) {
        return {
          kind: 'error',
          code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          message: `producer ${producerId} sent sequence ${firstSequence} to ${topic}-${partition}; expected ${expected}`,
        };
      }
      return { kind: 'append' };
    }
    if (firstSequence !== 0) {
      return {
        kind: 'error',
        code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        message: `producer ${producerId} started epoch ${epoch} at sequence ${firstSequence}; a new epoch starts at 0`,
      };
    }
    return { kind: 'append' };
  }

  /**
   * Records an appended batch; call it as soon as the append resolves. The state's record is
   * appended at once (synchronously started, so on the embedded log it is written in the same turn
   * as the batch); the promise resolves once it is stored as durably as the batch.
   */
  appended(
    topic: string,
    partition: number,
    producerId: number,
    epoch: number,
    firstSequence: number,
    count: number,
    baseOffset: number,
  ): Promise<unknown> {
    const key = this.#key(topic, partition, producerId);
    const state = this.#record(key, epoch, firstSequence, count, baseOffset);
    if (this.#log === undefined) return Promise.resolve();
    return this.#log.append(PRODUCER_STATES_TOPIC, [
      { key: Buffer.from(key), value: Buffer.from(JSON.stringify(stateValue(state))) },
    ]);
  }

  #record(
    key: string,
    epoch: number,
    firstSequence: number,
    count: number,
    baseOffset: number,
  ): PartitionProducer {
    let state = this.#states.get(key);
    if (state === undefined || state.epoch !== epoch) {
      state = { epoch, lastSequence: -1, batches: [] };
      this.#states.set(key, state);
    }
    const lastSequence = (firstSequence + count - 1) % (INT32_MAX + 1);
    state.lastSequence = lastSequence;
    state.batches.push({ firstSequence, lastSequence, baseOffset });
    if (state.batches.length > RETAINED_BATCHES) state.batches.shift();
    return state;
  }
}

function stateValue(state: PartitionProducer): StateValue {
  return {
    epoch: state.epoch,
    lastSequence: state.lastSequence,
    batches: state.batches.map((b) => [b.firstSequence, b.lastSequence, b.baseOffset] as const),
  };
}
