import type { ProduceRecord, RecordHeader } from '../../log/index.js';
import type { ConnectLogger, Converter, SourcePartition, SourceRecord, SourceTask } from '../api/index.js';
import { RetriableException } from '../api/index.js';
import { abortableSleep } from './abortable-sleep.js';
import { withRecentLines } from './connect-logger.js';
import { backoffMs, type ErrorPolicy, type ErrorStage, ToleranceExceededError } from './error-policy.js';
import { createTopicIfMissing, isUnavailable } from './log-unavailable.js';
import type { RecordTransformer } from './plugin-registry.js';
import type { SourceLogPort, SourceOffsetPort, TaskStatusPort } from './task-port.js';
import { TaskRunner } from './task-runner.js';
import { yieldToEventLoop } from './yield-to-event-loop.js';

export interface SourceTaskRunnerOptions {
  readonly log: SourceLogPort;
  readonly connector: string;
  readonly taskId: number;
  readonly taskConfig: Readonly<Record<string, string>>;
  readonly keyConverter: Converter;
  readonly valueConverter: Converter;
  readonly transform: RecordTransformer;
  readonly errors: ErrorPolicy;
  readonly offsets: SourceOffsetPort;
  readonly statuses: TaskStatusPort;
  readonly offsetFlushIntervalMs: number;
  /** Partitions for topics a source writes to that do not exist yet (topic.creation.default.partitions). */
  readonly newTopicPartitions: number;
  readonly logger: ConnectLogger;
}

export type { TaskRunState } from './task-runner.js';

/**
 * Runs one source task: poll, transform, convert, write to the log, and commit the source offsets
 * of what was written within offset.flush.interval.ms (batched, beside the poll loop) and on stop. The connector only produces
 * records; batching, offsets, retries and error tolerance live here.
 */
export class SourceTaskRunner extends TaskRunner {
  /** Records written so far. */
  written = 0;
  private readonly o: SourceTaskRunnerOptions;
  private readonly task: SourceTask;
  private stopping = false;
  /** Aborted on stop: ends a retry's backoff here and, through the context, in the task. */
  private readonly stopper = new AbortController();
  private loop: Promise<void> | undefined;
  /** The latest record per source partition since the last flush: its offset is what to commit. */
  private pendingOffsets = new Map<string, SourceRecord>();
  /** Set while offsets wait for their commit, at most offset.flush.interval.ms after the first of them. */
  private flushTimer: NodeJS.Timeout | undefined;
  /** The flush under way (they run one at a time, beside the poll loop). */
  private flushing: Promise<void> = Promise.resolve();
  private readonly partitionKeys = new WeakMap<SourcePartition, string>();

  constructor(task: SourceTask, options: SourceTaskRunnerOptions) {
    super(options);
    this.task = task;
    this.o = options;
  }

  start(): void {
    this.loop = this.run();
  }

  /**
   * Stops the task (unblocking its poll), commits what was written, and waits for the loop to end.
   * A task that hears about commits (a CDC task acknowledges its database on `commit`) first gets
   * the time a poll may take to let the loop end and the last commit reach it while it runs.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopper.abort();
    this.pauser.resume();
    if (this.task.commit !== undefined) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.loop, new Promise((r) => (timer = setTimeout(r, POLL_RETURNS_WITHIN_MS)))]);
      clearTimeout(timer);
    }
    try {
      await this.task.stop();
    } catch (err) {
      this.o.logger.warn(`Error while stopping the task: ${(err as Error).message}`);
    }
    await this.loop;
    if (this.state !== 'FAILED') this.state = 'STOPPED';
  }

  /** The task's own lag in bytes (a CDC slot's), null when it has none or cannot say within a second. */
  async lagBytes(): Promise<number | null> {
    if (this.task.lagBytes === undefined || this.state === 'STOPPED' || this.state === 'FAILED') return null;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.task.lagBytes(),
        new Promise<null>((r) => (timer = setTimeout(() => r(null), 1000))),
      ]);
    } catch {
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  private async run(): Promise<void> {
    const { connector, taskId, statuses, logger } = this.o;
    try {
      this.task.initialize({
        configs: this.o.taskConfig,
        offsetStorageReader: {
          offset: async (partition) => this.o.offsets.get(connector, partition),
          offsets: async (partitions) =>
            new Map(partitions.map((p) => [p, this.o.offsets.get(connector, p)])),
        },
        logger,
        stopping: this.stopper.signal,
        retrying: (reason) => this.noteRetrying(reason),
      });
      await this.task.start(this.o.taskConfig);
      this.startSucceeded();
      await statuses.putTask(connector, taskId, this.pauser.paused ? 'PAUSED' : 'RUNNING');
      logger.info('Source task started');
      let retryAttempt = 0;
      let retryStarted = 0;
      while (!this.stopping) {
        await this.pauser.wait();
        if (this.stopping) break;
        let records: SourceRecord[] | null;
        try {
          records = await this.task.poll();
          if (retryAttempt > 0) this.noteRetrying(null);
          retryAttempt = 0;
        } catch (err) {
          if (!(err instanceof RetriableException)) throw err;
          // Retriable poll failures are retried until errors.retry.timeout, as Kafka Connect does.
          if (retryAttempt === 0) retryStarted = Date.now();
          const timeout = this.o.errors.retryTimeoutMs;
          if (timeout >= 0 && Date.now() - retryStarted > timeout)
            throw new ToleranceExceededError('TASK_POLL', err);
          logger.warn(`Retriable error from poll, retrying: ${err.message}`);
          this.noteRetrying(err.message);
          await abortableSleep(backoffMs(retryAttempt++, this.o.errors.retryDelayMaxMs), this.stopper.signal);
          continue;
        }
        if (records !== null && records.length > 0) {
          this.counters.recordsIn += records.length;
          this.counters.lastRecordAt = Date.now();
          await this.write(records);
        }
        // After every poll, busy or idle: HTTP, signals and the other tasks get their turn.
        await yieldToEventLoop();
      }
      await this.finalFlush();
      logger.info('Source task stopped');
    } catch (err) {
      this.startFailed(err);
      await this.fail(err);
    }
    this.startFailed(new Error('the task stopped before it started'));
  }

  private async fail(err: unknown): Promise<void> {
    this.state = 'FAILED';
    const e = err as Error;
    this.o.logger.error('Source task failed', err);
    this.trace = withRecentLines(e?.stack ?? String(err), `${this.o.connector}-${this.o.taskId}`);
    try {
      await this.finalFlush();
      await this.o.statuses.putTask(this.o.connector, this.o.taskId, 'FAILED', this.trace);
      await this.task.stop();
    } catch {
      // The task has failed already; what counts is that its status says so.
    }
  }

  private tolerate(stage: ErrorStage, record: SourceRecord, err: unknown): void {
    if (!this.o.errors.tolerateAll) throw new ToleranceExceededError(stage, err);
    this.counters.errors++;
    if (this.o.errors.logErrors) {
      const detail = this.o.errors.logMessages
        ? ` record ${JSON.stringify(record.sourceOffset)} to ${record.topic}`
        : '';
      this.o.logger.error(`Error in stage ${stage}${detail}; skipped (errors.tolerance=all)`, err);
    }
    // Skipped, as a transformation's drop: its offset is committed and the task is told (with no
    // metadata), as Kafka Connect does, so a source that waits on it is not held up.
    this.note(record);
    this.task.commitRecord?.(record, null);
  }

  /** Transforms, converts and appends one polled batch, one append per topic. */
  private async write(records: readonly SourceRecord[]): Promise<void> {
    const byTopic = new Map<string, { record: ProduceRecord; source: SourceRecord }[]>();
    for (const original of records) {
      let record: SourceRecord | null;
      try {
        record = this.o.transform(original);
      } catch (err) {
        this.tolerate('TRANSFORMATION', original, err);
        continue;
      }
      if (record === null) {
        this.note(original);
        this.task.commitRecord?.(original, null);
        continue;
      }
      let key: Uint8Array | null;
      let value: Uint8Array | null;
      try {
        const ready = this.o.keyConverter.prepareFromConnectData?.(
          record.topic,
          record.keySchema,
          record.key,
        );
        if (ready !== undefined) await ready;
        key = this.o.keyConverter.fromConnectData(record.topic, record.keySchema, record.key, record.headers);
      } catch (err) {
        this.tolerate('KEY_CONVERTER', original, err);
        continue;
      }
      try {
        const ready = this.o.valueConverter.prepareFromConnectData?.(
          record.topic,
          record.valueSchema,
          record.value,
        );
        if (ready !== undefined) await ready;
        value = this.o.valueConverter.fromConnectData(
          record.topic,
          record.valueSchema,
          record.value,
          record.headers,
        );
      } catch (err) {
        this.tolerate('VALUE_CONVERTER', original, err);
        continue;
      }
      // Per record, so no allocation that can be avoided: most records have no headers, and
      // converters mostly hand back Buffers already.
      const headers: readonly RecordHeader[] =
        record.headers.length === 0
          ? NO_HEADERS
          : record.headers.map((h) => ({
              key: h.key,
              value:
                h.value === null
                  ? null
                  : Buffer.from(typeof h.value === 'string' ? h.value : JSON.stringify(h.value)),
            }));
      const produce: ProduceRecord = {
        key: asBuffer(key),
        value: asBuffer(value),
        headers,
        timestamp: record.timestamp ?? undefined,
        partition: record.kafkaPartition ?? undefined,
      };
      let list = byTopic.get(record.topic);
      if (list === undefined) {
        list = [];
        byTopic.set(record.topic, list);
      }
      list.push({ record: produce, source: original });
    }
    for (const [topic, list] of byTopic) {
      const positions = await this.whileUnavailable(async () => {
        if (
          !(await this.o.log.hasTopic(topic)) &&
          (await createTopicIfMissing(this.o.log, topic, this.o.newTopicPartitions))
        )
          this.o.logger.info(`Created topic ${topic} with ${this.o.newTopicPartitions} partition(s)`);
        return this.o.log.append(
          topic,
          list.map((x) => x.record),
        );
      });
      // Stopped while the log was away: what was not written is not committed, and comes again.
      if (positions === undefined) return;
      list.forEach((x, i) => {
        this.note(x.source);
        this.task.commitRecord?.(x.source, {
          topic,
          partition: positions[i].partition,
          offset: positions[i].offset,
        });
      });
      this.written += list.length;
      this.counters.recordsOut += list.length;
    }
  }

  /**
   * Runs a write to the log again, with backoff, while the log is unavailable (the Sluice server of
   * a `sluice connect` worker restarting); the task shows it is retrying. Undefined once stopping.
   */
  private async whileUnavailable<T>(write: () => Promise<T>): Promise<T | undefined> {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await write();
        if (attempt > 0) {
          this.noteRetrying(null);
          this.o.logger.info('The log is back; writing again');
        }
        return result;
      } catch (err) {
        if (!isUnavailable(err)) throw err;
        if (this.stopping) return undefined;
        this.noteRetrying((err as Error).message);
        this.o.logger.warn(`Cannot write to the log, retrying: ${(err as Error).message}`);
        await abortableSleep(backoffMs(attempt, this.o.errors.retryDelayMaxMs), this.stopper.signal);
      }
    }
  }

  /** Remembers the latest offset of a record's source partition, to commit with the next flush. */
  private note(record: SourceRecord): void {
    // Connectors usually hand the same partition object to many records: serialize it once.
    let key = this.partitionKeys.get(record.sourcePartition);
    if (key === undefined) {
      key = JSON.stringify(record.sourcePartition);
      this.partitionKeys.set(record.sourcePartition, key);
    }
    this.pendingOffsets.set(key, record);
    this.scheduleFlush();
  }

  /**
   * Commits what was written within offset.flush.interval.ms, even while a poll waits: one write of the
   * latest offset per partition, however many records came in between.
   */
  private scheduleFlush(): void {
    if (this.flushTimer !== undefined || this.stopping) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flushing = this.flushing
        .then(() => this.flushOffsets())
        .catch((err: unknown) =>
          this.o.logger.warn(`Could not commit offsets, retrying with the next: ${(err as Error).message}`),
        );
    }, this.o.offsetFlushIntervalMs);
  }

  /** On stop or failure: the flush under way, then what is left. */
  private async finalFlush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    await this.flushing;
    await this.flushOffsets();
  }

  private async flushOffsets(): Promise<void> {
    if (this.pendingOffsets.size === 0) return;
    const pending = [...this.pendingOffsets.values()].map((r) => ({
      partition: r.sourcePartition,
      offset: r.sourceOffset,
    }));
    const flushed = this.pendingOffsets;
    this.pendingOffsets = new Map();
    try {
      await this.o.offsets.putAll(this.o.connector, pending);
    } catch (err) {
      // Kept for the next flush, unless a newer offset of the same partition came meanwhile.
      for (const [key, record] of flushed)
        if (!this.pendingOffsets.has(key)) this.pendingOffsets.set(key, record);
      if (isUnavailable(err)) this.scheduleFlush();
      throw err;
    }
    await this.task.commit?.();
  }
}

const NO_HEADERS: readonly RecordHeader[] = Object.freeze([]);

/** How long a poll may take, per the SourceTask contract ("about a second"), with some slack. */
const POLL_RETURNS_WITHIN_MS = 1500;

function asBuffer(bytes: Uint8Array | null): Buffer | null {
  if (bytes === null || Buffer.isBuffer(bytes)) return bytes;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
