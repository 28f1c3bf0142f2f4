import { ProduceAcks, type Producer } from '@platformatic/kafka';
import { LogError } from '../errors.js';
import type { LogTransaction, ProduceRecord, TopicPartitionOffset } from '../types.js';
import { fromKafkaError, kafkaErrorIds } from './kafka-errors.js';

/** What a transaction needs from its KafkaLog. */
export interface KafkaTransactionHost {
  /** The transactional producer of this id: one per id and process, its InitProducerId fencing other processes'. */
  producerFor(transactionalId: string): Promise<Producer<Buffer, Buffer, Buffer, Buffer>>;
  /** Forgets (and closes) the producer after a fence or a failed abort: it cannot be used again. */
  dropProducer(transactionalId: string): Promise<void>;
  /** Whether this is still the newest transaction begun with its id in this process. */
  isCurrent(transactionalId: string, epoch: number): boolean;
  /**
   * The messages for `records`, partitioned as `KafkaLog.append` partitions them, once `producer`
   * knows the topic's partition count (it takes partitions modulo the count it knows).
   */
  messagesFor(
    topic: string,
    records: readonly ProduceRecord[],
    producer: Producer<Buffer, Buffer, Buffer, Buffer>,
  ): Promise<unknown[]>;
  /** The node id of the group's coordinator (where TxnOffsetCommit goes). */
  groupCoordinator(group: string): Promise<number>;
}

/** The coordinator is not ready yet: asking again after a moment succeeds. */
const NOT_READY = new Set([
  'NOT_COORDINATOR',
  'COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'CONCURRENT_TRANSACTIONS',
]);
const BEGIN_ATTEMPTS = 10;
const FENCED = new Set([
  'PRODUCER_FENCED',
  'INVALID_PRODUCER_EPOCH',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
]);

/**
 * A transaction of the Kafka backend: records and offsets are held in memory and, at commit, sent
 * as one Kafka transaction (InitProducerId once per id and process, AddPartitionsToTxn, Produce,
 * AddOffsetsToTxn, TxnOffsetCommit, EndTxn) through @platformatic/kafka's transactional producer.
 * KafkaLog reads read_committed, so readers see the records only once EndTxn committed them. A
 * failure anywhere aborts the Kafka transaction: nothing of it is ever visible.
 */
export class KafkaLogTransaction implements LogTransaction {
  readonly transactionalId: string;
  readonly #host: KafkaTransactionHost;
  readonly #epoch: number;
  readonly #writes: { topic: string; records: readonly ProduceRecord[] }[] = [];
  readonly #offsets = new Map<string, Map<string, TopicPartitionOffset>>();
  #records = 0;
  #bytes = 0;
  #done: 'committed' | 'aborted' | undefined;

  constructor(transactionalId: string, epoch: number, host: KafkaTransactionHost) {
    this.transactionalId = transactionalId;
    this.#epoch = epoch;
    this.#host = host;
  }

  get size(): number {
    return this.#records;
  }

  get bytes(): number {
    return this.#bytes;
  }

  #open(): void {
    if (this.#done !== undefined) {
      throw new LogError(
        'INVALID_CONFIG',
        `Transaction '${this.transactionalId}' is already ${this.#done}: begin a new one.`,
      );
    }
  }

  /** Records are checked for what can be checked without the cluster; the rest fails the commit. */
  append(topic: string, records: readonly ProduceRecord[]): void {
    this.#open();
    records.forEach((r, recordIndex) => {
      if (r.partition !== undefined && (!Number.isInteger(r.partition) || r.partition < 0)) {
        throw new LogError('INVALID_RECORD', `Partition ${r.partition} of topic '${topic}' does not exist.`, {
          recordIndex,
        });
      }
    });
    if (records.length === 0) return;
    this.#writes.push({ topic, records: [...records] });
    this.#records += records.length;
    for (const r of records) this.#bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
  }

  commitOffsets(group: string, offsets: readonly TopicPartitionOffset[]): void {
    this.#open();
    if (group.length === 0) throw new LogError('INVALID_CONFIG', 'A consumer group id must not be empty.');
    let byPartition = this.#offsets.get(group);
    if (byPartition === undefined) {
      byPartition = new Map();
      this.#offsets.set(group, byPartition);
    }
    for (const o of offsets) byPartition.set(`${o.topic}\u0000${o.partition}`, o);
  }

  async commit(): Promise<void> {
    this.#open();
    // Whatever happens next, this transaction is over: a failed commit is aborted in Kafka.
    this.#done = 'aborted';
    if (!this.#host.isCurrent(this.transactionalId, this.#epoch)) {
      throw new LogError(
        'PRODUCER_FENCED',
        `Transaction '${this.transactionalId}' was fenced: a newer one with the same id began. Nothing of it was written.`,
      );
    }
    if (this.#writes.length === 0 && this.#offsets.size === 0) {
      this.#done = 'committed';
      return;
    }
    let producer: Producer<Buffer, Buffer, Buffer, Buffer>;
    let tx: KafkaTransaction;
    try {
      ({ producer, tx } = await beginKafkaTransaction(this.transactionalId, this.#host));
    } catch (err) {
      throw await failure(this.transactionalId, this.#host, err, 'Beginning');
    }
    try {
      for (const w of this.#writes) {
        const messages = await this.#host.messagesFor(w.topic, w.records, producer);
        await tx.send({ messages: messages as never, acks: ProduceAcks.ALL });
      }
      for (const [group, byPartition] of this.#offsets) {
        const coordinatorId = await this.#host.groupCoordinator(group);
        // @platformatic/kafka takes a group and its offsets as a consumer and the messages it read:
        // AddOffsetsToTxn needs only the group id, TxnOffsetCommit commits a message's offset + 1.
        await tx.addConsumer({ groupId: group } as never);
        for (const o of byPartition.values()) {
          await tx.addOffset({
            topic: o.topic,
            partition: o.partition,
            offset: BigInt(o.offset) - 1n,
            metadata: { consumer: { groupId: group, generationId: -1, memberId: '', coordinatorId } },
          } as never);
        }
      }
      await tx.commit();
      this.#done = 'committed';
    } catch (err) {
      try {
        await tx.abort();
      } catch {
        await this.#host.dropProducer(this.transactionalId);
      }
      throw await failure(this.transactionalId, this.#host, err, 'Committing');
    }
  }

  async abort(): Promise<void> {
    // Nothing reached Kafka before commit: dropping what is held is the whole abort.
    if (this.#done === undefined) this.#done = 'aborted';
  }
}

type KafkaTransaction = Awaited<ReturnType<Producer<Buffer, Buffer, Buffer, Buffer>['beginTransaction']>>;

/**
 * Begins a Kafka transaction on the id's producer (FindCoordinator and, the first time, InitProducerId).
 * The cluster's transaction coordinator may still be loading (a fresh cluster creates its
 * __transaction_state at the first transaction), or completing the id's previous transaction: begin
 * again on a new producer until it answers.
 */
async function beginKafkaTransaction(
  transactionalId: string,
  host: KafkaTransactionHost,
): Promise<{ producer: Producer<Buffer, Buffer, Buffer, Buffer>; tx: KafkaTransaction }> {
  for (let attempt = 1; ; attempt++) {
    const producer = await host.producerFor(transactionalId);
    try {
      return { producer, tx: await producer.beginTransaction() };
    } catch (err) {
      if (attempt >= BEGIN_ATTEMPTS || ![...kafkaErrorIds(err)].some((id) => NOT_READY.has(id))) throw err;
      await host.dropProducer(transactionalId);
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

/**
 * InitProducerId for the id now (see KafkaLog.prepareTransactions); no transaction is left open. It
 * is asked on a new producer even when this process has one for the id: its last EndTxn may have
 * answered before Kafka wrote that transaction's markers, and only InitProducerId waits for them
 * (CONCURRENT_TRANSACTIONS until they are all written). Without it, a query restarted in the same
 * process could read its offsets with that transaction (its marker in __consumer_offsets written)
 * but restore a changelog without it (its marker not written yet, so the last stable offset stops
 * before it): updates lost.
 */
export async function prepareKafkaTransactions(
  transactionalId: string,
  host: KafkaTransactionHost,
): Promise<void> {
  await host.dropProducer(transactionalId);
  try {
    const { tx } = await beginKafkaTransaction(transactionalId, host);
    // Nothing was added: cancelling is local, and the next commit's transaction reuses the producer.
    await tx.cancel();
  } catch (err) {
    throw await failure(transactionalId, host, err, 'Preparing');
  }
}

async function failure(
  transactionalId: string,
  host: KafkaTransactionHost,
  err: unknown,
  what: string,
): Promise<LogError> {
  if ([...kafkaErrorIds(err)].some((id) => FENCED.has(id))) {
    await host.dropProducer(transactionalId);
    return new LogError(
      'PRODUCER_FENCED',
      `Transaction '${transactionalId}' was fenced by Kafka: another producer (a newer process) initialised the same transactional id. Nothing of it was committed.`,
      { cause: err },
    );
  }
  return fromKafkaError(err, `${what} transaction '${transactionalId}'`);
}
