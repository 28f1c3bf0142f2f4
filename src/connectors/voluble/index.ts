import type { ConnectorPlugin } from '../../connect/api/index.js';
import { VOLUBLE_CLASS, VolubleSourceConnector } from './voluble-connector.js';
import { VOLUBLE_VERSION } from './voluble-task.js';

export { knownDirectiveNames } from './directives.js';
export { VOLUBLE_CLASS, VolubleSourceConnector } from './voluble-connector.js';
export { VOLUBLE_VERSION, VolubleSourceTask } from './voluble-task.js';

/** Registered by the worker under the upstream class name. */
export const plugins: readonly ConnectorPlugin[] = [
  {
    className: VOLUBLE_CLASS,
    type: 'source',
    version: VOLUBLE_VERSION,
    create: () => new VolubleSourceConnector(),
  },
];
