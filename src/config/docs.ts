import { valueToText } from './coerce.js';
import { SERVER_PROPERTIES } from './definitions.js';
import { envVarForServerProperty } from './env.js';
import { HIDDEN } from './password.js';
import { isDerivedDefault, type PropertyDefinition } from './property.js';

function cell(text: string): string {
  return text
    .replaceAll('\\', '\\\\')
    .replaceAll('|', '\\|')
    .replace(/\s*\n\s*/g, ' ');
}

function code(text: string): string {
  return `\`${text}\``;
}

function defaultText(definition: PropertyDefinition): string {
  const d = definition.default;
  if (d === undefined) return '*(unset)*';
  if (isDerivedDefault(d)) return code(d.describe);
  if (definition.type === 'password') return HIDDEN;
  const text = valueToText(d);
  return text === '' ? '*(empty)*' : code(text);
}

function description(definition: PropertyDefinition): string {
  const valid = definition.validator === undefined ? '' : ` Valid values: ${definition.validator.describe}.`;
  const unsupported =
    definition.notSupported === undefined
      ? ''
      : ` **Not supported yet** (${definition.notSupported}): only the default is accepted.`;
  return `${definition.doc}${valid}${unsupported}`;
}

/** A markdown table of the given properties, in declaration order. */
export function renderPropertiesTable(definitions: readonly PropertyDefinition[]): string {
  const rows = [
    '| Property | Type | Default | Environment variable | Description |',
    '|---|---|---|---|---|',
  ];
  for (const d of definitions) {
    const columns = [
      code(d.name),
      d.type,
      defaultText(d),
      code(envVarForServerProperty(d.name)),
      description(d),
    ];
    rows.push(`| ${columns.map(cell).join(' | ')} |`);
  }
  return rows.join('\n');
}

/** The configuration reference page: one table per group, generated from the declarations. */
export function renderConfigurationReference(
  definitions: readonly PropertyDefinition[] = SERVER_PROPERTIES,
): string {
  const groups = new Map<string, PropertyDefinition[]>();
  for (const d of definitions) {
    const list = groups.get(d.group) ?? [];
    list.push(d);
    groups.set(d.group, list);
  }
  const parts = [
    '# Server configuration',
    '',
    'Generated from `src/config/definitions.ts`; do not edit by hand.',
    '',
    'Precedence: command-line flag > environment variable > properties file (`--config`) > default.',
    'An environment variable name is the property name upper-cased with `_` for `.`, `__` for `_`',
    'and `___` for `-`, prefixed with `KSQL_`. `KSQL_CONNECT_*` variables configure the embedded',
    'Connect worker instead (`KSQL_CONNECT_GROUP_ID` sets the worker key `group.id`).',
    'Keys under `ksql.streams.`, `ksql.connect.` and `ksql.functions.` that are not listed here are accepted with a',
    'warning that they have no effect. A property marked *not supported yet* accepts only its default: any other',
    'value is refused at start, as is any unlisted security setting (`ssl.*`, `sasl.*`, `authentication.*`, …),',
    'so that no setting is silently ignored.',
  ];
  for (const [group, list] of groups) {
    parts.push('', `## ${group}`, '', renderPropertiesTable(list));
  }
  return `${parts.join('\n')}\n`;
}
