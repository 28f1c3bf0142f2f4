import type { KsqlEntity } from './entities.js';

/** ksqlDB's error body: error_code is the HTTP status × 100 plus a detail number. */
export interface GenericErrorBody {
  readonly '@type': 'generic_error';
  readonly error_code: number;
  readonly message: string;
}

/** The error of a statement, with the entities of the statements of its request that ran before it. */
export interface StatementErrorBody {
  readonly '@type': 'statement_error';
  readonly error_code: number;
  readonly message: string;
  readonly statementText: string;
  readonly entities: readonly KsqlEntity[];
}

export type KsqlErrorBody = GenericErrorBody | StatementErrorBody;

/** Whether a parsed answer is one of ksqlDB's error bodies. */
export function isKsqlErrorBody(body: unknown): body is KsqlErrorBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const b = body as Partial<Record<keyof StatementErrorBody, unknown>>;
  return (
    (b['@type'] === 'generic_error' || b['@type'] === 'statement_error') &&
    typeof b.error_code === 'number' &&
    typeof b.message === 'string'
  );
}
