import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readCdcConfig } from './config.js';
import { CaptureFilter } from './filters.js';
import { PostgresConnector } from './postgres-connector.js';

const valid = {
  'database.hostname': 'db',
  'database.user': 'u',
  'database.dbname': 'shop',
  'topic.prefix': 'srv',
};

function errorsByKey(props: Record<string, string>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of new PostgresConnector().validate(props))
    if (v.errors.length > 0) out[v.name] = [...v.errors];
  return out;
}

test('validate reports each problem under its key', () => {
  assert.deepEqual(errorsByKey(valid), {});
  const errors = errorsByKey({
    'plugin.name': 'wal2json',
    'snapshot.mode': 'sometimes',
    'table.include.list': 'a.b',
    'table.exclude.list': 'c.d',
    'column.exclude.list': '(',
  });
  assert.deepEqual(Object.keys(errors).sort(), [
    'column.exclude.list',
    'database.dbname',
    'database.hostname',
    'database.user',
    'plugin.name',
    'snapshot.mode',
    'table.exclude.list',
    'topic.prefix',
  ]);
  assert.match(errors['plugin.name'][0], /Only plugin\.name=pgoutput is supported/);
  assert.match(errors['snapshot.mode'][0], /must be one of: initial, never, no_data, initial_only, always/);
  assert.match(errors['table.exclude.list'][0], /"table.include.list" is already specified/);
  assert.equal(new PostgresConnector().config().isSecret('database.password'), true);
});

test('defaults follow Debezium; no_data means never', () => {
  const c = readCdcConfig({ ...valid, 'snapshot.mode': 'no_data' });
  assert.deepEqual(
    [c.slotName, c.publicationName, c.publicationMode, c.snapshotMode, c.modes.decimal, c.tombstonesOnDelete],
    ['debezium', 'dbz_publication', 'all_tables', 'never', 'precise', true],
  );
  assert.deepEqual(
    [c.connection.port, c.maxBatchSize, c.maxQueueSize, c.pollIntervalMs, c.slotDropOnStop],
    [5432, 2048, 8192, 500, false],
  );
  assert.deepEqual(new PostgresConnector().taskConfigs(4).length, 1, 'one task, as Debezium');
});

test('filters match whole names, ignoring case, and never capture system schemas', () => {
  const f = new CaptureFilter(
    readCdcConfig({
      ...valid,
      'table.include.list': 'public\\.ord.*',
      'column.exclude.list': 'public\\.orders\\.secret',
    }),
  );
  assert.equal(f.table({ schema: 'public', table: 'Orders' }), true);
  assert.equal(f.table({ schema: 'xpublic', table: 'orders' }), false);
  assert.equal(f.table({ schema: 'pg_catalog', table: 'pg_class' }), false);
  assert.equal(f.column({ schema: 'public', table: 'orders' }, 'secret'), false);
  assert.equal(f.column({ schema: 'public', table: 'orders' }, 'id'), true);
});
