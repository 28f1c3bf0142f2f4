/** Exit codes: 1 when the command could not do its job, 2 when it was called wrongly. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * An error meant for the person at the terminal: printed as `sluice: <message>` (plus an optional
 * hint line), never with a stack trace.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: number;
  /** A second line, e.g. where to find the usage. */
  readonly hint: string | undefined;

  constructor(message: string, exitCode: number = EXIT_FAILURE, hint?: string) {
    super(message);
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

/** A wrongly called command: exit 2 and point at its help. */
export function usageError(message: string, command: string): CliError {
  return new CliError(message, EXIT_USAGE, `Run 'sluice ${command} --help' for usage.`);
}
