import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { coerce, valueToText } from './coerce.js';
import { SERVER_PROPERTIES } from './definitions.js';
import { renderConfigurationReference, renderPropertiesTable } from './docs.js';
import { isDerivedDefault, type PropertyDefinition } from './property.js';

const rowFor = (table: string, name: string): string | undefined =>
  table.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));

describe('the property declarations', () => {
  test('declare each name once', () => {
    const names = SERVER_PROPERTIES.map((d) => d.name);
    assert.equal(new Set(names).size, names.length);
  });

  test('give every property a doc sentence', () => {
    for (const d of SERVER_PROPERTIES) assert.match(d.doc, /^[A-Z].*\.$/, d.name);
  });

  test('have defaults that pass their own type and validator', () => {
    for (const d of SERVER_PROPERTIES) {
      if (d.default === undefined || isDerivedDefault(d.default)) continue;
      const reparsed = coerce(d.type, valueToText(d.default));
      assert.ok(reparsed.ok, `${d.name} default does not parse as ${d.type}`);
      assert.equal(d.validator?.check(reparsed.value), undefined, `${d.name} default fails its validator`);
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
        `${SERVER_PROPERTIES.find((d) => d.name === 'sluice.log.durability')?.doc} Valid values: interval, fsync. |`,
    );
    assert.match(
      rowFor(table, 'listeners') ?? '',
      /^\| `listeners` \| list \| `http:\/\/0\.0\.0\.0:8088` \| `KSQL_LISTENERS` \|/,
    );
  });

  test('shows unset, empty and derived defaults in words', () => {
    const table = renderPropertiesTable(SERVER_PROPERTIES);
    assert.match(rowFor(table, 'ksql.schema.registry.url') ?? '', /\| \*\(unset\)\* \|/);
    assert.match(rowFor(table, 'ksql.output.topic.name.prefix') ?? '', /\| \*\(empty\)\* \|/);
    assert.match(
      rowFor(table, 'ksql.logging.processing.topic.name') ?? '',
      /\| `<ksql\.service\.id>ksql_processing_log` \|/,
    );
  });

  test('escapes pipes and folds line breaks so a doc cannot break the table', () => {
    const odd: PropertyDefinition = {
      name: 'sluice.odd',
      group: 'Test',
      type: 'password',
      default: undefined,
      importance: 'low',
      doc: 'A | B\nC.',
    };
    const row = renderPropertiesTable([odd]).split('\n')[2];
    assert.equal(row, '| `sluice.odd` | password | *(unset)* | `KSQL_SLUICE_ODD` | A \\| B C. |');
  });
});

describe('renderConfigurationReference', () => {
  test('has a section per group and mentions every property', () => {
    const page = renderConfigurationReference();
    for (const group of new Set(SERVER_PROPERTIES.map((d) => d.group)))
      assert.ok(page.includes(`\n## ${group}\n`), group);
    for (const { name } of SERVER_PROPERTIES) assert.ok(rowFor(page, name) !== undefined, name);
    assert.ok(page.endsWith('\n'));
  });
});
