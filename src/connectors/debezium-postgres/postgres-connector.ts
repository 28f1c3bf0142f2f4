import type {
  ConfigDef,
  ConfigValue,
  SourceConnector,
  SourceConnectorContext,
  SourceTask,
} from '../../connect/api/index.js';
import { CONNECTOR_VERSION } from './change-events.js';
import { cdcConfigDef, readCdcConfig, validateCdcConfig } from './config.js';
import { PostgresCdcTask } from './postgres-cdc-task.js';

/**
 * io.debezium.connector.postgresql.PostgresConnector: change data capture from PostgreSQL's
 * logical replication (pgoutput). One task, as in Debezium: a slot is read by one connection.
 */
export class PostgresConnector implements SourceConnector {
  readonly kind = 'source';
  private props: Readonly<Record<string, string>> = {};

  version(): string {
    return CONNECTOR_VERSION;
  }

  initialize(_context: SourceConnectorContext): void {}

  config(): ConfigDef {
    return cdcConfigDef();
  }

  validate(props: Readonly<Record<string, string>>): ConfigValue[] {
    return validateCdcConfig(props);
  }

  start(props: Readonly<Record<string, string>>): void {
    readCdcConfig(props);
    this.props = props;
  }

  taskConfigs(_maxTasks: number): Record<string, string>[] {
    return [{ ...this.props }];
  }

  stop(): void {}

  createTask(): SourceTask {
    return new PostgresCdcTask();
  }
}
