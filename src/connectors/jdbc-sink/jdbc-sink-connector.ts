import type {
  ConfigDef,
  ConfigValue,
  SinkConnector,
  SinkConnectorContext,
  SinkTask,
} from '../../connect/api/index.js';
import { jdbcSinkConfigDef, parseJdbcSinkConfig, validateJdbcSinkConfig } from './jdbc-sink-config.js';
import { JDBC_SINK_VERSION, JdbcSinkTask } from './jdbc-sink-task.js';
import { PgSession } from './pg-session.js';
import { checkSinkTarget } from './start-check.js';

/** io.confluent.connect.jdbc.JdbcSinkConnector for PostgreSQL: every task gets the same config. */
export class JdbcSinkConnector implements SinkConnector {
  readonly kind = 'sink';
  private props: Readonly<Record<string, string>> = {};
  private context: SinkConnectorContext | undefined;
  private stopping = new AbortController();

  version(): string {
    return JDBC_SINK_VERSION;
  }

  initialize(context: SinkConnectorContext): void {
    this.context = context;
  }

  config(): ConfigDef {
    return jdbcSinkConfigDef();
  }

  validate(props: Readonly<Record<string, string>>): ConfigValue[] {
    return validateJdbcSinkConfig(props);
  }

  /**
   * Connects once (connection.attempts, connection.backoff.ms) and checks each topic's table, so a
   * wrong URL or password, a missing table or a missing grant fails the start (and so CREATE)
   * rather than the first record. A topics.regex sink's tables are known only from its records.
   */
  start(props: Readonly<Record<string, string>>): Promise<void> {
    // A bad config throws here, before any connection is tried.
    const config = parseJdbcSinkConfig(props);
    this.props = props;
    this.stopping = new AbortController();
    const topics = (props.topics ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '');
    const logger = this.context?.logger ?? { debug() {}, info() {}, warn() {}, error() {} };
    const session = new PgSession(
      {
        connection: config.connection,
        attempts: config.connectionAttempts,
        backoffMs: config.connectionBackoffMs,
        timeZone: config.dbTimezone,
        stopping: this.stopping.signal,
      },
      logger,
    );
    return checkSinkTarget(config, topics, session).finally(() => session.close());
  }

  taskConfigs(maxTasks: number): Record<string, string>[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }

  stop(): void {
    this.stopping.abort();
  }

  createTask(): SinkTask {
    return new JdbcSinkTask();
  }
}
