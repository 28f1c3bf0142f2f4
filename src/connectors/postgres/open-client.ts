import pg from 'pg';
import { clientConfig, type PostgresConnection } from './connection.js';

// Opening one connection, as every connector's session does; how often to try again and how
// long to wait is each connector's own policy.

export interface OpenClientOptions {
  readonly applicationName: string;
  /** A zone to set for the session; undefined keeps the UTC that clientConfig starts with. */
  readonly sessionTimeZone: string | undefined;
  /**
   * Errors of the socket after the connection opened (say, the server ended an idle session).
   * node-postgres emits them as 'error' events, which without a listener end the process.
   */
  readonly onError: (err: Error, client: pg.Client) => void;
}

/** A connected client; on failure the half-open client is ended and the error rethrown. */
export async function openClient(
  connection: PostgresConnection,
  options: OpenClientOptions,
): Promise<pg.Client> {
  const client = new pg.Client(clientConfig(connection, options.applicationName));
  client.on('error', (err) => options.onError(err, client));
  try {
    await client.connect();
    if (options.sessionTimeZone !== undefined)
      await client.query("SELECT set_config('TimeZone', $1, false)", [options.sessionTimeZone]);
  } catch (err) {
    await client.end().catch(() => {});
    throw err;
  }
  return client;
}
