// A Connect worker ready to run: herder, plugins, converters, transforms and the REST API wired
// together. The parts are reached through their own folders (api/, client/, worker/, …).
export { freePort } from './free-port.js';
export { type RunningWorker, startConnectWorker, type WorkerOptions } from './start-worker.js';
