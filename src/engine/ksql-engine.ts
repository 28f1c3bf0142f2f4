import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { isSecretProperty, type ServerConfig } from '../config/index.js';
import type { ConnectClient } from '../connect/client/index.js';
import { type ErrorCode, SluiceError } from '../errors/index.js';
import { describeFunction, FunctionResolutionError, listFunctions } from '../functions/index.js';
import { InternalTopics, type Log, LogError } from '../log/index.js';
import {
  outputColumns,
  PlanningError,
  planPhysical,
  planQuery as planSelectQuery,
  planSource,
  resolveType,
  type SinkNode,
} from '../planner/index.js';
import {
  deleteQueryState,
  ProcessingLog,
  type PushBatch,
  queryApplicationId,
  runPushQuery,
  TimeSlicer,
  WindowSpecError,
} from '../runtime/index.js';
import { type SchemaRegistryClient, SchemaRegistryError } from '../serde/index.js';
import {
  type ParsedStatement,
  type ParseLimits,
  parseStatements,
  printStatement,
  SqlParseError,
  type Statement,
  statementsOf,
} from '../sql/index.js';
import { formatType, type SqlType } from '../types/index.js';
import { CommandTopic, type CommandWriter, SandboxCommands } from './command-topic.js';
import {
  checkNewConnector,
  deadLetterStream,
  executeConnectorStatement,
  isConnectorStatement,
  maskConnectorStatement,
  maskUnparsedText,
} from './connector-statements.js';
import { CONSISTENCY_TOKEN_REQUEST_PROPERTY } from './consistency-token.js';
import type { DataSource } from './data-source.js';
import { createSource, type FormatDefaults } from './ddl.js';
import { type Entity, entity, schemaInfo, sourceDescription, sourceInfo } from './entities.js';
import { StatementError } from './errors.js';
import { queryDescription } from './explain.js';
import {
  coPartitioningError,
  inputTopicsOf,
  joinStoreSpecs,
  sourceNamesOf,
  streamJoinPartitions,
} from './join-topology.js';
import { MetaStore } from './metastore.js';
import { printTopic } from './print-topic.js';
import {
  type PreparedPull,
  PreparedPullQueries,
  type PullQuery,
  type PullQueryContext,
  preparePullQuery,
} from './pull-query.js';
import { pushQueryRef, QueryRegistry, queryRef, type RegisteredQuery } from './query-registry.js';
import {
  createAsSelect,
  insertInto,
  insertValues,
  plan as planQuery,
  type QueryContext,
  type QueryNumbering,
  rowInserter,
  withSchemaRegistry,
} from './query-statements.js';
import { SCHEMA_REGISTRY_FORMATS, withInferredColumns } from './registry-schemas.js';
import { checkRequestProperty } from './request-properties.js';
import { sandboxLog } from './sandbox-log.js';
import { SandboxSchemaRegistry } from './sandbox-registry.js';
import { materializeSourceTable } from './source-tables.js';
import { aggregateOperatorSpec, aggregateStepOf, buildTopology, topologyStoreSpecs } from './topology.js';
import { readSourceProperties } from './with-clause.js';

/** Kafka Streams' record-cache sizes a request may set (statestore.cache.max.bytes is its newer name). */
const CACHE_PROPERTIES = [
  'ksql.streams.cache.max.bytes.buffering',
  'cache.max.bytes.buffering',
  'ksql.streams.statestore.cache.max.bytes',
  'statestore.cache.max.bytes',
];
/**
 * A failed request: the error of the statement that failed and the entities of those before it
 * (none when the request failed validation, so nothing of it ran).
 */
export class KsqlRequestError extends SluiceError {
  override readonly name = 'KsqlRequestError';
  override readonly statementText: string;
  readonly entities: readonly Entity[];
  constructor(
    code: ErrorCode,
    message: string,
    statementText: string,
    entities: readonly Entity[],
    options: { cause?: unknown; errorCode?: number } = {},
  ) {
    super(code, message, { ...options, statementText });
    this.statementText = statementText;
    this.entities = entities;
  }

  /** The request error for a statement's error, keeping its code and number. */
  static of(err: SluiceError, statementText: string, entities: readonly Entity[]): KsqlRequestError {
    return new KsqlRequestError(err.code, err.message, statementText, entities, { errorCode: err.errorCode });
  }
}

export interface ExecuteOptions {
  /** Request-scoped properties (ksqlDB's streamsProperties), changed by SET and UNSET. */
  readonly streamsProperties?: Readonly<Record<string, unknown>>;
  readonly sessionVariables?: Readonly<Record<string, unknown>>;
  /** Who asks (the client's address): push queries are limited per client. */
  readonly client?: string;
  /**
   * Says why the caller may not run a statement (undefined: it may). Checked for every statement
   * of the request before any runs: one refused statement refuses the request (403).
   */
  readonly authorize?: (statement: Statement) => string | undefined;
  /**
   * The caller's Authorization header: connector statements pass it on to an external Connect that
   * the server has no credentials of its own for (ksqlDB's ksql.connect.basic.auth.credentials.source=NONE).
   */
  readonly callerAuthorization?: string;
  /**
   * ksqlDB's requestProperties: request.ksql.query.pull.consistency.token carries a client's
   * consistency token (see consistency-token.ts).
   */
  readonly requestProperties?: Readonly<Record<string, unknown>>;
}

/** Refuses the request if the caller may not run one of its statements. */
function checkAuthorized(parsed: readonly ParsedStatement[], options: ExecuteOptions): void {
  if (options.authorize === undefined) return;
  for (const p of parsed) {
    const denied = options.authorize(p.statement);
    if (denied !== undefined) {
      throw new KsqlRequestError(
        'FORBIDDEN',
        denied,
        maskConnectorStatement(p.statement, statementText(p)),
        [],
      );
    }
  }
}

interface Context {
  readonly properties: Map<string, string>;
  readonly variables: Map<string, string>;
  readonly replaying: boolean;
  /** The command's sequence number while replaying; query ids are derived from it. */
  readonly sequence?: number;
  /** See ExecuteOptions.callerAuthorization. */
  readonly callerAuthorization?: string;
  /** The client's consistency token (requestProperties), "" on its first query. */
  readonly consistencyToken?: string;
}

/** What the query endpoints stream: result rows, or PRINT's text lines. */
export type QueryStream =
  | { readonly kind: 'rows'; readonly handle: PushQueryHandle }
  | { readonly kind: 'pull'; readonly query: PullQuery }
  | { readonly kind: 'print'; readonly lines: AsyncGenerator<string[]>; close(): void };

/** A running transient push query, as the query endpoints stream it. */
export interface PushQueryHandle {
  readonly queryId: string;
  /** The SELECT as the client sent it, for SHOW QUERIES. */
  readonly statementText: string;
  readonly columnNames: readonly string[];
  readonly columnTypes: readonly string[];
  /** The resolved types, to render each value by its type. */
  readonly types: readonly SqlType[];
  /** Over a table, rows may be tombstones of deleted keys (see PushBatch). */
  readonly rows: AsyncGenerator<PushBatch>;
  /** The query's LIMIT: the rows end there unless the query was closed first. */
  readonly limit: number | undefined;
  /** Stops the query; the row generator then ends. */
  close(): void;
}

interface EngineParts {
  readonly log: Log;
  readonly config: ServerConfig;
  readonly connect: ConnectClient | undefined;
  readonly commands: CommandWriter;
  readonly processingLog: ProcessingLog;
  readonly metastore: MetaStore;
  readonly queries: QueryRegistry;
  /** Running push queries by id; a sandbox sees the live engine's (it closes none). */
  readonly pushQueries: Map<string, PushQueryHandle>;
  readonly internalTopics: InternalTopics;
  readonly sandbox: boolean;
  /** The Schema Registry the AVRO format uses; undefined refuses AVRO (a bare engine in tests). */
  readonly schemaRegistry: SchemaRegistryClient | undefined;
}

/**
 * The command topic is created first at a server's first start, the processing log right after: a
 * data dir that holds the processing log but not the command topic lost it (deleted behind the
 * server's back), and starting would quietly begin with no streams, tables or queries. Refused unless
 * sluice.allow.missing.command.topic says to start empty.
 */
async function checkCommandTopicPresent(
  log: Log,
  config: ServerConfig,
  commandTopic: string,
  processingLog: string,
): Promise<void> {
  if ((await log.hasTopic(commandTopic)) || !(await log.hasTopic(processingLog))) return;
  if (config.getBoolean('sluice.allow.missing.command.topic')) return;
  throw new Error(
    `The command topic ${commandTopic} is missing, though this data dir was used by a server with the same ` +
      `service id (its processing log ${processingLog} is here): starting would lose every stream, table and ` +
      'query it defined. Restore the data dir from a backup; to start empty anyway, set ' +
      'sluice.allow.missing.command.topic=true for one start.',
  );
}

/** The properties and variables a request brings, as its statements start from them. */
function requestContext(options: ExecuteOptions): Context {
  const token = options.requestProperties?.[CONSISTENCY_TOKEN_REQUEST_PROPERTY];
  const text = (o: Readonly<Record<string, unknown>> | undefined) =>
    new Map(Object.entries(o ?? {}).map(([k, v]) => [k, String(v)]));
  return {
    properties: text(options.streamsProperties),
    variables: text(options.sessionVariables),
    replaying: false,
    ...(options.callerAuthorization === undefined
      ? {}
      : { callerAuthorization: options.callerAuthorization }),
    ...(token === undefined || token === null ? {} : { consistencyToken: String(token) }),
  };
}

/** The context of a request without properties, variables or credentials to pass on: only read. */
const NO_REQUEST_CONTEXT: Context = { properties: new Map(), variables: new Map(), replaying: false };

/** The request's own properties (streamsProperties) must be ones a request may set. */
function checkProperties(context: Context, text: string): void {
  for (const [name, value] of context.properties) {
    try {
      checkRequestProperty(name, value);
    } catch (err) {
      if (err instanceof StatementError) throw KsqlRequestError.of(err, text, []);
      throw err;
    }
  }
}

/** Whether a request holds connector statements only (false when it does not parse: the queue reports that). */
function onlyConnectorStatements(text: string, options: ExecuteOptions, limits: ParseLimits): boolean {
  try {
    // Stops at the first other statement: a long script of anything else is not parsed twice here.
    let any = false;
    for (const p of statementsOf(text, { variables: requestContext(options).variables, limits })) {
      if (!isConnectorStatement(p.statement)) return false;
      any = true;
    }
    return any;
  } catch {
    return false;
  }
}

/** The request error for a statement that failed, echoing connector statements masked. */
function requestError(err: unknown, p: ParsedStatement, entities: readonly Entity[]): KsqlRequestError {
  // Connector statements are echoed masked: their WITH values may hold secrets.
  const shown = maskConnectorStatement(p.statement, statementText(p));
  if (err instanceof StatementError) return KsqlRequestError.of(err, shown, entities);
  if (err instanceof LogError)
    return new KsqlRequestError(logErrorCode(err), err.message, shown, entities, { cause: err });
  return new KsqlRequestError('SERVER_ERROR', (err as Error).message, shown, entities, { cause: err });
}

/** What the statement asked of the log was wrong (a bad topic name, too many partitions): the client's error. */
function logErrorCode(err: LogError): ErrorCode {
  switch (err.code) {
    case 'INVALID_TOPIC':
    case 'INVALID_PARTITION':
    case 'INVALID_CONFIG':
    case 'TOPIC_EXISTS':
    case 'UNKNOWN_TOPIC':
    case 'INVALID_RECORD':
    case 'RECORD_TOO_LARGE':
      return 'BAD_STATEMENT';
    case 'INTERNAL_TOPIC':
      return 'FORBIDDEN';
    default:
      return 'SERVER_ERROR';
  }
}

const WITHOUT_CONNECT =
  'This server runs without Kafka Connect: set ksql.connect.url, or run it with the embedded worker.';

function statementText(parsed: ParsedStatement): string {
  const text = parsed.text.trim();
  return text.endsWith(';') ? text : `${text};`;
}

/**
 * Executes statements: DDL through the command topic (so a restart rebuilds the same metastore),
 * listings and descriptions from the metastore and the log.
 */
export class KsqlEngine {
  readonly metastore: MetaStore;
  readonly queries: QueryRegistry;
  /**
   * Topics no statement may delete or write: the engine's command topic and processing log, and
   * whatever the server adds (its Connect worker's topics). The REST API guards the same set.
   */
  readonly internalTopics: InternalTopics;
  private readonly log: Log;
  private readonly config: ServerConfig;
  private readonly commands: CommandWriter;
  private readonly processingLog: ProcessingLog;
  private readonly pushQueries: Map<string, PushQueryHandle>;
  /** Statements run one at a time, so command sequence numbers and query ids are predictable. */
  private queue: Promise<unknown> = Promise.resolve();
  /**
   * A sandbox validates a request before the engine runs it (ksqlDB's RequestValidator): it works
   * on copies of the metastore and the query registry, over a log view where nothing is written,
   * records no command, starts and stops no query, and only asks Connect to validate.
   */
  private readonly sandbox: boolean;
  private readonly schemaRegistry: SchemaRegistryClient | undefined;

  /** Where connector statements go; undefined when the server runs without Connect. */
  private readonly connect: ConnectClient | undefined;

  /** What one request may hold (the sluice.request/statement limits). */
  private readonly parseLimits: ParseLimits;

  private constructor(parts: EngineParts) {
    this.log = parts.log;
    this.config = parts.config;
    this.parseLimits = {
      maxStatements: parts.config.getNumber('sluice.request.max.statements'),
      maxStatementLength: parts.config.getNumber('sluice.statement.max.length'),
      maxNestingDepth: parts.config.getNumber('sluice.statement.max.nesting.depth'),
    };
    this.connect = parts.connect;
    this.commands = parts.commands;
    this.processingLog = parts.processingLog;
    this.metastore = parts.metastore;
    this.queries = parts.queries;
    this.pushQueries = parts.pushQueries;
    this.internalTopics = parts.internalTopics;
    this.sandbox = parts.sandbox;
    this.schemaRegistry = parts.schemaRegistry;
  }

  /** Starts the engine, replaying the command topic. */
  static async start(
    log: Log,
    config: ServerConfig,
    connect?: ConnectClient,
    schemaRegistry?: SchemaRegistryClient,
  ): Promise<KsqlEngine> {
    const commands = new CommandTopic(log, config.getString('ksql.service.id'));
    const processingLogTopic = config.getString('ksql.logging.processing.topic.name');
    const engine = new KsqlEngine({
      log,
      config,
      connect,
      commands,
      processingLog: new ProcessingLog(log, processingLogTopic),
      metastore: new MetaStore(),
      queries: new QueryRegistry(),
      pushQueries: new Map(),
      internalTopics: new InternalTopics()
        .add(commands.topic, 'the command topic, which defines every stream, table and query')
        .add(processingLogTopic, 'the processing log'),
      sandbox: false,
      schemaRegistry,
    });
    await checkCommandTopicPresent(log, config, commands.topic, processingLogTopic);
    await commands.ensure();
    await engine.processingLog.ensure();
    await commands.replay(async ({ command, sequence }) => {
      const context: Context = {
        properties: new Map(Object.entries(command.streamsProperties)),
        variables: new Map(),
        replaying: true,
        sequence,
      };
      try {
        const [parsed] = parseStatements(command.statement);
        await engine.executeOne(parsed, context);
      } catch (err) {
        // A command that no longer applies (its topic was deleted by hand, say) must not stop the server.
        process.stderr.write(
          `WARNING could not replay command '${command.statement}': ${(err as Error).message}\n`,
        );
      }
    });
    // After the replay, as ksqlDB does: a restart finds the stream and records nothing again.
    await engine.createProcessingLogStream();
    return engine;
  }

  /** A sandbox over this engine's state as it is now (see `sandbox`). */
  private createSandbox(): KsqlEngine {
    return new KsqlEngine({
      log: sandboxLog(this.log),
      config: this.config,
      connect: this.connect,
      commands: new SandboxCommands(this.commands),
      processingLog: this.processingLog,
      metastore: this.metastore.copy(),
      queries: this.queries.copy(),
      pushQueries: this.pushQueries,
      internalTopics: this.internalTopics,
      sandbox: true,
      // Registers only within the request, so its later statements read what its earlier ones register.
      schemaRegistry:
        this.schemaRegistry === undefined ? undefined : new SandboxSchemaRegistry(this.schemaRegistry),
    });
  }

  /**
   * With ksql.logging.processing.stream.auto.create, the KSQL_PROCESSING_LOG stream over the
   * processing log topic, so its entries can be queried with SQL.
   */
  private async createProcessingLogStream(): Promise<void> {
    if (!this.config.getBoolean('ksql.logging.processing.stream.auto.create')) return;
    const name = this.config.getString('ksql.logging.processing.stream.name');
    if (this.metastore.get(name) !== undefined) return;
    await this.execute(
      `CREATE STREAM IF NOT EXISTS \`${name}\` (LOGGER STRING, LEVEL STRING, TIME BIGINT, MESSAGE STRUCT<TYPE INT, ` +
        'DESERIALIZATIONERROR STRUCT<TARGET STRING, ERRORMESSAGE STRING, RECORDB64 STRING, CAUSE ARRAY<STRING>, `topic` STRING>, ' +
        'RECORDPROCESSINGERROR STRUCT<ERRORMESSAGE STRING, RECORD STRING, CAUSE ARRAY<STRING>>, ' +
        'PRODUCTIONERROR STRUCT<ERRORMESSAGE STRING>, ' +
        'SERIALIZATIONERROR STRUCT<TARGET STRING, ERRORMESSAGE STRING, RECORD STRING, CAUSE ARRAY<STRING>, `topic` STRING>, ' +
        'KAFKASTREAMSTHREADERROR STRUCT<ERRORMESSAGE STRING, THREADNAME STRING, CAUSE ARRAY<STRING>>>) ' +
        `WITH (KAFKA_TOPIC='${this.processingLog.topic}', VALUE_FORMAT='JSON');`,
    );
  }

  get commandTopic(): string {
    return this.commands.topic;
  }

  /** Format defaults from the server config, overridden by the request's SET properties. */
  private formatDefaults(context: Context): FormatDefaults {
    const set = (name: string) => context.properties.get(name);
    const wrap = set('ksql.persistence.wrap.single.values');
    return {
      keyFormat: (
        set('ksql.persistence.default.format.key') ??
        this.config.getString('ksql.persistence.default.format.key')
      ).toUpperCase(),
      valueFormat: (
        set('ksql.persistence.default.format.value') ??
        this.config.getOptionalString('ksql.persistence.default.format.value')
      )?.toUpperCase(),
      // Unset leaves each format its own default (JSON wraps), as in ksqlDB.
      wrapSingleValues:
        wrap !== undefined
          ? wrap.toLowerCase() === 'true'
          : this.config.getOptionalBoolean('ksql.persistence.wrap.single.values'),
    };
  }

  /** Runs every statement of a request in order; the first failure stops the rest. */
  execute(text: string, options: ExecuteOptions = {}): Promise<Entity[]> {
    // Connector statements touch no engine state and may wait on Connect (a task that is slow to
    // stop, an external worker that is slow to answer): they do not hold other statements up.
    if (onlyConnectorStatements(text, options, this.parseLimits)) return this.executeNow(text, options);
    const run = this.queue.then(() => this.executeNow(text, options));
    this.queue = run.catch(() => {});
    return run;
  }

  private async executeNow(text: string, options: ExecuteOptions): Promise<Entity[]> {
    const context = requestContext(options);
    checkProperties(context, text);
    // A long request gives the event loop its turns as it goes, so the server keeps answering.
    const slicer = new TimeSlicer();
    let parsed: ParsedStatement[];
    try {
      parsed = await slicer.collect(
        statementsOf(text, { variables: context.variables, limits: this.parseLimits }),
      );
    } catch (err) {
      if (err instanceof SqlParseError) {
        const shown = maskUnparsedText(text, err.message);
        throw new KsqlRequestError('BAD_STATEMENT', shown.message, shown.text, []);
      }
      throw err;
    }
    checkAuthorized(parsed, options);
    // The whole request is validated first, each statement against the state the ones before it
    // leave in the sandbox, so a request that fails leaves no trace (ksqlDB reports the failing
    // statement with no entities).
    const sandbox = this.createSandbox();
    const checking = requestContext(options);
    for (const p of parsed) {
      try {
        await sandbox.executeOne(p, checking);
      } catch (err) {
        throw requestError(err, p, []);
      }
      await slicer.tick();
    }
    const entities: Entity[] = [];
    for (const p of parsed) {
      try {
        const result = await this.executeOne(p, context);
        if (result !== undefined) entities.push(result);
      } catch (err) {
        throw requestError(err, p, entities);
      }
      await slicer.tick();
    }
    return entities;
  }

  /** Command ids and how they ended, for GET /status. */
  readonly commandStatuses = new Map<string, string>();

  private async record(commandId: string, text: string, context: Context): Promise<number> {
    this.commandStatuses.set(commandId, 'SUCCESS');
    if (context.replaying) return -1;
    return this.commands.append(commandId, {
      statement: text,
      streamsProperties: Object.fromEntries(context.properties),
      originalProperties: {},
    });
  }

  private status(
    text: string,
    commandId: string,
    sequence: number,
    message: string,
    queryId?: string,
    warnings: readonly { message: string }[] = [],
  ): Entity {
    return entity(
      'currentStatus',
      text,
      {
        commandId,
        commandStatus: { status: 'SUCCESS', message, ...(queryId === undefined ? {} : { queryId }) },
        commandSequenceNumber: sequence,
      },
      warnings,
    );
  }

  /** Refuses writes into a source whose topic is internal (a stream declared over the command topic, say). */
  private checkWritable(sourceName: string): void {
    const source = this.metastore.get(sourceName);
    if (source !== undefined) this.internalTopics.check(source.topic, 'write to');
  }

  private queryContext(context: Context): QueryContext {
    const number = (name: string) => {
      const set = Number(context.properties.get(name));
      return Number.isFinite(set) && set >= 0 ? set : this.config.getNumber(name);
    };
    const reset =
      context.properties.get('auto.offset.reset') ??
      context.properties.get('ksql.streams.auto.offset.reset') ??
      this.config.getOptionalString('ksql.streams.auto.offset.reset') ??
      'latest';
    return {
      log: this.log,
      metastore: this.metastore,
      queries: this.queries,
      processingLog: this.processingLog,
      internalTopics: this.internalTopics,
      serviceId: this.config.getString('ksql.service.id'),
      stateDir:
        this.config.getOptionalString('ksql.streams.state.dir') ??
        join(this.config.getString('sluice.data.dir'), 'state'),
      outputTopicPrefix: this.config.getOptionalString('ksql.output.topic.name.prefix') ?? '',
      commitIntervalMs: this.config.getOptionalNumber('ksql.streams.commit.interval.ms') ?? 2000,
      recordCacheMaxBytes: this.recordCacheMaxBytes(context),
      metadataMaxAgeMs: this.config.getOptionalNumber('ksql.streams.metadata.max.age.ms'),
      failOnProductionError:
        (context.properties.get('ksql.fail.on.production.error')?.toLowerCase() ??
          String(this.config.getBoolean('ksql.fail.on.production.error'))) === 'true',
      processingGuarantee:
        context.properties.get('processing.guarantee') ??
        context.properties.get('ksql.streams.processing.guarantee') ??
        this.config.getString('ksql.streams.processing.guarantee'),
      retry: {
        initialMs: number('ksql.query.retry.backoff.initial.ms'),
        maxMs: number('ksql.query.retry.backoff.max.ms'),
        healthyAfterMs: number('ksql.query.status.running.threshold.seconds') * 1000,
      },
      fromEarliest: reset.toLowerCase() === 'earliest',
      defaults: this.formatDefaults(context),
      startQueries: !this.sandbox,
      schemaRegistry: this.schemaRegistry,
    };
  }

  /**
   * The record cache of a query this request starts: the request's cache property (any of Kafka
   * Streams' names, ksql.streams.-prefixed or not) over the server's
   * ksql.streams.cache.max.bytes.buffering.
   */
  private recordCacheMaxBytes(context: Context): number {
    for (const name of CACHE_PROPERTIES) {
      const set = context.properties.get(name);
      if (set !== undefined) return Number(set);
    }
    return this.config.getNumber('ksql.streams.cache.max.bytes.buffering');
  }

  /** Where the next query's id comes from (see QueryNumbering). */
  private queryNumbering(context: Context): QueryNumbering {
    return { number: this.commands.nextQueryNumber(), sequence: this.nextSequence(context) };
  }

  /** The sequence number the next command will get (its offset in the command topic). */
  private nextSequence(context: Context): number {
    return context.sequence ?? this.commands.nextSequence();
  }

  /** The Connect client for this request: one that passes the caller's credentials on, where it may. */
  private connectFor(context: Context): ConnectClient {
    const connect = this.connect as ConnectClient;
    return connect.forCaller?.(context.callerAuthorization) ?? connect;
  }

  private async executeOne(parsed: ParsedStatement, context: Context): Promise<Entity | undefined> {
    const s: Statement = parsed.statement;
    // ksqlDB echoes statements with their closing semicolon.
    const text = statementText(parsed);
    switch (s.kind) {
      case 'createDeadLetterStream': {
        if (this.connect === undefined) throw new StatementError(WITHOUT_CONNECT);
        // Recorded as the plain CREATE STREAM it stands for, so a replay needs no Connect.
        const declared = await deadLetterStream(s, this.connectFor(context), (t) => this.log.hasTopic(t));
        const result = await this.executeOne(
          { ...parsed, statement: declared, text: `${printStatement(declared)};` },
          context,
        );
        return result === undefined ? undefined : { ...result, statementText: text };
      }
      case 'createSource': {
        const noun = s.sourceType === 'STREAM' ? 'stream' : 'table';
        const commandId = `${noun}/\`${s.name}\`/create`;
        const existing = this.metastore.get(s.name);
        if (existing !== undefined && !s.orReplace) {
          const message = `Cannot add ${noun} '${s.name}': A ${existing.kind.toLowerCase()} with the same name already exists.`;
          if (s.ifNotExists) return this.status(text, commandId, -1, message);
          throw new StatementError(message);
        }
        if (s.orReplace && (s.readOnly || existing?.readOnly === true))
          throw new StatementError(
            `Cannot add ${noun} '${s.name}': CREATE OR REPLACE is not supported on source ${noun}s.`,
          );
        const defaults = this.formatDefaults(context);
        // Columns inferred from the Schema Registry are recorded in the statement, so a replay needs no registry.
        const props = readSourceProperties(s.properties);
        const inferred = await withInferredColumns(
          s,
          props,
          {
            keyFormat: props.keyFormat ?? defaults.keyFormat,
            valueFormat: props.valueFormat ?? defaults.valueFormat ?? '',
            wrapSingleValue: props.wrapSingleValue,
          },
          this.schemaRegistry,
        );
        const recorded = inferred === undefined ? text : `${printStatement(inferred)};`;
        const source = await createSource(
          inferred ?? s,
          recorded,
          this.metastore,
          this.log,
          defaults,
          this.schemaRegistry,
        );
        const numbering = this.queryNumbering(context);
        const sequence = await this.record(commandId, recorded, context);
        this.metastore.put(source);
        // A source table is materialized by a query of its own, for pull queries (ksqlDB's CST_…).
        if (source.readOnly && source.kind === 'TABLE')
          materializeSourceTable(this.queryContext(context), source, recorded, numbering);
        return this.status(text, commandId, sequence, `${noun === 'stream' ? 'Stream' : 'Table'} created`);
      }
      case 'dropSource':
        return this.drop(s, text, context);
      case 'createAsSelect': {
        const noun = s.sourceType === 'STREAM' ? 'stream' : 'table';
        const commandId = `${noun}/\`${s.name}\`/create`;
        const existing = this.metastore.get(s.name);
        if (existing !== undefined) {
          const message = `Cannot add ${noun} '${s.name}': A ${existing.kind.toLowerCase()} with the same name already exists.`;
          if (s.ifNotExists) return this.status(text, commandId, -1, message);
          if (s.orReplace)
            throw new StatementError(
              'CREATE OR REPLACE of a query result is not supported yet: TERMINATE its query and DROP it first.',
            );
          throw new StatementError(message);
        }
        const sequence = this.nextSequence(context);
        const { queryId } = await createAsSelect(
          this.queryContext(context),
          s,
          text,
          this.queryNumbering(context),
        );
        await this.record(commandId, text, context);
        return this.status(text, commandId, sequence, `Created query with ID ${queryId}`, queryId);
      }
      case 'insertInto': {
        if (!context.replaying) this.checkWritable(s.target);
        const sequence = this.nextSequence(context);
        const queryId = await insertInto(this.queryContext(context), s, text, this.queryNumbering(context));
        await this.record(`stream/\`${s.target}\`/create`, text, context);
        return this.status(
          text,
          `stream/\`${s.target}\`/create`,
          sequence,
          `Created query with ID ${queryId}`,
          queryId,
        );
      }
      case 'insertValues':
        if (context.replaying) return undefined;
        this.checkWritable(s.target);
        await insertValues(this.queryContext(context), s);
        return undefined;
      case 'createType': {
        const commandId = `type/\`${s.name}\`/create`;
        if (this.metastore.types.has(s.name)) {
          const message = `Cannot register custom type '${s.name}' since it is already registered with type: ${JSON.stringify(schemaInfo(this.metastore.types.get(s.name)!))}`;
          if (s.ifNotExists) return this.status(text, commandId, -1, message);
          throw new StatementError(message);
        }
        const type = resolveType(s.type, this.metastore.types);
        const sequence = await this.record(commandId, text, context);
        this.metastore.types.set(s.name, type);
        return this.status(text, commandId, sequence, `Registered custom type with name '${s.name}'`);
      }
      case 'dropType': {
        const commandId = `type/\`${s.name}\`/drop`;
        if (!this.metastore.types.has(s.name)) {
          if (s.ifExists) return this.status(text, commandId, -1, `Type '${s.name}' does not exist`);
          throw new StatementError(`Type ${s.name} does not exist.`);
        }
        const sequence = await this.record(commandId, text, context);
        this.metastore.types.delete(s.name);
        return this.status(text, commandId, sequence, `Dropped type '${s.name}'`);
      }
      case 'listStreams':
      case 'listTables': {
        const kind = s.kind === 'listStreams' ? 'STREAM' : 'TABLE';
        const sources = this.metastore.all().filter((x) => x.kind === kind);
        if (s.extended) {
          return entity('source_descriptions', text, {
            sourceDescriptions: await Promise.all(sources.map((x) => this.describe(x, true))),
          });
        }
        return kind === 'STREAM'
          ? entity('streams', text, { streams: sources.map(sourceInfo) })
          : entity('tables', text, { tables: sources.map(sourceInfo) });
      }
      case 'listTopics':
        return this.listTopics(s.all, s.extended, text);
      case 'listQueries':
        // Running push queries are listed too, as ksqlDB lists its transient queries.
        return entity('queries', text, {
          queries: [...this.queries.all().map(queryRef), ...[...this.pushQueries.values()].map(pushQueryRef)],
        });
      case 'listProperties':
        return this.listProperties(text, context);
      case 'explainQuery': {
        const q = this.queries.get(s.queryId);
        if (q === undefined)
          throw new StatementError(
            `Query with id:${s.queryId} does not exist, use SHOW QUERIES to view the full set of running queries.`,
          );
        return entity('queryDescription', text, {
          queryDescription: queryDescription(
            q.id,
            q.statementText,
            q.plan,
            { name: q.sink, topic: q.sinkTopic },
            q.query.state,
            q.query.currentErrors(),
          ),
        });
      }
      case 'explainStatement': {
        const inner = s.statement;
        const ctx = this.queryContext(context);
        if (inner.kind === 'select') {
          const p = planQuery(ctx, inner.query, '');
          return entity('queryDescription', text, {
            queryDescription: queryDescription('', text, p, undefined, undefined),
          });
        }
        if (inner.kind === 'createAsSelect' || inner.kind === 'insertInto') {
          const sinkName = inner.kind === 'createAsSelect' ? inner.name : inner.target;
          const p = planQuery(ctx, inner.query, sinkName);
          const topic = this.metastore.get(sinkName)?.topic ?? sinkName;
          return entity('queryDescription', text, {
            queryDescription: queryDescription('', text, p, { name: sinkName, topic }, undefined),
          });
        }
        throw new StatementError(
          'EXPLAIN takes a query id or a SELECT, CREATE … AS SELECT or INSERT INTO … SELECT statement.',
        );
      }
      case 'createConnector':
      case 'dropConnector':
      case 'describeConnector':
      case 'listConnectors':
      case 'listConnectorPlugins':
      case 'pauseConnector':
      case 'resumeConnector':
      case 'restartConnector':
      case 'stopConnector':
      case 'listConnectorOffsets':
      case 'listConnectorStatus':
      case 'resetConnectorOffsets':
      case 'setConnectorOffsets':
      case 'alterConnector':
        // Connector statements are not in the command topic: Connect holds their state (KLIP-7).
        if (context.replaying) return undefined;
        if (this.connect === undefined) {
          throw new StatementError(WITHOUT_CONNECT);
        }
        // As ksqlDB's sandboxed Connect client, validation only lists connectors and validates configs.
        if (this.sandbox) {
          if (s.kind === 'createConnector') await checkNewConnector(s, text, this.connectFor(context));
          return undefined;
        }
        return executeConnectorStatement(
          s,
          maskConnectorStatement(s, text),
          this.connectFor(context),
          this.metastore,
          (x) => this.describe(x, false),
        );
      case 'listFunctions':
        return entity('function_names', text, { functions: listFunctions() });
      case 'describeFunction': {
        let d: ReturnType<typeof describeFunction>;
        try {
          d = describeFunction(s.name);
        } catch (err) {
          if (err instanceof FunctionResolutionError)
            throw new StatementError(`Can't find any functions with the name '${s.name}'`);
          throw err;
        }
        const { variations, ...rest } = d;
        return entity('describe_function', text, {
          ...rest,
          functions: variations.map((v) => ({ ...v, argumentTypes: v.arguments.map((a) => a.type) })),
        });
      }
      case 'listVariables':
        return entity('variables', text, {
          variables: [...context.variables].map(([name, value]) => ({ name, value })),
        });
      case 'listTypes':
        return entity('type_list', text, {
          types: Object.fromEntries([...this.metastore.types].map(([n, t]) => [n, schemaInfo(t)])),
        });
      case 'describeSource':
        return entity('sourceDescription', text, {
          sourceDescription: await this.describe(this.metastore.require(s.name), s.extended),
        });
      case 'describeSources': {
        const sources = this.metastore.all().filter((x) => x.kind === s.sourceType);
        return entity('source_descriptions', text, {
          sourceDescriptions: await Promise.all(sources.map((x) => this.describe(x, s.extended))),
        });
      }
      case 'setProperty':
        checkRequestProperty(s.name, s.value);
        context.properties.set(s.name, s.value);
        return undefined;
      case 'unsetProperty':
        context.properties.delete(s.name);
        return undefined;
      case 'defineVariable':
      case 'undefineVariable':
        // Substitution already happened while parsing the request.
        return undefined;
      case 'select':
      case 'print':
        throw new StatementError(
          "The following statement types should be issued to the websocket endpoint '/query':\n\t* PRINT\n\t* SELECT",
          'QUERY_ENDPOINT',
        );
      case 'terminate': {
        const target = s.target;
        const found = target.kind === 'allQueries' ? this.queries.all() : [this.queries.get(target.id)];
        const targets = found.filter((q) => q !== undefined);
        if (targets.length === 0 && target.kind === 'queryId') {
          if (context.replaying) return undefined;
          // A push query is this server's own, not a command: ksqlDB closes it and says so.
          const push = [...this.pushQueries.values()].find(
            (h) => h.queryId.toUpperCase() === target.id.toUpperCase(),
          );
          if (push !== undefined) {
            if (!this.sandbox) push.close();
            return entity('terminate_query', text, { queryId: push.queryId, wasTerminated: true });
          }
          throw new StatementError(`Unknown queryId: ${target.id}`);
        }
        const commandId = `terminate/${target.kind === 'allQueries' ? 'ALL' : targets[0].id}/execute`;
        const sequence = await this.record(commandId, text, context);
        for (const q of targets) await this.stopQuery(q);
        return this.status(text, commandId, sequence, 'Query terminated.');
      }
      default:
        throw new StatementError(
          `${text.trim().split(/\s+/).slice(0, 3).join(' ')}… is not supported yet in this version of Sluice. Supported now: CREATE [OR REPLACE] STREAM|TABLE [AS SELECT], INSERT INTO, DROP, TERMINATE, CREATE/DROP TYPE, SHOW/LIST, DESCRIBE, DESCRIBE FUNCTION, SET, UNSET, DEFINE, UNDEFINE.`,
        );
    }
  }

  private async drop(
    s: Extract<Statement, { kind: 'dropSource' }>,
    text: string,
    context: Context,
  ): Promise<Entity> {
    const noun = s.sourceType === 'STREAM' ? 'stream' : 'table';
    const commandId = `${noun}/\`${s.name}\`/drop`;
    const source = this.metastore.get(s.name);
    if (source === undefined) {
      if (s.ifExists) return this.status(text, commandId, -1, `Source \`${s.name}\` does not exist.`);
      throw new StatementError(`Source ${s.name} does not exist.`);
    }
    if (source.kind !== s.sourceType) {
      throw new StatementError(
        `Incompatible data source type is ${source.kind}, but statement was DROP ${s.sourceType}. Use DROP ${source.kind} to delete the ${source.kind.toLowerCase()} ${s.name}.`,
      );
    }
    // As ksqlDB (since 0.12): INSERT queries that read or write the source refuse the drop; so do
    // sources built from it by a query (until they are dropped), except while replaying, where
    // ksqlDB ignores those constraints. The query that created the source stops with it.
    const inserts = this.queries.all().filter((q) => !q.createAs);
    const readers = inserts.filter((q) => q.sources.includes(s.name)).map((q) => q.id);
    const writers = inserts.filter((q) => q.sink === s.name).map((q) => q.id);
    if (writers.length + readers.length > 0) {
      throw new StatementError(
        `Cannot drop ${s.name}.\nThe following queries read from this source: [${readers.sort().join(', ')}].\nThe following queries write into this source: [${writers.sort().join(', ')}].\nYou need to terminate them before dropping ${s.name}.`,
      );
    }
    const dependents = this.metastore.referencing(s.name);
    if (dependents.length > 0 && !context.replaying) {
      throw new StatementError(
        `Cannot drop ${s.name}.\nThe following streams and/or tables read from this source: [${dependents.join(', ')}].\nYou need to drop them before dropping ${s.name}.`,
      );
    }
    if (s.deleteTopic && source.readOnly) {
      throw new StatementError(`Cannot delete topic for read-only source: ${s.name}`);
    }
    if (s.deleteTopic && !context.replaying) this.internalTopics.check(source.topic, 'delete');
    const sequence = await this.record(commandId, text, context);
    this.metastore.delete(s.name);
    for (const q of this.queries.writing(s.name).filter((x) => x.createAs)) await this.stopQuery(q);
    if (s.deleteTopic && !context.replaying && (await this.log.hasTopic(source.topic))) {
      await this.log.deleteTopic(source.topic);
    }
    const warnings = s.deleteTopic && !context.replaying ? await this.deleteSubjects(source) : [];
    return this.status(
      text,
      commandId,
      sequence,
      `Source \`${s.name}\` (topic: ${source.topic}) was dropped.`,
      undefined,
      warnings,
    );
  }

  /**
   * Soft-deletes `<topic>-key|-value` for the schema-backed sides of a source dropped with DELETE
   * TOPIC, as ksqlDB does. A subject that is not there is fine; any other registry failure does not
   * undo the drop (it is already recorded): it comes back as a warning. A sandbox deletes nothing.
   */
  private async deleteSubjects(source: DataSource): Promise<{ message: string }[]> {
    const registry = this.schemaRegistry;
    if (this.sandbox || registry === undefined) return [];
    const warnings: { message: string }[] = [];
    const sides = [
      ['key', source.keyFormat],
      ['value', source.valueFormat],
    ] as const;
    for (const [target, format] of sides) {
      if (!SCHEMA_REGISTRY_FORMATS.has(format)) continue;
      const subject = `${source.topic}-${target}`;
      try {
        await registry.deleteSubject(subject);
      } catch (err) {
        if (err instanceof SchemaRegistryError && err.notFound) continue;
        warnings.push({
          message: `Could not clean up the schema registry for topic: ${source.topic} (subject ${subject}): ${(err as Error).message}`,
        });
      }
    }
    return warnings;
  }

  /**
   * Terminates a query and deletes its state stores and their changelog topics, as ksqlDB cleans up a
   * terminated query's internal topics and state; a sandbox only forgets it (it is the live engine's).
   */
  private async stopQuery(q: RegisteredQuery): Promise<void> {
    if (!this.sandbox) {
      await q.query.stop();
      const state = q.query.spec.state;
      if (state !== undefined) await deleteQueryState(this.log, state.stateDir, state.applicationId);
    }
    this.queries.remove(q.id);
  }

  private async describe(source: DataSource, extended: boolean) {
    let partitions = 0;
    if (await this.log.hasTopic(source.topic))
      partitions = (await this.log.describeTopic(source.topic)).partitions.length;
    return sourceDescription(source, extended, {
      readQueries: this.queries.reading(source.name).map(queryRef),
      writeQueries: this.queries.writing(source.name).map(queryRef),
      partitions,
      statistics: '',
      errorStats: '',
      sourceConstraints: this.metastore.referencing(source.name),
    });
  }

  private async listTopics(all: boolean, extended: boolean, text: string): Promise<Entity> {
    // ksql.hidden.topics holds regular expressions of topics SHOW TOPICS leaves out unless ALL.
    const hidden = (this.config.getOptionalList('ksql.hidden.topics') ?? []).map(
      (r) => new RegExp(`^(?:${r})$`),
    );
    const names = (await this.log.listTopics()).filter(
      (n) => all || !(n.startsWith('_confluent-ksql-') || hidden.some((r) => r.test(n))),
    );
    const topics = [];
    for (const name of names) {
      const d = await this.log.describeTopic(name);
      const replicaInfo = d.partitions.map(() => 1);
      if (!extended) {
        topics.push({ name, replicaInfo });
        continue;
      }
      let consumerGroupCount = 0;
      for (const group of await this.log.listGroups()) {
        if ((await this.log.committedOffsets(group, name)).length > 0) consumerGroupCount++;
      }
      topics.push({ name, replicaInfo, consumerCount: consumerGroupCount, consumerGroupCount });
    }
    return entity(extended ? 'kafka_topics_extended' : 'kafka_topics', text, { topics });
  }

  private listProperties(text: string, context: Context): Entity {
    const properties: { name: string; scope: string; value: string }[] = [];
    const defaults: string[] = [];
    for (const p of this.config.entries()) {
      if (p.value === undefined) continue;
      const secret = isSecretProperty(p.name, p.definition);
      properties.push({ name: p.name, scope: 'KSQL', value: secret ? '[hidden]' : String(p.value) });
      if (p.source === 'default') defaults.push(p.name);
    }
    for (const [name, value] of context.properties) {
      const existing = properties.find((p) => p.name === name);
      if (existing !== undefined) existing.value = value;
      else properties.push({ name, scope: 'KSQL', value });
    }
    return entity('properties', text, {
      properties,
      overwrittenProperties: [...context.properties.keys()],
      defaultProperties: defaults,
    });
  }

  /** Starts a statement for the query endpoints: SELECT … EMIT CHANGES, or PRINT. */
  async openQuery(sql: string, options: ExecuteOptions = {}): Promise<QueryStream> {
    const context = requestContext(options);
    checkProperties(context, sql);
    const reopened = await this.reopenPull(sql, context, options);
    if (reopened !== undefined) return reopened;
    let parsed: ParsedStatement[];
    try {
      parsed = parseStatements(sql, { variables: context.variables, limits: this.parseLimits });
    } catch (err) {
      if (err instanceof SqlParseError) throw new KsqlRequestError('BAD_STATEMENT', err.message, sql, []);
      throw err;
    }
    checkAuthorized(parsed, options);
    const runnable = parsed.filter(
      (p) => p.statement.kind !== 'defineVariable' && p.statement.kind !== 'undefineVariable',
    );
    const statement = runnable[0];
    if (
      runnable.length !== 1 ||
      (statement.statement.kind !== 'select' && statement.statement.kind !== 'print')
    ) {
      throw new KsqlRequestError(
        'BAD_STATEMENT',
        'The query endpoints take one SELECT … EMIT CHANGES or PRINT statement; send other statements to /ksql.',
        sql,
        [],
      );
    }
    if (statement.statement.kind === 'select' && statement.statement.query.emit === undefined) {
      return { kind: 'pull', query: await this.openPull(sql, statement, context) };
    }
    const release = this.admitPushQuery(options.client ?? '', sql);
    try {
      return await this.openAdmitted(statement, context, release);
    } catch (err) {
      release();
      throw err;
    }
  }

  /**
   * `sql` opened as the pull query it was prepared as before (by openQuery), without parsing or
   * planning; undefined when it is not one (openQuery then plans it, or refuses it with its error).
   */
  async openPreparedPull(sql: string, options: ExecuteOptions = {}): Promise<QueryStream | undefined> {
    return this.openPreparedPullNow(sql, options);
  }

  /**
   * As openPreparedPull, but a table's key lookup opens at once (no promise): the pull-query fast path
   * answers it without a turn of the event loop. Throws what openPreparedPull rejects with.
   */
  openPreparedPullNow(
    sql: string,
    options: ExecuteOptions = {},
  ): QueryStream | Promise<QueryStream> | undefined {
    const plain =
      options.streamsProperties === undefined &&
      options.sessionVariables === undefined &&
      options.callerAuthorization === undefined;
    const context = plain ? NO_REQUEST_CONTEXT : requestContext(options);
    checkProperties(context, sql);
    return this.reopenPull(sql, context, options);
  }

  /** Pull queries prepared from statement texts (variables aside), to open again without planning. */
  private readonly preparedPulls = new PreparedPullQueries();

  /** How many pull queries were opened from the prepared ones: as cached, and with other keys re-bound. */
  pullQueryCacheCounts(): { readonly same: number; readonly rebound: number } {
    return this.preparedPulls.counts();
  }

  /** The pull context of a request without properties (the config does not change while running). */
  private plainPullContext: PullQueryContext | undefined;

  private pullContext(context: Context): PullQueryContext {
    const plain = context.properties.size === 0 && context.consistencyToken === undefined;
    if (plain && this.plainPullContext !== undefined) return this.plainPullContext;
    // The request's setting, when it has one, overrides the server's, either way (as in ksqlDB).
    const enabled = (name: string) => {
      const requested = context.properties.get(name);
      return requested === undefined ? this.config.getBoolean(name) : requested.toLowerCase() !== 'false';
    };
    const ctx: PullQueryContext = {
      log: this.log,
      metastore: this.metastore,
      queries: this.queries,
      processingLog: this.processingLog,
      tableScanEnabled: enabled('ksql.query.pull.table.scan.enabled'),
      streamPullEnabled: enabled('ksql.query.pull.stream.enabled'),
      ...(context.consistencyToken !== undefined && enabled('ksql.query.pull.consistency.token.enabled')
        ? { consistencyToken: context.consistencyToken }
        : {}),
      ...(this.schemaRegistry === undefined ? {} : { schemaRegistry: this.schemaRegistry }),
    };
    if (plain) this.plainPullContext = ctx;
    return ctx;
  }

  /**
   * The statement text prepared as a pull query before (with no variables to change it), opened again:
   * a table's at once, a stream's (which asks the log) as a promise.
   */
  private reopenPull(
    sql: string,
    context: Context,
    options: ExecuteOptions,
  ): QueryStream | Promise<QueryStream> | undefined {
    if (context.variables.size > 0) return undefined;
    const ctx = this.pullContext(context);
    const hit = this.preparedPulls.get<ParsedStatement>(sql, ctx);
    if (hit === undefined) return undefined;
    checkAuthorized([hit.statement], options);
    const statement = hit.text === hit.statement.text ? hit.statement : { ...hit.statement, text: hit.text };
    const { openNow } = hit.prepared;
    if (openNow !== undefined) {
      try {
        return { kind: 'pull', query: openNow(ctx) };
      } catch (err) {
        if (err instanceof StatementError) throw KsqlRequestError.of(err, statementText(statement), []);
        throw err;
      }
    }
    return this.openPrepared(hit.prepared, ctx, statement).then((query) => ({ kind: 'pull', query }));
  }

  private async openPrepared(prepared: PreparedPull, ctx: PullQueryContext, statement: ParsedStatement) {
    try {
      return await prepared.open(ctx);
    } catch (err) {
      if (err instanceof StatementError) throw KsqlRequestError.of(err, statementText(statement), []);
      throw err;
    }
  }

  /** A pull query (SELECT without EMIT): not counted against the push-query limits, it ends by itself. */
  private async openPull(sql: string, statement: ParsedStatement, context: Context): Promise<PullQuery> {
    if (statement.statement.kind !== 'select') throw new Error('not a query');
    const ctx = this.pullContext(context);
    let prepared: PreparedPull;
    try {
      prepared = preparePullQuery(ctx, statement.statement.query);
    } catch (err) {
      if (err instanceof StatementError) throw KsqlRequestError.of(err, statementText(statement), []);
      throw err;
    }
    if (context.variables.size === 0) this.preparedPulls.set(sql, statement.text, ctx, prepared, statement);
    return this.openPrepared(prepared, ctx, statement);
  }

  /** Push queries (and PRINTs) streaming now, in all and per client, against their limits. */
  private readonly streaming = { total: 0, byClient: new Map<string, number>() };

  /**
   * Counts one more push query for `client`, or refuses it as ksqlDB does past ksql.max.push.queries
   * (400, 40003), and likewise past sluice.push.queries.max.per.client; returns what uncounts it, once.
   */
  private admitPushQuery(client: string, sql: string): () => void {
    const perClient = this.streaming.byClient.get(client) ?? 0;
    const max = this.config.getNumber('ksql.max.push.queries');
    const maxPerClient = this.config.getNumber('sluice.push.queries.max.per.client');
    if (this.streaming.total >= max) {
      throw new KsqlRequestError(
        'MAX_PUSH_QUERIES',
        `Maximum number of push queries exceeded: ${max} run now (ksql.max.push.queries). Close some (POST /close-query) or raise the limit.`,
        sql,
        [],
      );
    }
    if (perClient >= maxPerClient) {
      throw new KsqlRequestError(
        'MAX_PUSH_QUERIES',
        `Maximum number of push queries exceeded: this client runs ${perClient} already (sluice.push.queries.max.per.client). Close some (POST /close-query) or raise the limit.`,
        sql,
        [],
      );
    }
    this.streaming.total++;
    this.streaming.byClient.set(client, perClient + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.streaming.total--;
      const left = (this.streaming.byClient.get(client) ?? 1) - 1;
      if (left === 0) this.streaming.byClient.delete(client);
      else this.streaming.byClient.set(client, left);
    };
  }

  private async openAdmitted(
    statement: ParsedStatement,
    context: Context,
    release: () => void,
  ): Promise<QueryStream> {
    if (statement.statement.kind === 'print') {
      const stopper = new AbortController();
      const print = statement.statement;
      if (!(await this.log.hasTopic(print.topic))) {
        throw new KsqlRequestError(
          'BAD_STATEMENT',
          `Could not find topic '${print.topic}', or the KSQL user does not have permissions to list the topic. Topic names are case-sensitive.`,
          statementText(statement),
          [],
        );
      }
      return {
        kind: 'print',
        lines: printTopic(this.log, print, stopper.signal, this.schemaRegistry),
        close: () => {
          stopper.abort();
          release();
        },
      };
    }
    return { kind: 'rows', handle: await this.startPushQuery(statement, context, release) };
  }

  /** Starts SELECT … EMIT CHANGES; see openQuery. */
  async pushQuery(sql: string, options: ExecuteOptions = {}): Promise<PushQueryHandle> {
    const opened = await this.openQuery(sql, options);
    if (opened.kind !== 'rows') {
      if (opened.kind === 'pull') opened.query.close();
      else opened.close();
      throw new KsqlRequestError('BAD_STATEMENT', 'Expected a SELECT … EMIT CHANGES statement.', sql, []);
    }
    return opened.handle;
  }

  private async startPushQuery(
    statement: ParsedStatement,
    context: Context,
    release: () => void,
  ): Promise<PushQueryHandle> {
    if (statement.statement.kind !== 'select') throw new Error('not a query');
    const query = statement.statement.query;
    let plan: SinkNode;
    let physical: ReturnType<typeof planPhysical>;
    try {
      plan = planSelectQuery(
        query,
        (name) => this.metastore.get(name),
        { kind: 'push' },
        this.metastore.types,
      );
      physical = planPhysical(plan);
    } catch (err) {
      if (err instanceof PlanningError)
        throw new KsqlRequestError('BAD_STATEMENT', err.message, statementText(statement), []);
      throw err;
    }
    const source = this.metastore.require(planSource(plan).source.name);
    const columns = outputColumns(plan);
    const limit = physical.kind === 'clientSink' ? physical.limit : undefined;
    // A query over a topic that is gone could only fail once streaming: refuse it with a 400 now.
    for (const read of sourceNamesOf(plan).map((name) => this.metastore.require(name))) {
      if (!(await this.log.hasTopic(read.topic))) {
        throw new KsqlRequestError(
          'BAD_STATEMENT',
          `Topic '${read.topic}' of ${read.name} does not exist (it was deleted). Create it again (sluice topic create ${read.topic}) or DROP ${read.kind} ${read.name}.`,
          statementText(statement),
          [],
        );
      }
    }
    const partitioning = await coPartitioningError(
      this.log,
      plan,
      (name) => this.metastore.require(name).topic,
    );
    if (partitioning !== undefined)
      throw new KsqlRequestError('BAD_STATEMENT', partitioning, statementText(statement), []);
    const queryId = `transient_${source.name}_${randomBytes(8).readBigUInt64BE().toString()}`;
    const runtimeSource = withSchemaRegistry(source, this.schemaRegistry);
    const aggregate = aggregateStepOf(physical);
    if (aggregate !== undefined) {
      try {
        aggregateOperatorSpec(aggregate, 'JSON');
      } catch (err) {
        if (err instanceof WindowSpecError)
          throw new KsqlRequestError('BAD_STATEMENT', err.message, statementText(statement), []);
        throw err;
      }
    }
    const stores = [...topologyStoreSpecs(physical, 'JSON'), ...joinStoreSpecs(physical)];
    const joinPartitions = await streamJoinPartitions(this.log, physical);
    const stopper = new AbortController();
    const rows = runPushQuery(
      this.log,
      this.processingLog,
      {
        id: queryId,
        source: runtimeSource,
        topics: inputTopicsOf(physical),
        build: (operatorContext) =>
          buildTopology(
            physical,
            (name) => withSchemaRegistry(this.metastore.require(name), this.schemaRegistry),
            operatorContext,
            'JSON',
            joinPartitions,
          ),
        fromEarliest: this.queryContext(context).fromEarliest,
        limit,
        overTable: physical.kind === 'clientSink' && physical.overTable,
        ...(stores.length === 0
          ? {}
          : {
              state: {
                stores,
                stateDir: this.queryContext(context).stateDir,
                applicationId: queryApplicationId(this.config.getString('ksql.service.id'), queryId),
              },
            }),
      },
      stopper.signal,
    );
    const handle: PushQueryHandle = {
      queryId,
      statementText: statementText(statement),
      columnNames: columns.map((c) => c.name),
      columnTypes: columns.map((c) => formatType(c.type)),
      types: columns.map((c) => c.type),
      rows,
      limit,
      close: () => {
        stopper.abort();
        this.pushQueries.delete(queryId);
        release();
      },
    };
    this.pushQueries.set(queryId, handle);
    return handle;
  }

  /** A writer of JSON rows into a stream, for POST /inserts-stream; throws KsqlRequestError. */
  inserter(target: string): (rows: readonly string[]) => Promise<(number | Error)[]> {
    try {
      this.checkWritable(target);
      return rowInserter(
        this.queryContext({ properties: new Map(), variables: new Map(), replaying: false }),
        target,
      );
    } catch (err) {
      if (err instanceof StatementError) throw KsqlRequestError.of(err, target, []);
      if (err instanceof LogError) throw new KsqlRequestError(logErrorCode(err), err.message, target, []);
      throw err;
    }
  }

  /** Closes a push query by id (POST /close-query); false when there is none. */
  closePushQuery(queryId: string): boolean {
    const handle = this.pushQueries.get(queryId);
    if (handle === undefined) return false;
    handle.close();
    return true;
  }

  /**
   * Resolves once every persistent query has processed all records in its source, including what
   * other queries wrote meanwhile: what the test runner waits for between inputs and outputs.
   */
  async waitUntilIdle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let quietRounds = 0;
    // Two quiet looks in a row: a query may have just appended what another one reads next.
    while (quietRounds < 2) {
      if (Date.now() > deadline) throw new Error(`Queries did not catch up within ${timeoutMs} ms.`);
      const idle = (await Promise.all(this.queries.all().map((q) => q.query.isIdle()))).every(Boolean);
      quietRounds = idle ? quietRounds + 1 : 0;
      await new Promise((resolve) => setTimeout(resolve, idle ? 5 : 10));
    }
  }

  /** Stops every query, committing their offsets. */
  async close(): Promise<void> {
    for (const handle of [...this.pushQueries.values()]) handle.close();
    for (const q of this.queries.all()) await q.query.stop();
  }
}
