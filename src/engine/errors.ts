/**
 * An error a statement caused, with ksqlDB's error code (HTTP status × 100 + detail): 40001 for a bad
 * statement, 40002 for a query sent to /ksql, 40400 for something missing, 50000 for a server fault.
 */
export class StatementError extends Error {
  override readonly name = 'StatementError';
  readonly errorCode: number;
  constructor(message: string, errorCode = 40001) {
    super(message);
    this.errorCode = errorCode;
  }
}

export const BAD_STATEMENT = 40001;
export const QUERY_ENDPOINT = 40002;
export const MAX_PUSH_QUERIES_EXCEEDED = 40003;
export const FORBIDDEN = 40300;
export const NOT_FOUND = 40400;
export const SERVER_ERROR = 50000;
