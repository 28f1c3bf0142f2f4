import type {
  ConfigDef,
  ConfigValue,
  SourceConnector,
  SourceConnectorContext,
  SourceTask,
} from '../../connect/api/index.js';
import { abortableSleep, connectWithRetries, DatabaseSession } from './database-session.js';
import {
  JDBC_SOURCE_CONFIG_DEF,
  type JdbcSourceSettings,
  parseJdbcSourceConfig,
  validateJdbcSourceConfig,
} from './jdbc-source-config.js';
import { JDBC_SOURCE_VERSION, JdbcSourceTask } from './jdbc-source-task.js';
import { duplicateTableNames, groupTables, listTables } from './table-discovery.js';
import { type TableId, tableFqn } from './table-filter.js';
import { TABLES_KEY, writeTaskTables } from './task-tables.js';

export const JDBC_SOURCE_CLASS = 'io.confluent.connect.jdbc.JdbcSourceConnector';

/**
 * Confluent's JDBC source for PostgreSQL. Lists the tables to copy at start (connecting with
 * connection.attempts and backoff), spreads them over tasks, and looks again every
 * table.poll.interval.ms: a changed list asks the runtime for new task configs.
 */
export class JdbcSourceConnector implements SourceConnector {
  readonly kind = 'source';
  private context: SourceConnectorContext | undefined;
  private props: Readonly<Record<string, string>> = {};
  private settings: JdbcSourceSettings | undefined;
  private tables: TableId[] = [];
  private monitor: ReturnType<typeof setInterval> | undefined;
  private monitoring = false;
  private stopping = new AbortController();

  version(): string {
    return JDBC_SOURCE_VERSION;
  }

  config(): ConfigDef {
    return JDBC_SOURCE_CONFIG_DEF;
  }

  validate(props: Readonly<Record<string, string>>): ConfigValue[] {
    return validateJdbcSourceConfig(props);
  }

  initialize(context: SourceConnectorContext): void {
    this.context = context;
  }

  private session(settings: JdbcSourceSettings): DatabaseSession {
    const logger = this.context?.logger ?? { debug() {}, info() {}, warn() {}, error() {} };
    return new DatabaseSession(settings.connection, {
      attempts: settings.connectionAttempts,
      backoffMs: settings.connectionBackoffMs,
      timeZone: settings.timeZone,
      applicationName: 'sluice-jdbc-source',
      logger,
    });
  }

  /** The selected tables now; throws when none can be listed after every connection attempt. */
  private async discover(settings: JdbcSourceSettings): Promise<TableId[]> {
    const session = this.session(settings);
    try {
      const client = await connectWithRetries(session, (ms) => abortableSleep(ms, this.stopping.signal));
      const tables = await listTables(client, settings);
      const duplicates = duplicateTableNames(tables);
      if (duplicates !== null) throw new Error(duplicates);
      return tables;
    } finally {
      await session.close();
    }
  }

  async start(props: Readonly<Record<string, string>>): Promise<void> {
    const settings = parseJdbcSourceConfig(props);
    this.props = { ...props };
    this.settings = settings;
    this.stopping = new AbortController();
    if (settings.query !== null) return;
    this.tables = await this.discover(settings);
    if (this.tables.length === 0)
      this.context?.logger.warn('No tables match the table settings: nothing to copy yet.');
    this.monitor = setInterval(() => void this.checkTables(), settings.tablePollIntervalMs);
    this.monitor.unref();
  }

  /** One look for added or removed tables; errors are logged and the next look tries again. */
  private async checkTables(): Promise<void> {
    const settings = this.settings;
    if (this.monitoring || settings === undefined || this.stopping.signal.aborted) return;
    this.monitoring = true;
    try {
      const now = await this.discover(settings);
      const key = (ts: TableId[]) => ts.map(tableFqn).join('\n');
      if (key(now) !== key(this.tables) && !this.stopping.signal.aborted) {
        this.context?.logger.info(`The tables to copy changed (now ${now.length}); reconfiguring tasks`);
        this.tables = now;
        this.context?.requestTaskReconfiguration();
      }
    } catch (err) {
      if (!this.stopping.signal.aborted)
        this.context?.logger.warn(`Could not list tables (${(err as Error).message}); trying again later`);
    } finally {
      this.monitoring = false;
    }
  }

  /** Query mode: one task. Tables: at most one task per table, contiguous runs of the table list. */
  taskConfigs(maxTasks: number): Record<string, string>[] {
    if (this.settings === undefined || this.settings.query !== null || this.tables.length === 0)
      return [{ ...this.props, [TABLES_KEY]: '' }];
    const groups = groupTables(this.tables, Math.min(this.tables.length, Math.max(1, maxTasks)));
    return groups.map((tables) => ({ ...this.props, [TABLES_KEY]: writeTaskTables(tables) }));
  }

  createTask(): SourceTask {
    return new JdbcSourceTask();
  }

  stop(): void {
    this.stopping.abort();
    if (this.monitor !== undefined) clearInterval(this.monitor);
    this.monitor = undefined;
  }
}
