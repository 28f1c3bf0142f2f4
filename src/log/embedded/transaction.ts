import { LogError } from '../errors.js';
import type { LogTransaction, ProduceRecord, TopicPartitionOffset } from '../types.js';
import type { BatchInput } from './record-batch.js';

/** Records of one append to a transaction, already checked and sorted into partitions. */
export interface TransactionWrite {
  readonly topic: string;
  readonly routed: { readonly batches: BatchInput[][]; readonly now: number };
}

/** What a transaction needs from its SegmentLog. */
export interface TransactionHost {
  route(topic: string, records: readonly ProduceRecord[]): TransactionWrite;
  checkOffsets(group: string, offsets: readonly TopicPartitionOffset[]): void;
  commit(
    writes: readonly TransactionWrite[],
    offsets: ReadonlyMap<string, readonly TopicPartitionOffset[]>,
  ): void;
}

/**
 * A transaction of the embedded log: records and offsets are held in memory, checked as they come,
 * and written at commit in one synchronous run (see SegmentLog's commitTransaction), so no reader
 * ever sees part of it.
 */
export class SegmentLogTransaction implements LogTransaction {
  readonly transactionalId: string;
  private readonly host: TransactionHost;
  private readonly writes: TransactionWrite[] = [];
  private readonly offsets = new Map<string, Map<string, TopicPartitionOffset>>();
  private records = 0;
  private heldBytes = 0;
  private done: 'committed' | 'aborted' | undefined;

  constructor(transactionalId: string, host: TransactionHost) {
    this.transactionalId = transactionalId;
    this.host = host;
  }

  get size(): number {
    return this.records;
  }

  get bytes(): number {
    return this.heldBytes;
  }

  private open(): void {
    if (this.done !== undefined) {
      throw new LogError(
        'INVALID_CONFIG',
        `Transaction '${this.transactionalId}' is already ${this.done}: begin a new one.`,
      );
    }
  }

  append(topic: string, records: readonly ProduceRecord[]): void {
    this.open();
    if (records.length === 0) return;
    this.writes.push(this.host.route(topic, records));
    this.records += records.length;
    for (const r of records) this.heldBytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
  }

  commitOffsets(group: string, offsets: readonly TopicPartitionOffset[]): void {
    this.open();
    this.host.checkOffsets(group, offsets);
    let byPartition = this.offsets.get(group);
    if (byPartition === undefined) {
      byPartition = new Map();
      this.offsets.set(group, byPartition);
    }
    for (const o of offsets) byPartition.set(`${o.topic}\u0000${o.partition}`, o);
  }

  async commit(): Promise<void> {
    this.open();
    // Whatever happens next, this transaction is over: a failed commit wrote nothing.
    this.done = 'aborted';
    const offsets = new Map<string, TopicPartitionOffset[]>();
    for (const [group, byPartition] of this.offsets) offsets.set(group, [...byPartition.values()]);
    this.host.commit(this.writes, offsets);
    this.done = 'committed';
  }

  async abort(): Promise<void> {
    if (this.done === undefined) this.done = 'aborted';
  }
}
