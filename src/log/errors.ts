import { SluiceError } from '../errors/index.js';

/** The log's codes; each is an entry of the error catalogue (src/errors/catalogue.ts). */
export type LogErrorCode =
  | 'UNKNOWN_TOPIC'
  | 'TOPIC_EXISTS'
  | 'INVALID_TOPIC'
  | 'INVALID_PARTITION'
  | 'INVALID_CONFIG'
  | 'INTERNAL_TOPIC'
  | 'OFFSET_OUT_OF_RANGE'
  | 'CORRUPT_RECORD'
  | 'DISK_FULL'
  | 'DATA_DIR_LOCKED'
  | 'LOG_CLOSED'
  | 'INVALID_RECORD'
  | 'RECORD_TOO_LARGE'
  | 'PRODUCER_FENCED'
  /** A consumer group that still has members: its offsets cannot be deleted. */
  | 'GROUP_NOT_EMPTY'
  | 'UNSUPPORTED'
  | 'IO_ERROR'
  /** The log's server cannot be reached (a remote log whose server restarts): retrying can succeed. */
  | 'UNAVAILABLE';

/** An error of the log with a stable code and a message that says what to do. */
export class LogError extends SluiceError {
  override readonly name = 'LogError';
  override readonly code: LogErrorCode;
  /**
   * For INVALID_RECORD and RECORD_TOO_LARGE: the index, in the append's input, of the first record
   * that can never be written. Nothing of that append was written.
   */
  readonly recordIndex: number | undefined;
  /** `key`: the topic (or topic-partition) the error is about, when there is one. */
  constructor(
    code: LogErrorCode,
    message: string,
    options?: { cause?: unknown; recordIndex?: number; key?: string },
  ) {
    super(code, message, { cause: options?.cause, key: options?.key });
    this.code = code;
    this.recordIndex = options?.recordIndex;
  }
}

export function unknownTopic(topic: string): LogError {
  return new LogError(
    'UNKNOWN_TOPIC',
    `Topic '${topic}' does not exist. Create it first (sluice topic create ${topic}) or check the name.`,
    { key: topic },
  );
}

export function invalidPartition(topic: string, partition: number, count: number): LogError {
  return new LogError(
    'INVALID_PARTITION',
    `Topic '${topic}' has no partition ${partition}: it has ${count} partition${count === 1 ? '' : 's'} (0 to ${count - 1}).`,
    { key: `${topic}-${partition}` },
  );
}
