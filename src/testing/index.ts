// `sluice test-runner`. The runner is loaded on demand: it starts an engine.
import type { CommandOutput } from './run-test-runner-command.js';

export type { CommandOutput } from './run-test-runner-command.js';
export { TEST_RUNNER_USAGE } from './test-runner-usage.js';

/** Runs `sluice test-runner ARGS`; resolves to the exit code. */
export async function runTestRunnerCommand(argv: string[], io: CommandOutput): Promise<number> {
  return (await import('./run-test-runner-command.js')).runTestRunnerCommand(argv, io);
}
