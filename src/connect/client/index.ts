export {
  type ConnectClient,
  ConnectClientError,
  type ConnectorInfo,
  type ConnectorMetricsInfo,
  type ConnectorOffset,
  type ConnectorOffsets,
  type ConnectorStateInfo,
  type PluginInfo,
  type TaskMetricsInfo,
} from './connect-client.js';
export { connectCredentialsFromFile } from './connect-credentials.js';
export { EmbeddedConnectClient } from './embedded-connect-client.js';
export { RestConnectClient } from './rest-connect-client.js';
