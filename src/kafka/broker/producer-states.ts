import { ErrorCode, type ErrorCodeValue } from '../protocol/error-codes.js';

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

export type SequenceCheck =
  | { readonly kind: 'append' }
  | { readonly kind: 'duplicate'; readonly baseOffset: number }
  | { readonly kind: 'error'; readonly code: ErrorCodeValue; readonly message: string };

/**
 * Idempotent producers (KIP-98): producer ids from InitProducerId, and per partition the epoch and
 * sequence each producer has reached, as Kafka's ProducerAppendInfo checks them. Kept in memory:
 * after a restart every producer is unknown, and Kafka accepts any sequence from an unknown producer.
 */
export class ProducerStates {
  /** Ids start from the clock so a restarted listener does not hand out an id it gave before. */
  #nextProducerId = Date.now() * 1000;
  readonly #states = new Map<string, PartitionProducer>();

  allocateProducerId(): number {
    return this.#nextProducerId++;
  }

  #key(topic: string, partition: number, producerId: number): string {
    return `${producerId}\u0000${partition}\u0000${topic}`;
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

  /** Records an appended batch. */
  appended(
    topic: string,
    partition: number,
    producerId: number,
    epoch: number,
    firstSequence: number,
    count: number,
    baseOffset: number,
  ): void {
    const key = this.#key(topic, partition, producerId);
    let state = this.#states.get(key);
    if (state === undefined || state.epoch !== epoch) {
      state = { epoch, lastSequence: -1, batches: [] };
      this.#states.set(key, state);
    }
    const lastSequence = (firstSequence + count - 1) % (INT32_MAX + 1);
    state.lastSequence = lastSequence;
    state.batches.push({ firstSequence, lastSequence, baseOffset });
    if (state.batches.length > RETAINED_BATCHES) state.batches.shift();
  }
}
