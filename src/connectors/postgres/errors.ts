// Which PostgreSQL failures are the server's being away or overloaded (retrying later can
// succeed) rather than the statement's (retrying fails the same way). One list, so the source
// and the sink agree on what they retry.

/** Node's socket errors: the server is unreachable or dropped the connection. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * SQLSTATEs of an unavailable or overloaded server: connection exceptions (08), transaction
 * rollbacks such as serialization failures and deadlocks (40), insufficient resources (53), a
 * shutdown, restart or start-up (57P), system errors (58), a lock not available (55P03) and a
 * cancelled statement (57014).
 */
function transientSqlState(code: string): boolean {
  return /^(08|40|53|57P|58)/.test(code) || code === '55P03' || code === '57014';
}

/** node-postgres's own messages when the socket went away. */
const CONNECTION_LOST =
  /connection terminated|connection error|not queryable|timeout expired|terminating connection|server closed the connection|connection ended|ECONNRESET|ECONNREFUSED/i;

export function isTransientError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (CONNECTION_CODES.has(code)) return true;
    // The server's own verdict wins over the message's wording.
    if (SQLSTATE.test(code)) return transientSqlState(code);
  }
  // Connecting to a name with several addresses fails with one error per address.
  if (error instanceof AggregateError) return error.errors.some(isTransientError);
  return typeof message === 'string' && CONNECTION_LOST.test(message);
}

/**
 * PostgreSQL's message with its SQLSTATE and detail, for logs and reports. A socket error's code
 * stands in for an empty message (a failed multi-address connect has none).
 */
export function databaseMessage(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { code, detail, message } = error as { code?: unknown; detail?: unknown; message?: unknown };
  const own = typeof message === 'string' ? message : String(error);
  let text = own === '' && typeof code === 'string' ? code : own;
  if (typeof code === 'string' && SQLSTATE.test(code)) text += ` (SQLSTATE ${code})`;
  if (typeof detail === 'string' && detail !== '') text += `: ${detail}`;
  return text;
}

/** SQLSTATEs that say the table changed under a cached description. */
export function isUndefinedTableOrColumn(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '42P01' || code === '42703';
}
