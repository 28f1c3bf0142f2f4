// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${topic} is table.name.format's placeholder, not a template.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigException } from '../../connect/api/index.js';
import { plugins } from './index.js';
import { parseJdbcSinkConfig, validateJdbcSinkConfig } from './jdbc-sink-config.js';
import { JdbcSinkConnector } from './jdbc-sink-connector.js';

const base = { 'connection.url': 'jdbc:postgresql://db.example:5433/shop?user=app' };

function errorsByKey(props: Record<string, string>): Record<string, string[]> {
  return Object.fromEntries(
    validateJdbcSinkConfig(props)
      .filter((v) => v.errors.length > 0)
      .map((v) => [v.name, [...v.errors]]),
  );
}

test("defaults are Confluent's, and pk.mode=kafka names its three columns by default", () => {
  const c = parseJdbcSinkConfig({ ...base, 'pk.mode': 'kafka', 'connection.password': 'secret' });
  assert.deepEqual(
    { ...c, connection: undefined },
    {
      connection: undefined,
      connectionAttempts: 3,
      connectionBackoffMs: 10_000,
      tableNameFormat: '${topic}',
      insertMode: 'insert',
      pkMode: 'kafka',
      pkFields: ['__connect_topic', '__connect_partition', '__connect_offset'],
      fieldsWhitelist: [],
      autoCreate: false,
      autoEvolve: false,
      deleteEnabled: false,
      batchSize: 3000,
      maxRetries: 10,
      retryBackoffMs: 3000,
      dbTimezone: 'UTC',
      quoteIdentifiers: true,
    },
  );
  assert.deepEqual(c.connection, {
    host: 'db.example',
    port: 5433,
    database: 'shop',
    user: 'app',
    password: 'secret',
    ssl: false,
  });
  // Enum values in any case, as ksqlDB users write them.
  assert.equal(
    parseJdbcSinkConfig({ ...base, 'insert.mode': 'UPSERT', 'pk.mode': 'RECORD_KEY' }).insertMode,
    'upsert',
  );
});

test('validation reports every problem under its key: enums, URL, key combinations, time zone, numbers', () => {
  assert.deepEqual(
    errorsByKey({
      'connection.url': 'jdbc:mysql://h/db',
      'insert.mode': 'merge',
      'pk.mode': 'primary',
      'quote.sql.identifiers': 'sometimes',
      'db.timezone': 'Mars/Olympus',
      'batch.size': '0',
      'auto.create': 'maybe',
    }),
    {
      'connection.url': [
        "Invalid value jdbc:mysql://h/db for configuration connection.url: Invalid connection URL 'jdbc:mysql://h/db': expected jdbc:postgresql://host:port/database or postgres://user@host:port/database.",
      ],
      'insert.mode': [
        'Invalid value merge for configuration insert.mode: String must be one of: insert, upsert, update',
      ],
      'pk.mode': [
        'Invalid value primary for configuration pk.mode: String must be one of: none, kafka, record_key, record_value',
      ],
      'quote.sql.identifiers': [
        'Invalid value sometimes for configuration quote.sql.identifiers: String must be one of: always, never',
      ],
      'db.timezone': [
        'Invalid value Mars/Olympus for configuration db.timezone: Invalid time zone identifier',
      ],
      'batch.size': ['Invalid value 0 for configuration batch.size: Value must be at least 1'],
      'auto.create': [
        'Invalid value maybe for configuration auto.create: Expected value to be either true or false',
      ],
    },
  );
  assert.deepEqual(errorsByKey({}), {
    'connection.url': ['Missing required configuration "connection.url" which has no default value.'],
  });
});

test('deletes need pk.mode=record_key, upsert and update need a key, kafka keys need three names', () => {
  assert.deepEqual(errorsByKey({ ...base, 'delete.enabled': 'true', 'pk.mode': 'record_value' }), {
    'delete.enabled': ["Deletes need pk.mode=record_key (the tombstone's key names the row)."],
  });
  assert.deepEqual(errorsByKey({ ...base, 'insert.mode': 'upsert' }), {
    'pk.mode': ['insert.mode=upsert needs a primary key: set pk.mode to kafka, record_key or record_value.'],
  });
  assert.deepEqual(errorsByKey({ ...base, 'insert.mode': 'update', 'pk.mode': 'none' }), {
    'pk.mode': ['insert.mode=update needs a primary key: set pk.mode to kafka, record_key or record_value.'],
  });
  assert.deepEqual(errorsByKey({ ...base, 'pk.mode': 'kafka', 'pk.fields': 'a,b' }), {
    'pk.fields': [
      'pk.mode=kafka needs three column names (topic, partition, offset) or none for the defaults.',
    ],
  });
  assert.deepEqual(
    errorsByKey({ ...base, 'delete.enabled': 'true', 'pk.mode': 'record_key', 'insert.mode': 'upsert' }),
    {},
  );
});

test("the connector validates with these rules, refuses to start on a bad config, and is registered under Confluent's class", async () => {
  const connector = new JdbcSinkConnector();
  const values = connector.validate({ ...base, 'insert.mode': 'upsert' });
  assert.deepEqual(
    values.filter((v) => v.errors.length > 0).map((v) => v.name),
    ['pk.mode'],
  );
  assert.ok(connector.config().isSecret('connection.password'));
  assert.throws(
    () => connector.start({ ...base, 'delete.enabled': 'true' }),
    (err: unknown) =>
      err instanceof ConfigException && err.problems.length === 1 && err.problems[0].key === 'delete.enabled',
  );
  // A good config goes on to check the database, which is not there: stopping ends the wait.
  const started = connector.start(base);
  assert.deepEqual(connector.taskConfigs(2), [base, base]);
  connector.stop();
  await assert.rejects(
    started,
    /Could not connect to PostgreSQL at db\.example:5433\/shop \(connection\.url\)/,
  );
  assert.deepEqual(
    plugins.map((p) => [p.className, p.type]),
    [['io.confluent.connect.jdbc.JdbcSinkConnector', 'sink']],
  );
});
