export {
  ERROR_CATALOGUE,
  type ErrorCode,
  type ErrorEntry,
  type ErrorSurface,
  isErrorCode,
} from './catalogue.js';
export { renderErrorsReference } from './docs.js';
export { httpStatusOf, SluiceError, type SluiceErrorOptions } from './sluice-error.js';
