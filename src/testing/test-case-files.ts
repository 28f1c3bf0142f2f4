// Reads a test case from its three files: the statements, the input records (optional, as in
// ksqlDB: a test may feed itself with INSERT VALUES) and the expected output records.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { TestCase } from './test-case-runner.js';
import { parsePullsFile, parseRecordsFile, TestFileError } from './test-files.js';

export interface TestCaseFiles {
  readonly sqlFile: string;
  readonly inputFile?: string;
  readonly outputFile: string;
}

function read(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new TestFileError(`Cannot read the ${what} '${path}': ${reason}.`);
  }
}

/** Loads the files; problems are TestFileErrors naming the file (by its base name) and the record. */
export function loadTestCase(files: TestCaseFiles): TestCase {
  const statements = read(files.sqlFile, 'SQL file');
  const inputs =
    files.inputFile === undefined
      ? []
      : parseRecordsFile(read(files.inputFile, 'input file'), basename(files.inputFile), 'inputs');
  const outputText = read(files.outputFile, 'output file');
  const outputs = parseRecordsFile(outputText, basename(files.outputFile), 'outputs');
  const pulls = parsePullsFile(outputText, basename(files.outputFile));
  return { statements, inputs, outputs, pulls };
}
