import { ERROR_CATALOGUE, type ErrorCode, type ErrorSurface } from './catalogue.js';

const SECTIONS: readonly { surface: ErrorSurface; title: string; intro: string }[] = [
  {
    surface: 'ksql',
    title: 'ksqlDB REST API',
    intro:
      'Answers of `/ksql`, `/query`, `/query-stream`, `/inserts-stream`, `/close-query` and `/status`, in ksqlDB\'s bodies: `{"@type": "generic_error", "error_code", "message"}`, or `statement_error` with the failed `statementText` and the `entities` of the statements before it. The code is ksqlDB\'s (HTTP status × 100 + detail).',
  },
  {
    surface: 'rest-proxy',
    title: 'REST Proxy API',
    intro:
      'Answers of `/v3/clusters/…` in Confluent REST Proxy\'s body `{"error_code", "message"}`; an error of the log adds its name as `code`.',
  },
  {
    surface: 'connect',
    title: 'Kafka Connect REST API',
    intro:
      'Answers of the Connect REST API (the embedded worker, port 8083 by default, and `sluice connect`) in Kafka Connect\'s body `{"error_code", "message"}`, where the code is the HTTP status.',
  },
  {
    surface: 'schema-registry',
    title: 'Schema Registry API',
    intro:
      'Answers of the Confluent-compatible Schema Registry (`sluice.schema.registry.listeners`, port 8081 by default) in Confluent\'s body `{"error_code", "message"}`; the HTTP status is the first three digits of the code.',
  },
  {
    surface: 'log',
    title: 'Log',
    intro:
      "Errors of the log, met by `sluice topic …`, REST Proxy (with the code shown and the name as `code`) and statements (on `/ksql` a statement's log error is answered as 40001 BAD_STATEMENT, 40300 FORBIDDEN for an internal topic, or 50000 SERVER_ERROR, with the same message).",
  },
  {
    surface: 'config',
    title: 'Configuration',
    intro:
      'Errors in properties files, `KSQL_*` environment variables and flags: the server refuses to start and names the property; a request property (`SET`, `streamsProperties`) is refused with 40000 BAD_REQUEST.',
  },
];

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replace(/\s*\n\s*/g, ' ');
}

/** A markdown table padded as biome formats tables (width in code points), so the linter leaves it be. */
function markdownTable(rows: readonly (readonly string[])[]): string[] {
  const width = (text: string) => [...text].length;
  const widths = rows[0].map((_, i) => Math.max(3, ...rows.map((row) => width(row[i]))));
  const line = (row: readonly string[]) =>
    `| ${row.map((text, i) => text + ' '.repeat(widths[i] - width(text))).join(' | ')} |`;
  return [line(rows[0]), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)];
}

/** docs/errors.md: every code of the catalogue, by where it is met, with its meaning and remedy. */
export function renderErrorsReference(): string {
  const names = Object.keys(ERROR_CATALOGUE) as ErrorCode[];
  const out = [
    '# Errors',
    '',
    '<!-- Generated from src/errors/catalogue.ts by `npm run docs`: edit the catalogue, not this page. -->',
    '',
    'Every error Sluice answers a user with has a name (`code`), a number (`error_code` in REST bodies),',
    'a message that names what was wrong, and, where one caused it, the offending statement or property.',
    'Messages carry no stack trace.',
  ];
  for (const section of SECTIONS) {
    out.push('', `## ${section.title}`, '', section.intro, '');
    const rows = [['Code', 'Name', 'HTTP', 'Meaning', 'What to do']];
    // By number; names sharing one keep the catalogue's order (sort is stable).
    const inSection = names.filter((n) => ERROR_CATALOGUE[n].surface === section.surface);
    for (const name of inSection.sort(
      (a, b) => ERROR_CATALOGUE[a].errorCode - ERROR_CATALOGUE[b].errorCode,
    )) {
      const e = ERROR_CATALOGUE[name];
      rows.push([String(e.errorCode), `\`${name}\``, String(e.httpStatus), cell(e.meaning), cell(e.remedy)]);
    }
    out.push(...markdownTable(rows));
  }
  return `${out.join('\n')}\n`;
}
