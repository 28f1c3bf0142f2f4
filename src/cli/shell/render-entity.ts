import type {
  ConnectorDescriptionEntity,
  ConnectorListEntity,
  ConnectorOffsetsEntity,
  ConnectorPluginsEntity,
  ConnectorStatusListEntity,
  FunctionNamesEntity,
  KafkaTopicsEntity,
  KafkaTopicsExtendedEntity,
  PropertiesEntity,
  QueriesEntity,
  TypeListEntity,
  VariablesEntity,
} from '../../rest-model/index.js';
import { jacksonPretty } from './jackson-json.js';
import { isKnownEntity, type KsqlEntity, type ServerEntity, type SourceInfo } from './ksql-entity.js';
import { renderFunctionDescription } from './render-function-description.js';
import { renderQueryDescription } from './render-query-description.js';
import { labelled, renderSourceDescription } from './render-source-description.js';
import { schemaTypeText } from './schema-type-text.js';
import { renderTextTable, type TextTable } from './text-table.js';

/** How wide the terminal is; undefined when the output is not a terminal (no limit). */
export interface RenderOptions {
  readonly width?: number;
}

function text(value: string | number | null | undefined): string {
  return value === undefined || value === null ? '' : String(value);
}

function byName<T extends { readonly name: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function messageTable(message: string): TextTable {
  return { headers: ['Message'], rows: [[message]] };
}

function sourceListTable(noun: 'Stream' | 'Table', sources: readonly SourceInfo[]): TextTable {
  return {
    headers: [`${noun} Name`, 'Kafka Topic', 'Key Format', 'Value Format', 'Windowed'],
    rows: byName(sources).map((s) => [s.name, s.topic, s.keyFormat, s.valueFormat, String(s.isWindowed)]),
  };
}

/** One number when every partition has the same replica count, else the list. */
function replicaText(replicas: readonly number[]): string {
  if (replicas.length === 0) return '0';
  return new Set(replicas).size === 1 ? String(replicas[0]) : replicas.join(', ');
}

function topicsTable(entity: KafkaTopicsEntity | KafkaTopicsExtendedEntity, extended: boolean): TextTable {
  const topics = entity.topics;
  const headers = ['Kafka Topic', 'Partitions', 'Partition Replicas'];
  if (!extended) {
    return {
      headers,
      rows: topics.map((t) => [t.name, String(t.replicaInfo.length), replicaText(t.replicaInfo)]),
    };
  }
  return {
    headers: [...headers, 'Consumers', 'ConsumerGroups'],
    rows: topics.map((t) => [
      t.name,
      String(t.replicaInfo.length),
      replicaText(t.replicaInfo),
      text(t.consumerCount ?? 0),
      text(t.consumerGroupCount ?? 0),
    ]),
  };
}

function propertiesTable(entity: PropertiesEntity): TextTable {
  const overwritten = new Set(entity.overwrittenProperties);
  const defaults = new Set(entity.defaultProperties);
  const override = (name: string) => (overwritten.has(name) ? 'SESSION' : defaults.has(name) ? '' : 'SERVER');
  return {
    headers: ['Property', 'Scope', 'Default override', 'Effective Value'],
    rows: byName(entity.properties).map((p) => [p.name, p.scope, override(p.name), p.value ?? 'NULL']),
  };
}

function queriesTable(entity: QueriesEntity): TextTable {
  return {
    headers: ['Query ID', 'Query Type', 'Status', 'Sink Name', 'Sink Kafka Topic', 'Query String'],
    rows: entity.queries.map((q) => [
      q.id,
      q.queryType,
      Object.entries(q.statusCount ?? {})
        .map(([state, count]) => `${state}:${count}`)
        .join(','),
      q.sinks.join(','),
      q.sinkKafkaTopics.join(','),
      q.queryString.replaceAll('\n', ' '),
    ]),
    linesAfter: ['For detailed information on a Query run: EXPLAIN <Query ID>;'],
  };
}

function functionNamesTable(entity: FunctionNamesEntity): TextTable {
  const functions = entity.functions;
  const rows: string[][] = [];
  if (functions.length === 0 || !functions[0].category) {
    // Servers without categories: ksqlDB falls back to name and type.
    for (const f of byName(functions)) rows.push([f.name, f.type.toUpperCase()]);
  } else {
    const sorted = [...functions].sort(
      (a, b) => compare(a.category ?? '', b.category ?? '') || compare(a.name, b.name),
    );
    sorted.forEach((f, i) => {
      // A blank row between categories.
      if (i > 0 && f.category !== sorted[i - 1].category) rows.push([' ', ' ']);
      rows.push([f.name, f.category ?? '']);
    });
  }
  return {
    headers: ['Function Name', 'Category'],
    rows,
    linesAfter: ['For detailed information about a function, run: DESCRIBE FUNCTION <Function Name>;'],
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function typesTable(entity: TypeListEntity): TextTable {
  const types = Object.entries(entity.types);
  return {
    headers: ['Type Name', 'Schema'],
    rows: types.sort(([a], [b]) => compare(a, b)).map(([name, schema]) => [name, schemaTypeText(schema)]),
  };
}

function variablesTable(entity: VariablesEntity): TextTable {
  return {
    headers: ['Variable Name', 'Value'],
    rows: byName(entity.variables).map((v) => [v.name, v.value]),
  };
}

function connectorListTable(entity: ConnectorListEntity): TextTable {
  return {
    headers: ['Connector Name', 'Type', 'Class', 'Status'],
    rows: entity.connectors.map((c) => [
      c.name,
      (c.type ?? 'unknown').toUpperCase(),
      text(c.className),
      text(c.state),
    ]),
  };
}

function connectorPluginsTable(entity: ConnectorPluginsEntity): TextTable {
  return {
    headers: ['Class', 'Type', 'Version'],
    rows: entity.connectorsPlugins.map((p) => [p.className, p.type.toUpperCase(), text(p.version)]),
  };
}

/**
 * SHOW CONNECTOR STATUS: a row per connector with its state in one phrase, then one per task with
 * its state and counters (blank where the Connect behind the server has none, or lag for a source).
 */
function connectorStatusTable(entity: ConnectorStatusListEntity): TextTable {
  const rows: string[][] = [];
  for (const c of entity.connectors) {
    rows.push([c.name, '', text(c.state), '', '', '', '', '', '']);
    for (const t of c.tasks) {
      rows.push([
        '',
        String(t.id),
        t.state,
        text(t.recordsIn),
        text(t.recordsOut),
        text(t.lastRecordTime),
        // Records behind for a sink; bytes for a source that knows (a CDC task's replication slot).
        t.lag !== null ? String(t.lag) : typeof t.lagBytes === 'number' ? `${t.lagBytes} bytes` : '',
        text(t.errors),
        text(t.deadLettered),
      ]);
    }
  }
  return {
    headers: [
      'Connector',
      'Task',
      'State',
      'Records In',
      'Records Out',
      'Last Record',
      'Lag',
      'Errors',
      'DLQ',
    ],
    rows,
  };
}

/** SHOW CONNECTOR OFFSETS: each partition and its offset as compact JSON, Kafka Connect's maps. */
function connectorOffsetsTable(entity: ConnectorOffsetsEntity): TextTable {
  return {
    headers: ['Partition', 'Offset'],
    rows: entity.offsets.map((o) => [JSON.stringify(o.partition), JSON.stringify(o.offset)]),
  };
}

function renderConnectorDescription(entity: ConnectorDescriptionEntity, width?: number): string {
  const status = entity.status;
  let out = labelled('Name', status.name);
  out += labelled('Class', text(entity.connectorClass));
  out += labelled('Type', status.type);
  // Sluice's one-phrase state (FAILED when every task failed, tasks retrying counted), else Connect's.
  // (ksqlDB's servers send no `state`: Connect's then.)
  out += labelled('State', entity.state ?? status.connector.state);
  out += labelled('WorkerId', status.connector.worker_id);
  if (status.connector.trace) out += labelled('Trace', status.connector.trace);
  const tables: TextTable[] = [
    {
      headers: ['Task ID', 'State', 'Error Trace'],
      rows: (status.tasks ?? []).map((t) =>
        t.retrying === undefined
          ? [String(t.id), t.state, t.trace ?? '']
          : [String(t.id), `RETRYING since ${t.retrying.since}`, t.retrying.error],
      ),
    },
    {
      headers: ['KSQL Source Name', 'Kafka Topic', 'Type'],
      rows: entity.sources.map((s) => [s.name, s.topic, s.type]),
    },
    { headers: ['Related Topics'], rows: entity.topics.map((t) => [t]) },
  ];
  for (const table of tables) if (table.rows.length > 0) out += `\n${renderTextTable(table, width)}`;
  return out;
}

/** The text of one entity, without its warnings: one case per entity type of the REST model. */
function renderEntityBody(entity: KsqlEntity, options: RenderOptions): string {
  const table = (t: TextTable) => renderTextTable(t, options.width);
  switch (entity['@type']) {
    case 'currentStatus':
      // Only the first line: later lines are details ksqlDB keeps for the JSON output.
      return table(messageTable(entity.commandStatus.message.split('\n', 1)[0]));
    case 'warning_entity':
      return table(messageTable(entity.message));
    case 'streams':
      return table(sourceListTable('Stream', entity.streams));
    case 'tables':
      return table(sourceListTable('Table', entity.tables));
    case 'kafka_topics':
      return table(topicsTable(entity, false));
    case 'kafka_topics_extended':
      return table(topicsTable(entity, true));
    case 'properties':
      return table(propertiesTable(entity));
    case 'queries':
      return table(queriesTable(entity));
    case 'sourceDescription':
      return renderSourceDescription(entity.sourceDescription, options.width);
    case 'source_descriptions':
      return entity.sourceDescriptions.map((d) => `${renderSourceDescription(d, options.width)}\n`).join('');
    case 'queryDescription':
      return renderQueryDescription(entity.queryDescription, options.width);
    case 'function_names':
      return table(functionNamesTable(entity));
    case 'describe_function':
      return renderFunctionDescription(entity, options.width);
    case 'type_list':
      return table(typesTable(entity));
    case 'variables':
      return table(variablesTable(entity));
    case 'terminate_query':
      return table(messageTable(`Terminated query "${entity.queryId}"`));
    case 'connector_info':
      return table(messageTable(`Created connector ${entity.info.name}`));
    case 'drop_connector':
      return table(messageTable(`Dropped connector "${entity.connectorName}"`));
    case 'connector_list':
      return table(connectorListTable(entity));
    case 'connector_plugins_list':
      return table(connectorPluginsTable(entity));
    case 'connector_description':
      return renderConnectorDescription(entity, options.width);
    case 'connector_status_list':
      return table(connectorStatusTable(entity));
    case 'connector_offsets':
      return entity.offsets.length === 0
        ? table(messageTable(`Connector ${entity.connector} has no committed offsets`))
        : table(connectorOffsetsTable(entity));
    default: {
      // The compiler fails here when the model gains an entity type this switch does not draw.
      const unhandled: never = entity;
      return `${jacksonPretty(unhandled)}\n`;
    }
  }
}

/** One entity as ksqlDB's CLI draws it, followed by a `WARNING: …` line per warning. */
export function renderEntity(entity: ServerEntity, options: RenderOptions = {}): string {
  // An entity of a type the model does not know (another server's): shown as JSON, not dropped.
  let out = isKnownEntity(entity) ? renderEntityBody(entity, options) : `${jacksonPretty(entity)}\n`;
  for (const warning of entity.warnings ?? []) out += `WARNING: ${warning.message}\n`;
  return out;
}

/**
 * The answer to one /ksql request: each entity after a blank line, preceded by its statement when
 * the request produced several, as ksqlDB's CLI prints a script's results.
 */
export function renderEntityList(entities: readonly ServerEntity[], options: RenderOptions = {}): string {
  const showStatements = entities.length > 1;
  return entities
    .map((e) => `\n${showStatements ? `${text(e.statementText)}\n` : ''}${renderEntity(e, options)}`)
    .join('');
}
