import {
  type Log,
  type LogRecord,
  type LogTransaction,
  type ProduceRecord,
  replayToEnd,
  type TopicPartitionOffset,
} from '../../log/index.js';
import { ErrorCode, type ErrorCodeValue } from '../protocol/error-codes.js';
import { kafkaErrorOf } from './log-errors.js';
import type { ProducerStates } from './producer-states.js';

/**
 * Where the coordinator keeps each transactional id's producer id, epoch, timeout and state, as
 * Kafka keeps them in `__transaction_state` (compacted, one record per id). Not Kafka's name: on the
 * Kafka backend that topic is the cluster's own.
 */
export const TRANSACTION_STATE_TOPIC = '__sluice_transaction_state';

/** Kafka's transaction.max.timeout.ms (15 minutes): a producer asking for more is refused. */
export const MAX_TRANSACTION_TIMEOUT_MS = 900_000;
/**
 * The most bytes of keys and values one transaction may hold: the embedded log keeps a transaction's
 * records in memory until it commits, so a larger one is refused rather than exhausting the heap.
 */
export const MAX_TRANSACTION_BYTES = 256 * 1024 * 1024;
/** An epoch at this value is exhausted: the next bump hands out a new producer id (Kafka's Short.MaxValue - 1). */
const LAST_EPOCH = 32766;

export type TransactionStateName =
  | 'Empty'
  | 'Ongoing'
  | 'PrepareCommit'
  | 'PrepareAbort'
  | 'CompleteCommit'
  | 'CompleteAbort';
const STATE_NAMES: readonly TransactionStateName[] = [
  'Empty',
  'Ongoing',
  'PrepareCommit',
  'PrepareAbort',
  'CompleteCommit',
  'CompleteAbort',
];

/** What a transactional id's record in __transaction_state holds. */
interface StoredState {
  readonly producerId: number;
  readonly epoch: number;
  readonly timeoutMs: number;
  readonly state: 'Empty' | 'Ongoing' | 'CompleteCommit' | 'CompleteAbort';
}

interface TransactionEntry {
  readonly transactionalId: string;
  producerId: number;
  epoch: number;
  timeoutMs: number;
  state: TransactionStateName;
  /** When the ongoing transaction began (its first partition or group), -1 when none is. */
  startedAt: number;
  /** Partitions added to the ongoing transaction, by topic. */
  readonly partitions: Map<string, Set<number>>;
  readonly groups: Set<string>;
  /** Offsets committed in the ongoing transaction, by group, as `topic NUL partition`: invisible until it commits. */
  readonly pendingOffsets: Map<string, Set<string>>;
  /** The log's transaction that holds the records and offsets until EndTxn. */
  tx: LogTransaction | undefined;
  timer: NodeJS.Timeout | undefined;
}

export type InitResult =
  | { readonly errorCode: typeof ErrorCode.NONE; readonly producerId: number; readonly producerEpoch: number }
  | { readonly errorCode: ErrorCodeValue; readonly producerId: -1; readonly producerEpoch: -1 };

/** How a request's producer id and epoch compare with the transactional id's. */
type Identity = { readonly entry: TransactionEntry } | { readonly error: ErrorCodeValue };

/**
 * Kafka's transaction coordinator (KIP-98, the classic protocol) over the Log's transactions: an
 * ongoing transaction's records and group offsets are held in a `LogTransaction` and become visible
 * together when EndTxn commits it, or never. So nothing uncommitted is ever in a partition:
 * read_committed and read_uncommitted readers both see committed records only, and the last stable
 * offset is the high watermark. Each id's producer id, epoch and state survive restarts in
 * __transaction_state; a transaction that was ongoing when the process stopped (SIGKILL included)
 * is aborted when it starts again, with an epoch bump that fences its producer, as Kafka's
 * coordinator does with a transaction that timed out.
 */
export class TransactionCoordinator {
  readonly #log: Log;
  readonly #producers: ProducerStates;
  readonly #writeLine: (line: string) => void;
  readonly #entries = new Map<string, TransactionEntry>();
  /** Why this log cannot hold transactions (the Kafka backend), or undefined when it can. */
  readonly #unsupported: string | undefined;

  private constructor(
    log: Log,
    producers: ProducerStates,
    writeLine: (line: string) => void,
    unsupported: string | undefined,
  ) {
    this.#log = log;
    this.#producers = producers;
    this.#writeLine = writeLine;
    this.#unsupported = unsupported;
  }

  /**
   * Reads every transactional id's state back from the log (creating the topic), and aborts the
   * transactions that were ongoing when the last process stopped.
   */
  static async open(
    log: Log,
    producers: ProducerStates,
    writeLine: (line: string) => void,
  ): Promise<TransactionCoordinator> {
    let unsupported: string | undefined;
    try {
      await log.beginTransaction('__sluice-transaction-probe').abort();
    } catch (err) {
      unsupported = (err as Error).message;
    }
    const coordinator = new TransactionCoordinator(log, producers, writeLine, unsupported);
    if (unsupported !== undefined) return coordinator;
    if (!(await log.hasTopic(TRANSACTION_STATE_TOPIC))) {
      await log.createTopic(TRANSACTION_STATE_TOPIC, {
        partitions: 1,
        config: { 'cleanup.policy': 'compact', 'segment.bytes': '104857600' },
      });
    }
    const stored = new Map<string, StoredState>();
    await replayToEnd(log, TRANSACTION_STATE_TOPIC, (records: readonly LogRecord[]) => {
      for (const r of records) {
        if (r.key === null) continue;
        const id = r.key.toString();
        if (r.value === null) stored.delete(id);
        else {
          try {
            stored.set(id, JSON.parse(r.value.toString()) as StoredState);
          } catch {
            writeLine(
              `Kafka listener: skipped an unreadable record of ${TRANSACTION_STATE_TOPIC} at offset ${r.offset}`,
            );
          }
        }
      }
    });
    const aborted: string[] = [];
    for (const [id, s] of stored) {
      const entry = newEntry(id, s.producerId, s.epoch, s.timeoutMs);
      entry.state = s.state;
      coordinator.#entries.set(id, entry);
      if (s.state === 'Ongoing') {
        // Its records were held by the process that stopped: they are gone, so it is aborted, and
        // its producer fenced, since it may still believe the transaction open.
        await coordinator.#bumpEpoch(entry);
        entry.state = 'CompleteAbort';
        await coordinator.#persist(entry);
        aborted.push(id);
      }
    }
    if (aborted.length > 0) {
      writeLine(
        `Kafka listener: aborted ${aborted.length} transaction(s) in flight when the server stopped (${aborted.join(', ')}); their producers are fenced`,
      );
    }
    return coordinator;
  }

  /** Whether the log can hold transactions (the embedded log can; the Kafka backend cannot yet). */
  get supported(): boolean {
    return this.#unsupported === undefined;
  }

  close(): void {
    for (const e of this.#entries.values()) clearTimeout(e.timer);
  }

  /** InitProducerId with a transactional id: a producer id at a new epoch, fencing older producers. */
  async initProducerId(
    transactionalId: string,
    timeoutMs: number,
    producerId: number,
    producerEpoch: number,
  ): Promise<InitResult> {
    const fail = (errorCode: ErrorCodeValue): InitResult => ({
      errorCode,
      producerId: -1,
      producerEpoch: -1,
    });
    if (this.#unsupported !== undefined) {
      this.#writeLine(
        `Kafka listener: refused InitProducerId for transactional.id '${transactionalId}': ${this.#unsupported}`,
      );
      return fail(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    }
    if (transactionalId === '') return fail(ErrorCode.INVALID_REQUEST);
    if (timeoutMs <= 0 || timeoutMs > MAX_TRANSACTION_TIMEOUT_MS)
      return fail(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    let entry = this.#entries.get(transactionalId);
    if (entry === undefined) {
      entry = newEntry(transactionalId, await this.#producers.allocateProducerId(), 0, timeoutMs);
      this.#entries.set(transactionalId, entry);
    } else {
      if (entry.state === 'PrepareCommit' || entry.state === 'PrepareAbort')
        return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
      // KIP-360: a producer that names its id and epoch may bump only its own, current one.
      if (producerId >= 0 && (producerId !== entry.producerId || producerEpoch !== entry.epoch)) {
        return fail(ErrorCode.PRODUCER_FENCED);
      }
      if (entry.state === 'Ongoing') this.#dropTransaction(entry);
      await this.#bumpEpoch(entry);
      entry.timeoutMs = timeoutMs;
    }
    const previous = entry.state;
    entry.state = previous === 'Ongoing' ? 'CompleteAbort' : previous;
    await this.#persist(entry);
    return { errorCode: ErrorCode.NONE, producerId: entry.producerId, producerEpoch: entry.epoch };
  }

  #identify(
    transactionalId: string,
    producerId: number,
    epoch: number,
    fencedCode: ErrorCodeValue,
  ): Identity {
    if (this.#unsupported !== undefined) return { error: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED };
    const entry = this.#entries.get(transactionalId);
    if (entry === undefined || entry.producerId !== producerId)
      return { error: ErrorCode.INVALID_PRODUCER_ID_MAPPING };
    if (epoch !== entry.epoch) return { error: fencedCode };
    if (entry.state === 'PrepareCommit' || entry.state === 'PrepareAbort') {
      return { error: ErrorCode.CONCURRENT_TRANSACTIONS };
    }
    return { entry };
  }

  /** Starts a transaction on the entry if none is ongoing; the Ongoing state is stored before any write joins it. */
  async #ensureOngoing(entry: TransactionEntry): Promise<void> {
    if (entry.state === 'Ongoing') return;
    entry.tx = this.#log.beginTransaction(entry.transactionalId);
    entry.state = 'Ongoing';
    entry.startedAt = Date.now();
    entry.partitions.clear();
    entry.groups.clear();
    entry.pendingOffsets.clear();
    const tx = entry.tx;
    entry.timer = setTimeout(() => void this.#expire(entry, tx), entry.timeoutMs);
    entry.timer.unref();
    await this.#persist(entry);
  }

  /**
   * AddPartitionsToTxn: the partitions the producer will write in this transaction. `exists` says
   * whether a partition can take the records (else UNKNOWN_TOPIC_OR_PARTITION, and the rest of the
   * request OPERATION_NOT_ATTEMPTED, as Kafka answers).
   */
  async addPartitions(
    transactionalId: string,
    producerId: number,
    epoch: number,
    fencedCode: ErrorCodeValue,
    partitions: readonly { topic: string; partition: number; problem: ErrorCodeValue }[],
  ): Promise<ErrorCodeValue[]> {
    const who = this.#identify(transactionalId, producerId, epoch, fencedCode);
    if ('error' in who) return partitions.map(() => who.error);
    if (partitions.some((p) => p.problem !== ErrorCode.NONE)) {
      return partitions.map((p) =>
        p.problem === ErrorCode.NONE ? ErrorCode.OPERATION_NOT_ATTEMPTED : p.problem,
      );
    }
    const { entry } = who;
    try {
      await this.#ensureOngoing(entry);
    } catch (err) {
      const code = kafkaErrorOf(err).code;
      return partitions.map(() => code);
    }
    for (const { topic, partition } of partitions) {
      let set = entry.partitions.get(topic);
      if (set === undefined) {
        set = new Set();
        entry.partitions.set(topic, set);
      }
      set.add(partition);
    }
    return partitions.map(() => ErrorCode.NONE);
  }

  /** AddOffsetsToTxn: the group whose offsets this transaction will commit. */
  async addOffsets(
    transactionalId: string,
    producerId: number,
    epoch: number,
    fencedCode: ErrorCodeValue,
    group: string,
  ): Promise<ErrorCodeValue> {
    if (group === '') return ErrorCode.INVALID_GROUP_ID;
    const who = this.#identify(transactionalId, producerId, epoch, fencedCode);
    if ('error' in who) return who.error;
    try {
      await this.#ensureOngoing(who.entry);
    } catch (err) {
      return kafkaErrorOf(err).code;
    }
    who.entry.groups.add(group);
    return ErrorCode.NONE;
  }

  /** TxnOffsetCommit: offsets held in the transaction, committed with its records. */
  txnOffsetCommit(
    transactionalId: string,
    producerId: number,
    epoch: number,
    fencedCode: ErrorCodeValue,
    group: string,
    offsets: readonly TopicPartitionOffset[],
  ): ErrorCodeValue {
    const who = this.#identify(transactionalId, producerId, epoch, fencedCode);
    if ('error' in who) return who.error;
    const { entry } = who;
    if (entry.state !== 'Ongoing' || !entry.groups.has(group) || entry.tx === undefined) {
      return ErrorCode.INVALID_TXN_STATE;
    }
    try {
      entry.tx.commitOffsets(group, offsets);
    } catch (err) {
      return kafkaErrorOf(err).code;
    }
    let pending = entry.pendingOffsets.get(group);
    if (pending === undefined) {
      pending = new Set();
      entry.pendingOffsets.set(group, pending);
    }
    for (const o of offsets) pending.add(`${o.topic}\u0000${o.partition}`);
    return ErrorCode.NONE;
  }

  /** Whether an ongoing transaction holds an offset of this group and partition (OffsetFetch's RequireStable). */
  hasPendingOffset(group: string, topic: string, partition: number): boolean {
    const key = `${topic}\u0000${partition}`;
    for (const e of this.#entries.values()) {
      if (e.state === 'Ongoing' && e.pendingOffsets.get(group)?.has(key)) return true;
    }
    return false;
  }

  /**
   * The transaction a transactional Produce joins, after Kafka's checks: the producer's epoch is the
   * current one (else INVALID_PRODUCER_EPOCH) and the partition was added (else INVALID_TXN_STATE).
   */
  transactionForProduce(
    transactionalId: string,
    producerId: number,
    epoch: number,
    topic: string,
    partition: number,
  ): { tx: LogTransaction } | { error: ErrorCodeValue; message: string } {
    const entry = this.#entries.get(transactionalId);
    if (this.#unsupported !== undefined) {
      return { error: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, message: this.#unsupported };
    }
    if (entry === undefined || entry.producerId !== producerId) {
      return {
        error: ErrorCode.INVALID_PRODUCER_ID_MAPPING,
        message: `producer ${producerId} is not the producer of transactional.id '${transactionalId}'`,
      };
    }
    if (epoch !== entry.epoch) {
      return {
        error: ErrorCode.INVALID_PRODUCER_EPOCH,
        message: `producer ${producerId} epoch ${epoch} is not the current epoch ${entry.epoch} of transactional.id '${transactionalId}': it was fenced`,
      };
    }
    if (entry.state !== 'Ongoing' || entry.tx === undefined || !entry.partitions.get(topic)?.has(partition)) {
      return {
        error: ErrorCode.INVALID_TXN_STATE,
        message: `${topic}-${partition} was not added to the transaction of '${transactionalId}' (AddPartitionsToTxn comes first)`,
      };
    }
    return { tx: entry.tx };
  }

  /** EndTxn: commits or aborts the ongoing transaction; a retry of the same outcome answers NONE. */
  async endTxn(
    transactionalId: string,
    producerId: number,
    epoch: number,
    fencedCode: ErrorCodeValue,
    committed: boolean,
  ): Promise<ErrorCodeValue> {
    const who = this.#identify(transactionalId, producerId, epoch, fencedCode);
    if ('error' in who) return who.error;
    const { entry } = who;
    if (entry.state === 'CompleteCommit') return committed ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
    if (entry.state === 'CompleteAbort') return committed ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE;
    if (entry.state !== 'Ongoing' || entry.tx === undefined) return ErrorCode.INVALID_TXN_STATE;
    const tx = entry.tx;
    clearTimeout(entry.timer);
    if (!committed) {
      entry.state = 'PrepareAbort';
      this.#dropTransaction(entry);
      entry.state = 'CompleteAbort';
      await this.#persist(entry);
      return ErrorCode.NONE;
    }
    entry.state = 'PrepareCommit';
    try {
      // The state record is part of the commit: the records, the offsets and CompleteCommit land together.
      tx.append(TRANSACTION_STATE_TOPIC, [stateRecord(entry, 'CompleteCommit')]);
      await tx.commit();
    } catch (err) {
      const e = kafkaErrorOf(err);
      this.#writeLine(
        `Kafka listener: the commit of transaction '${transactionalId}' failed and it was aborted: ${e.message}`,
      );
      this.#dropTransaction(entry);
      entry.state = 'CompleteAbort';
      await this.#persist(entry).catch(() => {});
      return e.code;
    }
    entry.tx = undefined;
    entry.state = 'CompleteCommit';
    this.#clearTransaction(entry);
    return ErrorCode.NONE;
  }

  /** Kafka's transaction.timeout.ms: an ongoing transaction this old is aborted, its producer fenced. */
  async #expire(entry: TransactionEntry, tx: LogTransaction): Promise<void> {
    if (entry.state !== 'Ongoing' || entry.tx !== tx) return;
    this.#writeLine(
      `Kafka listener: aborted transaction '${entry.transactionalId}' after its timeout (transaction.timeout.ms=${entry.timeoutMs})`,
    );
    this.#dropTransaction(entry);
    try {
      await this.#bumpEpoch(entry);
      entry.state = 'CompleteAbort';
      await this.#persist(entry);
    } catch (err) {
      entry.state = 'CompleteAbort';
      this.#writeLine(
        `Kafka listener: could not store the abort of transaction '${entry.transactionalId}': ${(err as Error).message}`,
      );
    }
  }

  #dropTransaction(entry: TransactionEntry): void {
    void entry.tx?.abort();
    entry.tx = undefined;
    clearTimeout(entry.timer);
    this.#clearTransaction(entry);
  }

  #clearTransaction(entry: TransactionEntry): void {
    entry.timer = undefined;
    entry.startedAt = -1;
    entry.partitions.clear();
    entry.groups.clear();
    entry.pendingOffsets.clear();
  }

  async #bumpEpoch(entry: TransactionEntry): Promise<void> {
    if (entry.epoch >= LAST_EPOCH) {
      entry.producerId = await this.#producers.allocateProducerId();
      entry.epoch = 0;
    } else entry.epoch++;
  }

  async #persist(entry: TransactionEntry): Promise<void> {
    await this.#log.append(TRANSACTION_STATE_TOPIC, [stateRecord(entry, storedStateOf(entry.state))]);
  }

  /** DescribeTransactions: undefined for an id the coordinator does not know. */
  describe(transactionalId: string):
    | {
        state: TransactionStateName;
        timeoutMs: number;
        startedAt: number;
        producerId: number;
        epoch: number;
        partitions: { topic: string; partitions: number[] }[];
      }
    | undefined {
    const e = this.#entries.get(transactionalId);
    if (e === undefined) return undefined;
    return {
      state: e.state,
      timeoutMs: e.timeoutMs,
      startedAt: e.startedAt,
      producerId: e.producerId,
      epoch: e.epoch,
      partitions: [...e.partitions].map(([topic, set]) => ({
        topic,
        partitions: [...set].sort((a, b) => a - b),
      })),
    };
  }

  /** ListTransactions, filtered as Kafka filters (empty filters match everything). */
  list(
    states: readonly string[],
    producerIds: readonly number[],
    minDurationMs: number,
  ): {
    unknownStates: string[];
    transactions: { transactionalId: string; producerId: number; state: string }[];
  } {
    const unknownStates = states.filter((s) => !STATE_NAMES.includes(s as TransactionStateName));
    const now = Date.now();
    const transactions = [...this.#entries.values()]
      .filter((e) => states.length === 0 || states.includes(e.state))
      .filter((e) => producerIds.length === 0 || producerIds.includes(e.producerId))
      .filter((e) => minDurationMs < 0 || (e.startedAt >= 0 && now - e.startedAt > minDurationMs))
      .map((e) => ({ transactionalId: e.transactionalId, producerId: e.producerId, state: e.state }));
    return { unknownStates, transactions };
  }
}

function newEntry(
  transactionalId: string,
  producerId: number,
  epoch: number,
  timeoutMs: number,
): TransactionEntry {
  return {
    transactionalId,
    producerId,
    epoch,
    timeoutMs,
    state: 'Empty',
    startedAt: -1,
    partitions: new Map(),
    groups: new Set(),
    pendingOffsets: new Map(),
    tx: undefined,
    timer: undefined,
  };
}

function storedStateOf(state: TransactionStateName): StoredState['state'] {
  switch (state) {
    case 'PrepareCommit':
    case 'Ongoing':
      return 'Ongoing';
    case 'PrepareAbort':
      return 'CompleteAbort';
    default:
      return state;
  }
}

function stateRecord(entry: TransactionEntry, state: StoredState['state']): ProduceRecord {
  const value: StoredState = {
    producerId: entry.producerId,
    epoch: entry.epoch,
    timeoutMs: entry.timeoutMs,
    state,
  };
  return { key: Buffer.from(entry.transactionalId), value: Buffer.from(JSON.stringify(value)) };
}
