import { SluiceError } from '../errors/index.js';

/** The configuration's codes; each is an entry of the error catalogue (src/errors/catalogue.ts). */
export type ConfigErrorCode =
  | 'INVALID_VALUE'
  | 'MISSING_VALUE'
  | 'UNKNOWN_PROPERTY'
  | 'NOT_SUPPORTED'
  | 'WRONG_TYPE_ACCESS'
  | 'PROPERTIES_SYNTAX'
  | 'FILE_UNREADABLE';

/**
 * A configuration problem a user can fix. `key` names the offending property (or the file, for
 * syntax errors) so callers can point at it without parsing the message.
 */
export class ConfigError extends SluiceError {
  override readonly name = 'ConfigError';
  override readonly code: ConfigErrorCode;
  override readonly key: string;

  constructor(code: ConfigErrorCode, key: string, message: string, options?: { cause?: unknown }) {
    super(code, message, { cause: options?.cause, key });
    this.code = code;
    this.key = key;
  }
}
