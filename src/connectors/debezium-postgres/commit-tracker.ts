import type { SourceRecord } from '../../connect/api/index.js';

// Decides how far PostgreSQL may forget the WAL: the end LSN of the last transaction, in commit
// order, whose records the runtime has all written (commitRecord) and whose offsets it has then
// committed (commit). Anything later must stay in the slot so a crash re-delivers it.

interface Transaction {
  /** Sequence number of the transaction in stream order. */
  readonly seq: number;
  /** The position to confirm once the transaction is done (its commit's end LSN). */
  endLsn: bigint;
  /** True once the transaction's last change has been turned into records. */
  complete: boolean;
  /** Records handed out and not yet written. */
  unwritten: number;
  /** Records written whose offsets are not committed yet. */
  uncommitted: number;
}

export class CommitTracker {
  private readonly open: Transaction[] = [];
  private readonly owners = new WeakMap<SourceRecord, Transaction>();
  private nextSeq = 1;
  /** Every transaction with a smaller sequence number is confirmed. */
  private confirmedBelow = 1;

  /** Starts tracking the next transaction; returns its sequence number. */
  begin(): number {
    const seq = this.nextSeq++;
    this.open.push({ seq, endLsn: 0n, complete: false, unwritten: 0, uncommitted: 0 });
    return seq;
  }

  /** Counts a record of the newest transaction. */
  add(record: SourceRecord): void {
    const t = this.open[this.open.length - 1];
    if (t === undefined || t.complete) throw new Error('A change record outside a transaction');
    t.unwritten++;
    this.owners.set(record, t);
  }

  /** The newest transaction has no more records; it may be confirmed up to `endLsn`. */
  complete(endLsn: bigint): void {
    const t = this.open[this.open.length - 1];
    if (t === undefined || t.complete) throw new Error('A commit outside a transaction');
    t.complete = true;
    t.endLsn = endLsn;
  }

  /** The runtime wrote a record (commitRecord). */
  written(record: SourceRecord): void {
    const t = this.owners.get(record);
    if (t === undefined) return;
    this.owners.delete(record);
    t.unwritten--;
    t.uncommitted++;
  }

  /** The runtime committed the offsets of every record written so far (commit). */
  offsetsCommitted(): void {
    for (const t of this.open) t.uncommitted = 0;
  }

  /** Drops the finished transactions at the head; returns the end LSN of the last one, or null. */
  takeConfirmable(): bigint | null {
    let lsn: bigint | null = null;
    while (this.open.length > 0) {
      const t = this.open[0];
      if (!t.complete || t.unwritten > 0 || t.uncommitted > 0) break;
      this.open.shift();
      this.confirmedBelow = t.seq + 1;
      if (lsn === null || t.endLsn > lsn) lsn = t.endLsn;
    }
    return lsn;
  }

  /** True when every transaction up to and including `seq` is confirmed. */
  confirmedThrough(seq: number): boolean {
    return this.confirmedBelow > seq;
  }

  /** The sequence number the next transaction will get. */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }
}
