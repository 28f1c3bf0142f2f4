import type {
  ConfigDef,
  ConfigValue,
  SinkConnector,
  SinkConnectorContext,
  SinkTask,
} from '../../connect/api/index.js';
import { jdbcSinkConfigDef, parseJdbcSinkConfig, validateJdbcSinkConfig } from './jdbc-sink-config.js';
import { JDBC_SINK_VERSION, JdbcSinkTask } from './jdbc-sink-task.js';

/** io.confluent.connect.jdbc.JdbcSinkConnector for PostgreSQL: every task gets the same config. */
export class JdbcSinkConnector implements SinkConnector {
  readonly kind = 'sink';
  private props: Readonly<Record<string, string>> = {};

  version(): string {
    return JDBC_SINK_VERSION;
  }

  initialize(_context: SinkConnectorContext): void {}

  config(): ConfigDef {
    return jdbcSinkConfigDef();
  }

  validate(props: Readonly<Record<string, string>>): ConfigValue[] {
    return validateJdbcSinkConfig(props);
  }

  start(props: Readonly<Record<string, string>>): void {
    parseJdbcSinkConfig(props);
    this.props = props;
  }

  taskConfigs(maxTasks: number): Record<string, string>[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }

  stop(): void {}

  createTask(): SinkTask {
    return new JdbcSinkTask();
  }
}
