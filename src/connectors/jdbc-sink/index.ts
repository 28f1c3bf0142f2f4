import type { ConnectorPlugin } from '../../connect/api/index.js';
import { JdbcSinkConnector } from './jdbc-sink-connector.js';
import { JDBC_SINK_VERSION } from './jdbc-sink-task.js';

/** The JDBC sink for PostgreSQL, under Confluent's class name. */
export const plugins: ConnectorPlugin[] = [
  {
    className: 'io.confluent.connect.jdbc.JdbcSinkConnector',
    type: 'sink',
    version: JDBC_SINK_VERSION,
    create: () => new JdbcSinkConnector(),
  },
];
