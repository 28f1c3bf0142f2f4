import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigException } from '../../connect/api/index.js';
import {
  formatInstant,
  instantFromOffsetFields,
  instantToOffsetFields,
  parseInstant,
  TimeZone,
} from './instants.js';
import { parseJdbcSourceConfig } from './jdbc-source-config.js';
import { JdbcSourceConnector } from './jdbc-source-connector.js';
import { groupTables } from './table-discovery.js';
import { tableFilter, tableSelected } from './table-filter.js';

const base = {
  'connection.url': 'jdbc:postgresql://localhost:5432/shop',
  'topic.prefix': 'shop-',
};

/** Each key with errors, and its errors. */
function errors(props: Record<string, string>): Record<string, string[]> {
  return Object.fromEntries(
    new JdbcSourceConnector()
      .validate(props)
      .filter((v) => v.errors.length > 0)
      .map((v) => [v.name, [...v.errors]]),
  );
}

test('a valid config has no errors, and parses to its settings with Confluent’s defaults', () => {
  assert.deepEqual(errors({ ...base, mode: 'bulk' }), {});
  const s = parseJdbcSourceConfig({
    ...base,
    mode: 'timestamp+incrementing',
    'incrementing.column.name': 'id',
    'timestamp.column.name': 'modified, created',
    'connection.user': 'app',
    'connection.password': 'secret',
  });
  assert.deepEqual(s.timestampColumns, ['modified', 'created']);
  assert.equal(s.incrementingColumn, 'id');
  assert.deepEqual(
    [
      s.pollIntervalMs,
      s.batchMaxRows,
      s.tablePollIntervalMs,
      s.timestampDelayMs,
      s.numericMapping,
      s.timeZone.name,
    ],
    [5000, 100, 60_000, 0, 'none', 'UTC'],
  );
  assert.deepEqual(
    [s.connection.user, s.connection.password, s.connection.database],
    ['app', 'secret', 'shop'],
  );
  assert.equal(
    parseJdbcSourceConfig({ ...base, mode: 'bulk', 'numeric.precision.mapping': 'true' }).numericMapping,
    'precision_only',
  );
  assert.equal(parseJdbcSourceConfig({ ...base, mode: 'bulk', query: 'SELECT 1 ;  ' }).query, 'SELECT 1');
  assert.equal(new JdbcSourceConnector().config().isSecret('connection.password'), true);
});

test('a mode without the columns it needs is refused at config time, by key', () => {
  assert.deepEqual(errors(base), { mode: ['Query mode must be specified'] });
  assert.deepEqual(errors({ ...base, mode: 'sideways' }), {
    mode: [
      'Invalid value sideways for configuration mode: String must be one of: bulk, incrementing, timestamp, timestamp+incrementing',
    ],
  });
  assert.deepEqual(errors({ ...base, mode: 'incrementing' }), {
    'incrementing.column.name': ['Incrementing column name must be set for mode incrementing'],
  });
  assert.deepEqual(errors({ ...base, mode: 'timestamp' }), {
    'timestamp.column.name': ['At least one timestamp column name must be set for mode timestamp'],
  });
  assert.deepEqual(Object.keys(errors({ ...base, mode: 'timestamp+incrementing' })).sort(), [
    'incrementing.column.name',
    'timestamp.column.name',
  ]);
});

test('query with table lists, and table lists that exclude each other, are refused on every key involved', () => {
  const both = 'query may not be combined with whole-table copying settings';
  assert.deepEqual(errors({ ...base, mode: 'bulk', query: 'SELECT 1', 'table.whitelist': 'a' }), {
    query: [both],
    'table.whitelist': [both],
  });
  assert.deepEqual(errors({ ...base, mode: 'bulk', 'table.whitelist': 'a', 'table.blacklist': 'b' }), {
    'table.whitelist': ['table.whitelist and table.blacklist are exclusive'],
    'table.blacklist': ['table.whitelist and table.blacklist are exclusive'],
  });
  assert.deepEqual(
    Object.keys(errors({ ...base, mode: 'bulk', 'table.whitelist': 'a', 'table.include.list': 'b' })),
    ['table.whitelist', 'table.include.list'],
  );
  assert.deepEqual(errors({ ...base, mode: 'bulk', 'table.exclude.list': 'b' }), {
    'table.exclude.list': ['table.exclude.list cannot be used without table.include.list'],
  });
  assert.match(
    errors({ ...base, mode: 'bulk', 'table.include.list': 'a(' })['table.include.list'][0],
    /not a valid regular expression/,
  );
});

test('an unparseable URL, a missing topic.prefix, bad numbers, zones and enums are each reported by key', () => {
  const e = errors({
    'connection.url': 'jdbc:mysql://localhost/shop',
    mode: 'bulk',
    'batch.max.rows': '0',
    'poll.interval.ms': 'often',
    'db.timezone': 'Mars/Olympus',
    'numeric.mapping': 'exact',
    'table.types': 'TABLE,SYNONYM',
    'connection.attempts': '0',
  });
  assert.deepEqual(Object.keys(e).sort(), [
    'batch.max.rows',
    'connection.attempts',
    'connection.url',
    'db.timezone',
    'numeric.mapping',
    'poll.interval.ms',
    'table.types',
    'topic.prefix',
  ]);
  assert.match(e['connection.url'][0], /expected jdbc:postgresql/);
  assert.match(e['topic.prefix'][0], /Missing required configuration "topic.prefix"/);
  assert.throws(
    () => parseJdbcSourceConfig({ ...base, mode: 'incrementing', 'connection.url': 'nope' }),
    (err: unknown) =>
      err instanceof ConfigException &&
      err.problems
        .map((p) => p.key)
        .sort()
        .join() === 'connection.url,incrementing.column.name',
  );
});

test('tables are spread over tasks as Kafka Connect’s groupPartitions does: contiguous runs, longer first', () => {
  assert.deepEqual(groupTables(['a', 'b', 'c', 'd', 'e'], 3), [['a', 'b'], ['c', 'd'], ['e']]);
  assert.deepEqual(groupTables(['a', 'b', 'c', 'd', 'e', 'f', 'g'], 3), [
    ['a', 'b', 'c'],
    ['d', 'e'],
    ['f', 'g'],
  ]);
  assert.deepEqual(groupTables(['a', 'b'], 2), [['a'], ['b']]);
});

test('table lists match table, schema.table, db.schema.table or the quoted form; include/exclude match whole names by regex', () => {
  const t = { database: 'shop', schema: 'public', table: 'orders' };
  const pick = (lists: Partial<Record<'whitelist' | 'blacklist' | 'include' | 'exclude', string[]>>) =>
    tableSelected(tableFilter({ whitelist: [], blacklist: [], include: [], exclude: [], ...lists }), t);
  for (const name of ['orders', 'public.orders', 'shop.public.orders', '"shop"."public"."orders"'])
    assert.equal(pick({ whitelist: [name] }), true, name);
  assert.equal(pick({ whitelist: ['order'] }), false);
  assert.equal(pick({ blacklist: ['public.orders'] }), false);
  assert.equal(pick({ include: ['public\\.ord.*'] }), true);
  assert.equal(pick({ include: ['ord'] }), false, 'a regex must match a whole name');
  assert.equal(pick({ include: ['.*'], exclude: ['.*\\.orders'] }), false);
});

test('timestamp offsets keep PostgreSQL’s microseconds through Confluent’s millisecond + nanosecond fields', () => {
  const utc = new TimeZone('UTC');
  const n = parseInstant('2024-02-29 23:59:59.123456+00', utc);
  assert.deepEqual(instantToOffsetFields(n), {
    timestamp: Date.UTC(2024, 1, 29, 23, 59, 59, 123),
    timestamp_nanos: 123_456_000,
  });
  assert.equal(instantFromOffsetFields(Date.UTC(2024, 1, 29, 23, 59, 59, 123), 123_456_000), n);
  assert.equal(formatInstant(n), '2024-02-29 23:59:59.123456+00');
  const before1970 = parseInstant('1969-12-31 23:59:59.5+00', utc);
  assert.deepEqual(instantToOffsetFields(before1970), { timestamp: -500, timestamp_nanos: 500_000_000 });
  assert.equal(instantFromOffsetFields(-500, 500_000_000), before1970);
  assert.equal(formatInstant(before1970), '1969-12-31 23:59:59.500000+00');
  assert.equal(
    parseInstant('2024-06-01 10:00:00+05:30', utc),
    parseInstant('2024-06-01 10:00:00', new TimeZone('Asia/Kolkata')),
  );
  assert.equal(
    parseInstant('2024-01-15 12:00:00', new TimeZone('America/New_York')),
    parseInstant('2024-01-15 17:00:00+00', utc),
  );
  assert.equal(
    parseInstant('2024-07-15 12:00:00', new TimeZone('America/New_York')),
    parseInstant('2024-07-15 16:00:00+00', utc),
    'daylight saving time',
  );
});
