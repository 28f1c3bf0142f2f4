import { valueToText } from './coerce.js';
import { type ConfigKey, validatorDescription } from './config-def.js';
import { SERVER_PROPERTIES } from './definitions.js';
import { envVarForConnectProperty, envVarForServerProperty } from './env.js';
import { HIDDEN } from './password.js';
import { WORKER_CONFIG_DEF } from './worker-properties.js';

function cell(text: string): string {
  return text
    .replaceAll('\\', '\\\\')
    .replaceAll('|', '\\|')
    .replace(/\s*\n\s*/g, ' ');
}

function code(text: string): string {
  return `\`${text}\``;
}

function defaultText(key: ConfigKey): string {
  if (key.derivedDefault !== undefined) return code(key.derivedDefault.describe);
  const d = key.defaultValue;
  if (d === undefined) return '_(required)_';
  if (d === null) return '_(unset)_';
  if (key.type === 'PASSWORD') return HIDDEN;
  const text = valueToText(d);
  return text === '' ? '_(empty)_' : code(text);
}

function description(key: ConfigKey): string {
  const describe = validatorDescription(key);
  const valid = describe === undefined ? '' : ` Valid values: ${describe}.`;
  const unsupported =
    key.notSupported === undefined
      ? ''
      : ` **Not supported yet** (${key.notSupported}): only the default is accepted.`;
  return `${key.documentation}${valid}${unsupported}`;
}

/** How a table names the environment variable that sets a key; null: an importance column instead. */
export type EnvVarFor = ((name: string) => string) | null;

/** Display width of a cell, as the markdown formatter (biome) counts it. */
function width(text: string): number {
  return [...text].length;
}

/** A markdown table with its columns padded, as biome formats tables, so the linter leaves it alone. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = [header, ...rows].map((row) => row.map(cell));
  const widths = header.map((_, i) => Math.max(3, ...cells.map((row) => width(row[i]))));
  const line = (row: readonly string[]) =>
    `| ${row.map((text, i) => text + ' '.repeat(widths[i] - width(text))).join(' | ')} |`;
  return [line(cells[0]), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}

/** A markdown table of the given properties, in declaration order. */
export function renderPropertiesTable(
  keys: readonly ConfigKey[],
  envVarFor: EnvVarFor = envVarForServerProperty,
): string {
  const header = [
    'Property',
    'Type',
    'Default',
    envVarFor === null ? 'Importance' : 'Environment variable',
    'Description',
  ];
  const rows = keys.map((k) => [
    code(k.name),
    k.type.toLowerCase(),
    defaultText(k),
    envVarFor === null ? k.importance.toLowerCase() : code(envVarFor(k.name)),
    description(k),
  ]);
  return markdownTable(header, rows);
}

/** Keys by their group, groups in order of first appearance. */
export function byGroup(keys: readonly ConfigKey[], fallback: string): Map<string, ConfigKey[]> {
  const groups = new Map<string, ConfigKey[]>();
  for (const k of keys) {
    const group = k.group ?? fallback;
    const list = groups.get(group) ?? [];
    list.push(k);
    groups.set(group, list);
  }
  return groups;
}

/**
 * docs/configuration.md: the server's properties, then the Connect worker's, one table per group,
 * generated from the declarations (`npm run docs` writes it; a test fails when it drifts).
 */
export function renderConfigurationReference(
  server: readonly ConfigKey[] = SERVER_PROPERTIES,
  worker: readonly ConfigKey[] = WORKER_CONFIG_DEF.configKeys(),
): string {
  const parts = [
    '# Configuration',
    '',
    '<!-- Generated from src/config/definitions.ts and src/config/worker-properties.ts by `npm run docs`; do not edit by hand. -->',
    '',
    '## Server properties',
    '',
    'Precedence: command-line flag > environment variable > properties file (`--config`) > default.',
    'An environment variable name is the property name upper-cased with `_` for `.`, `__` for `_`',
    'and `___` for `-`, prefixed with `KSQL_`. `KSQL_CONNECT_*` variables configure the embedded',
    'Connect worker instead (`KSQL_CONNECT_GROUP_ID` sets the worker key `group.id`).',
    'Keys under `ksql.streams.`, `ksql.connect.` and `ksql.functions.` that are not listed here are accepted with a',
    'warning that they have no effect. A property marked _not supported yet_ accepts only its default: any other',
    'value is refused at start, as is any unlisted security setting (`ssl.*`, `sasl.*`, `authentication.*`, …),',
    'so that no setting is silently ignored. A `password` property is never shown: the effective',
    'configuration the server logs at start, and SHOW PROPERTIES, print `[hidden]`.',
  ];
  for (const [group, list] of byGroup(server, 'Other')) {
    parts.push('', `### ${group}`, '', renderPropertiesTable(list));
  }
  parts.push(
    '',
    '## Connect worker properties',
    '',
    "Kafka Connect's names. The server's embedded worker takes them from `KSQL_CONNECT_*` variables",
    '(the column below); `sluice connect` from its worker properties file, `CONNECT_*` variables and flags.',
    'A key not listed here is named at start with the nearest known key, as a likely misspelling; keys',
    'starting with `key.converter.`, `value.converter.`, `header.converter.` and `config.providers.` are',
    "passed to the converter or provider they name; Kafka clients' `producer.`, `consumer.`, `admin.`,",
    '`sasl.` and other `ssl.` settings are accepted without effect (no Kafka clients run in the worker).',
  );
  for (const [group, list] of byGroup(worker, 'Other')) {
    parts.push('', `### ${group}`, '', renderPropertiesTable(list, envVarForConnectProperty));
  }
  return `${parts.join('\n')}\n`;
}
