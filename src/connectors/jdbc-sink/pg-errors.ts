// Which failures are the database's (worth retrying the whole batch once it is back) rather than
// a record's (retrying would fail the same way).

const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/**
 * SQLSTATEs of an unavailable or overloaded server: connection exceptions (08), insufficient
 * resources (53), a shutdown or restart (57P), system errors (58), and the
 * transaction rollbacks that succeed when retried (serialization failure, deadlock).
 */
function transientSqlState(code: string): boolean {
  return /^(08|53|57P|58)/.test(code) || code === '40001' || code === '40P01' || code === '55P03';
}

/** node-postgres's own messages when the socket went away. */
const CONNECTION_LOST =
  /connection terminated|connection error|not queryable|timeout expired|terminating connection|server closed the connection|connection ended/i;

export function isTransientError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (TRANSIENT_NODE_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return transientSqlState(code);
  }
  if (error instanceof AggregateError) return error.errors.some(isTransientError);
  return typeof message === 'string' && CONNECTION_LOST.test(message);
}

/** PostgreSQL's message with its SQLSTATE and detail, for logs and reports. */
export function databaseMessage(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { code, detail, message } = error as { code?: unknown; detail?: unknown; message?: unknown };
  let text = typeof message === 'string' ? message : String(error);
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) text += ` (SQLSTATE ${code})`;
  if (typeof detail === 'string' && detail !== '') text += `: ${detail}`;
  return text;
}

/** SQLSTATEs that say the table changed under a cached description. */
export function isUndefinedTableOrColumn(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '42P01' || code === '42703';
}
