import type { ConnectorPlugin } from '../../connect/api/index.js';

// Filled in by the connector's own work.
export const plugins: ConnectorPlugin[] = [];
