/** An error answered in REST Proxy's shape: HTTP status, error_code, message, and the log's code. */
export class RestProxyError extends Error {
  readonly status: number;
  readonly errorCode: number;
  /** The log's error code, when the error came from the log; Sluice's own client rebuilds it. */
  readonly code: string | undefined;
  constructor(status: number, errorCode: number, message: string, code?: string) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
    this.code = code;
  }
}
