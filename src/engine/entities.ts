import type {
  FieldInfo,
  KsqlEntity,
  QueryError,
  RunningQuery,
  SchemaInfo,
  SourceDescription,
  SourceInfo,
} from '../rest-model/index.js';
import type { SqlType } from '../types/index.js';
import type { Column, DataSource } from './data-source.js';

/*
 * The engine's side of the REST model (src/rest-model/): entities built from the metastore's sources
 * and types.
 */

export { entity, warning } from '../rest-model/index.js';
export type { FieldInfo, QueryError, SchemaInfo };
/** An entity of POST /ksql's answer. */
export type Entity = KsqlEntity;

export function schemaInfo(type: SqlType): SchemaInfo {
  switch (type.kind) {
    case 'ARRAY':
      return { type: 'ARRAY', fields: null, memberSchema: schemaInfo(type.element) };
    case 'MAP':
      return { type: 'MAP', fields: null, memberSchema: schemaInfo(type.value) };
    case 'STRUCT':
      return {
        type: 'STRUCT',
        fields: type.fields.map((f) => ({ name: f.name, schema: schemaInfo(f.type) })),
        memberSchema: null,
      };
    case 'DECIMAL':
      return {
        type: 'DECIMAL',
        fields: null,
        memberSchema: null,
        parameters: { precision: type.precision, scale: type.scale },
      };
    case 'STRING':
      return { type: 'STRING', fields: null, memberSchema: null };
    default:
      return { type: type.kind, fields: null, memberSchema: null };
  }
}

function fieldInfo(c: Column): FieldInfo {
  const base = { name: c.name, schema: schemaInfo(c.type) };
  if (c.namespace === 'KEY') return { ...base, type: 'KEY' };
  if (c.namespace === 'HEADERS') return { ...base, type: 'HEADER' };
  return base;
}

export type QueryRef = RunningQuery;

export interface SourceExtras {
  readonly readQueries: readonly QueryRef[];
  readonly writeQueries: readonly QueryRef[];
  readonly partitions: number;
  readonly statistics: string;
  readonly errorStats: string;
  /** Sources that must be dropped before this one (ksqlDB's sourceConstraints). */
  readonly sourceConstraints: readonly string[];
}

/** ksqlDB's SourceDescription. */
export function sourceDescription(
  source: DataSource,
  extended: boolean,
  extras: SourceExtras,
): SourceDescription {
  return {
    name: source.name,
    windowType: source.windowInfo?.type ?? null,
    readQueries: extras.readQueries,
    writeQueries: extras.writeQueries,
    fields: source.columns.map(fieldInfo),
    type: source.kind,
    timestamp: source.timestampColumn ?? '',
    statistics: extended ? extras.statistics : '',
    errorStats: extended ? extras.errorStats : '',
    extended,
    keyFormat: source.keyFormat,
    valueFormat: source.valueFormat,
    topic: source.topic,
    partitions: extras.partitions,
    replication: 1,
    statement: source.statement,
    queryOffsetSummaries: [],
    sourceConstraints: extras.sourceConstraints,
    clusterStatistics: [],
    clusterErrorStats: [],
  };
}

/** A row of SHOW STREAMS / SHOW TABLES. */
export function sourceInfo(source: DataSource): SourceInfo {
  return {
    type: source.kind,
    name: source.name,
    topic: source.topic,
    keyFormat: source.keyFormat,
    valueFormat: source.valueFormat,
    isWindowed: source.windowInfo !== undefined,
  };
}
