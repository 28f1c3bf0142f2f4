import type { FieldInfo, RunningQuery, SourceDescription } from './ksql-entity.js';
import { schemaTypeText } from './schema-type-text.js';
import { renderTextTable } from './text-table.js';

/** `%-20s : %s`, the label layout of ksqlDB's DESCRIBE output. */
export function labelled(label: string, value: unknown): string {
  return `${label.padEnd(20)} : ${String(value)}\n`;
}

function fieldTypeText(field: FieldInfo, windowType: string | null, isTable: boolean): string {
  const type = schemaTypeText(field.schema);
  if (field.type === 'HEADER') {
    const marker = field.headerKey === undefined ? '(headers)' : `(header('${field.headerKey}'))`;
    return `${type.padEnd(16)} ${marker}`;
  }
  if (field.type === 'KEY') {
    const window = windowType ? ` (Window type: ${windowType})` : '';
    return `${type.padEnd(16)} ${isTable ? '(primary key)' : '(key)'}${window}`;
  }
  return type;
}

/** The `Field | Type` table of a source's or a query's columns; empty when there are none. */
export function fieldsTable(
  fields: readonly FieldInfo[],
  windowType: string | null,
  isTable: boolean,
  maxWidth?: number,
): string {
  if (fields.length === 0) return '';
  return renderTextTable(
    { headers: ['Field', 'Type'], rows: fields.map((f) => [f.name, fieldTypeText(f, windowType, isTable)]) },
    maxWidth,
  );
}

function schemaTable(source: SourceDescription, maxWidth?: number): string {
  return fieldsTable(source.fields, source.windowType, source.type.toUpperCase() === 'TABLE', maxWidth);
}

function queriesSection(queries: readonly RunningQuery[], type: string, operation: string): string {
  if (queries.length === 0) return '';
  // "write from" is ksqlDB's wording; kept so output matches.
  let out = `\nQueries that ${operation} from this ${type}\n-----------------------------------\n`;
  for (const q of queries) {
    out += `${q.id} (${q.state ?? 'N/A'}) : ${q.queryString.replaceAll('\n', ' ')}\n`;
  }
  return `${out}\nFor query topology and execution plan please run: EXPLAIN <QueryId>\n`;
}

/** DESCRIBE [EXTENDED] of a stream or table, as ksqlDB's CLI prints it. */
export function renderSourceDescription(source: SourceDescription, maxWidth?: number): string {
  let out = labelled('Name', source.name);
  if (!source.extended) {
    return `${out}${schemaTable(source, maxWidth)}For runtime statistics and query details run: DESCRIBE <Stream,Table> EXTENDED;\n`;
  }
  out += labelled('Type', source.type);
  out += labelled(
    'Timestamp field',
    source.timestamp === '' ? 'Not set - using <ROWTIME>' : source.timestamp,
  );
  out += labelled('Key format', source.keyFormat);
  out += labelled('Value format', source.valueFormat);
  if (source.topic !== '') {
    // Partitions are 0 when the server could not describe the topic; ksqlDB then leaves them out.
    const detail =
      source.partitions === 0
        ? ''
        : ` (partitions: ${source.partitions}, replication: ${source.replication})`;
    out += `${labelled('Kafka topic', source.topic).trimEnd()}${detail}\n`;
  }
  out += labelled('Statement', source.statement);
  out += '\n';
  out += schemaTable(source, maxWidth);
  const constraints = source.sourceConstraints ?? [];
  if (constraints.length > 0) {
    out +=
      '\nSources that have a DROP constraint on this source\n--------------------------------------------------\n';
    for (const name of constraints) out += `${name}\n`;
  }
  out += queriesSection(source.readQueries, source.type, 'read');
  out += queriesSection(source.writeQueries, source.type, 'write');
  out += `\nLocal runtime statistics\n------------------------\n${source.statistics}\n${source.errorStats}\n`;
  out += `(Statistics of the local KSQL server interaction with the Kafka topic ${source.topic})\n`;
  return out;
}
