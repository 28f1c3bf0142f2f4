// The composition root's public surface: each process (`sluice server`, `sluice connect`, the topic
// tools) built from log, engine, Connect and HTTP. The processes are loaded on demand, so that a
// command that needs only a log (the topic tools) does not load the engine, Connect and Fastify.
import type { ServerConfig } from '../config/index.js';
import type { StandaloneOptions, StandaloneWorker } from './connect-process.js';
import type { RunningServer } from './server-process.js';

export type { StandaloneOptions, StandaloneWorker } from './connect-process.js';
export {
  readConnectorFile,
  standaloneWorkerProperties,
  unknownWorkerSettingWarnings,
} from './connect-worker-properties.js';
export type { RunningServer } from './server-process.js';
export { openTopicLog, type TopicLogTarget } from './topic-tools.js';

/** `sluice server`: opens the data dir, starts the engine and Connect, serves the REST API. */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  return (await import('./server-process.js')).startServer(config);
}

/** `sluice connect`: a Connect worker in its own process, for a server in external mode. */
export async function startStandaloneWorker(options: StandaloneOptions): Promise<StandaloneWorker> {
  return (await import('./connect-process.js')).startStandaloneWorker(options);
}
