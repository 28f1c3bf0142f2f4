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
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code: ConfigErrorCode;
  readonly key: string;

  constructor(code: ConfigErrorCode, key: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.key = key;
  }
}
