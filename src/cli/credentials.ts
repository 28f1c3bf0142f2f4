import { usageError } from './cli-error.js';
import type { CliIo } from './cli-io.js';
import { readHidden } from './read-hidden.js';

export interface Credentials {
  readonly user: string;
  readonly password: string;
}

/** The Authorization header value for HTTP basic authentication. */
export function basicAuthorization(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
}

export const CREDENTIALS_HELP = `  -u, --user USER          User name for a server with authentication.method=BASIC (default: $SLUICE_USER)
  -p, --password PASSWORD  Its password (default: $SLUICE_PASSWORD; asked for at a terminal when only
                           the user is given, which keeps it out of the process list)`;

/**
 * The credentials a client command sends: flags, else SLUICE_USER / SLUICE_PASSWORD; with a user but
 * no password, the password is asked for at a terminal, as ksqlDB's CLI does.
 */
export async function resolveCredentials(
  flags: { readonly user?: string; readonly password?: string },
  io: CliIo,
  command: string,
): Promise<Credentials | undefined> {
  const user = flags.user ?? io.env.SLUICE_USER;
  const password = flags.password ?? io.env.SLUICE_PASSWORD;
  if (user === undefined || user === '') {
    if (flags.password !== undefined) throw usageError('--password needs --user.', command);
    return undefined;
  }
  if (password !== undefined) return { user, password };
  const stdin = io.stdin as NodeJS.ReadStream;
  if (stdin.isTTY !== true) {
    throw usageError(`No password for user '${user}': give --password or set SLUICE_PASSWORD.`, command);
  }
  return { user, password: await readHidden(io, 'Password: ') };
}
