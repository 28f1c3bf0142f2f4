import type { SqlType } from '../types/index.js';
import type { Column, DataSource } from './data-source.js';

/*
 * The JSON entities POST /ksql answers with, in ksqlDB's shapes (ksqldb-rest-model), so that ksqlDB's
 * CLI, its Java client and other tools read them unchanged.
 */

export interface Entity {
  readonly '@type': string;
  readonly statementText: string;
  readonly warnings: readonly { readonly message: string }[];
  readonly [field: string]: unknown;
}

export function entity(type: string, statementText: string, body: Record<string, unknown>): Entity {
  return { '@type': type, statementText, ...body, warnings: [] };
}

export function warning(statementText: string, message: string): Entity {
  return entity('warning_entity', statementText, { message });
}

export interface SchemaInfo {
  readonly type: string;
  readonly fields: FieldInfo[] | null;
  readonly memberSchema: SchemaInfo | null;
  readonly parameters?: Record<string, number>;
}

export interface FieldInfo {
  readonly name: string;
  readonly schema: SchemaInfo;
  readonly type?: 'KEY' | 'HEADER';
}

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

export interface QueryRef {
  readonly queryString: string;
  readonly sinks: readonly string[];
  readonly sinkKafkaTopics: readonly string[];
  readonly id: string;
  readonly statusCount: Record<string, number>;
  readonly queryType: 'PERSISTENT' | 'PUSH';
  readonly state: string;
}

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
export function sourceDescription(source: DataSource, extended: boolean, extras: SourceExtras) {
  return {
    name: source.name,
    windowType: null,
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
export function sourceInfo(source: DataSource) {
  return {
    type: source.kind,
    name: source.name,
    topic: source.topic,
    keyFormat: source.keyFormat,
    valueFormat: source.valueFormat,
    isWindowed: false,
  };
}
