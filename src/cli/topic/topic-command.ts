import type { CliIo } from '../cli-io.js';

/** One `sluice topic <name>` subcommand. */
export interface TopicCommand {
  readonly name: string;
  /** One line for the `sluice topic --help` list. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  /** Runs with the arguments after the subcommand name; resolves to the exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** The internal topics the log keeps for itself (consumer offsets); hidden unless asked for. */
export function isInternalTopic(name: string): boolean {
  return name.startsWith('__');
}
