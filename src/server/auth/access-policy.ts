import type { Statement } from '../../engine/index.js';
import type { Role } from '../client/index.js';

/**
 * Who may do what. admin: everything. developer: statements, queries and writes, but no
 * connector that reads or writes the server's files (FileStream), no RUN SCRIPT (it reads a file
 * on the server) and no ALTER SYSTEM or /ksql/terminate (server-wide). reader: looks only — SHOW,
 * LIST, DESCRIBE, EXPLAIN, SELECT, PRINT and GET requests.
 */

const READER_STATEMENTS = new Set<Statement['kind']>([
  'select',
  'print',
  'listStreams',
  'listTables',
  'listTopics',
  'listQueries',
  'listProperties',
  'listFunctions',
  'listVariables',
  'listTypes',
  'describeSource',
  'describeSources',
  'describeFunction',
  'explainQuery',
  'explainStatement',
  'describeConnector',
  'listConnectors',
  'listConnectorPlugins',
  // Session state only: they change what the request's own later statements see.
  'setProperty',
  'unsetProperty',
  'defineVariable',
  'undefineVariable',
]);

const ADMIN_STATEMENTS = new Set<Statement['kind']>(['runScript', 'alterSystem']);

const FILE_CONNECTOR = /FileStream/i;

function textOf(value: { readonly kind: string; readonly value?: unknown; readonly text?: string }): string {
  return value.text ?? String(value.value ?? '');
}

/** True for a connector config that reads or writes files on the server. */
export function touchesServerFiles(config: Readonly<Record<string, unknown>>): boolean {
  const connectorClass = config['connector.class'];
  return (typeof connectorClass === 'string' && FILE_CONNECTOR.test(connectorClass)) || 'file' in config;
}

function connectorConfig(statement: Statement): Record<string, string> | undefined {
  if (statement.kind !== 'createConnector' && statement.kind !== 'alterConnector') return undefined;
  return Object.fromEntries(statement.properties.map((p) => [p.key.toLowerCase(), textOf(p.value)]));
}

function refusal(role: Role, what: string, needs: Role): string {
  return `Forbidden: ${what} needs the ${needs} role; this user has the ${role} role.`;
}

/** What an internal topic holds, or undefined for a user topic. */
export type InternalTopicRole = (topic: string) => string | undefined;

function internalTopicRead(role: Role, topic: string, internal: InternalTopicRole): string | undefined {
  const holds = internal(topic);
  return holds === undefined ? undefined : refusal(role, `reading ${topic} (${holds})`, 'admin');
}

/** Why the role may not run the statement, or undefined when it may. */
export function statementDenied(
  role: Role,
  statement: Statement,
  internal: InternalTopicRole = () => undefined,
): string | undefined {
  if (role === 'admin') return undefined;
  // Internal topics hold every connector's config (secrets included) and every statement.
  if (statement.kind === 'print') return internalTopicRead(role, statement.topic, internal);
  if (role === 'reader') {
    return READER_STATEMENTS.has(statement.kind)
      ? undefined
      : refusal(role, 'a statement that changes something', 'developer');
  }
  if (ADMIN_STATEMENTS.has(statement.kind)) {
    return refusal(role, statement.kind === 'runScript' ? 'RUN SCRIPT' : 'ALTER SYSTEM', 'admin');
  }
  const config = connectorConfig(statement);
  if (config !== undefined && touchesServerFiles(config)) {
    return refusal(role, "a connector that touches the server's files (FileStream)", 'admin');
  }
  return undefined;
}

const READ_METHODS = new Set(['GET', 'HEAD']);

/** Why the role may not make this request to the ksqlDB API, or undefined when it may (statements are checked apart). */
export function ksqlRequestDenied(
  role: Role,
  method: string,
  path: string,
  internal: InternalTopicRole = () => undefined,
): string | undefined {
  if (role === 'admin') return undefined;
  const read = /^\/v3\/clusters\/[^/]+\/topics\/([^/]+)\/partitions\/[^/]+\/records\/?$/.exec(path);
  if (read !== null) return internalTopicRead(role, decodeURIComponent(read[1]), internal);
  if (path === '/ksql/terminate') return refusal(role, 'terminating the server', 'admin');
  // The statement endpoints: each statement is checked once parsed; closing a query is a reader's too.
  if (['/ksql', '/query', '/query-stream', '/close-query'].includes(path)) return undefined;
  if (READ_METHODS.has(method)) return undefined;
  if (role === 'reader') return refusal(role, `${method} ${path}`, 'developer');
  return undefined;
}

/** Why the role may not make this request to the Connect REST API, or undefined when it may. */
export function connectRequestDenied(
  role: Role,
  method: string,
  path: string,
  body: unknown,
): string | undefined {
  if (role === 'admin' || READ_METHODS.has(method)) return undefined;
  // Validating a config changes nothing.
  if (/^\/connector-plugins\/[^/]+\/config\/validate\/?$/.test(path)) return undefined;
  if (role === 'reader') return refusal(role, `${method} ${path}`, 'developer');
  const config = connectorConfigInBody(path, body);
  if (config !== undefined && touchesServerFiles(config)) {
    return refusal(role, "a connector that touches the server's files (FileStream)", 'admin');
  }
  return undefined;
}

/** The connector config a Connect request sets: POST /connectors {config} or PUT /connectors/x/config. */
function connectorConfigInBody(path: string, body: unknown): Record<string, unknown> | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  if (path.replace(/\/$/, '') === '/connectors') {
    const config = record.config;
    return typeof config === 'object' && config !== null ? (config as Record<string, unknown>) : undefined;
  }
  if (/^\/connectors\/[^/]+\/config\/?$/.test(path)) return record;
  return undefined;
}
