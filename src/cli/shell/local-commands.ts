import { readFile } from 'node:fs/promises';
import { sluiceVersion } from '../version.js';
import { ServerUnreachableError } from './ksql-client.js';
import type { OutputFormat, ShellSession } from './shell-session.js';

/** What a local command needs besides the session: the history and the terminal. */
export interface LocalCommandContext {
  readonly session: ShellSession;
  readonly history: () => readonly string[];
  readonly clearScreen: () => void;
}

export type LocalCommandResult = 'exit' | undefined;

interface LocalCommand {
  /** Lower-case words, e.g. `run script`. */
  readonly name: string;
  readonly help: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  run(args: readonly string[], context: LocalCommandContext): Promise<LocalCommandResult>;
}

const OUTPUT_FORMATS: readonly OutputFormat[] = ['JSON', 'TABULAR'];

const COMMANDS: readonly LocalCommand[] = [
  {
    name: 'help',
    help: 'help:\n\tShow this message.',
    minArgs: 0,
    maxArgs: 0,
    async run(_args, { session }) {
      await session.print(helpText());
      return undefined;
    },
  },
  {
    name: 'clear',
    help: 'clear:\n\tClear the current terminal.',
    minArgs: 0,
    maxArgs: 0,
    async run(_args, { clearScreen }) {
      clearScreen();
      return undefined;
    },
  },
  {
    name: 'output',
    help: `output:\n\tView the current output format.\n\noutput <format>:\n\tSet the output format to <format> (valid formats: ${OUTPUT_FORMATS.join(', ')})\n\tFor example: "output JSON"`,
    minArgs: 0,
    maxArgs: 1,
    async run(args, { session }) {
      if (args.length === 0) {
        await session.print(`Output format: ${session.outputFormat}\n`);
        return undefined;
      }
      const format = parseOutputFormat(args[0]);
      if (format === undefined) {
        await session.print(
          `Invalid output format: '${args[0]}' (valid formats: ${OUTPUT_FORMATS.join(', ')})\n`,
        );
      } else {
        session.outputFormat = format;
        await session.print(`Output format set to ${format}\n`);
      }
      return undefined;
    },
  },
  {
    name: 'history',
    help: 'history:\n\tShow previous lines entered during the current CLI session. You can use up and down arrow keys to view previous lines.',
    minArgs: 0,
    maxArgs: 0,
    async run(_args, { session, history }) {
      await session.print(
        history()
          .map((line, i) => `${String(i + 1).padStart(4)}: ${line}\n`)
          .join(''),
      );
      return undefined;
    },
  },
  {
    name: 'version',
    help: 'version:\n\tGet the current Sluice version.',
    minArgs: 0,
    maxArgs: 0,
    async run(_args, { session }) {
      try {
        await session.print(`Version: ${(await session.serverInfo()).version}\n`);
      } catch {
        await session.print(`Version: ${sluiceVersion()} (this CLI; the server did not answer)\n`);
      }
      return undefined;
    },
  },
  {
    name: 'server',
    help: 'server:\n\tShow the current server\n\nserver <server>:\n\tChange the current server to <server>\n\t example: "server http://my.awesome.server.com:9098;"',
    minArgs: 0,
    maxArgs: 1,
    async run(args, { session }) {
      if (args.length === 0) {
        await session.print(`${session.serverUrl}\n`);
        return undefined;
      }
      if (!/^https?:\/\//i.test(args[0])) {
        await session.print('Server URL must begin with protocol (e.g., http:// or https://)\n');
        return undefined;
      }
      session.useServer(args[0]);
      await session.print(`Server now: ${session.serverUrl}\n`);
      await checkServer(session);
      return undefined;
    },
  },
  {
    name: 'run script',
    help: 'run script <path_to_sql_file>:\n\tLoad and run the statements in the supplied file.\n\tNote: the file must be UTF-8 encoded.\n\tFor example: "RUN SCRIPT \'/tmp/setup.sql\';"',
    minArgs: 1,
    maxArgs: 1,
    async run(args, { session }) {
      let script: string;
      try {
        script = await readFile(args[0], 'utf8');
      } catch (err) {
        session.printError(`Failed to read file: ${args[0]} (${(err as NodeJS.ErrnoException).code ?? err})`);
        return undefined;
      }
      await session.runSql(script);
      return undefined;
    },
  },
  {
    name: 'exit',
    help: 'exit:\n\tExit the CLI (Ctrl-D does the same; so does "quit").',
    minArgs: 0,
    maxArgs: 0,
    async run() {
      return 'exit';
    },
  },
  {
    name: 'quit',
    help: '',
    minArgs: 0,
    maxArgs: 0,
    async run() {
      return 'exit';
    },
  },
];

export function parseOutputFormat(value: string): OutputFormat | undefined {
  const upper = value.toUpperCase();
  return OUTPUT_FORMATS.find((f) => f === upper);
}

/** Splits at whitespace outside single quotes; a word in matching single quotes loses them. */
function words(line: string): string[] {
  const found = line.match(/'(?:[^']|'')*'|[^\s']+|'[^']*$/g) ?? [];
  return found.map((w) =>
    w.length >= 2 && w.startsWith("'") && w.endsWith("'") ? w.slice(1, -1).replaceAll("''", "'") : w,
  );
}

export interface LocalCommandCall {
  readonly command: LocalCommand;
  readonly args: readonly string[];
}

/**
 * The local command a typed line is, if any: its words (trailing `;` dropped) start with a
 * command's name, case-insensitively, as ksqlDB's CLI matches them.
 */
export function findLocalCommand(line: string): LocalCommandCall | undefined {
  const parts = words(line.trim().replace(/;+$/, ''));
  for (const command of COMMANDS) {
    const nameWords = command.name.split(' ');
    const matches = nameWords.every((w, i) => parts[i]?.toLowerCase() === w);
    if (matches) return { command, args: parts.slice(nameWords.length) };
  }
  return undefined;
}

export async function runLocalCommand(
  call: LocalCommandCall,
  context: LocalCommandContext,
): Promise<LocalCommandResult> {
  const { command, args } = call;
  if (args.length < command.minArgs || args.length > command.maxArgs) {
    await context.session.print(`Wrong number of arguments for '${command.name}'.\n${command.help}\n`);
    return undefined;
  }
  return command.run(args, context);
}

/**
 * Says, in a banner, when the server cannot be reached, so the user knows before typing a
 * statement; the shell starts anyway (the server may come up later).
 */
export async function checkServer(session: ShellSession): Promise<boolean> {
  try {
    await session.serverInfo();
    return true;
  } catch (err) {
    const reason =
      err instanceof ServerUnreachableError
        ? err.message
        : `${session.serverUrl} answered: ${(err as Error).message}`;
    await session.print(
      [
        '',
        ' WARNING '.padStart(44, '*').padEnd(80, '*'),
        reason,
        "Statements will fail until it is reachable; 'server <url>' switches to another server.",
        '*'.repeat(80),
        '',
        '',
      ].join('\n'),
    );
    return false;
  }
}

function helpText(): string {
  const commands = COMMANDS.filter((c) => c.help !== '')
    .map((c) => `${c.help}\n\n`)
    .join('');
  return `
Description:
\tThe Sluice CLI is an interactive shell for ksqlDB-style SQL. Statements end with a semicolon and may span lines; statements are sent to the server, the commands below run in the shell. For the SQL, see docs/sql.md.

${commands}
Keyboard shortcuts:

CTRL+C:
\tStop the running query, or discard the line being typed.
CTRL+D:
\tEnd your CLI session.
Up and Down arrow keys:
\tScroll up or down through your command history (kept in ~/.sluice_history).

`;
}
