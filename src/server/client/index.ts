export { RemoteLog } from './remote-log.js';
