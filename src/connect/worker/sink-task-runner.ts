import type { LogRecord, RecordHeader } from '../../log/index.js';
import type {
  ConnectHeader,
  ConnectLogger,
  Converter,
  SinkRecord,
  SinkTask,
  TopicPartition,
} from '../api/index.js';
import { RetriableException } from '../api/index.js';
import { abortableSleep } from './abortable-sleep.js';
import { withRecentLines } from './connect-logger.js';
import { backoffMs, type ErrorPolicy, type ErrorStage, ToleranceExceededError } from './error-policy.js';
import { createTopicIfMissing, isUnavailable } from './log-unavailable.js';
import type { RecordTransformer } from './plugin-registry.js';
import type { SinkConsumerPort, SinkLogPort, TaskStatusPort } from './task-port.js';
import { TaskRunner } from './task-runner.js';
import { yieldToEventLoop } from './yield-to-event-loop.js';

export interface SinkTaskRunnerOptions {
  readonly log: SinkLogPort;
  /** Reads the assignment from the group `connect-<name>`'s committed offsets, earliest when none. */
  readonly consumer: SinkConsumerPort;
  readonly connector: string;
  readonly taskId: number;
  readonly taskConfig: Readonly<Record<string, string>>;
  /** The topics this task reads, and which of their partitions (now and added later) are its own. */
  readonly topics: readonly string[];
  readonly owns: (tp: TopicPartition) => boolean;
  readonly keyConverter: Converter;
  readonly valueConverter: Converter;
  readonly transform: RecordTransformer;
  readonly errors: ErrorPolicy;
  readonly statuses: TaskStatusPort;
  readonly offsetFlushIntervalMs: number;
  readonly logger: ConnectLogger;
}

const BATCH = 2000;
const NO_HEADERS: readonly ConnectHeader[] = [];

interface RecordFailure {
  readonly failed: true;
  readonly stage: ErrorStage;
  readonly tp: TopicPartition;
  readonly r: LogRecord;
  readonly error: unknown;
}

const tpKey = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`;
const names = (tps: readonly TopicPartition[]) => tps.map((tp) => `${tp.topic}-${tp.partition}`).join(', ');

/**
 * Runs one sink task: reads its partitions from the group `connect-<name>`'s committed offsets
 * (earliest when none), converts and transforms, hands batches to `put`, and commits what
 * `preCommit` says is safe every offset.flush.interval.ms and on stop. A RetriableException from
 * `put` redelivers the same batch; records that fail conversion go through errors.tolerance and
 * the dead-letter queue.
 */
export class SinkTaskRunner extends TaskRunner {
  delivered = 0;
  private readonly o: SinkTaskRunnerOptions;
  private readonly task: SinkTask;
  private readonly stopper = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly consumer: SinkConsumerPort;
  private timeoutMs = 0;
  private commitRequested = false;
  private movedSinceCommit = false;
  /** Records of the batch being delivered (read, so past the positions, but not yet delivered). */
  private inFlight = 0;

  constructor(task: SinkTask, options: SinkTaskRunnerOptions) {
    super(options);
    this.task = task;
    this.o = options;
    this.consumer = options.consumer;
  }

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopper.abort();
    this.pauser.resume();
    await this.loop;
    if (this.state !== 'FAILED') this.state = 'STOPPED';
  }

  private async run(): Promise<void> {
    const { connector, taskId, logger } = this.o;
    try {
      await this.consumer.assignTopics(this.o.topics, this.o.owns);
      // Partitions added to the topics later join (the consumer follows them); none leaves.
      const assigned = new Set(this.consumer.assignment().map(tpKey));
      const ours = (tps: readonly TopicPartition[]) => tps.filter((tp) => assigned.has(tpKey(tp)));
      this.task.initialize({
        configs: this.o.taskConfig,
        logger,
        offset: (offsets) => {
          for (const [tp, offset] of offsets) if (assigned.has(tpKey(tp))) this.consumer.seek(tp, offset);
        },
        timeout: (ms) => {
          this.timeoutMs = ms;
        },
        assignment: () => this.consumer.assignment(),
        pause: (...tps) => this.consumer.pause(ours(tps)),
        resume: (...tps) => this.consumer.resume(ours(tps)),
        requestCommit: () => {
          this.commitRequested = true;
        },
        errantRecordReporter:
          this.o.errors.tolerateAll || this.o.errors.deadLetterTopic
            ? (record, error) => this.report(record, error, 'TASK_PUT')
            : null,
        stopping: this.stopper.signal,
        retrying: (reason) => this.noteRetrying(reason),
      });
      await this.task.start(this.o.taskConfig);
      await this.task.open?.(this.consumer.assignment());
      this.startSucceeded();
      await this.o.statuses.putTask(connector, taskId, this.pauser.paused ? 'PAUSED' : 'RUNNING');
      logger.info(`Sink task started on ${names(this.consumer.assignment())}`);
      let lastCommit = Date.now();
      let unavailable = 0;
      while (!this.stopper.signal.aborted) {
        await this.pauser.wait();
        if (this.stopper.signal.aborted) break;
        let batch: SinkRecord[] | undefined;
        try {
          batch = await this.nextBatch();
          if (unavailable > 0) {
            this.noteRetrying(null);
            logger.info('The log is back; reading again');
          }
          unavailable = 0;
        } catch (err) {
          // The log's server restarting (a `sluice connect` worker's): read again, with backoff.
          if (!isUnavailable(err)) throw err;
          this.noteRetrying((err as Error).message);
          logger.warn(`Cannot read the log, retrying: ${(err as Error).message}`);
          await abortableSleep(backoffMs(unavailable++, this.o.errors.retryDelayMaxMs), this.stopper.signal);
          continue;
        }
        if (batch === undefined) break;
        // Partitions added to the topics since: opened for the task, as a rebalance opens them in Kafka.
        const added = this.consumer.assignment().filter((tp) => !assigned.has(tpKey(tp)));
        if (added.length > 0) {
          for (const tp of added) assigned.add(tpKey(tp));
          logger.info(`Sink task reads the added partitions ${names(added)}`);
          await this.task.open?.(added);
        }
        if (batch.length > 0) await this.deliver(batch);
        // Reading and converting are synchronous: give HTTP, signals and other tasks their turn.
        await yieldToEventLoop();
        // Positions are committed within about a second of delivery (batched: one commit for
        // every batch delivered since), and not at all while nothing new was delivered.
        const due = Date.now() - lastCommit >= this.o.offsetFlushIntervalMs;
        if (this.commitRequested || (due && this.movedSinceCommit)) {
          try {
            await this.commit();
          } catch (err) {
            if (!isUnavailable(err)) throw err;
            // Committed with a later round, once the log is back.
            this.movedSinceCommit = true;
          }
          lastCommit = Date.now();
        }
      }
      await this.commit();
      await this.task.close?.(this.consumer.assignment());
      await this.task.stop();
      logger.info('Sink task stopped');
    } catch (err) {
      this.startFailed(err);
      this.state = 'FAILED';
      logger.error('Sink task failed', err);
      this.trace = withRecentLines(
        (err as Error)?.stack ?? String(err),
        `${this.o.connector}-${this.o.taskId}`,
      );
      await this.o.statuses.putTask(connector, taskId, 'FAILED', this.trace).catch(() => {});
      try {
        await this.task.stop();
      } catch {
        // Already failed.
      }
    }
    this.startFailed(new Error('the task stopped before it started'));
  }

  /**
   * Records from the partitions with data, waiting up to a second for some (so a commit interval
   * passes even without new records); undefined once stopping. A read that fails (the log away)
   * moves no position.
   */
  private async nextBatch(): Promise<SinkRecord[] | undefined> {
    const batches = await this.consumer.poll(BATCH, this.stopper.signal, 1000);
    if (batches.length === 0) return this.stopper.signal.aborted ? undefined : [];
    if (this.pauser.paused) {
      // Paused while waiting: what arrived is read after the resume, and counts as lag meanwhile.
      for (const { topic, partition, records } of batches)
        this.consumer.seek({ topic, partition }, records[0].offset);
      return [];
    }
    const out: SinkRecord[] = [];
    this.movedSinceCommit = true;
    for (const { topic, partition, records } of batches) {
      const tp = { topic, partition };
      this.counters.recordsIn += records.length;
      this.counters.lastRecordAt = Date.now();
      await this.prepareConverters(topic, records);
      for (const r of records) {
        const converted = this.convert(tp, r);
        if (converted === null) continue;
        if ('failed' in converted) await this.failRecord(converted.stage, converted, converted.error);
        else out.push(converted);
      }
    }
    return out;
  }

  /**
   * Lets converters that fetch schemas (a registry's) do so for a batch before the synchronous
   * conversion; a fetch that fails fails those records' conversion, through errors.tolerance.
   */
  private async prepareConverters(topic: string, records: readonly LogRecord[]): Promise<void> {
    const { keyConverter, valueConverter } = this.o;
    if (keyConverter.prepareToConnectData === undefined && valueConverter.prepareToConnectData === undefined)
      return;
    const waits: Promise<void>[] = [];
    for (const r of records) {
      const k = keyConverter.prepareToConnectData?.(topic, r.key);
      if (k !== undefined) waits.push(k);
      const v = valueConverter.prepareToConnectData?.(topic, r.value);
      if (v !== undefined) waits.push(v);
    }
    if (waits.length > 0) await Promise.allSettled(waits);
  }

  /**
   * Converts and transforms one record, synchronously (a promise per record would cost more than
   * the conversion). A failure is returned, to go through errors.tolerance once the batch is read.
   */
  private convert(tp: TopicPartition, r: LogRecord): SinkRecord | RecordFailure | null {
    const headers =
      r.headers.length === 0
        ? NO_HEADERS
        : r.headers.map((h: RecordHeader) => ({
            key: h.key,
            schema: null,
            value: h.value === null ? null : h.value.toString('utf8'),
          }));
    let stage: ErrorStage = 'KEY_CONVERTER';
    try {
      const key = this.o.keyConverter.toConnectData(tp.topic, r.key, headers);
      stage = 'VALUE_CONVERTER';
      const value = this.o.valueConverter.toConnectData(tp.topic, r.value, headers);
      stage = 'TRANSFORMATION';
      return this.o.transform({
        topic: tp.topic,
        kafkaPartition: tp.partition,
        kafkaOffset: r.offset,
        keySchema: key.schema,
        key: key.value,
        valueSchema: value.schema,
        value: value.value,
        timestamp: r.timestamp,
        timestampType: 'CreateTime',
        headers,
        originalTopic: tp.topic,
        originalKafkaPartition: tp.partition,
        originalKafkaOffset: r.offset,
      });
    } catch (error) {
      return { failed: true, stage, tp, r, error };
    }
  }

  /** errors.tolerance=all skips (logging and dead-lettering it); none fails the task. */
  private async failRecord(
    stage: ErrorStage,
    raw: { tp: TopicPartition; r: LogRecord },
    err: unknown,
  ): Promise<void> {
    if (!this.o.errors.tolerateAll) throw new ToleranceExceededError(stage, err);
    this.counters.errors++;
    if (this.o.errors.logErrors) {
      this.o.logger.error(
        `Error in stage ${stage} for ${raw.tp.topic}-${raw.tp.partition}@${raw.r.offset}; skipped`,
        err,
      );
    }
    await this.deadLetter(raw.tp, raw.r, stage, err as Error);
  }

  private async report(record: SinkRecord, error: Error, stage: ErrorStage): Promise<void> {
    this.counters.errors++;
    const tp = { topic: record.originalTopic, partition: record.originalKafkaPartition };
    const { records } = await this.o.log.read(tp.topic, tp.partition, record.originalKafkaOffset, {
      maxRecords: 1,
    });
    if (this.o.errors.logErrors)
      this.o.logger.error(
        `Record ${tp.topic}-${tp.partition}@${record.originalKafkaOffset} reported as failed`,
        error,
      );
    if (records[0] !== undefined) await this.deadLetter(tp, records[0], stage, error);
  }

  /** Writes the original bytes to the dead-letter topic, with Kafka Connect's context headers when asked. */
  private async deadLetter(tp: TopicPartition, r: LogRecord, stage: ErrorStage, error: Error): Promise<void> {
    const topic = this.o.errors.deadLetterTopic;
    if (topic === undefined) return;
    // Another task of the connector may create it at the same moment.
    if (!(await this.o.log.hasTopic(topic))) await createTopicIfMissing(this.o.log, topic, 1);
    const context: RecordHeader[] = this.o.errors.deadLetterContextHeaders
      ? [
          ['__connect.errors.topic', tp.topic],
          ['__connect.errors.partition', String(tp.partition)],
          ['__connect.errors.offset', String(r.offset)],
          ['__connect.errors.connector.name', this.o.connector],
          ['__connect.errors.task.id', String(this.o.taskId)],
          ['__connect.errors.stage', stage],
          ['__connect.errors.class.name', this.constructor.name],
          ['__connect.errors.exception.class.name', error.name],
          ['__connect.errors.exception.message', error.message],
          ['__connect.errors.exception.stacktrace', error.stack ?? ''],
        ].map(([key, value]) => ({ key, value: Buffer.from(value) }))
      : [];
    await this.o.log.append(topic, [
      { key: r.key, value: r.value, timestamp: r.timestamp, headers: [...r.headers, ...context] },
    ]);
    this.counters.deadLettered++;
  }

  /**
   * put with redelivery of the same batch after a RetriableException. A stop during the backoff
   * ends it: the batch is left undelivered, and its partitions rewound so that no commit passes it.
   */
  private async deliver(batch: SinkRecord[]): Promise<void> {
    this.inFlight = batch.length;
    try {
      await this.deliverBatch(batch);
    } finally {
      this.inFlight = 0;
    }
  }

  private async deliverBatch(batch: SinkRecord[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.task.put(batch);
        this.delivered += batch.length;
        this.counters.recordsOut += batch.length;
        if (attempt > 0) this.noteRetrying(null);
        return;
      } catch (err) {
        if (!(err instanceof RetriableException)) throw err;
        if (this.stopper.signal.aborted) return this.rewind(batch);
        this.noteRetrying(err.message);
        const wait =
          this.timeoutMs > 0 ? this.timeoutMs : Math.min(this.o.errors.retryDelayMaxMs, 300 * 2 ** attempt);
        this.o.logger.warn(
          `Retriable error from put (attempt ${attempt + 1}), redelivering in ${wait} ms: ${err.message}`,
        );
        await abortableSleep(wait, this.stopper.signal);
        if (this.stopper.signal.aborted) return this.rewind(batch);
      }
    }
  }

  /** Records behind: from each partition's position to its end, and the batch not yet delivered. */
  async lag(): Promise<number> {
    const inFlight = this.inFlight;
    return inFlight + (await this.consumer.lag());
  }

  /** Moves each partition of an undelivered batch back to its first record. */
  private rewind(batch: readonly SinkRecord[]): void {
    for (const r of batch) {
      const tp = { topic: r.originalTopic, partition: r.originalKafkaPartition };
      if (r.originalKafkaOffset < this.consumer.position(tp)) this.consumer.seek(tp, r.originalKafkaOffset);
    }
  }

  private async commit(): Promise<void> {
    this.commitRequested = false;
    this.movedSinceCommit = false;
    const current = new Map<TopicPartition, number>(
      this.consumer.assignment().map((tp) => [tp, this.consumer.position(tp)] as const),
    );
    let safe: ReadonlyMap<TopicPartition, number> = current;
    if (this.task.preCommit !== undefined) safe = await this.task.preCommit(current);
    else await this.task.flush?.(current);
    // What the task holds back (written later) is committed with a later round.
    for (const [tp, offset] of current) if ((safe.get(tp) ?? offset) < offset) this.movedSinceCommit = true;
    if (safe.size === 0) return;
    await this.consumer.commit(
      [...safe].map(([tp, offset]) => ({ topic: tp.topic, partition: tp.partition, offset })),
    );
  }
}
