import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { coerce, valueToText } from './coerce.js';
import { type ConfigKey, defaultOf, validatorProblem } from './config-def.js';
import { SERVER_PROPERTIES } from './definitions.js';
import { renderConfigurationReference, renderPropertiesTable } from './docs.js';
import { WORKER_CONFIG_DEF } from './worker-properties.js';

/** A table row with the formatter's padding taken out. */
const rowFor = (table: string, name: string): string | undefined =>
  table
    .split('\n')
    .map((line) => line.replace(/ {2,}/g, ' '))
    .find((line) => line.startsWith(`| \`${name}\` |`));

describe('the property declarations', () => {
  test('declare each name once', () => {
    const names = SERVER_PROPERTIES.map((d) => d.name);
    assert.equal(new Set(names).size, names.length);
  });

  test('give every property a doc sentence', () => {
    for (const d of SERVER_PROPERTIES) assert.match(d.documentation, /^[A-Z].*\.$/, d.name);
  });

  test('have defaults that pass their own type and validator', () => {
    for (const d of SERVER_PROPERTIES) {
      const value = defaultOf(d);
      if (value === undefined || value === null) continue;
      const reparsed = coerce(d.type, valueToText(value));
      assert.ok(reparsed.ok, `${d.name} default does not parse as ${d.type}`);
      assert.equal(validatorProblem(d, reparsed.value), undefined, `${d.name} default fails its validator`);
    }
  });
});

describe('renderPropertiesTable', () => {
  test('has one row per declared property with its type, default, variable and doc', () => {
    const table = renderPropertiesTable(SERVER_PROPERTIES);
    const rows = table.split('\n').slice(2);
    assert.equal(rows.length, SERVER_PROPERTIES.length);
    assert.equal(
      rowFor(table, 'sluice.log.durability'),
      '| `sluice.log.durability` | string | `interval` | `KSQL_SLUICE_LOG_DURABILITY` | ' +
        `${SERVER_PROPERTIES.find((d) => d.name === 'sluice.log.durability')?.documentation} Valid values: interval, fsync. |`,
    );
    assert.match(
      rowFor(table, 'listeners') ?? '',
      /^\| `listeners` \| list \| `http:\/\/0\.0\.0\.0:8088` \| `KSQL_LISTENERS` \|/,
    );
  });

  test('shows unset, empty and derived defaults in words', () => {
    const table = renderPropertiesTable(SERVER_PROPERTIES);
    assert.match(rowFor(table, 'ksql.schema.registry.url') ?? '', /\| _\(unset\)_ \|/);
    assert.match(rowFor(table, 'ksql.output.topic.name.prefix') ?? '', /\| _\(empty\)_ \|/);
    assert.match(
      rowFor(table, 'ksql.logging.processing.topic.name') ?? '',
      /\| `<ksql\.service\.id>ksql_processing_log` \|/,
    );
  });

  test('pads every column to one width, as the markdown formatter does', () => {
    const lines = renderPropertiesTable(SERVER_PROPERTIES).split('\n');
    assert.equal(new Set(lines.map((line) => [...line].length)).size, 1);
    assert.match(lines[1], /^\| -+ \| -+ \| -+ \| -+ \| -+ \|$/);
  });

  test('escapes pipes and folds line breaks so a doc cannot break the table', () => {
    const odd: ConfigKey = {
      name: 'sluice.odd',
      group: 'Test',
      type: 'PASSWORD',
      defaultValue: null,
      importance: 'LOW',
      documentation: 'A | B\nC.',
    };
    assert.equal(
      rowFor(renderPropertiesTable([odd]), 'sluice.odd'),
      '| `sluice.odd` | password | _(unset)_ | `KSQL_SLUICE_ODD` | A \\| B C. |',
    );
  });
});

describe('renderConfigurationReference', () => {
  test('has a section per group and mentions every server and worker property', () => {
    const page = renderConfigurationReference();
    for (const group of new Set(SERVER_PROPERTIES.map((d) => d.group)))
      assert.ok(page.includes(`\n### ${group}\n`), group);
    for (const { name } of SERVER_PROPERTIES) assert.ok(rowFor(page, name) !== undefined, name);
    for (const { name } of WORKER_CONFIG_DEF.configKeys()) assert.ok(rowFor(page, name) !== undefined, name);
    assert.ok(page.endsWith('\n'));
  });

  test('gives a worker property its KSQL_CONNECT_ variable and hides a password default', () => {
    const page = renderConfigurationReference();
    assert.match(
      rowFor(page, 'offset.flush.interval.ms') ?? '',
      /^\| `offset\.flush\.interval\.ms` \| long \| `1000` \| `KSQL_CONNECT_OFFSET_FLUSH_INTERVAL_MS` \|/,
    );
    assert.match(rowFor(page, 'ssl.keystore.password') ?? '', /\| password \| _\(unset\)_ \|/);
  });
});
