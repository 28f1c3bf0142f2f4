import type { ConnectorPlugin } from '../../connect/api/index.js';
import { DATAGEN_CLASS, DatagenConnector } from './datagen-connector.js';
import { DATAGEN_VERSION } from './datagen-task.js';

export { DATAGEN_CLASS, DatagenConnector } from './datagen-connector.js';
export { DATAGEN_VERSION, DatagenTask } from './datagen-task.js';
export { QUICKSTART_NAMES } from './quickstarts.js';

/** Registered by the worker under the upstream class name. */
export const plugins: readonly ConnectorPlugin[] = [
  {
    className: DATAGEN_CLASS,
    type: 'source',
    version: DATAGEN_VERSION,
    create: () => new DatagenConnector(),
  },
];
