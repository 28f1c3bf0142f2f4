import type { Predicate, Transformation } from '../api/index.js';
import { Cast } from './cast.js';
import { ExtractField } from './extract-field.js';
import { ExtractNewRecordState } from './extract-new-record-state.js';
import { Filter } from './filter.js';
import { Flatten } from './flatten.js';
import { DropHeaders, HeaderFrom, InsertHeader } from './headers.js';
import { HoistField } from './hoist-field.js';
import { InsertField } from './insert-field.js';
import { MaskField } from './mask-field.js';
import { HasHeaderKey, RecordIsTombstone, TopicNameMatches } from './predicates.js';
import { ReplaceField } from './replace-field.js';
import { RegexRouter, TimestampRouter } from './routers.js';
import { SetSchemaMetadata } from './set-schema-metadata.js';
import type { RecordSide } from './support.js';
import { TimestampConverter } from './timestamp-converter.js';
import { ValueToKey } from './value-to-key.js';

// Kafka Connect's transformation and predicate classes, by name.

const PACKAGE = 'org.apache.kafka.connect.transforms';

type SidedTransformation = new (side: RecordSide) => Transformation;

const SIDED: readonly [string, SidedTransformation][] = [
  ['Cast', Cast],
  ['ExtractField', ExtractField],
  ['Flatten', Flatten],
  ['HeaderFrom', HeaderFrom],
  ['HoistField', HoistField],
  ['InsertField', InsertField],
  ['MaskField', MaskField],
  ['ReplaceField', ReplaceField],
  ['SetSchemaMetadata', SetSchemaMetadata],
  ['TimestampConverter', TimestampConverter],
];

const TRANSFORMATIONS: ReadonlyMap<string, () => Transformation> = new Map<string, () => Transformation>([
  ...SIDED.flatMap(([name, Class]): [string, () => Transformation][] => [
    [`${PACKAGE}.${name}$Key`, () => new Class('key')],
    [`${PACKAGE}.${name}$Value`, () => new Class('value')],
  ]),
  [`${PACKAGE}.DropHeaders`, () => new DropHeaders()],
  [`${PACKAGE}.Filter`, () => new Filter()],
  [`${PACKAGE}.InsertHeader`, () => new InsertHeader()],
  [`${PACKAGE}.RegexRouter`, () => new RegexRouter()],
  [`${PACKAGE}.TimestampRouter`, () => new TimestampRouter()],
  [`${PACKAGE}.ValueToKey`, () => new ValueToKey()],
  // Debezium's, for CDC recipes that flatten change events ("unwrap").
  ['io.debezium.transforms.ExtractNewRecordState', () => new ExtractNewRecordState()],
]);

const PREDICATES: ReadonlyMap<string, () => Predicate> = new Map<string, () => Predicate>([
  [`${PACKAGE}.predicates.HasHeaderKey`, () => new HasHeaderKey()],
  [`${PACKAGE}.predicates.RecordIsTombstone`, () => new RecordIsTombstone()],
  [`${PACKAGE}.predicates.TopicNameMatches`, () => new TopicNameMatches()],
]);

/** The class named, by full name or (as Kafka Connect's plugin aliases) the simple name of a top-level class. */
function lookup<T>(registry: ReadonlyMap<string, () => T>, className: string): (() => T) | undefined {
  const name = className.trim();
  const exact = registry.get(name);
  if (exact !== undefined || name.includes('.')) return exact;
  const matches = [...registry.keys()].filter((k) => k.slice(k.lastIndexOf('.') + 1) === name);
  return matches.length === 1 ? registry.get(matches[0]) : undefined;
}

export class UnknownPluginClassError extends Error {
  override readonly name = 'UnknownPluginClassError';
}

export function transformationClassNames(): string[] {
  return [...TRANSFORMATIONS.keys()];
}

export function predicateClassNames(): string[] {
  return [...PREDICATES.keys()];
}

export function isTransformationClass(className: string): boolean {
  return lookup(TRANSFORMATIONS, className) !== undefined;
}

export function isPredicateClass(className: string): boolean {
  return lookup(PREDICATES, className) !== undefined;
}

/** A new, unconfigured transformation for a Kafka Connect class name. */
export function transformationByClass(className: string): Transformation {
  const create = lookup(TRANSFORMATIONS, className);
  if (create === undefined)
    throw new UnknownPluginClassError(
      `Transformation class ${className} could not be found. Known transformations: ${transformationClassNames().join(', ')}`,
    );
  return create();
}

/** A new, unconfigured predicate for a Kafka Connect class name. */
export function predicateByClass(className: string): Predicate {
  const create = lookup(PREDICATES, className);
  if (create === undefined)
    throw new UnknownPluginClassError(
      `Predicate class ${className} could not be found. Known predicates: ${predicateClassNames().join(', ')}`,
    );
  return create();
}
