import { parseArgs } from 'node:util';
import { loadTestCase } from './test-case-files.js';
import { runTestCase, type TestCase } from './test-case-runner.js';
import { TestFileError } from './test-files.js';
import { TEST_RUNNER_USAGE } from './test-runner-usage.js';

/** The streams the command writes to (the CLI's own io object fits). */
export interface CommandOutput {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

function usageError(io: CommandOutput, message: string): number {
  io.stderr.write(`sluice test-runner: ${message}\nRun 'sluice test-runner --help' for usage.\n`);
  return EXIT_USAGE;
}

/**
 * `sluice test-runner -s statements.sql -i input.json -o output.json`: prints ksqlDB's
 * `>>> Test passed!` and exits 0, or the failure report on stderr and exits 1.
 */
export async function runTestRunnerCommand(argv: string[], io: CommandOutput): Promise<number> {
  let values: { 'sql-file'?: string; 'input-file'?: string; 'output-file'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'sql-file': { type: 'string', short: 's' },
        'input-file': { type: 'string', short: 'i' },
        'output-file': { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return usageError(io, (err as Error).message);
  }
  if (values.help) {
    io.stdout.write(`${TEST_RUNNER_USAGE}\n`);
    return 0;
  }
  const sqlFile = values['sql-file'];
  const outputFile = values['output-file'];
  if (sqlFile === undefined || outputFile === undefined) {
    return usageError(io, 'both --sql-file (-s) and --output-file (-o) are required.');
  }
  let testCase: TestCase;
  try {
    const inputFile = values['input-file'];
    testCase = loadTestCase({ sqlFile, outputFile, ...(inputFile === undefined ? {} : { inputFile }) });
  } catch (err) {
    if (!(err instanceof TestFileError)) throw err;
    io.stderr.write(`sluice test-runner: ${err.message}\n`);
    return EXIT_FAILED;
  }
  const outcome = await runTestCase(testCase);
  if (outcome.passed) {
    io.stdout.write(`${outcome.report}\n`);
    return 0;
  }
  io.stderr.write(`${outcome.report}\n`);
  return EXIT_FAILED;
}
