import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  isRole,
  PasswordFileError,
  parsePasswordFile,
  passwordLine,
  ROLES,
  userNameProblem,
  withUserLine,
} from '../server/client/index.js';
import { CliError, usageError } from './cli-error.js';
import type { CliIo } from './cli-io.js';
import { expectPositionals, parseFlags } from './parse-flags.js';
import { PASSWD_USAGE } from './passwd-usage.js';
import { readHidden } from './read-hidden.js';

/** Reads the password: without echo at a terminal (asked twice), else the first line of stdin. */
async function readPassword(io: CliIo): Promise<string> {
  const stdin = io.stdin as NodeJS.ReadStream;
  if (stdin.isTTY === true && typeof stdin.setRawMode === 'function') {
    const first = await readHidden(io, 'Password: ');
    const second = await readHidden(io, 'Again: ');
    if (first !== second) throw new CliError('The two passwords differ; nothing was changed.');
    return first;
  }
  let text = '';
  for await (const chunk of io.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0];
}

/** Writes the file whole through a temporary file, so a reader never sees half of it. */
function writePasswordFile(path: string, text: string): void {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, text, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

/** `sluice passwd FILE USER --role ROLE`: manages the users of authentication.method=BASIC. */
export async function runPasswdCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(
    () =>
      parseArgs({
        args,
        options: {
          role: { type: 'string' },
          delete: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
        allowPositionals: true,
        strict: true,
      }),
    'passwd',
  );
  if (values.help === true) {
    io.stdout.write(`${PASSWD_USAGE}\n`);
    return 0;
  }
  const [file, user] = expectPositionals(positionals, ['FILE', 'USER'], 'passwd');
  const problem = userNameProblem(user);
  if (problem !== undefined) throw usageError(problem, 'passwd');
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '';
  let users: ReturnType<typeof parsePasswordFile>;
  try {
    users = parsePasswordFile(existing, file);
  } catch (err) {
    if (err instanceof PasswordFileError) throw new CliError(`${err.message} Nothing was changed.`);
    throw err;
  }
  if (values.delete === true) {
    if (!users.has(user)) throw new CliError(`There is no user '${user}' in ${file}.`);
    writePasswordFile(file, withUserLine(existing, user, undefined));
    io.stdout.write(`Removed user '${user}' from ${file}.\n`);
    return 0;
  }
  const role = values.role ?? users.get(user)?.role;
  if (role === undefined)
    throw usageError(`--role is needed for a new user: one of ${ROLES.join(', ')}.`, 'passwd');
  if (!isRole(role)) throw usageError(`Unknown role '${role}': use one of ${ROLES.join(', ')}.`, 'passwd');
  const password = await readPassword(io);
  if (password === '') throw new CliError('The password is empty; nothing was changed.');
  writePasswordFile(file, withUserLine(existing, user, await passwordLine(user, role, password)));
  io.stdout.write(
    `${users.has(user) ? 'Updated' : 'Added'} user '${user}' with the ${role} role in ${file}.\n`,
  );
  return 0;
}
