import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SegmentLog } from '../../log/index.js';
import { CliError, EXIT_USAGE } from '../cli-error.js';

export const DEFAULT_DATA_DIR = './sluice-data';

/** The flags every topic command takes: where the log lives, or (later) which server to ask. */
export const DATA_DIR_OPTIONS = {
  'data-dir': { type: 'string' },
  server: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const DATA_DIR_HELP = `  --data-dir DIR   The data dir to open (default: $SLUICE_DATA_DIR, else ${DEFAULT_DATA_DIR})
  --server URL     Talk to a running Sluice server instead (not available yet)
  -h, --help       Show this help`;

export interface DataDirFlags {
  readonly 'data-dir'?: string;
  readonly server?: string;
}

/** --data-dir, else SLUICE_DATA_DIR, else ./sluice-data; refuses --server until the server exists. */
export function resolveDataDir(
  flags: DataDirFlags,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (flags.server !== undefined) {
    throw new CliError(
      'Talking to a running server (--server) is not available yet; stop the server and use --data-dir.',
      EXIT_USAGE,
    );
  }
  const dir = flags['data-dir'] ?? env.SLUICE_DATA_DIR ?? DEFAULT_DATA_DIR;
  if (dir.length === 0) throw new CliError('--data-dir must not be empty.', EXIT_USAGE);
  return dir;
}

/** True when `dir` holds a Sluice data dir (opening one creates its `topics` folder). */
export function isDataDir(dir: string): boolean {
  return existsSync(join(dir, 'topics'));
}

/**
 * Opens the embedded log for one command. Reading commands pass `topic` so that a missing data dir
 * (usually a typo in --data-dir) is reported instead of silently created.
 */
export async function openLog(dataDir: string, mustExistFor?: string): Promise<SegmentLog> {
  if (mustExistFor !== undefined && !isDataDir(dataDir)) {
    throw new CliError(
      `Topic '${mustExistFor}' does not exist: there is no Sluice data dir at ${resolve(dataDir)}. ` +
        `Create the topic first (sluice topic create ${mustExistFor}), or point --data-dir or SLUICE_DATA_DIR at an existing data dir.`,
    );
  }
  // The background cleaner belongs to the server; a short-lived tool should not delete segments.
  return SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
}

/** Opens the log, runs `work`, and always closes the log so the data dir is unlocked and flushed. */
export async function withLog<T>(
  dataDir: string,
  mustExistFor: string | undefined,
  work: (log: SegmentLog) => Promise<T>,
): Promise<T> {
  const log = await openLog(dataDir, mustExistFor);
  try {
    return await work(log);
  } finally {
    await log.close();
  }
}
