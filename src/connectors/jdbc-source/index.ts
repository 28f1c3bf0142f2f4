import type { ConnectorPlugin } from '../../connect/api/index.js';
import { JDBC_SOURCE_CLASS, JdbcSourceConnector } from './jdbc-source-connector.js';
import { JDBC_SOURCE_VERSION } from './jdbc-source-task.js';

export { JDBC_SOURCE_CLASS, JdbcSourceConnector } from './jdbc-source-connector.js';
export { JDBC_SOURCE_VERSION, JdbcSourceTask } from './jdbc-source-task.js';

/** Registered by the worker under Confluent's class name. */
export const plugins: ConnectorPlugin[] = [
  {
    className: JDBC_SOURCE_CLASS,
    type: 'source',
    version: JDBC_SOURCE_VERSION,
    create: () => new JdbcSourceConnector(),
  },
];
