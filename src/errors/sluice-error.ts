import { ERROR_CATALOGUE, type ErrorCode, type ErrorEntry } from './catalogue.js';

export interface SluiceErrorOptions {
  readonly cause?: unknown;
  /** The statement that caused it, as echoed to the user (connector secrets masked). */
  readonly statementText?: string;
  /** The offending property, field or topic, so callers can point at it without parsing the message. */
  readonly key?: string;
  /**
   * A number other than the catalogue's, only where a peer's status is passed through as ksqlDB
   * does (Kafka Connect's HTTP status × 100 on a connector statement).
   */
  readonly errorCode?: number;
}

/**
 * An error that reaches a user: a code from the catalogue (what it means and what to do), a
 * message that names what was wrong, and the statement or key that caused it. Its message never
 * holds a stack trace.
 */
export class SluiceError extends Error {
  override readonly name: string = 'SluiceError';
  readonly code: ErrorCode;
  /** The `error_code` REST bodies carry. */
  readonly errorCode: number;
  readonly httpStatus: number;
  readonly statementText: string | undefined;
  readonly key: string | undefined;

  constructor(code: ErrorCode, message: string, options: SluiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const entry: ErrorEntry = ERROR_CATALOGUE[code];
    this.code = code;
    this.errorCode = options.errorCode ?? entry.errorCode;
    this.httpStatus = options.errorCode === undefined ? entry.httpStatus : httpStatusOf(options.errorCode);
    this.statementText = options.statementText;
    this.key = options.key;
  }

  /** What to do about it, from the catalogue. */
  get remedy(): string {
    return ERROR_CATALOGUE[this.code].remedy;
  }
}

/**
 * The HTTP status of an error code: ksqlDB's and REST Proxy's codes are the status × 100 plus a
 * detail number; Kafka Connect's are the status itself.
 */
export function httpStatusOf(errorCode: number): number {
  return errorCode >= 10000 ? Math.floor(errorCode / 100) : errorCode;
}
