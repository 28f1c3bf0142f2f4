// Kafka Connect's single message transforms and predicates, found by their class names, and the
// chain a connector config builds from them.
import type { ConnectRecord } from '../api/index.js';
import { applyChain, buildChain, validateChain } from './chain.js';
import { predicateClassNames, transformationClassNames } from './registry.js';

export { Cast } from './cast.js';
export {
  applyChain,
  buildChain,
  type ChainProblem,
  closeChain,
  type TransformationChain,
  type TransformationStage,
  validateChain,
} from './chain.js';
export { ExtractField } from './extract-field.js';
export { ExtractNewRecordState } from './extract-new-record-state.js';
export { Filter } from './filter.js';
export { Flatten } from './flatten.js';
export { DropHeaders, HeaderFrom, InsertHeader } from './headers.js';
export { HoistField } from './hoist-field.js';
export { InsertField } from './insert-field.js';
export { MaskField } from './mask-field.js';
export { HasHeaderKey, RecordIsTombstone, TopicNameMatches } from './predicates.js';
export {
  isPredicateClass,
  isTransformationClass,
  predicateByClass,
  predicateClassNames,
  transformationByClass,
  transformationClassNames,
  UnknownPluginClassError,
} from './registry.js';
export { ReplaceField } from './replace-field.js';
export { RegexRouter, TimestampRouter } from './routers.js';
export { SetSchemaMetadata } from './set-schema-metadata.js';
export { SimpleDateFormat } from './simple-date-format.js';
export { TimestampConverter } from './timestamp-converter.js';
export { ValueToKey } from './value-to-key.js';

/** What the worker's plugin registry needs: build and validate chains, list the classes. */
export const transformChainFactory = {
  build(config: Readonly<Record<string, string>>) {
    const chain = buildChain(config);
    return <R extends ConnectRecord>(record: R): R | null => applyChain(chain, record);
  },
  validate(config: Readonly<Record<string, string>>): { key: string; message: string }[] {
    return validateChain(config);
  },
  list(): { class: string; type: string }[] {
    return [
      ...transformationClassNames().map((c) => ({ class: c, type: 'transformation' })),
      ...predicateClassNames().map((c) => ({ class: c, type: 'predicate' })),
    ].sort((a, b) => (a.class < b.class ? -1 : 1));
  },
};
