import {
  type ConnectClient,
  ConnectClientError,
  type ConnectorOffset,
  type ConnectorStateInfo,
} from '../connect/client/index.js';
import type { ConnectorListRow, ConnectorStatusRow, SourceDescription } from '../rest-model/index.js';
import {
  type ConnectorOffsetEntry,
  type Literal,
  type Property,
  printStatement,
  type SourceSpan,
  type Statement,
  spanOf,
} from '../sql/index.js';
import type { DataSource } from './data-source.js';
import { type Entity, entity, warning } from './entities.js';
import { StatementError } from './errors.js';
import type { MetaStore } from './metastore.js';

type ConnectorStatement = Extract<
  Statement,
  {
    kind:
      | 'createConnector'
      | 'dropConnector'
      | 'describeConnector'
      | 'listConnectors'
      | 'listConnectorPlugins'
      | 'pauseConnector'
      | 'resumeConnector'
      | 'restartConnector'
      | 'stopConnector'
      | 'listConnectorOffsets'
      | 'listConnectorStatus'
      | 'resetConnectorOffsets'
      | 'setConnectorOffsets'
      | 'alterConnector';
  }
>;

export function isConnectorStatement(s: Statement): s is ConnectorStatement {
  return [
    'createConnector',
    'dropConnector',
    'describeConnector',
    'listConnectors',
    'listConnectorPlugins',
    'pauseConnector',
    'resumeConnector',
    'restartConnector',
    'stopConnector',
    'listConnectorOffsets',
    'listConnectorStatus',
    'resetConnectorOffsets',
    'setConnectorOffsets',
    'alterConnector',
  ].includes(s.kind);
}

/** ksqlDB sends Connect only strings: `5` becomes "5", NULL "null". */
function literalText(value: Literal): string {
  switch (value.kind) {
    case 'string':
      return value.value;
    case 'number':
      return value.text;
    case 'boolean':
      return String(value.value);
    case 'null':
      return 'null';
    default:
      throw new StatementError(`Variable \${${value.name}} is not defined. Define it first with DEFINE.`);
  }
}

function configOf(properties: readonly Property[]): Record<string, string> {
  return Object.fromEntries(properties.map((p) => [p.key, literalText(p.value)]));
}

/** Connect's errors keep their HTTP status in ksqlDB's error code (409 → 40900). */
function connectError(prefix: string, err: unknown): StatementError {
  if (err instanceof ConnectClientError) {
    return new StatementError(prefix === '' ? err.message : `${prefix}${err.message}`, 'CONNECT_ERROR', {
      errorCode: err.status * 100,
      cause: err,
    });
  }
  return new StatementError(`${prefix}${(err as Error).message}`, 'CONNECT_ERROR', { cause: err });
}

/** A JSON object given as SQL text, or a clear error naming what it is for. */
function jsonObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new StatementError(
      `The ${what} '${text}' is not valid JSON: ${(err as Error).message}`,
      'BAD_REQUEST',
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new StatementError(
      `The ${what} '${text}' must be a JSON object, such as '{"filename": "in.txt"}'.`,
      'BAD_REQUEST',
    );
  return value as Record<string, unknown>;
}

/**
 * One SET OFFSETS entry in the REST API's shape: the offset is a JSON object, NULL (reset this
 * partition) or a number, which is a sink's kafka_offset.
 */
function offsetOf(entry: ConnectorOffsetEntry): ConnectorOffset {
  const partition = jsonObject(entry.partition, 'partition');
  switch (entry.offset.kind) {
    case 'null':
      return { partition, offset: null };
    case 'number':
      return { partition, offset: { kafka_offset: Number(entry.offset.text) } };
    case 'string':
      return { partition, offset: jsonObject(entry.offset.value, 'offset') };
    default:
      throw new StatementError(
        `The offset of partition '${entry.partition}' must be a JSON object in quotes, a number (a sink's kafka_offset) or NULL.`,
        'BAD_REQUEST',
      );
  }
}

/** Connect's offsets errors; the one that asks for STOPPED names the SQL that stops the connector. */
function offsetsError(name: string, verb: 'reset' | 'alter', err: unknown): StatementError {
  const e = connectError(`Failed to ${verb} connector offsets: `, err);
  const sql = e.message.replace(
    /This can be done for the specified connector by issuing a 'PUT' request to the '[^']*' endpoint$/,
    `Stop it first with STOP CONNECTOR ${quotedName(name)}.`,
  );
  return sql === e.message ? e : new StatementError(sql, e.code, { errorCode: e.errorCode });
}

/** A connector name as SQL must spell it to keep its case. */
function quotedName(name: string): string {
  return /^[A-Z_][A-Z0-9_]*$/.test(name) ? name : `\`${name.replaceAll('`', '``')}\``;
}

/**
 * The statement text ksqlDB echoes for connector statements: every WITH value but connector.class
 * replaced by '[string]', so secrets never come back in responses or logs. The parser recorded where
 * each value was written, so the rest of the text stays as the user wrote it; a statement without
 * those positions (built rather than parsed) is printed from its tree with the values masked.
 */
export function maskConnectorStatement(s: Statement, text: string): string {
  if (s.kind !== 'createConnector' && s.kind !== 'alterConnector') return text;
  const secret = s.properties.filter((p) => p.key !== 'connector.class');
  const spans = secret.map((p) => spanOf(p.value));
  if (spans.some((span) => span === undefined || span.end > text.length)) {
    const masked: Literal = { kind: 'string', value: '[string]' };
    const properties = s.properties.map((p) => (p.key === 'connector.class' ? p : { ...p, value: masked }));
    return `${printStatement({ ...s, properties })};`;
  }
  let out = text;
  for (const span of (spans as SourceSpan[]).sort((a, b) => b.start - a.start))
    out = `${out.slice(0, span.start)}'[string]'${out.slice(span.end)}`;
  return out;
}

/**
 * A connector's state in one phrase, as ksqlDB's SHOW CONNECTORS puts it ("RUNNING (1/1 tasks
 * RUNNING)", WARNING when no task runs), and beyond it: FAILED when every task failed, and the
 * tasks that run but retry something they lost (a database, a server) counted apart.
 */
export function connectorState(status: ConnectorStateInfo): string;
export function connectorState(status: ConnectorStateInfo | undefined): string | undefined;
export function connectorState(status: ConnectorStateInfo | undefined): string | undefined {
  if (status === undefined) return undefined;
  const state = status.connector.state;
  if (state !== 'RUNNING') return state;
  const total = status.tasks.length;
  const retrying = status.tasks.filter((t) => t.state === 'RUNNING' && t.retrying !== undefined).length;
  const running = status.tasks.filter((t) => t.state === 'RUNNING').length - retrying;
  const failed = status.tasks.filter((t) => t.state === 'FAILED').length;
  const label =
    total > 0 && failed === total
      ? 'FAILED'
      : (total > 0 && running === 0) || retrying > 0
        ? 'WARNING'
        : 'RUNNING';
  return `${label} (${running}/${total} tasks RUNNING${retrying > 0 ? `, ${retrying} RETRYING` : ''})`;
}

/**
 * The `status` of a connector_description in ksqlDB's shape: the fields of Kafka Connect's
 * ConnectorStateInfo that ksqlDB's model knows (`trace` only when non-empty), and Sluice's `retrying`.
 * Newer Connect workers add fields (Kafka 4.1 a `version` per connector and task); ksqlDB's model
 * drops them, so entities look alike whichever worker answered.
 */
export function connectorStatusEntity(status: ConnectorStateInfo): ConnectorStateInfo {
  const trace = (t: string | undefined) => (t ? { trace: t } : {});
  return {
    name: status.name,
    connector: {
      state: status.connector.state,
      worker_id: status.connector.worker_id,
      ...trace(status.connector.trace),
    },
    tasks: status.tasks.map((t) => ({
      id: t.id,
      state: t.state,
      worker_id: t.worker_id,
      ...trace(t.trace),
      ...(t.retrying !== undefined ? { retrying: t.retrying } : {}),
    })),
    type: status.type,
  };
}

/**
 * What CREATE CONNECTOR checks before creating (also while a request is validated): the name is
 * free (compared case-insensitively), and Connect finds no error in the config.
 */
export async function checkNewConnector(
  s: Extract<Statement, { kind: 'createConnector' }>,
  text: string,
  connect: ConnectClient,
): Promise<{ kind: 'new'; config: Record<string, string> } | { kind: 'exists'; warning: Entity }> {
  const config: Record<string, string> = { ...configOf(s.properties), name: s.name };
  const existing = await connect.connectors().catch((err) => {
    throw connectError('Failed to create connector: ', err);
  });
  if (existing.some((n) => n.toLowerCase() === s.name.toLowerCase())) {
    if (s.ifNotExists)
      return { kind: 'exists', warning: warning(text, `Connector ${s.name} already exists`) };
    throw new StatementError(`Connector ${s.name} already exists`, 'CONFLICT');
  }
  const className = config['connector.class'];
  if (className === undefined || className.trim() === '') {
    throw new StatementError(
      `Validation error: Connector config ${JSON.stringify({ name: s.name })} contains no connector type`,
      'BAD_REQUEST',
    );
  }
  // Every problem of the config, by key, before anything is created.
  let infos: Awaited<ReturnType<ConnectClient['validate']>>;
  try {
    infos = await connect.validate(className, config);
  } catch (err) {
    // A Connect that answered with an error rejected the config; one that did not answer is
    // why the connector could not be created.
    throw connectError(
      err instanceof ConnectClientError ? 'Validation error: ' : 'Failed to create connector: ',
      err,
    );
  }
  if (infos.error_count > 0) {
    const lines = infos.configs
      .filter((c) => (c.value.errors as string[]).length > 0)
      .map((c) => `${c.value.name as string} - ${(c.value.errors as string[]).join('. ')}`);
    throw new StatementError(`Validation error: ${lines.join('\n')}`, 'BAD_REQUEST');
  }
  return { kind: 'new', config };
}

/**
 * SHOW CONNECTOR STATUS: per connector and task, in one view, the state and (from a Sluice worker)
 * records in and out, the last record's time, the records a sink has yet to deliver, errors and
 * records dead-lettered. A Connect without Sluice's metrics endpoint gives states only, with a warning.
 */
async function connectorStatusList(
  only: string | undefined,
  text: string,
  connect: ConnectClient,
): Promise<Entity> {
  let names: string[];
  try {
    names = only === undefined ? await connect.connectors() : [only];
  } catch (err) {
    throw connectError('Failed to list connectors: ', err);
  }
  const connectors: ConnectorStatusRow[] = [];
  const warnings: { message: string }[] = [];
  let withoutMetrics = false;
  for (const name of names) {
    let status: ConnectorStateInfo;
    let info: Awaited<ReturnType<ConnectClient['describe']>>;
    let metrics: Awaited<ReturnType<ConnectClient['metrics']>>;
    try {
      [status, info, metrics] = await Promise.all([
        connect.status(name),
        connect.describe(name),
        connect.metrics(name),
      ]);
    } catch (err) {
      // One connector (named, or dropped meanwhile) that cannot be described fails a named request only.
      if (only !== undefined) throw connectError('Failed to query connector status: ', err);
      warnings.push({ message: `Could not describe connector ${name}: ${(err as Error).message}` });
      continue;
    }
    if (metrics === undefined) withoutMetrics = true;
    const counted = new Map((metrics?.tasks ?? []).map((t) => [t.id, t]));
    connectors.push({
      name,
      type: info.type,
      className: info.config['connector.class'] ?? '',
      state: connectorState(status),
      workerId: status.connector.worker_id,
      ...(status.connector.trace ? { trace: status.connector.trace } : {}),
      tasks: status.tasks.map((t) => {
        const m = counted.get(t.id);
        return {
          id: t.id,
          state: t.retrying === undefined ? t.state : 'RETRYING',
          workerId: t.worker_id,
          ...(t.trace ? { trace: t.trace } : {}),
          ...(t.retrying === undefined ? {} : { retrying: t.retrying }),
          recordsIn: m?.records_in ?? null,
          recordsOut: m?.records_out ?? null,
          lastRecordTime: m?.last_record_time ?? null,
          lag: m?.lag ?? null,
          lagBytes: m?.lag_bytes ?? null,
          errors: m?.errors ?? null,
          deadLettered: m?.dead_lettered ?? null,
        };
      }),
    });
  }
  if (withoutMetrics)
    warnings.push({
      message:
        'This Kafka Connect serves no per-task metrics (a Sluice worker does at /connectors/{name}/metrics): only states are shown.',
    });
  return entity('connector_status_list', text, { connectors }, warnings);
}

/** Kafka Connect's error context headers, and the column each becomes in a dead-letter stream. */
const DEAD_LETTER_HEADERS: readonly (readonly [string, string])[] = [
  ['ERROR_TOPIC', 'topic'],
  ['ERROR_PARTITION', 'partition'],
  ['ERROR_OFFSET', 'offset'],
  ['ERROR_CONNECTOR', 'connector.name'],
  ['ERROR_TASK_ID', 'task.id'],
  ['ERROR_STAGE', 'stage'],
  ['ERROR_CLASS_NAME', 'class.name'],
  ['ERROR_EXCEPTION_CLASS_NAME', 'exception.class.name'],
  ['ERROR_EXCEPTION_MESSAGE', 'exception.message'],
  ['ERROR_EXCEPTION_STACKTRACE', 'exception.stacktrace'],
];

/**
 * What CREATE STREAM … FROM DEAD LETTER QUEUE OF CONNECTOR declares: a stream over the connector's
 * errors.deadletterqueue.topic.name with the record's original key and value as BYTES and each
 * `__connect.errors.*` header as a BYTES HEADER column (ksqlDB's rule for header columns), the
 * topic created (one partition, as the worker would) when no error has been written yet. The
 * engine records this plain CREATE STREAM, so a restart rebuilds it without asking Connect.
 */
export async function deadLetterStream(
  s: Extract<Statement, { kind: 'createDeadLetterStream' }>,
  connect: ConnectClient,
  topicExists: (topic: string) => Promise<boolean>,
): Promise<Extract<Statement, { kind: 'createSource' }>> {
  let config: Record<string, string>;
  try {
    config = await connect.config(s.connector);
  } catch (err) {
    throw connectError("Failed to read the connector's dead letter queue: ", err);
  }
  const topic = (config['errors.deadletterqueue.topic.name'] ?? '').trim();
  const connector = quotedName(s.connector);
  if (topic === '') {
    throw new StatementError(
      `Connector ${s.connector} has no dead letter queue: set one with ALTER CONNECTOR ${connector} SET ('errors.tolerance'='all', 'errors.deadletterqueue.topic.name'='<topic>', 'errors.deadletterqueue.context.headers.enable'='true') (sink connectors only).`,
      'BAD_REQUEST',
    );
  }
  const bytes = { kind: 'primitiveType', name: 'BYTES' } as const;
  return {
    kind: 'createSource',
    sourceType: 'STREAM',
    orReplace: false,
    readOnly: false,
    ifNotExists: s.ifNotExists,
    name: s.name,
    elements: [
      { name: 'RECORD_KEY', type: bytes, constraint: { kind: 'key' } },
      { name: 'RECORD_VALUE', type: bytes },
      ...DEAD_LETTER_HEADERS.map(([name, header]) => ({
        name,
        type: bytes,
        constraint: { kind: 'header', key: `__connect.errors.${header}` } as const,
      })),
    ],
    properties: [
      { key: 'KAFKA_TOPIC', value: { kind: 'string', value: topic } },
      { key: 'KEY_FORMAT', value: { kind: 'string', value: 'KAFKA' } },
      { key: 'VALUE_FORMAT', value: { kind: 'string', value: 'KAFKA' } },
      // The worker creates the topic at the first error, with one partition: before it, so does this.
      ...((await topicExists(topic))
        ? []
        : [{ key: 'PARTITIONS', value: { kind: 'number', text: '1' } } as const]),
    ],
  };
}

/** Runs a connector statement against Connect, answering with ksqlDB's connector entities. */
export async function executeConnectorStatement(
  s: ConnectorStatement,
  text: string,
  connect: ConnectClient,
  metastore: MetaStore,
  /** A stream or table as DESCRIBE shows it (its topic's partitions, the queries over it). */
  describeSource: (source: DataSource) => Promise<SourceDescription>,
): Promise<Entity> {
  switch (s.kind) {
    case 'createConnector': {
      const checked = await checkNewConnector(s, text, connect);
      if (checked.kind === 'exists') return checked.warning;
      const config = checked.config;
      try {
        const info = await connect.create(s.name, config);
        return entity('connector_info', text, { info });
      } catch (err) {
        throw connectError('Failed to create connector: ', err);
      }
    }
    case 'dropConnector':
      try {
        await connect.delete(s.name);
        return entity('drop_connector', text, { connectorName: s.name });
      } catch (err) {
        if (err instanceof ConnectClientError && err.status === 404 && s.ifExists) {
          return warning(text, `Connector '${s.name}' does not exist.`);
        }
        throw connectError('Failed to drop connector: ', err);
      }
    case 'describeConnector': {
      let status: ConnectorStateInfo;
      let info: Awaited<ReturnType<ConnectClient['describe']>>;
      try {
        status = await connect.status(s.name);
      } catch (err) {
        throw connectError('Failed to query connector status: ', err);
      }
      try {
        info = await connect.describe(s.name);
      } catch (err) {
        throw connectError('Failed to describe connector: ', err);
      }
      const warnings: { message: string }[] = [];
      let topics: string[] = [];
      try {
        topics = await connect.topics(s.name);
      } catch (err) {
        warnings.push({ message: `Could not list related topics due to error: ${(err as Error).message}` });
      }
      // Beyond ksqlDB (which does this for the JDBC source only): the streams and tables over
      // every topic the connector reads or writes.
      const sources = await Promise.all(
        metastore
          .all()
          .filter((x) => topics.includes(x.topic))
          .map((x) => describeSource(x)),
      );
      return entity(
        'connector_description',
        text,
        {
          connectorClass: info.config['connector.class'] ?? '',
          // Beyond ksqlDB: the state in one phrase, as SHOW CONNECTORS shows it.
          state: connectorState(status),
          status: connectorStatusEntity(status),
          sources,
          topics,
        },
        warnings,
      );
    }
    case 'listConnectors': {
      let names: string[];
      try {
        names = await connect.connectors();
      } catch (err) {
        throw connectError('Failed to list connectors: ', err);
      }
      const rows: ConnectorListRow[] = [];
      const warnings: { message: string }[] = [];
      for (const name of names) {
        try {
          const info = await connect.describe(name);
          const status = await connect.status(name).catch(() => undefined);
          if (s.scope !== 'ALL' && info.type.toUpperCase() !== s.scope) continue;
          rows.push({
            name,
            type: info.type,
            className: info.config['connector.class'],
            state: connectorState(status),
          });
        } catch (err) {
          warnings.push({ message: `Could not describe connector ${name}: ${(err as Error).message}` });
          if (s.scope === 'ALL') rows.push({ name, type: 'unknown' });
        }
      }
      return entity('connector_list', text, { connectors: rows }, warnings);
    }
    case 'listConnectorPlugins':
      try {
        const plugins = await connect.plugins();
        return entity('connector_plugins_list', text, {
          connectorsPlugins: plugins.map((p) => ({
            className: p.class,
            type: p.type,
            version: p.version ?? '',
          })),
        });
      } catch (err) {
        throw connectError('Failed to list connector plugins: ', err);
      }
    case 'pauseConnector':
    case 'resumeConnector':
    case 'restartConnector':
    case 'stopConnector': {
      const verb = (
        {
          pauseConnector: 'pause',
          resumeConnector: 'resume',
          restartConnector: 'restart',
          stopConnector: 'stop',
        } as const
      )[s.kind];
      try {
        await connect[verb](s.name);
      } catch (err) {
        throw connectError(`Failed to ${verb} connector: `, err);
      }
      const past = { pause: 'Paused', resume: 'Resumed', restart: 'Restarted', stop: 'Stopped' }[verb];
      return warning(text, `${past} connector ${s.name}`);
    }
    case 'listConnectorStatus':
      return connectorStatusList(s.name, text, connect);
    case 'listConnectorOffsets':
      try {
        const { offsets } = await connect.offsets(s.name);
        return entity('connector_offsets', text, { connector: s.name, offsets });
      } catch (err) {
        throw connectError('Failed to list connector offsets: ', err);
      }
    case 'resetConnectorOffsets':
    case 'setConnectorOffsets': {
      const reset = s.kind === 'resetConnectorOffsets';
      const offsets = reset ? [] : s.offsets.map(offsetOf);
      try {
        const message = reset
          ? await connect.resetOffsets(s.name)
          : await connect.alterOffsets(s.name, offsets);
        return warning(text, message);
      } catch (err) {
        throw offsetsError(s.name, reset ? 'reset' : 'alter', err);
      }
    }
    case 'alterConnector': {
      try {
        const current = await connect.config(s.name);
        await connect.updateConfig(s.name, { ...current, ...configOf(s.properties) });
        return warning(text, `Altered connector ${s.name}`);
      } catch (err) {
        throw connectError('Failed to alter connector: ', err);
      }
    }
    default: {
      const never: never = s;
      throw new StatementError(`Unhandled connector statement ${JSON.stringify(never)}`);
    }
  }
}

/** A value after '=': a string (maybe left open at the end), a quoted identifier, or a bare word. */
const VALUE_AFTER_EQUALS = /(=\s*)('(?:[^']|'')*(?:'|$)|"(?:[^"]|"")*(?:"|$)|[^\s,()';=]+)/g;

/**
 * The echo of a request that did not parse: if it may be a connector statement, every value after
 * '=' becomes '[string]', in the text and in the parser's message (which quotes the token it
 * stopped at), since a statement that did not parse cannot be masked by its syntax.
 */
export function maskUnparsedText(text: string, message: string): { text: string; message: string } {
  if (!/\bCONNECTOR\b/i.test(text)) return { text, message };
  const values: string[] = [];
  const masked = text.replace(VALUE_AFTER_EQUALS, (_match, equals: string, value: string) => {
    values.push(value);
    return `${equals}'[string]'`;
  });
  let shown = message;
  for (const v of values) shown = shown.replaceAll(`'${v}'`, "'[string]'");
  return { text: masked, message: shown };
}
