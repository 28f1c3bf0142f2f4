/** ksqlDB's error body: error_code is the HTTP status × 100 plus a detail number. */
export interface KsqlErrorBody {
  readonly '@type': 'generic_error' | 'statement_error';
  readonly error_code: number;
  readonly message: string;
  readonly statementText?: string;
  readonly entities?: readonly unknown[];
}

export function genericError(errorCode: number, message: string): KsqlErrorBody {
  return { '@type': 'generic_error', error_code: errorCode, message };
}

export function statementError(
  errorCode: number,
  message: string,
  statementText: string,
  entities: readonly unknown[] = [],
): KsqlErrorBody {
  return { '@type': 'statement_error', error_code: errorCode, message, statementText, entities };
}

export function httpStatusOf(errorCode: number): number {
  return Math.floor(errorCode / 100);
}
