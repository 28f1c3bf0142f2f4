import type { ConnectorPlugin } from '../../connect/api/index.js';
import { CONNECTOR_VERSION } from './change-events.js';
import { PostgresConnector } from './postgres-connector.js';

/** Debezium's PostgreSQL change data capture source, under Debezium's class name. */
export const plugins: ConnectorPlugin[] = [
  {
    className: 'io.debezium.connector.postgresql.PostgresConnector',
    type: 'source',
    version: CONNECTOR_VERSION,
    create: () => new PostgresConnector(),
  },
];
