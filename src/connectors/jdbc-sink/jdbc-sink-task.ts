import {
  type ErrantRecordReporter,
  RetriableException,
  type SinkRecord,
  type SinkTask,
  type SinkTaskContext,
  type TopicPartition,
} from '../../connect/api/index.js';
import { databaseMessage, isTransientError } from '../postgres/errors.js';
import { type JdbcSinkConfig, parseJdbcSinkConfig } from './jdbc-sink-config.js';
import { PgSession } from './pg-session.js';
import { RowExtractor, type RowOp } from './record-rows.js';
import { RecordWriteError, SinkWriter, StaleTableError } from './sink-writer.js';
import { TableManager } from './table-manager.js';
import { Identifiers, TableNames } from './table-ref.js';
import { TimestampFormat } from './value-text.js';
import { type OpSource, WriteQueue } from './write-queue.js';

export const JDBC_SINK_VERSION = '1.0.0';

/**
 * The sink task. `put` turns records into row operations and hands them to a write queue that
 * writes them in the background, each write one transaction; `preCommit` waits for the queue and
 * gives the runtime only offsets of records that are in the database (or reported as errant).
 * A crash between a write and that commit redelivers rows already written: at-least-once, which
 * upsert mode (or kafka primary keys) makes idempotent.
 *
 * A write that failed because of the database is kept and retried: the next `put` throws a
 * RetriableException (the runtime redelivers its batch after retry.backoff.ms), and the kept
 * records are written ahead of that batch. A write's transaction rolls back whole, so a retried
 * write never doubles rows.
 */
export class JdbcSinkTask implements SinkTask {
  private context!: SinkTaskContext;
  private config!: JdbcSinkConfig;
  private names!: TableNames;
  private extractor!: RowExtractor;
  private writer!: SinkWriter;
  private session!: PgSession;
  private queue!: WriteQueue;
  private retriesLeft = 0;

  version(): string {
    return JDBC_SINK_VERSION;
  }

  initialize(context: SinkTaskContext): void {
    this.context = context;
  }

  start(props: Readonly<Record<string, string>>): void {
    const config = parseJdbcSinkConfig(props);
    this.config = config;
    const ids = new Identifiers(config.quoteIdentifiers);
    this.names = new TableNames(config.tableNameFormat, ids);
    this.extractor = new RowExtractor(config, this.names);
    const tables = new TableManager(config, ids, this.context.logger);
    this.writer = new SinkWriter(config, tables, ids, new TimestampFormat(config.dbTimezone));
    this.session = new PgSession(
      {
        connection: config.connection,
        attempts: config.connectionAttempts,
        backoffMs: config.connectionBackoffMs,
        timeZone: config.dbTimezone,
        stopping: this.context.stopping,
      },
      this.context.logger,
    );
    this.queue = new WriteQueue(
      (source) => this.write(source),
      (err) => isTransientError(err) || err instanceof StaleTableError,
    );
    this.retriesLeft = config.maxRetries;
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    this.raiseFailure();
    const reporter = this.context.errantRecordReporter;
    const ops: RowOp[] = [];
    for (const record of records) {
      try {
        ops.push(this.extractor.extract(record));
      } catch (err) {
        const failure = new RecordWriteError(record, this.names.forTopic(record.topic).display, err);
        if (reporter === null) throw failure;
        await reporter(record, failure);
      }
    }
    // Backpressure. Inserts stream into an open COPY, which takes records as they come: waiting
    // until the previous put's are taken keeps few records in memory (fewer survive garbage
    // collections, the main cost at this rate). Statements of the other modes are built from
    // what accumulated during the previous write: up to batch.size waits.
    await this.queue.waitForRoom(this.config.insertMode === 'insert' ? 1 : this.config.batchSize);
    this.raiseFailure();
    this.queue.add(ops);
  }

  /** Waits for the queue; a write the database refused is tried once more for a task with no new records. */
  async flush(): Promise<void> {
    await this.queue.idle();
    // Once the task is stopping, a database that is away is not tried again: what is unwritten
    // stays uncommitted, for the next start.
    if (this.queue.stoppedBy?.transient && this.context.stopping?.aborted !== true) {
      this.queue.clearTransientFailure();
      this.queue.kick();
      await this.queue.idle();
    }
    const failure = this.queue.stoppedBy;
    // A database still away is for the next put to report (retriably); anything else fails the task.
    if (failure !== undefined && !failure.transient) throw failure.error;
  }

  async preCommit(
    offsets: ReadonlyMap<TopicPartition, number>,
  ): Promise<ReadonlyMap<TopicPartition, number>> {
    await this.flush();
    return this.queue.safeOffsets(offsets);
  }

  async stop(): Promise<void> {
    await this.queue?.idle();
    await this.session?.close();
  }

  /** One write: one transaction over what it takes from the queue; throws to stop the queue. */
  private async write(source: OpSource): Promise<void> {
    const reporter: ErrantRecordReporter | null = this.context.errantRecordReporter;
    let failures: RecordWriteError[];
    try {
      const client = await this.session.get();
      failures = await this.writer.writeNext(client, source, reporter === null);
    } catch (err) {
      // Whatever state the session is in, the next write starts on a fresh one.
      await this.session.close();
      if (isTransientError(err) || err instanceof StaleTableError)
        this.context.logger.warn(
          `Writing to PostgreSQL failed; the records are kept and written again: ${databaseMessage(err)}`,
        );
      throw err;
    }
    this.retriesLeft = this.config.maxRetries;
    if (failures.length === 0) return;
    if (reporter === null) throw failures[0];
    for (const failure of failures) await reporter(failure.record, failure);
  }

  /** Throws what stopped the queue: retriably (until max.retries is spent) when it was the database. */
  private raiseFailure(): void {
    const failure = this.queue.stoppedBy;
    if (failure === undefined) return;
    if (!failure.transient) throw failure.error;
    this.queue.clearTransientFailure();
    const reason = databaseMessage(failure.error);
    if (this.retriesLeft <= 0)
      throw new Error(`Writing to PostgreSQL failed after ${this.config.maxRetries} retries: ${reason}`, {
        cause: failure.error,
      });
    this.retriesLeft--;
    this.context.timeout(this.config.retryBackoffMs);
    this.context.logger.warn(
      `Writing to PostgreSQL failed; retrying with the redelivered batch in ${this.config.retryBackoffMs} ms (${this.retriesLeft} retries left): ${reason}`,
    );
    throw new RetriableException(`PostgreSQL is unavailable: ${reason}`, { cause: failure.error });
  }
}
