export {
  deserializeSessionWindowedKey,
  deserializeTimeWindowedKey,
  serializeSessionWindowedKey,
  serializeTimeWindowedKey,
} from '../runtime/index.js';
export type { Statement } from '../sql/index.js';
export type { Column, DataSource, SourceKind, SourceWindow } from './data-source.js';
export type { Entity } from './entities.js';
export { StatementError } from './errors.js';
export {
  type ExecuteOptions,
  KsqlEngine,
  KsqlRequestError,
  type PushQueryHandle,
  type QueryStream,
} from './ksql-engine.js';
export type { PullQuery } from './pull-query.js';
