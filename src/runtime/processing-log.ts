import type { Log, LogRecord } from '../log/index.js';

/** ksqlDB's processing-log message types. */
export const DESERIALIZATION_ERROR = 0;
export const RECORD_PROCESSING_ERROR = 1;
export const PRODUCTION_ERROR = 2;
export const SERIALIZATION_ERROR = 3;
export const KAFKA_STREAMS_THREAD_ERROR = 4;

/**
 * The processing log: records a query could not read, evaluate or write are described here (a
 * topic, with the KSQL_PROCESSING_LOG stream over it), so that no record vanishes silently and
 * the query goes on.
 */
export class ProcessingLog {
  readonly topic: string;
  private readonly log: Log;
  private pending: import('../log/index.js').ProduceRecord[] = [];

  constructor(log: Log, topic: string) {
    this.log = log;
    this.topic = topic;
  }

  async ensure(): Promise<void> {
    if (!(await this.log.hasTopic(this.topic))) await this.log.createTopic(this.topic, { partitions: 1 });
  }

  private add(logger: string, message: Record<string, unknown>): void {
    const time = Date.now();
    this.pending.push({
      key: null,
      value: Buffer.from(JSON.stringify({ LOGGER: logger, LEVEL: 'ERROR', TIME: time, MESSAGE: message })),
      timestamp: time,
    });
  }

  deserializationError(
    logger: string,
    topic: string,
    target: 'key' | 'value',
    record: LogRecord,
    error: Error,
  ): void {
    const bytes = target === 'key' ? record.key : record.value;
    this.add(logger, {
      TYPE: DESERIALIZATION_ERROR,
      DESERIALIZATIONERROR: {
        TARGET: target,
        ERRORMESSAGE: error.message,
        RECORDB64: bytes === null ? null : Buffer.from(bytes).toString('base64'),
        CAUSE: [],
        topic,
      },
    });
  }

  processingError(logger: string, record: unknown, error: Error): void {
    this.add(logger, {
      TYPE: RECORD_PROCESSING_ERROR,
      RECORDPROCESSINGERROR: {
        ERRORMESSAGE: error.message,
        RECORD: JSON.stringify(record, jsonSafe),
        CAUSE: causeMessages(error),
      },
    });
  }

  serializationError(logger: string, topic: string, error: Error): void {
    this.add(logger, {
      TYPE: SERIALIZATION_ERROR,
      SERIALIZATIONERROR: { TARGET: 'value', ERRORMESSAGE: error.message, RECORD: null, CAUSE: [], topic },
    });
  }

  /** An output record the sink topic refused (ksqlDB's productionError). */
  productionError(logger: string, errorMessage: string): void {
    this.add(logger, { TYPE: PRODUCTION_ERROR, PRODUCTIONERROR: { ERRORMESSAGE: errorMessage } });
  }

  /** A query that stopped on an error, as ksqlDB logs an uncaught exception of a stream thread. */
  queryError(queryId: string, cause: readonly string[]): void {
    this.add(`${queryId}.ksql.logger.thread.exception.uncaught`, {
      TYPE: KAFKA_STREAMS_THREAD_ERROR,
      KAFKASTREAMSTHREADERROR: {
        ERRORMESSAGE: 'Unhandled exception caught in streams thread',
        THREADNAME: queryId,
        CAUSE: cause,
      },
    });
  }

  /** Writes what was collected; called once per processed batch. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    try {
      await this.log.append(this.topic, batch);
    } catch (err) {
      // Kept for the next flush (a full disk may get space back): no entry is dropped.
      this.pending = batch.concat(this.pending);
      throw err;
    }
  }
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}

/** The messages of an error's causes, outermost first, as ksqlDB lists them in CAUSE. */
function causeMessages(error: Error): string[] {
  const out: string[] = [];
  for (let cause = error.cause; cause instanceof Error && out.length < 10; cause = cause.cause) {
    out.push(cause.message);
  }
  return out;
}
