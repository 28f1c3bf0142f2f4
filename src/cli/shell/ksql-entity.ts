import type { SchemaInfo } from './schema-type-text.js';

/*
 * The JSON shapes of POST /ksql entities that the shell reads (ksqlDB's ksqldb-rest-model). Only
 * the fields the renderers use are declared; servers may send more.
 */

export interface KsqlEntity {
  readonly '@type': string;
  readonly statementText?: string;
  readonly warnings?: readonly { readonly message: string }[];
  readonly [field: string]: unknown;
}

export interface SourceInfo {
  readonly name: string;
  readonly topic: string;
  readonly keyFormat: string;
  readonly valueFormat: string;
  readonly isWindowed: boolean;
}

export interface RunningQuery {
  readonly queryString: string;
  readonly sinks: readonly string[];
  readonly sinkKafkaTopics: readonly string[];
  readonly id: string;
  readonly statusCount: Readonly<Record<string, number>>;
  readonly queryType: string;
  readonly state?: string;
}

export interface FieldInfo {
  readonly name: string;
  readonly schema: SchemaInfo;
  readonly type?: 'KEY' | 'HEADER';
  readonly headerKey?: string;
}

export interface SourceDescription {
  readonly name: string;
  readonly windowType: string | null;
  readonly readQueries: readonly RunningQuery[];
  readonly writeQueries: readonly RunningQuery[];
  readonly fields: readonly FieldInfo[];
  readonly type: string;
  readonly timestamp: string;
  readonly statistics: string;
  readonly errorStats: string;
  readonly extended: boolean;
  readonly keyFormat: string;
  readonly valueFormat: string;
  readonly topic: string;
  readonly partitions: number;
  readonly replication: number;
  readonly statement: string;
  readonly sourceConstraints?: readonly string[];
}

export interface FunctionArgument {
  readonly name: string;
  readonly type: string;
  readonly description: string;
  readonly isVariadic: boolean;
}

export interface FunctionDescription {
  readonly name: string;
  readonly description: string;
  readonly author: string;
  readonly version: string;
  readonly path: string;
  readonly type: string;
  readonly functions: readonly {
    readonly arguments: readonly FunctionArgument[];
    readonly returnType: string;
    readonly description: string;
  }[];
}

/** The error bodies of ksqlDB's REST API (generic_error, statement_error). */
export interface KsqlErrorBody {
  readonly '@type'?: string;
  readonly error_code?: number;
  readonly message: string;
  readonly statementText?: string;
  readonly entities?: readonly KsqlEntity[];
}

export function isKsqlErrorBody(body: unknown): body is KsqlErrorBody {
  return (
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    typeof (body as { message?: unknown }).message === 'string'
  );
}
