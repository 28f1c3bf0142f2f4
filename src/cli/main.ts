import { SluiceError } from '../errors/index.js';
import { runTestRunnerCommand, TEST_RUNNER_USAGE } from '../testing/index.js';
import { CliError, EXIT_FAILURE, EXIT_USAGE } from './cli-error.js';
import { type CliIo, processIo } from './cli-io.js';
import { CONNECT_USAGE } from './connect/connect-usage.js';
import { PASSWD_USAGE } from './passwd-usage.js';
import { pluginHelp, runPluginCommand } from './plugin/run-plugin-command.js';
import { SERVER_USAGE } from './server/server-usage.js';
import { runShellCommand, shellHelp } from './shell/run-shell-command.js';
import { runTopicCommand, topicHelp } from './topic/run-topic-command.js';
import { sluiceVersion } from './version.js';

interface Command {
  readonly name: string;
  readonly summary: string;
  readonly help?: () => string;
  readonly run: (args: string[], io: CliIo) => Promise<number>;
}

const COMMANDS: readonly Command[] = [
  {
    name: 'topic',
    summary: 'Create, list, describe and delete topics; produce and consume records',
    help: topicHelp,
    run: runTopicCommand,
  },
  {
    name: 'server',
    summary: "Start the Sluice server (embedded log, REST API on port 8088); 'server stop' stops it",
    help: () => SERVER_USAGE,
    // Loaded on demand: the server is not the CLI's code, and the topic tools should start fast.
    run: async (args) => (await import('./server/run-server-command.js')).runServerCommand(args),
  },
  {
    name: 'cli',
    summary: 'The interactive SQL shell (ksqlDB CLI compatible), or run a script against a server',
    help: shellHelp,
    run: runShellCommand,
  },
  {
    name: 'test-runner',
    summary: 'Run ksqlDB-style query tests: statements, input records, expected output',
    help: () => TEST_RUNNER_USAGE,
    // Loaded on demand, like the server: it starts an engine.
    run: runTestRunnerCommand,
  },
  {
    name: 'plugin',
    summary: 'Install, list and remove connector packages (the plugin path)',
    help: pluginHelp,
    run: runPluginCommand,
  },
  {
    name: 'passwd',
    summary: 'Add or change a user of the password file (authentication.method=BASIC)',
    help: () => PASSWD_USAGE,
    run: async (args, io) => (await import('./passwd.js')).runPasswdCommand(args, io),
  },
  {
    name: 'connect',
    summary: 'Run a Kafka Connect worker on its own, for a server in external mode (ksql.connect.url)',
    help: () => CONNECT_USAGE,
    run: async (args) => (await import('./connect/run-connect-command.js')).runConnectCommand(args),
  },
];

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: sluice <command> [options]

Sluice ${sluiceVersion()}: a streaming SQL server with connector management.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Options:
  -h, --help     Show this help ('sluice help <command>' for a command's help)
  -V, --version  Print the version

Run 'sluice <command> --help' for a command's options.`;
}

function commandNames(): string {
  return COMMANDS.map((c) => c.name).join(', ');
}

function findCommand(name: string): Command {
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    throw new CliError(
      `Unknown command '${name}'. Commands: ${commandNames()}.`,
      EXIT_USAGE,
      "Run 'sluice --help' for usage.",
    );
  }
  return command;
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr.write(`${mainHelp()}\n`);
    return EXIT_USAGE;
  }
  if (first === '--help' || first === '-h') {
    io.stdout.write(`${mainHelp()}\n`);
    return 0;
  }
  if (first === 'help') {
    const topic = rest[0] === undefined ? undefined : findCommand(rest[0]);
    io.stdout.write(`${topic?.help?.() ?? mainHelp()}\n`);
    return 0;
  }
  if (first === '--version' || first === '-V') {
    io.stdout.write(`sluice ${sluiceVersion()}\n`);
    return 0;
  }
  if (first.startsWith('-')) {
    throw new CliError(
      `Unknown option '${first}'. Put a command first: ${commandNames()}.`,
      EXIT_USAGE,
      "Run 'sluice --help' for usage.",
    );
  }
  const command = findCommand(first);
  return command.run(rest, io);
}

/** Runs the `sluice` command; resolves to the process exit code. Errors become one line on stderr. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    return reportError(err, io);
  }
}

function reportError(err: unknown, io: CliIo): number {
  if (err instanceof CliError) {
    io.stderr.write(`sluice: ${err.message}\n${err.hint === undefined ? '' : `${err.hint}\n`}`);
    return err.exitCode;
  }
  // An error from the catalogue (a locked data dir, a missing topic, …) says what to do already.
  if (err instanceof SluiceError) {
    io.stderr.write(`sluice: ${err.message}\n`);
    return EXIT_FAILURE;
  }
  // Unexpected: still no stack trace unless asked for with SLUICE_DEBUG.
  const detail = io.env.SLUICE_DEBUG && err instanceof Error ? err.stack : undefined;
  io.stderr.write(
    `sluice: ${err instanceof Error ? err.message : String(err)}\n${detail ? `${detail}\n` : ''}`,
  );
  return EXIT_FAILURE;
}
