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
export type { ConnectTls } from './connect-http.js';
export { EmbeddedConnectClient } from './embedded-connect-client.js';
export { RestConnectClient, type RestConnectClientOptions } from './rest-connect-client.js';
