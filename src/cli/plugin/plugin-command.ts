import type { CliIo } from '../cli-io.js';

/** One `sluice plugin <name>` subcommand. */
export interface PluginCommand {
  readonly name: string;
  /** One line for the `sluice plugin --help` list. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  /** Runs with the arguments after the subcommand name; resolves to the exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}
