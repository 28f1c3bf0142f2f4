import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { CliError, EXIT_FAILURE, usageError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';
import { basicAuthorization, CREDENTIALS_HELP, resolveCredentials } from '../credentials.js';
import { keyValueFlag, parseFlags } from '../parse-flags.js';
import { HistoryFile, historyFilePath } from './history-file.js';
import { runInteractiveShell } from './interactive-shell.js';
import { parseOutputFormat } from './local-commands.js';
import { ShellSession } from './shell-session.js';

const DEFAULT_SERVER = 'http://localhost:8088';

export function shellHelp(): string {
  return `Usage: sluice cli [options] [server-url]

The interactive SQL shell, as ksqlDB's CLI: statements end with ';' and may span lines.
The server defaults to ${DEFAULT_SERVER}.

Options:
  -f, --file FILE          Run the statements in FILE, then exit (exit 1 at the first failure)
  -e, --execute SQL        Run the statements in SQL, then exit (exit 1 at the first failure)
  -d, --define NAME=VALUE  Define a variable for \${NAME} substitution (repeatable)
      --output FORMAT      TABULAR (default) or JSON
${CREDENTIALS_HELP}
  -h, --help               Show this help

History is kept in ~/.sluice_history (or $SLUICE_HISTORY_FILE).`;
}

function terminalWidth(io: CliIo): number | undefined {
  const columns = (io.stdout as { isTTY?: boolean; columns?: number }).isTTY
    ? (io.stdout as { columns?: number }).columns
    : Number(io.env.COLUMNS);
  return columns !== undefined && Number.isInteger(columns) && columns > 0 ? columns : undefined;
}

/** `sluice cli [url] [-f FILE | -e SQL] [--output FORMAT]` */
export async function runShellCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(
    () =>
      parseArgs({
        args,
        allowPositionals: true,
        options: {
          file: { type: 'string', short: 'f' },
          execute: { type: 'string', short: 'e' },
          define: { type: 'string', short: 'd', multiple: true },
          output: { type: 'string' },
          user: { type: 'string', short: 'u' },
          password: { type: 'string', short: 'p' },
          help: { type: 'boolean', short: 'h' },
        },
      }),
    'cli',
  );
  if (values.help) {
    io.stdout.write(`${shellHelp()}\n`);
    return 0;
  }
  if (positionals.length > 1) throw usageError(`Expected one server URL, got ${positionals.length}.`, 'cli');
  const serverUrl = positionals[0] ?? DEFAULT_SERVER;
  if (!/^https?:\/\//i.test(serverUrl)) {
    throw usageError(`The server URL must begin with http:// or https://, got '${serverUrl}'.`, 'cli');
  }
  if (values.file !== undefined && values.execute !== undefined) {
    throw usageError('Give either --file or --execute, not both.', 'cli');
  }
  const outputFormat = values.output === undefined ? 'TABULAR' : parseOutputFormat(values.output);
  if (outputFormat === undefined) {
    throw usageError(`--output must be JSON or TABULAR, got '${values.output}'.`, 'cli');
  }
  const variables = Object.fromEntries((values.define ?? []).map((d) => keyValueFlag(d, 'define', 'cli')));
  const credentials = await resolveCredentials(values, io, 'cli');

  const session = new ShellSession({
    serverUrl,
    outputFormat,
    stdout: io.stdout,
    stderr: io.stderr,
    terminalWidth: terminalWidth(io),
    variables,
    ...(credentials === undefined ? {} : { authorization: basicAuthorization(credentials) }),
  });
  try {
    if (values.execute !== undefined) return (await session.runSql(values.execute)) ? 0 : EXIT_FAILURE;
    if (values.file !== undefined)
      return (await session.runSql(await readScript(values.file))) ? 0 : EXIT_FAILURE;
    return await runInteractiveShell(session, io, new HistoryFile(historyFilePath(io.env)));
  } finally {
    session.dispose();
  }
}

async function readScript(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(
      `Cannot read the script '${path}': ${code === 'ENOENT' ? 'no such file' : (err as Error).message}.`,
    );
  }
}
