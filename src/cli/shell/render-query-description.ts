import type { QueryDescription } from './ksql-entity.js';
import { fieldsTable, labelled } from './render-source-description.js';
import { renderTextTable } from './text-table.js';

/** A titled section as ksqlDB's Console prints them: `%n%-20s%n%-20s`, then the lines. */
function section(title: string, underline: string, lines: readonly string[], after = ''): string {
  if (lines.length === 0) return '';
  return `\n${title.padEnd(20)}\n${underline.padEnd(20)}\n${lines.join('\n')}\n${after}`;
}

/** Java's Map.toString: `{k=v, l=w}`. */
function mapText(map: Readonly<Record<string, unknown>>): string {
  return `{${Object.entries(map)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ')}}`;
}

/** EXPLAIN of a query id or a statement, as ksqlDB's CLI prints it. */
export function renderQueryDescription(query: QueryDescription, width?: number): string {
  let out = labelled('ID', query.id);
  out += labelled('Query Type', query.queryType);
  if (query.statementText !== '') out += labelled('SQL', query.statementText);
  if (Object.keys(query.ksqlHostQueryStatus).length > 0) {
    out += labelled('Host Query Status', mapText(query.ksqlHostQueryStatus));
  }
  out += `\n${fieldsTable(query.fields, query.windowType, false, width)}`;
  out += section(
    'Sources that this query reads from: ',
    '-----------------------------------',
    query.sources,
    '\nFor source description please run: DESCRIBE [EXTENDED] <SourceId>\n',
  );
  out += section(
    'Sinks that this query writes to: ',
    '-----------------------------------',
    query.sinks,
    '\nFor sink description please run: DESCRIBE [EXTENDED] <SinkId>\n',
  );
  if (query.executionPlan !== '') {
    out += section('Execution plan', '--------------', [query.executionPlan]);
  }
  if (query.topology !== '') {
    out += section('Processing topology', '-------------------', [query.topology]);
  }
  const overridden = Object.entries(query.overriddenProperties);
  if (overridden.length > 0) {
    out += `\n${'Overridden Properties'.padEnd(20)}\n${'---------------------'.padEnd(20)}\n`;
    out += renderTextTable(
      { headers: ['Property', 'Value'], rows: overridden.map(([k, v]) => [k, String(v)]) },
      width,
    );
  }
  return out;
}
