import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openTopicLog, type TopicLogTarget } from '../../app/index.js';
import { type InternalTopicAction, InternalTopics, type Log } from '../../log/index.js';
import { CliError, EXIT_USAGE } from '../cli-error.js';
import { basicAuthorization } from '../credentials.js';

export const DEFAULT_DATA_DIR = './sluice-data';

/** The flags every topic command takes: where the log lives, or (later) which server to ask. */
export const DATA_DIR_OPTIONS = {
  'data-dir': { type: 'string' },
  server: { type: 'string' },
  'bootstrap-server': { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const DATA_DIR_HELP = `  --data-dir DIR   The data dir to open (default: $SLUICE_DATA_DIR, else ${DEFAULT_DATA_DIR})
  --server URL     Work through a running Sluice server's REST API instead (default: $SLUICE_SERVER)
  --bootstrap-server HOST:PORT[,HOST:PORT]
                   Work on the topics of an Apache Kafka cluster instead (a server with bootstrap.servers)
  --user USER      With --server: user name for authentication.method=BASIC (default: $SLUICE_USER)
  --password PW    With --server: its password (default: $SLUICE_PASSWORD)
  -h, --help       Show this help`;

export interface DataDirFlags {
  readonly 'data-dir'?: string;
  readonly server?: string;
  readonly 'bootstrap-server'?: string;
  readonly user?: string;
  readonly password?: string;
}

/** Where a topic command works: a data dir opened directly, or a running server. */
export type Target = TopicLogTarget;

/**
 * --server, else --data-dir, else $SLUICE_SERVER, else $SLUICE_DATA_DIR, else ./sluice-data. A data
 * dir belongs to one process, so while a server runs on it the tools go through the server.
 */
export function resolveTarget(
  flags: DataDirFlags,
  env: Readonly<Record<string, string | undefined>>,
): Target {
  if (flags.server !== undefined && flags['data-dir'] !== undefined) {
    throw new CliError('Use either --server or --data-dir, not both.', EXIT_USAGE);
  }
  const bootstrap = flags['bootstrap-server'];
  if (bootstrap !== undefined) {
    if (flags.server !== undefined || flags['data-dir'] !== undefined)
      throw new CliError('Use one of --bootstrap-server, --server and --data-dir.', EXIT_USAGE);
    if (flags.user !== undefined || flags.password !== undefined)
      throw new CliError('--user and --password go with --server, not --bootstrap-server.', EXIT_USAGE);
    const servers = bootstrap.split(',').map((s) => s.trim());
    const bad = servers.find((s) => !/^[^\s:/]+:\d+$/.test(s));
    if (bad !== undefined)
      throw new CliError(`--bootstrap-server takes HOST:PORT[,HOST:PORT…], got '${bad}'.`, EXIT_USAGE);
    return { bootstrapServers: servers };
  }
  const server = flags.server ?? (flags['data-dir'] === undefined ? env.SLUICE_SERVER : undefined);
  if (server !== undefined) {
    if (!/^https?:\/\/[^/]/.test(server)) {
      throw new CliError(`--server must be an http:// or https:// URL, got '${server}'.`, EXIT_USAGE);
    }
    const user = flags.user ?? env.SLUICE_USER;
    const password = flags.password ?? env.SLUICE_PASSWORD;
    if (user === undefined || user === '') {
      if (flags.password !== undefined) throw new CliError('--password needs --user.', EXIT_USAGE);
      return { server };
    }
    if (password === undefined) {
      throw new CliError(
        `No password for user '${user}': give --password or set SLUICE_PASSWORD.`,
        EXIT_USAGE,
      );
    }
    return { server, authorization: basicAuthorization({ user, password }) };
  }
  if (flags.user !== undefined || flags.password !== undefined) {
    throw new CliError('--user and --password go with --server: a data dir is opened directly.', EXIT_USAGE);
  }
  const dir = flags['data-dir'] ?? env.SLUICE_DATA_DIR ?? DEFAULT_DATA_DIR;
  if (dir.length === 0) throw new CliError('--data-dir must not be empty.', EXIT_USAGE);
  return { dataDir: dir };
}

/** True when the target is a server, or a folder holding a Sluice data dir (opening one creates `topics`). */
export function targetExists(target: Target): boolean {
  return !('dataDir' in target) || existsSync(join(target.dataDir, 'topics'));
}

/**
 * Opens the embedded log for one command. Reading commands pass `topic` so that a missing data dir
 * (usually a typo in --data-dir) is reported instead of silently created.
 */
export async function openLog(target: Target, mustExistFor?: string): Promise<Log> {
  if (mustExistFor !== undefined && 'dataDir' in target && !targetExists(target)) {
    throw new CliError(
      `Topic '${mustExistFor}' does not exist: there is no Sluice data dir at ${resolve(target.dataDir)}. ` +
        `Create the topic first (sluice topic create ${mustExistFor}), or point --data-dir or SLUICE_DATA_DIR at an existing data dir.`,
    );
  }
  return openTopicLog(target);
}

/** Opens the log, runs `work`, and always closes the log so the data dir is unlocked and flushed. */
export async function withLog<T>(
  target: Target,
  mustExistFor: string | undefined,
  work: (log: Log) => Promise<T>,
): Promise<T> {
  const log = await openLog(target, mustExistFor);
  try {
    return await work(log);
  } finally {
    await log.close();
  }
}

/**
 * Sluice's internal topics under their default names (service id `default_`, Connect's default topic
 * names): on a data dir there is no server to ask which topics it owns, so the tools refuse these.
 */
const DEFAULT_INTERNAL_TOPICS = new InternalTopics()
  .add(
    '_confluent-ksql-default__command_topic',
    'the command topic, which defines every stream, table and query',
  )
  .add('default_ksql_processing_log', 'the processing log')
  .add('connect-configs', "the Connect worker's config topic, which defines every connector")
  .add('connect-offsets', "the Connect worker's offset topic, where every source connector resumes from")
  .add('connect-status', "the Connect worker's status topic");

/**
 * Refuses to delete or write an internal topic; a server checks its own, the tools on a data dir or
 * a Kafka cluster (where a server keeps them too) check these.
 */
export function checkNotInternal(target: Target, topic: string, action: InternalTopicAction): void {
  if (!('server' in target)) DEFAULT_INTERNAL_TOPICS.check(topic, action);
}
