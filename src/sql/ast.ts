/**
 * The syntax tree: plain readonly objects told apart by `kind`. Names are resolved text: an unquoted
 * name is upper-cased as ksqlDB does, a quoted one keeps its case, so `foo`, `FOO` and `"FOO"` are the
 * same name. Nodes carry no positions, so a statement printed and parsed again compares equal.
 */

// ---------------------------------------------------------------- types

export type PrimitiveTypeName =
  | 'BOOLEAN'
  | 'INTEGER'
  | 'BIGINT'
  | 'DOUBLE'
  | 'STRING'
  | 'BYTES'
  | 'DATE'
  | 'TIME'
  | 'TIMESTAMP';

export type SqlType = PrimitiveType | DecimalType | ArrayType | MapType | StructType | CustomType;

export interface PrimitiveType {
  readonly kind: 'primitiveType';
  /** `INT` is read as INTEGER and `VARCHAR` as STRING. */
  readonly name: PrimitiveTypeName;
}
export interface DecimalType {
  readonly kind: 'decimalType';
  readonly precision: number;
  readonly scale: number;
}
export interface ArrayType {
  readonly kind: 'arrayType';
  readonly element: SqlType;
}
export interface MapType {
  readonly kind: 'mapType';
  readonly key: SqlType;
  readonly value: SqlType;
}
export interface StructType {
  readonly kind: 'structType';
  readonly fields: readonly StructTypeField[];
}
export interface StructTypeField {
  readonly name: string;
  readonly type: SqlType;
}
/** A type registered with CREATE TYPE, referred to by name. */
export interface CustomType {
  readonly kind: 'customType';
  readonly name: string;
}

// ---------------------------------------------------------------- expressions

export type Expression =
  | StringLiteral
  | NumberLiteral
  | BooleanLiteral
  | NullLiteral
  | VariableReference
  | ColumnReference
  | AllColumns
  | UnaryExpression
  | BinaryExpression
  | IsNullExpression
  | IsDistinctFromExpression
  | BetweenExpression
  | InListExpression
  | LikeExpression
  | CaseExpression
  | CastExpression
  | Dereference
  | Subscript
  | FunctionCall
  | LambdaExpression
  | ArrayConstructor
  | MapConstructor
  | StructConstructor;

/** What may stand as a value in WITH (…), SET and friends. */
export type Literal = StringLiteral | NumberLiteral | BooleanLiteral | NullLiteral | VariableReference;

export interface StringLiteral {
  readonly kind: 'string';
  readonly value: string;
}
/** The digits as written, so `1.50` keeps its scale and `1E3` stays a double for the planner. */
export interface NumberLiteral {
  readonly kind: 'number';
  readonly text: string;
}
export interface BooleanLiteral {
  readonly kind: 'boolean';
  readonly value: boolean;
}
export interface NullLiteral {
  readonly kind: 'null';
}
/** `${name}` left in place because no variable of that name was defined. */
export interface VariableReference {
  readonly kind: 'variable';
  readonly name: string;
}
/** `col` or `source.col`. */
export interface ColumnReference {
  readonly kind: 'column';
  readonly source?: string;
  readonly name: string;
}
/** `*` or `source.*`, in a select list or as the argument of COUNT(*). */
export interface AllColumns {
  readonly kind: 'allColumns';
  readonly source?: string;
}

export type UnaryOperator = '-' | '+' | 'NOT';
export interface UnaryExpression {
  readonly kind: 'unary';
  readonly operator: UnaryOperator;
  readonly operand: Expression;
}

/** `!=` is read as `<>`. */
export type BinaryOperator =
  | 'OR'
  | 'AND'
  | '='
  | '<>'
  | '<'
  | '<='
  | '>'
  | '>='
  | '||'
  | '+'
  | '-'
  | '*'
  | '/'
  | '%';
export interface BinaryExpression {
  readonly kind: 'binary';
  readonly operator: BinaryOperator;
  readonly left: Expression;
  readonly right: Expression;
}

export interface IsNullExpression {
  readonly kind: 'isNull';
  readonly operand: Expression;
  readonly negated: boolean;
}
/** `left IS [NOT] DISTINCT FROM right`: equality in which NULL equals NULL. */
export interface IsDistinctFromExpression {
  readonly kind: 'isDistinctFrom';
  readonly left: Expression;
  readonly right: Expression;
  readonly negated: boolean;
}
export interface BetweenExpression {
  readonly kind: 'between';
  readonly operand: Expression;
  readonly low: Expression;
  readonly high: Expression;
  readonly negated: boolean;
}
export interface InListExpression {
  readonly kind: 'inList';
  readonly operand: Expression;
  readonly list: readonly Expression[];
  readonly negated: boolean;
}
export interface LikeExpression {
  readonly kind: 'like';
  readonly operand: Expression;
  readonly pattern: Expression;
  readonly escape?: Expression;
  readonly negated: boolean;
}
/** Searched (`CASE WHEN c THEN …`) when `operand` is absent, simple (`CASE x WHEN 1 THEN …`) otherwise. */
export interface CaseExpression {
  readonly kind: 'case';
  readonly operand?: Expression;
  readonly whens: readonly WhenClause[];
  readonly else?: Expression;
}
/** WHEN condition THEN result; in a simple CASE the condition is the value compared with the operand. */
export interface WhenClause {
  readonly condition: Expression;
  readonly result: Expression;
}
export interface CastExpression {
  readonly kind: 'cast';
  readonly operand: Expression;
  readonly type: SqlType;
}
/** Struct field access: `base->field`. */
export interface Dereference {
  readonly kind: 'dereference';
  readonly base: Expression;
  readonly field: string;
}
/** Array or map element: `base[index]`. */
export interface Subscript {
  readonly kind: 'subscript';
  readonly base: Expression;
  readonly index: Expression;
}
export interface FunctionCall {
  readonly kind: 'functionCall';
  readonly name: string;
  readonly distinct: boolean;
  readonly args: readonly Expression[];
}
/** `x => …` or `(x, y) => …`, as an argument of a higher-order function such as TRANSFORM. */
export interface LambdaExpression {
  readonly kind: 'lambda';
  readonly params: readonly string[];
  readonly body: Expression;
}
export interface ArrayConstructor {
  readonly kind: 'arrayConstructor';
  readonly elements: readonly Expression[];
}
export interface MapConstructor {
  readonly kind: 'mapConstructor';
  readonly entries: readonly MapEntry[];
}
export interface MapEntry {
  readonly key: Expression;
  readonly value: Expression;
}
export interface StructConstructor {
  readonly kind: 'structConstructor';
  readonly fields: readonly StructField[];
}
export interface StructField {
  readonly name: string;
  readonly value: Expression;
}

// ---------------------------------------------------------------- queries

/** Units as written, singular or plural, so that `1 HOUR` prints back as `1 HOUR`. */
export type TimeUnit =
  | 'MILLISECOND'
  | 'MILLISECONDS'
  | 'SECOND'
  | 'SECONDS'
  | 'MINUTE'
  | 'MINUTES'
  | 'HOUR'
  | 'HOURS'
  | 'DAY'
  | 'DAYS';

export interface Duration {
  readonly value: number;
  readonly unit: TimeUnit;
}

export type WindowExpression = TumblingWindow | HoppingWindow | SessionWindow;
interface WindowLimits {
  readonly retention?: Duration;
  readonly grace?: Duration;
}
export interface TumblingWindow extends WindowLimits {
  readonly kind: 'tumblingWindow';
  readonly size: Duration;
}
export interface HoppingWindow extends WindowLimits {
  readonly kind: 'hoppingWindow';
  readonly size: Duration;
  readonly advance: Duration;
}
export interface SessionWindow extends WindowLimits {
  readonly kind: 'sessionWindow';
  readonly gap: Duration;
}

export type Relation = AliasedSource | Join;
export interface AliasedSource {
  readonly kind: 'source';
  readonly name: string;
  readonly alias?: string;
}
export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';
export interface Join {
  readonly kind: 'join';
  readonly type: JoinType;
  readonly left: Relation;
  readonly right: AliasedSource;
  readonly within?: JoinWindow;
  readonly on: Expression;
}
/** `WITHIN 1 HOUR` (before = after) or `WITHIN (1 HOUR, 2 HOURS)`, optionally `GRACE PERIOD …`. */
export interface JoinWindow {
  readonly before: Duration;
  readonly after?: Duration;
  readonly grace?: Duration;
}

export interface SelectItem {
  /** `*` and `s.*` are AllColumns expressions. */
  readonly expression: Expression;
  readonly alias?: string;
}

export interface Query {
  readonly kind: 'query';
  readonly select: readonly SelectItem[];
  readonly from: Relation;
  readonly window?: WindowExpression;
  readonly where?: Expression;
  readonly groupBy?: readonly Expression[];
  readonly partitionBy?: readonly Expression[];
  readonly having?: Expression;
  /** CHANGES makes a push query; absent makes a pull query. */
  readonly emit?: 'CHANGES' | 'FINAL';
  readonly limit?: number;
}

// ---------------------------------------------------------------- statements

export type SourceType = 'STREAM' | 'TABLE';

/** A WITH (…) entry. A bare key is upper-cased; a quoted key is kept verbatim. */
export interface Property {
  readonly key: string;
  readonly value: Literal;
}

export type ColumnConstraint =
  | { readonly kind: 'key' }
  | { readonly kind: 'primaryKey' }
  | { readonly kind: 'headers' }
  | { readonly kind: 'header'; readonly key: string };

export interface TableElement {
  readonly name: string;
  readonly type: SqlType;
  readonly constraint?: ColumnConstraint;
}

export type Statement =
  | QueryStatement
  | CreateSource
  | CreateDeadLetterStream
  | CreateAsSelect
  | InsertInto
  | InsertValues
  | DropSource
  | AlterSource
  | CreateType
  | DropType
  | ListStreams
  | ListTables
  | ListTopics
  | ListQueries
  | ListProperties
  | ListFunctions
  | ListVariables
  | ListTypes
  | DescribeSource
  | DescribeSources
  | DescribeFunction
  | ExplainQuery
  | ExplainStatement
  | TerminateQuery
  | PauseQuery
  | ResumeQuery
  | PrintTopic
  | SetProperty
  | UnsetProperty
  | AlterSystem
  | DefineVariable
  | UndefineVariable
  | RunScript
  | CreateConnector
  | DropConnector
  | DescribeConnector
  | ListConnectors
  | ListConnectorPlugins
  | PauseConnector
  | ResumeConnector
  | RestartConnector
  | StopConnector
  | ListConnectorOffsets
  | ListConnectorStatus
  | ResetConnectorOffsets
  | SetConnectorOffsets
  | AlterConnector;

export type StatementKind = Statement['kind'];

export interface QueryStatement {
  readonly kind: 'select';
  readonly query: Query;
}

/** CREATE [OR REPLACE] [SOURCE] STREAM|TABLE [IF NOT EXISTS] name [(elements)] [WITH (…)] */
export interface CreateSource {
  readonly kind: 'createSource';
  readonly sourceType: SourceType;
  readonly orReplace: boolean;
  /** `SOURCE` makes the stream or table read-only. */
  readonly readOnly: boolean;
  readonly ifNotExists: boolean;
  readonly name: string;
  /** Empty when the schema comes from the Schema Registry. */
  readonly elements: readonly TableElement[];
  readonly properties: readonly Property[];
}

/**
 * CREATE STREAM [IF NOT EXISTS] name FROM DEAD LETTER QUEUE OF CONNECTOR connector: Sluice's own; a
 * stream over the connector's dead-letter topic with Kafka Connect's error headers as columns.
 */
export interface CreateDeadLetterStream {
  readonly kind: 'createDeadLetterStream';
  readonly ifNotExists: boolean;
  readonly name: string;
  readonly connector: string;
}

/** CREATE [OR REPLACE] STREAM|TABLE [IF NOT EXISTS] name [WITH (…)] AS SELECT … */
export interface CreateAsSelect {
  readonly kind: 'createAsSelect';
  readonly sourceType: SourceType;
  readonly orReplace: boolean;
  readonly ifNotExists: boolean;
  readonly name: string;
  readonly properties: readonly Property[];
  readonly query: Query;
}

export interface InsertInto {
  readonly kind: 'insertInto';
  readonly target: string;
  readonly properties: readonly Property[];
  readonly query: Query;
}

export interface InsertValues {
  readonly kind: 'insertValues';
  readonly target: string;
  /** Empty when the statement names no columns: values then go to every column in order. */
  readonly columns: readonly string[];
  readonly values: readonly Expression[];
}

export interface DropSource {
  readonly kind: 'dropSource';
  readonly sourceType: SourceType;
  readonly ifExists: boolean;
  readonly name: string;
  readonly deleteTopic: boolean;
}

/** ALTER STREAM|TABLE name ADD [COLUMN] c type, … */
export interface AlterSource {
  readonly kind: 'alterSource';
  readonly sourceType: SourceType;
  readonly name: string;
  readonly columns: readonly TableElement[];
}

export interface CreateType {
  readonly kind: 'createType';
  readonly ifNotExists: boolean;
  readonly name: string;
  readonly type: SqlType;
}

export interface DropType {
  readonly kind: 'dropType';
  readonly ifExists: boolean;
  readonly name: string;
}

export interface ListStreams {
  readonly kind: 'listStreams';
  readonly extended: boolean;
}
export interface ListTables {
  readonly kind: 'listTables';
  readonly extended: boolean;
}
export interface ListTopics {
  readonly kind: 'listTopics';
  /** `ALL` includes internal topics. */
  readonly all: boolean;
  readonly extended: boolean;
}
export interface ListQueries {
  readonly kind: 'listQueries';
  readonly extended: boolean;
}
export interface ListProperties {
  readonly kind: 'listProperties';
}
export interface ListFunctions {
  readonly kind: 'listFunctions';
}
export interface ListVariables {
  readonly kind: 'listVariables';
}
export interface ListTypes {
  readonly kind: 'listTypes';
}

export interface DescribeSource {
  readonly kind: 'describeSource';
  readonly name: string;
  readonly extended: boolean;
}
/** DESCRIBE STREAMS|TABLES [EXTENDED] */
export interface DescribeSources {
  readonly kind: 'describeSources';
  readonly sourceType: SourceType;
  readonly extended: boolean;
}
export interface DescribeFunction {
  readonly kind: 'describeFunction';
  readonly name: string;
}

/** EXPLAIN of a running query by its id. */
export interface ExplainQuery {
  readonly kind: 'explainQuery';
  readonly queryId: string;
}
/** EXPLAIN of a statement, which is planned but not run. */
export interface ExplainStatement {
  readonly kind: 'explainStatement';
  readonly statement: Statement;
}

/** A query id, or every query (`ALL`). */
export type QueryTarget = { readonly kind: 'allQueries' } | { readonly kind: 'queryId'; readonly id: string };

export interface TerminateQuery {
  readonly kind: 'terminate';
  readonly target: QueryTarget;
}
export interface PauseQuery {
  readonly kind: 'pauseQuery';
  readonly target: QueryTarget;
}
export interface ResumeQuery {
  readonly kind: 'resumeQuery';
  readonly target: QueryTarget;
}

/** PRINT topic [FROM BEGINNING] [INTERVAL n] [LIMIT n]. Topic names are case-sensitive, never upper-cased. */
export interface PrintTopic {
  readonly kind: 'print';
  readonly topic: string;
  readonly fromBeginning: boolean;
  /** Print every n-th record; SAMPLE is read as INTERVAL. */
  readonly interval?: number;
  readonly limit?: number;
}

export interface SetProperty {
  readonly kind: 'setProperty';
  readonly name: string;
  readonly value: string;
}
export interface UnsetProperty {
  readonly kind: 'unsetProperty';
  readonly name: string;
}
export interface AlterSystem {
  readonly kind: 'alterSystem';
  readonly name: string;
  readonly value: string;
}
/** DEFINE name = 'value'. The name keeps its case; variables are looked up case-insensitively. */
export interface DefineVariable {
  readonly kind: 'defineVariable';
  readonly name: string;
  readonly value: string;
}
export interface UndefineVariable {
  readonly kind: 'undefineVariable';
  readonly name: string;
}
export interface RunScript {
  readonly kind: 'runScript';
  readonly path: string;
}

export type ConnectorType = 'SOURCE' | 'SINK';

export interface CreateConnector {
  readonly kind: 'createConnector';
  readonly connectorType: ConnectorType;
  readonly ifNotExists: boolean;
  readonly name: string;
  readonly properties: readonly Property[];
}
export interface DropConnector {
  readonly kind: 'dropConnector';
  readonly ifExists: boolean;
  readonly name: string;
}
export interface DescribeConnector {
  readonly kind: 'describeConnector';
  readonly name: string;
}
export interface ListConnectors {
  readonly kind: 'listConnectors';
  readonly scope: 'ALL' | ConnectorType;
}
export interface ListConnectorPlugins {
  readonly kind: 'listConnectorPlugins';
}
export interface PauseConnector {
  readonly kind: 'pauseConnector';
  readonly name: string;
}
export interface ResumeConnector {
  readonly kind: 'resumeConnector';
  readonly name: string;
}
export interface RestartConnector {
  readonly kind: 'restartConnector';
  readonly name: string;
}
/** STOP CONNECTOR name: Sluice's own; Kafka Connect's STOPPED state (KIP-875), tasks shut down, config kept. */
export interface StopConnector {
  readonly kind: 'stopConnector';
  readonly name: string;
}
/** SHOW CONNECTOR OFFSETS name: Sluice's own; GET /connectors/{name}/offsets. */
export interface ListConnectorOffsets {
  readonly kind: 'listConnectorOffsets';
  readonly name: string;
}
/**
 * SHOW CONNECTOR STATUS [name]: Sluice's own; every connector (or one) with each task's state,
 * records in and out, last record time, lag, errors and dead-lettered records.
 */
export interface ListConnectorStatus {
  readonly kind: 'listConnectorStatus';
  readonly name?: string;
}
/** ALTER CONNECTOR name RESET OFFSETS: Sluice's own; DELETE /connectors/{name}/offsets. */
export interface ResetConnectorOffsets {
  readonly kind: 'resetConnectorOffsets';
  readonly name: string;
}
/**
 * One entry of SET OFFSETS: a partition as the JSON text of Kafka Connect's partition map, and its
 * offset as the JSON text of the offset map, a number (a sink's kafka_offset) or NULL (reset it).
 */
export interface ConnectorOffsetEntry {
  readonly partition: string;
  readonly offset: Literal;
}
/** ALTER CONNECTOR name SET OFFSETS ('partition'='offset', …): Sluice's own; PATCH /connectors/{name}/offsets. */
export interface SetConnectorOffsets {
  readonly kind: 'setConnectorOffsets';
  readonly name: string;
  readonly offsets: readonly ConnectorOffsetEntry[];
}
/** ALTER CONNECTOR name SET (…): Sluice's own; sets these keys in the connector's config. */
export interface AlterConnector {
  readonly kind: 'alterConnector';
  readonly name: string;
  readonly properties: readonly Property[];
}
