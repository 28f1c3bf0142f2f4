import {
  Consumer,
  type Log,
  LogError,
  type LogTransaction,
  type PartitionRecords,
  type ProduceRecord,
  type TopicPartition,
  type TopicPartitionOffset,
} from '../log/index.js';
import type { OperatorContext, Topology } from './operators.js';
import type { ProcessingLog } from './processing-log.js';
import type { RuntimeSource } from './runtime-source.js';
import type { TopicSink } from './sinks.js';
import { StateStores, type StoreSpec } from './state/index.js';
import { TimeSlicer } from './time-slicer.js';
import { BufferedInputs } from './timestamp-alignment.js';

export type QueryState = 'RUNNING' | 'ERROR' | 'TERMINATED';

/** One failure of a query, as ksqlDB's EXPLAIN lists them (`queryErrors`). */
export interface QueryError {
  readonly timestamp: number;
  readonly errorMessage: string;
  readonly type: 'USER' | 'SYSTEM' | 'UNKNOWN';
}

/** How a query in ERROR is restarted: ksqlDB's ksql.query.retry.backoff.* and running threshold. */
export interface RetryPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  /** After running this long without error, its errors are cleared and the backoff starts over. */
  readonly healthyAfterMs: number;
}

/**
 * The wait before the next restart, as ksqlDB's query monitor computes it: doubled each time until it
 * would reach the maximum, then the maximum plus up to half the initial wait, so queries that failed
 * together do not all restart at once.
 */
export function nextBackoff(waitMs: number, policy: RetryPolicy, random = Math.random): number {
  if (waitMs * 2 < policy.maxMs) return waitMs * 2;
  return policy.maxMs + Math.floor(random() * (policy.initialMs / 2));
}

/** ksqlDB keeps the last ksql.query.error.max.queue.size (10) errors of a query. */
const MAX_QUERY_ERRORS = 10;

export interface PersistentQuerySpec {
  readonly id: string;
  readonly source: RuntimeSource;
  readonly sinkTopic: string;
  /**
   * Every topic the query reads (a join reads two), default the source's. Within one poll, records
   * are processed in timestamp order across partitions (see alignByTimestamp); on equal times an
   * earlier topic here goes first: a join lists its table side first.
   */
  readonly topics?: readonly string[];
  /** Builds the query's operators and its topic sink (once per query, with the query's context). */
  readonly build: (context: OperatorContext) => {
    readonly topology: Topology;
    /** The topic sink; a query that only materializes (a source table's) writes nothing. */
    readonly sink: Pick<TopicSink, 'write'>;
  };
  /** Consumer group holding this query's committed offsets. */
  readonly group: string;
  /** auto.offset.reset: where to start when the group has no committed offset. */
  readonly fromEarliest: boolean;
  readonly commitIntervalMs: number;
  /**
   * ksql.streams.cache.max.bytes.buffering: bytes of the record cache its aggregate holds updates in
   * until a commit (see OperatorContext.recordCacheMaxBytes); 0 forwards every update at once.
   */
  readonly recordCacheMaxBytes?: number;
  /** How often the source topics are described again to read partitions added to them (ms). */
  readonly metadataMaxAgeMs?: number;
  /**
   * ksql.fail.on.production.error: an output record the sink can never take stops the query, with
   * nothing after it committed (true), or goes to the processing log while the rest is written.
   */
  readonly failOnProductionError: boolean;
  readonly retry: RetryPolicy;
  /**
   * processing.guarantee=exactly_once_v2: output records and input offsets are committed in one log
   * transaction, so a crash neither loses nor repeats any. Output becomes visible at each commit.
   */
  readonly exactlyOnce: boolean;
  /**
   * A stateful query's state stores (GROUP BY): one set per input partition, opened (and restored
   * from their changelogs) when the query starts reading, committed with its output and offsets.
   */
  readonly state?: {
    readonly stores: readonly StoreSpec[];
    /** ksqlDB's ksql.streams.state.dir. */
    readonly stateDir: string;
    readonly applicationId: string;
  };
}

const BATCH_RECORDS = 5000;
/**
 * A stateful query runs a batch through its topology this many records at a time (and writes the
 * output of the whole batch at once): an aggregate fans a record out into several rows (one per
 * hopping window) with their state writes, and a whole batch's worth alive at once would outgrow
 * V8's young generation, so every garbage collection would copy them instead of freeing them.
 */
const STATEFUL_CHUNK_RECORDS = 1000;
/** An exactly-once query commits once its transaction holds this much, whatever the interval. */
const MAX_TRANSACTION_RECORDS = 50_000;
const MAX_TRANSACTION_BYTES = 16 * 1024 * 1024;

/**
 * A running CREATE … AS SELECT or INSERT INTO … SELECT: reads the source topic from the group's
 * committed offsets, filters and projects, appends to the sink topic, then commits (at least once,
 * or exactly once: output and offsets in one log transaction).
 * A commit never goes past a record whose output was not written. Records it cannot read or compute
 * go to the processing log; the query goes on. A query that fails is in ERROR and restarts from its
 * committed offsets after a backoff, again and again, as ksqlDB's do, until the cause is gone.
 */
export class PersistentQuery {
  readonly spec: PersistentQuerySpec;
  state: QueryState = 'RUNNING';
  errorMessage: string | undefined;
  /** The latest failures, oldest first; cleared once a restart has run healthy long enough. */
  queryErrors: QueryError[] = [];
  /** Restarts after failures so far. */
  restarts = 0;
  processed = 0;
  failed = 0;
  private readonly log: Log;
  private readonly processingLog: ProcessingLog;
  /** The running topology; a stateful query's is built with its stores each time it starts. */
  private task: { topology: Topology; sink: Pick<TopicSink, 'write'>; stores?: StateStores } | undefined;
  private readonly stopper = new AbortController();
  private loop: Promise<void> | undefined;
  /** Resolves `start`'s promise once the first run has positioned its consumer. */
  private positioned: (() => void) | undefined;
  private consumer: Consumer | undefined;
  /** A join's records fetched but not processed yet (see BufferedInputs). */
  private inputs: BufferedInputs | undefined;
  private stateWaiters: { state: QueryState; resolve: () => void }[] = [];
  private logClosed = false;
  /** The open transaction of an exactly-once query. */
  private transaction: LogTransaction | undefined;
  /** True while an exactly-once query holds output its next commit makes visible. */
  private uncommitted = false;
  /** True while a batch is between read and commit. */
  private busy = true;
  /** A stateless query's last batch output, still being appended while the next batch is computed. */
  private inFlight: InFlightWrite | undefined;
  /** The running consumer's partitions and, for each, the next offset its state stores reflect. */
  private reflected: { assignment: readonly TopicPartition[]; next: readonly number[] } | undefined;

  constructor(log: Log, processingLog: ProcessingLog, spec: PersistentQuerySpec) {
    this.log = log;
    this.processingLog = processingLog;
    this.spec = spec;
    if (spec.state === undefined) this.task = spec.build(this.context());
  }

  private context(stores?: StateStores): OperatorContext {
    return {
      queryId: this.spec.id,
      processingLog: this.processingLog,
      countFailure: () => {
        this.failed++;
      },
      ...(stores === undefined ? {} : { stores }),
      ...(this.spec.recordCacheMaxBytes === undefined
        ? {}
        : { recordCacheMaxBytes: this.spec.recordCacheMaxBytes }),
    };
  }

  /**
   * Builds a stateful query's topology, opening (and restoring) its state stores first. One task
   * reads every input partition into one set of stores: the process sees all partitions, so a GROUP
   * BY of any expression needs no repartition topic (ksqlDB's Aggregate-GroupBy-repartition) to
   * bring each group's rows together; the output is partitioned by the sink's key.
   */
  private async openTask(): Promise<void> {
    const state = this.spec.state;
    if (state === undefined) return;
    const stores = await StateStores.open({
      log: this.log,
      stateDir: state.stateDir,
      applicationId: state.applicationId,
      partition: 0,
      partitions: 1,
      stores: state.stores,
    });
    try {
      this.task = { ...this.spec.build(this.context(stores)), stores };
    } catch (err) {
      await stores.close();
      throw err;
    }
  }

  /** Closes the stores: what is committed is flushed, an uncommitted batch is dropped. */
  private async closeTask(): Promise<void> {
    const stores = this.task?.stores;
    this.task = undefined;
    await stores?.close();
  }

  /** The open state stores of a stateful query while it runs (pull queries read them); else undefined. */
  stateStores(): StateStores | undefined {
    return this.task?.stores;
  }

  private storesOf(): StateStores[] {
    return this.task?.stores === undefined ? [] : [this.task.stores];
  }

  /** Resolves once the query is in `state`, now or later. */
  waitForState(state: QueryState): Promise<void> {
    if (this.state === state) return Promise.resolve();
    return new Promise((resolve) => this.stateWaiters.push({ state, resolve }));
  }

  private setState(state: QueryState): void {
    this.state = state;
    const waiting = this.stateWaiters;
    this.stateWaiters = [];
    for (const w of waiting) {
      if (w.state === state) w.resolve();
      else this.stateWaiters.push(w);
    }
  }

  /**
   * Starts the query; resolves once its first run has chosen where each input partition starts
   * (committed offsets, else auto.offset.reset), or that run failed. A statement that awaits it
   * knows the query sees every record appended after it: an INSERT in the same request, say.
   */
  start(): Promise<void> {
    const positioned = new Promise<void>((resolve) => {
      this.positioned = resolve;
    });
    this.loop = this.supervise().finally(() => this.markPositioned());
    return positioned;
  }

  private markPositioned(): void {
    this.positioned?.();
    this.positioned = undefined;
  }

  /** Runs the query; after a failure waits the backoff and runs it again, until stopped. */
  private async supervise(): Promise<void> {
    const { retry, id } = this.spec;
    const stopped = this.stopper.signal;
    let wait = retry.initialMs;
    for (;;) {
      const startedAt = Date.now();
      try {
        await this.run();
        return;
      } catch (err) {
        // The first run failed before positioning: the statement goes on, the query shows ERROR.
        this.markPositioned();
        if (Date.now() - startedAt >= retry.healthyAfterMs && this.restarts > 0) {
          // It had recovered: a new failure starts a new series.
          this.queryErrors = [];
          wait = retry.initialMs;
        }
        const message = (err as Error).message;
        this.logClosed = err instanceof LogError && err.code === 'LOG_CLOSED';
        this.errorMessage = message;
        this.queryErrors.push({ timestamp: Date.now(), errorMessage: message, type: 'UNKNOWN' });
        if (this.queryErrors.length > MAX_QUERY_ERRORS) this.queryErrors.shift();
        this.setState('ERROR');
        process.stderr.write(`Query ${id} failed: ${message}\n`);
        this.processingLog.queryError(id, [message]);
        await this.processingLog.flush().catch(() => {});
      }
      // A closed log never comes back: the server is shutting down.
      if (stopped.aborted || this.logClosed) return;
      if (!(await sleep(wait, stopped))) return;
      wait = nextBackoff(wait, retry);
      this.restarts++;
      process.stderr.write(`Restarting query ${id} (attempt #${this.restarts})\n`);
      this.setState('RUNNING');
    }
  }

  /**
   * For each partition the query reads, the next offset whose record its state (stores included,
   * the batch in hand too) does not reflect yet; empty before the query first runs.
   */
  processedOffsets(): TopicPartitionOffset[] {
    const r = this.reflected;
    if (r === undefined) return [];
    return r.assignment.map((tp, i) => ({ topic: tp.topic, partition: tp.partition, offset: r.next[i] }));
  }

  /** True when the query has processed everything in its source so far (or has stopped). */
  async isIdle(): Promise<boolean> {
    if (this.state !== 'RUNNING') return true;
    if (this.busy || this.uncommitted || this.inFlight || this.consumer === undefined || this.inputs?.holding)
      return false;
    return this.consumer.caughtUp();
  }

  /** The partitions with records the consumer has not fetched yet. */
  private async lagging(consumer: Consumer): Promise<TopicPartition[]> {
    const assigned = consumer.assignment();
    const ends = await Promise.all(assigned.map((tp) => this.log.endOffset(tp.topic, tp.partition)));
    return assigned.filter((tp, i) => consumer.position(tp) < ends[i]);
  }

  /** Stops after the batch in hand, with its offsets committed (or during a backoff). */
  async stop(): Promise<void> {
    this.stopper.abort();
    await this.loop;
    this.setState('TERMINATED');
  }

  /** The errors to show: none once the query has run long enough since its last restart. */
  currentErrors(now = Date.now()): readonly QueryError[] {
    if (this.state !== 'RUNNING' || this.queryErrors.length === 0) return this.queryErrors;
    const last = this.queryErrors[this.queryErrors.length - 1].timestamp;
    return now - last >= this.spec.retry.healthyAfterMs ? [] : this.queryErrors;
  }

  private async run(): Promise<void> {
    const { source, group } = this.spec;
    // Exactly once on Kafka: the previous run's last transaction is complete (or aborted) before its
    // committed offsets and changelogs are read back.
    if (this.spec.exactlyOnce) await this.log.prepareTransactions?.(group);
    const consumer = new Consumer(this.log, {
      group,
      autoOffsetReset: this.spec.fromEarliest ? 'earliest' : 'latest',
      metadataMaxAgeMs: this.spec.metadataMaxAgeMs,
    });
    const topics = this.spec.topics ?? [source.topic];
    // A join's inputs are taken in timestamp order across partitions, as Kafka Streams takes them.
    const inputs = topics.length > 1 ? new BufferedInputs(topics) : undefined;
    this.inputs = inputs;
    // Partitions added to the source later (createPartitions) join the assignment at a later poll.
    await consumer.assignTopics(topics);
    this.consumer = consumer;
    this.markPositioned();
    const assignment = consumer.assignment();
    const slotOf = (topic: string, partition: number) =>
      assignment.findIndex((tp) => tp.topic === topic && tp.partition === partition);
    await this.openTask();
    const positions = consumer.positions().map((p) => p.offset);
    // Where each partition's output is written up to (into the transaction, when exactly once): all
    // a commit may claim.
    const written = [...positions];
    this.reflected = { assignment, next: written };
    let committed = [...positions];
    let lastCommit = Date.now();
    this.transaction = this.spec.exactlyOnce ? this.log.beginTransaction(group) : undefined;
    this.uncommitted = false;
    // A stateless at-least-once query appends a batch's output while it reads and computes the next
    // (the Kafka backend's append is a round trip to the broker); one append at a time keeps the
    // output in order, and a commit waits for it.
    const overlap = this.transaction === undefined && this.spec.state === undefined && inputs === undefined;
    this.inFlight = undefined;
    const settle = async () => {
      const w = this.inFlight;
      if (w === undefined) return;
      this.inFlight = undefined;
      const stoppedAt = await w.done;
      if (stoppedAt !== undefined) {
        // What came before the record that cannot be written is committed, and nothing after it.
        written[w.index] = stoppedAt.offset;
        await commit();
        throw stoppedAt.error;
      }
      written[w.index] = w.nextOffset;
    };
    const commit = async () => {
      await settle();
      if (written.every((p, i) => p === committed[i])) return;
      const offsets = [...written];
      const list = assignment.map((tp, i) => ({
        topic: tp.topic,
        partition: tp.partition,
        offset: offsets[i],
      }));
      // What the record cache holds goes out first: with the offsets that caused it (exactly once),
      // or before them (at least once), so a crash before the commit loses nothing.
      await this.flushHeld();
      const tx = this.transaction;
      // State changes commit before (at least once) or with (exactly once) the offsets that caused them.
      if (tx === undefined) {
        for (const stores of this.storesOf()) await stores.commit();
        await consumer.commit(list);
      } else {
        for (const stores of this.storesOf()) stores.stageChangelog(tx);
        tx.commitOffsets(group, list);
        await tx.commit();
        for (const stores of this.storesOf()) await stores.applyCommitted();
        this.transaction = this.log.beginTransaction(group);
      }
      committed = offsets;
      this.uncommitted = false;
      lastCommit = Date.now();
    };
    const signal = this.stopper.signal;
    // A query whose input is always ready (a backlog, or a query that reads its own output) would
    // otherwise run on promises alone and never let HTTP, other queries or connectors have a turn.
    const slicer = new TimeSlicer();
    let failed = true;
    try {
      for (;;) {
        await slicer.tick();
        this.busy = false;
        // With output not committed yet, a quiet source still gets its commit within the interval.
        const pending = written.some((p, i) => p !== committed[i]);
        // Records held back for a lagging input, and output in flight, only wait for one more look
        // at the log: a caught-up query's last output lands before it waits.
        const looking = this.inFlight !== undefined;
        const batches = await consumer.poll(
          BATCH_RECORDS,
          signal,
          inputs?.holding || looking
            ? 0
            : pending
              ? lastCommit + this.spec.commitIntervalMs - Date.now()
              : undefined,
        );
        this.busy = true;
        // The consumer appends partitions added to the source: they get slots too, written up to
        // where this poll started reading them.
        for (const tp of consumer.assignment().slice(assignment.length)) {
          const read = batches.find((b) => b.topic === tp.topic && b.partition === tp.partition);
          const at = read?.records[0]?.offset ?? consumer.position(tp);
          assignment.push(tp);
          written.push(at);
          committed.push(at);
        }
        if (batches.length === 0 && !(inputs?.holding ?? false)) {
          if (signal.aborted) break;
          if (looking) {
            await settle();
            continue;
          }
          await commit();
          continue;
        }
        if (signal.aborted && batches.length === 0) break;
        let runs = batches;
        if (inputs !== undefined) {
          // Records are ordered by the times the query takes them at (a TIMESTAMP column's).
          const topology = this.task?.topology;
          if (topology !== undefined)
            for (const b of batches) {
              const fetching = topology.prepare(b.records, b.topic);
              if (fetching !== undefined) await fetching;
            }
          inputs.add(batches, (b) => topology?.recordTimes(b.records, b.partition, b.topic));
          // A poll that brought nothing more lets everything held go (Kafka Streams' enforced
          // processing); otherwise a partition with unread records and none here holds back later ones.
          runs = inputs.take(batches.length === 0 ? [] : await this.lagging(consumer));
          // A partition with a full buffer is not read until it drains, so polls reach the others.
          const full = consumer
            .assignment()
            .filter((tp) => inputs.count(tp.topic, tp.partition) >= BATCH_RECORDS);
          consumer.resume(consumer.assignment());
          consumer.pause(full);
          if (runs.length === 0) continue;
        }
        if (inputs !== undefined) {
          // A join's runs are small when its inputs' times interleave: their output goes in one append.
          const stopped = await this.processRuns(runs);
          const upTo = stopped?.run ?? runs.length;
          for (let r = 0; r < upTo; r++)
            written[slotOf(runs[r].topic, runs[r].partition)] = runs[r].nextOffset;
          if (stopped !== undefined) {
            written[slotOf(runs[upTo].topic, runs[upTo].partition)] = stopped.offset;
            await commit();
            throw stopped.error;
          }
        } else if (overlap)
          for (const batch of runs) {
            const index = slotOf(batch.topic, batch.partition);
            const { out, from } = await this.computeBatch(batch);
            await settle();
            const done = this.writeBatch(out, from);
            // settle() rethrows a failure; this only keeps it from counting as unhandled meanwhile.
            done.catch(() => {});
            this.inFlight = { index, nextOffset: batch.nextOffset, done };
          }
        else
          for (const batch of runs) {
            const index = slotOf(batch.topic, batch.partition);
            const stoppedAt = await this.processBatch(batch);
            if (stoppedAt !== undefined) {
              // What came before the record that cannot be written is committed, and nothing after it.
              written[index] = stoppedAt.offset;
              await commit();
              throw stoppedAt.error;
            }
            written[index] = batch.nextOffset;
          }
        this.uncommitted = this.transaction !== undefined || (this.task?.topology.buffered ?? 0) > 0;
        if (
          Date.now() - lastCommit >= this.spec.commitIntervalMs ||
          (this.transaction !== undefined &&
            (this.transaction.size >= MAX_TRANSACTION_RECORDS ||
              this.transaction.bytes >= MAX_TRANSACTION_BYTES))
        )
          await commit();
      }
      failed = false;
    } finally {
      if (!failed) await commit();
      // After a failure, what was written is committed and nothing past it; a transaction's output
      // is dropped instead, and its input read again by the next run.
      else if (this.transaction === undefined) await commit().catch(() => {});
      else {
        await this.transaction.abort();
        for (const stores of this.storesOf()) stores.discardBatch();
      }
      if (this.spec.state !== undefined) await this.closeTask();
    }
  }

  /**
   * Writes the rows operators held back (an aggregate's record cache) as the query commits. A row the
   * sink topic can never take goes to the processing log; with fail.on.production.error the query
   * stops before committing (and reprocesses from its committed offsets when it restarts).
   */
  private async flushHeld(): Promise<void> {
    const task = this.task;
    if (task === undefined) return;
    // In chunks, written as they go: a flush of a whole cache at once would outlive V8's young generation.
    for (let held = task.topology.flush(STATEFUL_CHUNK_RECORDS); held !== undefined; ) {
      const { records, from } = task.sink.write(held);
      const stoppedAt = await this.writeOutput(records, from);
      if (stoppedAt !== undefined) {
        await this.processingLog.flush();
        throw stoppedAt.error;
      }
      held = task.topology.flush(STATEFUL_CHUNK_RECORDS);
    }
    await this.processingLog.flush();
  }

  /**
   * Processes one partition's records and writes their output; returns the input offset to resume
   * from and the error when a record's output can never be written and the query must stop there.
   */
  private async processBatch(batch: PartitionRecords): Promise<{ offset: number; error: Error } | undefined> {
    const { out, from } = await this.computeBatch(batch);
    const stoppedAt = await this.writeBatch(out, from);
    // A record cache that outgrew its bytes goes out now, in chunks (Kafka Streams flushes a cache
    // that evicts a dirty entry); it may exceed them by one batch meanwhile.
    if (stoppedAt === undefined && this.task?.topology.overfull === true) await this.flushHeld();
    return stoppedAt;
  }

  /** Runs one partition's records through the topology: the output, each with its input offset. */
  private async computeBatch(batch: PartitionRecords): Promise<{ out: ProduceRecord[]; from: number[] }> {
    // Each output record comes with its input offset, to commit up to a record that failed.
    const task = this.task;
    if (task === undefined)
      throw new Error(`Query ${this.spec.id} has no topology: its state stores are closed.`);
    const fetching = task.topology.prepare(batch.records, batch.topic);
    if (fetching !== undefined) await fetching;
    const records = batch.records;
    const chunk = this.spec.state === undefined ? records.length : STATEFUL_CHUNK_RECORDS;
    let out: ProduceRecord[] = [];
    let from: number[] = [];
    for (let at = 0; at < records.length; at += chunk) {
      const part = chunk >= records.length ? records : records.slice(at, at + chunk);
      const written = task.sink.write(task.topology.process(part, batch.partition, batch.topic));
      if (at === 0) {
        out = written.records;
        from = written.from;
      } else {
        for (let i = 0; i < written.records.length; i++) {
          out.push(written.records[i]);
          from.push(written.from[i]);
        }
      }
    }
    this.processed += batch.records.length;
    return { out, from };
  }

  /** Writes a batch's output (see writeOutput), then the processing log's lines about it. */
  private async writeBatch(
    out: ProduceRecord[],
    from: number[],
  ): Promise<{ offset: number; error: Error } | undefined> {
    const stoppedAt = await this.writeOutput(out, from);
    await this.processingLog.flush();
    return stoppedAt;
  }

  /**
   * Processes runs of records (of any partitions) in order and writes all their output in one
   * append; like processBatch, returns which run and input offset to resume from when a record's
   * output can never be written (the runs before it count as written).
   */
  private async processRuns(
    runs: readonly PartitionRecords[],
  ): Promise<{ run: number; offset: number; error: Error } | undefined> {
    const task = this.task;
    if (task === undefined)
      throw new Error(`Query ${this.spec.id} has no topology: its state stores are closed.`);
    const out: ProduceRecord[] = [];
    const offsets: number[] = [];
    const runOf: number[] = [];
    for (let r = 0; r < runs.length; r++) {
      const run = runs[r];
      const fetching = task.topology.prepare(run.records, run.topic);
      if (fetching !== undefined) await fetching;
      const { records, from } = task.sink.write(task.topology.process(run.records, run.partition, run.topic));
      for (let i = 0; i < records.length; i++) {
        out.push(records[i]);
        offsets.push(from[i]);
        runOf.push(r);
      }
      this.processed += run.records.length;
    }
    // Each output's place in `out`, so the one that cannot be written names its run and offset.
    const stoppedAt = await this.writeOutput(
      out,
      out.map((_, i) => i),
    );
    await this.processingLog.flush();
    if (stoppedAt === undefined) {
      if (task.topology.overfull) await this.flushHeld();
      return undefined;
    }
    return { run: runOf[stoppedAt.offset], offset: offsets[stoppedAt.offset], error: stoppedAt.error };
  }

  /**
   * Appends the batch's output. A record the sink topic can never take (too large, keyless on a
   * compacted topic) goes to the processing log; with fail.on.production.error the records before
   * it are written and the query stops there (the returned input offset is where it resumes),
   * otherwise it is dropped and the rest is written. Other errors (a full disk) throw: nothing of
   * this batch counts as written.
   */
  private async writeOutput(
    out: ProduceRecord[],
    from: number[],
  ): Promise<{ offset: number; error: Error } | undefined> {
    while (out.length > 0) {
      try {
        await this.write(out);
        return undefined;
      } catch (err) {
        const bad = unwritableRecord(err);
        if (bad === undefined) throw err;
        this.failed++;
        this.processingLog.productionError(this.spec.id, productionMessage(err as LogError));
        if (this.spec.failOnProductionError) {
          if (bad > 0) await this.write(out.slice(0, bad));
          return { offset: from[bad], error: err as Error };
        }
        out.splice(bad, 1);
        from.splice(bad, 1);
      }
    }
    return undefined;
  }

  /** Appends to the sink topic, or adds to the open transaction (checked at once, written at commit). */
  private async write(records: readonly ProduceRecord[]): Promise<void> {
    if (this.transaction === undefined) await this.log.append(this.spec.sinkTopic, records);
    else this.transaction.append(this.spec.sinkTopic, records);
  }
}

/** A batch's output being appended: the input slot and offset it covers once it lands. */
interface InFlightWrite {
  readonly index: number;
  readonly nextOffset: number;
  /** Where the query must stop (see writeOutput), or undefined when all was written. */
  readonly done: Promise<{ offset: number; error: Error } | undefined>;
}

/** The index of the record an append refused for good, or undefined for any other failure. */
function unwritableRecord(err: unknown): number | undefined {
  if (!(err instanceof LogError)) return undefined;
  if (err.code !== 'RECORD_TOO_LARGE' && err.code !== 'INVALID_RECORD') return undefined;
  return err.recordIndex;
}

/** For a record too large, Kafka's broker answer: the text ksqlDB's processing log shows. */
function productionMessage(err: LogError): string {
  if (err.code === 'RECORD_TOO_LARGE')
    return 'The request included a message larger than the max message size the server will accept.';
  return err.message;
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (completed: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(completed);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    // A query waiting to restart does not keep the process alive.
    timer.unref();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
