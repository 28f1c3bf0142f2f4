// The worker's public surface: the herder that decides, the worker that runs, the validator, their
// errors and logger, and the worker properties they read.
export type { GroupOptions } from './cluster.js';
export { ENCRYPTION_KEY, ENCRYPTION_KEY_FILE } from './config-encryption.js';
export { ConnectError, ForwardRequest } from './connect-error.js';
export { LOG4J_LEVELS, loggerLevel, logLevels, recentLogLines, setLoggerLevel } from './connect-logger.js';
export {
  type ConfigInfos,
  type ConnectorInfo,
  type ConnectorMetricsInfo,
  type ConnectorStateInfo,
  Herder,
  type TaskMetricsInfo,
} from './herder.js';
export { type ConnectorPlugin, type PluginInfo, PluginRegistry } from './plugin-registry.js';
export type {
  SinkConsumerPort,
  SinkLogPort,
  SourceLogPort,
  SourceOffsetPort,
  TaskStatusPort,
} from './task-port.js';
export { ConfigValidator } from './validator.js';
export { Worker } from './worker.js';
export { readWorkerConfig } from './worker-config.js';
