import { LogError } from '../../log/index.js';
import { ErrorCode, type ErrorCodeValue } from '../protocol/error-codes.js';

/** The Kafka error code that tells a client what a log error means, with the log's message to show. */
export function kafkaErrorOf(err: unknown): { code: ErrorCodeValue; message: string } {
  if (!(err instanceof LogError)) {
    return { code: ErrorCode.UNKNOWN_SERVER_ERROR, message: (err as Error)?.message ?? String(err) };
  }
  const code = ((): ErrorCodeValue => {
    switch (err.code) {
      case 'UNKNOWN_TOPIC':
      case 'INVALID_PARTITION':
        return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      case 'TOPIC_EXISTS':
        return ErrorCode.TOPIC_ALREADY_EXISTS;
      case 'INVALID_TOPIC':
        return ErrorCode.INVALID_TOPIC_EXCEPTION;
      case 'INVALID_CONFIG':
        return ErrorCode.INVALID_CONFIG;
      case 'INTERNAL_TOPIC':
        return ErrorCode.TOPIC_AUTHORIZATION_FAILED;
      case 'OFFSET_OUT_OF_RANGE':
        return ErrorCode.OFFSET_OUT_OF_RANGE;
      case 'CORRUPT_RECORD':
        return ErrorCode.CORRUPT_MESSAGE;
      case 'INVALID_RECORD':
        return ErrorCode.INVALID_RECORD;
      case 'RECORD_TOO_LARGE':
        return ErrorCode.MESSAGE_TOO_LARGE;
      case 'PRODUCER_FENCED':
        return ErrorCode.PRODUCER_FENCED;
      case 'GROUP_NOT_EMPTY':
        return ErrorCode.NON_EMPTY_GROUP;
      case 'DISK_FULL':
      case 'IO_ERROR':
        return ErrorCode.KAFKA_STORAGE_ERROR;
      case 'UNAVAILABLE':
      case 'LOG_CLOSED':
        return ErrorCode.NOT_LEADER_OR_FOLLOWER;
      default:
        return ErrorCode.UNKNOWN_SERVER_ERROR;
    }
  })();
  return { code, message: err.message };
}

/** Kafka's legal topic names: 1-249 of [a-zA-Z0-9._-], not "." or "..". */
export function kafkaTopicNameProblem(name: string): string | undefined {
  if (name === '' || name === '.' || name === '..') return `'${name}' is not a legal topic name`;
  if (name.length > 249) return `topic names are at most 249 characters`;
  if (!/^[a-zA-Z0-9._-]+$/.test(name))
    return `topic name '${name}' may contain only ASCII letters, digits, '.', '_' and '-'`;
  return undefined;
}
