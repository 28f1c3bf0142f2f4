import { ERROR_CATALOGUE, type ErrorCode, httpStatusOf, SluiceError } from '../errors/index.js';

import type { GenericErrorBody, KsqlEntity, KsqlErrorBody } from '../rest-model/index.js';

export type { KsqlErrorBody };

/** A generic_error body for a catalogue code. */
export function genericError(code: ErrorCode, message: string): GenericErrorBody {
  return { '@type': 'generic_error', error_code: ERROR_CATALOGUE[code].errorCode, message };
}

const CODE_OF_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'REQUEST_TOO_LARGE',
  429: 'TOO_MANY_FAILED_LOGINS',
};

/**
 * The error for an HTTP status the framework or a guard answers with (a body too large, a refused
 * origin): the catalogue's code for that status, else a server error keeping the status × 100.
 */
export function errorOfStatus(status: number, message: string): SluiceError {
  const code = CODE_OF_STATUS[status];
  return code === undefined
    ? new SluiceError('SERVER_ERROR', message, { errorCode: status * 100 })
    : new SluiceError(code, message);
}

/**
 * The body of an error that reaches a user: statement_error when a statement caused it (with the
 * entities of the statements that ran before it), else generic_error.
 */
export function errorBody(err: SluiceError, entities: readonly KsqlEntity[] = []): KsqlErrorBody {
  return err.statementText === undefined
    ? genericErrorOf(err)
    : {
        '@type': 'statement_error',
        error_code: err.errorCode,
        message: err.message,
        statementText: err.statementText,
        entities,
      };
}

/** The generic_error body of an error, even one a statement caused (ksqlDB's /inserts-stream target). */
export function genericErrorOf(err: SluiceError): GenericErrorBody {
  return { '@type': 'generic_error', error_code: err.errorCode, message: err.message };
}

export { httpStatusOf };
