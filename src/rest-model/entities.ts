import type { FieldInfo, SchemaInfo } from './schema.js';

/*
 * The entities POST /ksql answers with, in ksqlDB's shapes (ksqldb-rest-model), so that ksqlDB's
 * CLI, its Java client and other tools read them unchanged. One typed model: the engine builds
 * them with `entity`, the server sends them, the CLI renders them with an exhaustive switch.
 */

export interface Warning {
  readonly message: string;
}

interface EntityOf<T extends string> {
  readonly '@type': T;
  /** The statement as echoed (connector WITH values masked). */
  readonly statementText: string;
  readonly warnings: readonly Warning[];
}

/** A statement that went through the command topic (DDL, persistent queries, TERMINATE). */
export interface CurrentStatusEntity extends EntityOf<'currentStatus'> {
  readonly commandId: string;
  readonly commandStatus: CommandStatus;
  readonly commandSequenceNumber: number;
}

export interface CommandStatus {
  readonly status: 'QUEUED' | 'PARSING' | 'EXECUTING' | 'RUNNING' | 'TERMINATED' | 'SUCCESS' | 'ERROR';
  readonly message: string;
  readonly queryId?: string;
}

export interface WarningEntity extends EntityOf<'warning_entity'> {
  readonly message: string;
}

/** A row of SHOW STREAMS / SHOW TABLES. */
export interface SourceInfo {
  readonly type: 'STREAM' | 'TABLE';
  readonly name: string;
  readonly topic: string;
  readonly keyFormat: string;
  readonly valueFormat: string;
  readonly isWindowed: boolean;
}

export interface StreamsEntity extends EntityOf<'streams'> {
  readonly streams: readonly SourceInfo[];
}

export interface TablesEntity extends EntityOf<'tables'> {
  readonly tables: readonly SourceInfo[];
}

/** A topic of SHOW TOPICS; the consumer counts only with EXTENDED. */
export interface KafkaTopicInfo {
  readonly name: string;
  /** One replica count per partition. */
  readonly replicaInfo: readonly number[];
  readonly consumerCount?: number;
  readonly consumerGroupCount?: number;
}

export interface KafkaTopicsEntity extends EntityOf<'kafka_topics'> {
  readonly topics: readonly KafkaTopicInfo[];
}

export interface KafkaTopicsExtendedEntity extends EntityOf<'kafka_topics_extended'> {
  readonly topics: readonly KafkaTopicInfo[];
}

export interface PropertyInfo {
  readonly name: string;
  readonly scope: string;
  readonly value: string | null;
}

export interface PropertiesEntity extends EntityOf<'properties'> {
  readonly properties: readonly PropertyInfo[];
  /** Properties the request set (SET, streamsProperties). */
  readonly overwrittenProperties: readonly string[];
  /** Properties at their default. */
  readonly defaultProperties: readonly string[];
}

/** A query of SHOW QUERIES and of a source description's read and write queries. */
export interface RunningQuery {
  readonly queryString: string;
  readonly sinks: readonly string[];
  readonly sinkKafkaTopics: readonly string[];
  readonly id: string;
  readonly statusCount: Readonly<Record<string, number>>;
  readonly queryType: 'PERSISTENT' | 'PUSH';
  readonly state: string;
}

export interface QueriesEntity extends EntityOf<'queries'> {
  readonly queries: readonly RunningQuery[];
}

/** ksqlDB's SourceDescription: DESCRIBE [EXTENDED] of a stream or table. */
export interface SourceDescription {
  readonly name: string;
  readonly windowType: string | null;
  readonly readQueries: readonly RunningQuery[];
  readonly writeQueries: readonly RunningQuery[];
  readonly fields: readonly FieldInfo[];
  readonly type: 'STREAM' | 'TABLE';
  readonly timestamp: string;
  readonly statistics: string;
  readonly errorStats: string;
  readonly extended: boolean;
  readonly keyFormat: string;
  readonly valueFormat: string;
  readonly topic: string;
  /** 0 when the topic could not be described. */
  readonly partitions: number;
  readonly replication: number;
  readonly statement: string;
  readonly queryOffsetSummaries: readonly unknown[];
  /** Sources that must be dropped before this one. */
  readonly sourceConstraints: readonly string[];
  readonly clusterStatistics: readonly unknown[];
  readonly clusterErrorStats: readonly unknown[];
}

export interface SourceDescriptionEntity extends EntityOf<'sourceDescription'> {
  readonly sourceDescription: SourceDescription;
}

export interface SourceDescriptionsEntity extends EntityOf<'source_descriptions'> {
  readonly sourceDescriptions: readonly SourceDescription[];
}

export interface QueryError {
  readonly timestamp: number;
  readonly errorMessage: string;
  readonly type: string;
}

/** ksqlDB's QueryDescription: EXPLAIN of a query id or of a statement. */
export interface QueryDescription {
  /** Empty when a statement, not a running query, is explained. */
  readonly id: string;
  readonly statementText: string;
  readonly windowType: string | null;
  readonly fields: readonly FieldInfo[];
  readonly sources: readonly string[];
  readonly sinks: readonly string[];
  readonly topology: string;
  readonly executionPlan: string;
  readonly overriddenProperties: Readonly<Record<string, unknown>>;
  readonly ksqlHostQueryStatus: Readonly<Record<string, string>>;
  readonly queryType: 'PERSISTENT' | 'PUSH';
  readonly queryErrors: readonly QueryError[];
  readonly tasksMetadata: readonly unknown[];
  readonly state?: string;
}

export interface QueryDescriptionEntity extends EntityOf<'queryDescription'> {
  readonly queryDescription: QueryDescription;
}

export interface FunctionSummary {
  readonly name: string;
  readonly type: 'SCALAR' | 'AGGREGATE' | 'TABLE';
  readonly category?: string;
}

export interface FunctionNamesEntity extends EntityOf<'function_names'> {
  readonly functions: readonly FunctionSummary[];
}

export interface FunctionArgument {
  readonly name: string;
  readonly type: string;
  readonly description: string;
  readonly isVariadic: boolean;
}

export interface FunctionInfo {
  readonly arguments: readonly FunctionArgument[];
  readonly argumentTypes: readonly string[];
  readonly returnType: string;
  readonly description: string;
}

/** DESCRIBE FUNCTION. */
export interface FunctionDescriptionEntity extends EntityOf<'describe_function'> {
  readonly name: string;
  readonly description: string;
  readonly author: string;
  readonly version: string;
  readonly path: string;
  readonly type: 'SCALAR' | 'AGGREGATE' | 'TABLE';
  readonly functions: readonly FunctionInfo[];
}

export interface VariablesEntity extends EntityOf<'variables'> {
  readonly variables: readonly { readonly name: string; readonly value: string }[];
}

export interface TypeListEntity extends EntityOf<'type_list'> {
  readonly types: Readonly<Record<string, SchemaInfo>>;
}

/** TERMINATE of a push query (persistent ones answer currentStatus). */
export interface TerminateQueryEntity extends EntityOf<'terminate_query'> {
  readonly queryId: string;
  readonly wasTerminated: boolean;
}

export type ConnectorType = 'source' | 'sink' | 'unknown';

/** Kafka Connect's POST /connectors answer. */
export interface ConnectorInfoEntity extends EntityOf<'connector_info'> {
  readonly info: {
    readonly name: string;
    readonly config: Readonly<Record<string, string>>;
    readonly tasks: readonly { readonly connector: string; readonly task: number }[];
    readonly type: ConnectorType;
  };
}

export interface DropConnectorEntity extends EntityOf<'drop_connector'> {
  readonly connectorName: string;
}

/** A row of SHOW CONNECTORS; only the name when the connector could not be described. */
export interface ConnectorListRow {
  readonly name: string;
  readonly type: ConnectorType;
  readonly className?: string;
  readonly state?: string;
}

export interface ConnectorListEntity extends EntityOf<'connector_list'> {
  readonly connectors: readonly ConnectorListRow[];
}

export interface ConnectorPluginsEntity extends EntityOf<'connector_plugins_list'> {
  /** ksqlDB's spelling, with the extra "s". */
  readonly connectorsPlugins: readonly {
    readonly className: string;
    readonly type: string;
    readonly version: string;
  }[];
}

export interface ConnectorWorkerState {
  readonly state: string;
  readonly worker_id: string;
  readonly trace?: string;
}

export interface TaskState extends ConnectorWorkerState {
  readonly id: number;
  /** Beyond Kafka Connect: a RUNNING task retrying something it lost, since when and why. */
  readonly retrying?: { readonly since: string; readonly error: string };
}

/** Kafka Connect's GET /connectors/{name}/status. */
export interface ConnectorStatus {
  readonly name: string;
  readonly connector: ConnectorWorkerState;
  readonly tasks: readonly TaskState[];
  readonly type: ConnectorType;
}

export interface ConnectorDescriptionEntity extends EntityOf<'connector_description'> {
  readonly connectorClass: string;
  /** Beyond ksqlDB: the state in one phrase, as SHOW CONNECTORS shows it. */
  readonly state: string;
  readonly status: ConnectorStatus;
  readonly sources: readonly SourceDescription[];
  readonly topics: readonly string[];
}

/** A task of SHOW CONNECTOR STATUS; counters are null from a Connect that serves none. */
export interface ConnectorTaskStatus {
  readonly id: number;
  readonly state: string;
  readonly workerId: string;
  readonly trace?: string;
  readonly retrying?: { readonly since: string; readonly error: string };
  readonly recordsIn: number | null;
  readonly recordsOut: number | null;
  readonly lastRecordTime: string | null;
  /** Records behind, for a sink. */
  readonly lag: number | null;
  /** Bytes behind, for a source that knows (a CDC task's replication slot). */
  readonly lagBytes: number | null;
  readonly errors: number | null;
  readonly deadLettered: number | null;
}

export interface ConnectorStatusRow {
  readonly name: string;
  readonly type: ConnectorType;
  readonly className: string;
  readonly state: string;
  readonly workerId: string;
  readonly trace?: string;
  readonly tasks: readonly ConnectorTaskStatus[];
}

/** SHOW CONNECTOR STATUS (beyond ksqlDB). */
export interface ConnectorStatusListEntity extends EntityOf<'connector_status_list'> {
  readonly connectors: readonly ConnectorStatusRow[];
}

/** SHOW CONNECTOR OFFSETS (beyond ksqlDB): Kafka Connect's offsets, a null offset reset. */
export interface ConnectorOffsetsEntity extends EntityOf<'connector_offsets'> {
  readonly connector: string;
  readonly offsets: readonly {
    readonly partition: Readonly<Record<string, unknown>>;
    readonly offset: Readonly<Record<string, unknown>> | null;
  }[];
}

/** Every entity POST /ksql answers with. */
export type KsqlEntity =
  | CurrentStatusEntity
  | WarningEntity
  | StreamsEntity
  | TablesEntity
  | KafkaTopicsEntity
  | KafkaTopicsExtendedEntity
  | PropertiesEntity
  | QueriesEntity
  | SourceDescriptionEntity
  | SourceDescriptionsEntity
  | QueryDescriptionEntity
  | FunctionNamesEntity
  | FunctionDescriptionEntity
  | VariablesEntity
  | TypeListEntity
  | TerminateQueryEntity
  | ConnectorInfoEntity
  | DropConnectorEntity
  | ConnectorListEntity
  | ConnectorPluginsEntity
  | ConnectorDescriptionEntity
  | ConnectorStatusListEntity
  | ConnectorOffsetsEntity;

export type KsqlEntityType = KsqlEntity['@type'];

export type EntityOfType<T extends KsqlEntityType> = Extract<KsqlEntity, { readonly '@type': T }>;

/** What an entity holds besides its type, statement and warnings. */
export type EntityBody<T extends KsqlEntityType> = Omit<
  EntityOfType<T>,
  '@type' | 'statementText' | 'warnings'
>;

/** Each entity type once; the compiler checks the list is complete. */
const ENTITY_TYPES: { readonly [T in KsqlEntityType]: T } = {
  currentStatus: 'currentStatus',
  warning_entity: 'warning_entity',
  streams: 'streams',
  tables: 'tables',
  kafka_topics: 'kafka_topics',
  kafka_topics_extended: 'kafka_topics_extended',
  properties: 'properties',
  queries: 'queries',
  sourceDescription: 'sourceDescription',
  source_descriptions: 'source_descriptions',
  queryDescription: 'queryDescription',
  function_names: 'function_names',
  describe_function: 'describe_function',
  variables: 'variables',
  type_list: 'type_list',
  terminate_query: 'terminate_query',
  connector_info: 'connector_info',
  drop_connector: 'drop_connector',
  connector_list: 'connector_list',
  connector_plugins_list: 'connector_plugins_list',
  connector_description: 'connector_description',
  connector_status_list: 'connector_status_list',
  connector_offsets: 'connector_offsets',
};

export const KSQL_ENTITY_TYPES: readonly KsqlEntityType[] = Object.values(ENTITY_TYPES);

/** Whether an entity from a server is one this model knows (a newer server may send others). */
export function isKnownEntity(value: { readonly '@type'?: unknown }): value is KsqlEntity {
  return typeof value['@type'] === 'string' && Object.hasOwn(ENTITY_TYPES, value['@type']);
}

/** An entity of the given type for a statement, with its warnings (none by default). */
export function entity<T extends KsqlEntityType>(
  type: T,
  statementText: string,
  body: EntityBody<T>,
  warnings: readonly Warning[] = [],
): EntityOfType<T> {
  return { '@type': type, statementText, ...body, warnings } as unknown as EntityOfType<T>;
}

/** The entity of a statement that did nothing or only reports (IF EXISTS no-ops, PAUSE CONNECTOR). */
export function warning(statementText: string, message: string): WarningEntity {
  return entity('warning_entity', statementText, { message });
}
