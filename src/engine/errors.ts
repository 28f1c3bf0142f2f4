import { type ErrorCode, SluiceError, type SluiceErrorOptions } from '../errors/index.js';

/**
 * An error a statement caused, with a catalogue code whose number is ksqlDB's (HTTP status × 100 +
 * detail): BAD_STATEMENT (40001) unless another is given.
 */
export class StatementError extends SluiceError {
  override readonly name = 'StatementError';
  constructor(message: string, code: ErrorCode = 'BAD_STATEMENT', options: SluiceErrorOptions = {}) {
    super(code, message, options);
  }
}
