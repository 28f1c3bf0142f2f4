import {
  ConfigDef,
  ConfigException,
  type ConfigValue,
  type ConfigValueType,
  enumValue,
  Validators,
} from '../../connect/api/index.js';
import {
  defineConnectionConfig,
  type PostgresConnection,
  parseConnectionUrl,
} from '../postgres/connection.js';
import { TOPIC_PLACEHOLDER } from './table-ref.js';

// The JDBC sink's keys, under Confluent's names and defaults, and the checks that span keys.

export type InsertMode = 'insert' | 'upsert' | 'update';
export type PkMode = 'none' | 'kafka' | 'record_key' | 'record_value';

export const INSERT_MODES: readonly InsertMode[] = ['insert', 'upsert', 'update'];
export const PK_MODES: readonly PkMode[] = ['none', 'kafka', 'record_key', 'record_value'];
export const KAFKA_PK_DEFAULTS = ['__connect_topic', '__connect_partition', '__connect_offset'] as const;

export interface JdbcSinkConfig {
  readonly connection: PostgresConnection;
  readonly connectionAttempts: number;
  readonly connectionBackoffMs: number;
  readonly tableNameFormat: string;
  readonly insertMode: InsertMode;
  readonly pkMode: PkMode;
  /** As configured; for pk.mode=kafka, the three column names (defaults filled in). */
  readonly pkFields: readonly string[];
  readonly fieldsWhitelist: readonly string[];
  readonly autoCreate: boolean;
  readonly autoEvolve: boolean;
  readonly deleteEnabled: boolean;
  readonly batchSize: number;
  readonly maxRetries: number;
  readonly retryBackoffMs: number;
  readonly dbTimezone: string;
  readonly quoteIdentifiers: boolean;
}

function validTimeZone(_name: string, value: ConfigValueType): void {
  if (typeof value !== 'string') return;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
  } catch {
    throw new Error('Invalid time zone identifier');
  }
}

const WRITES = 'Writes';
const DATA = 'Data Mapping';
const DDL = 'DDL Support';
const RETRIES = 'Retries';

export function jdbcSinkConfigDef() {
  return defineConnectionConfig(new ConfigDef(), 'Connection')
    .define({
      name: 'dialect.name',
      type: 'STRING',
      defaultValue: '',
      importance: 'LOW',
      group: 'Connection',
      documentation: 'Only PostgreSQL is supported: empty or PostgreSqlDatabaseDialect.',
      validator: (_name, value) => {
        if (typeof value === 'string' && value !== '' && value !== 'PostgreSqlDatabaseDialect')
          throw new Error('Only PostgreSqlDatabaseDialect is supported');
      },
    })
    .define({
      name: 'insert.mode',
      type: 'STRING',
      defaultValue: 'insert',
      importance: 'HIGH',
      group: WRITES,
      documentation:
        'insert: plain INSERT (COPY); upsert: INSERT … ON CONFLICT (pk) DO UPDATE; update: UPDATE rows matched by pk.',
      validator: Validators.oneOfIgnoringCase(...INSERT_MODES),
      recommendedValues: [...INSERT_MODES],
    })
    .define({
      name: 'batch.size',
      type: 'INT',
      defaultValue: 3000,
      importance: 'MEDIUM',
      group: WRITES,
      documentation: 'At most this many rows per statement (COPY, multi-row INSERT, UPDATE or DELETE).',
      validator: Validators.atLeast(1),
    })
    .define({
      name: 'delete.enabled',
      type: 'BOOLEAN',
      defaultValue: false,
      importance: 'MEDIUM',
      group: WRITES,
      documentation: 'Tombstones (null values) delete the row with their key. Needs pk.mode=record_key.',
    })
    .define({
      name: 'table.name.format',
      type: 'STRING',
      defaultValue: TOPIC_PLACEHOLDER,
      importance: 'MEDIUM',
      group: DATA,
      documentation: `The destination table, with ${TOPIC_PLACEHOLDER} replaced by the record's topic; schema.table names a schema.`,
      validator: Validators.nonEmptyString(),
    })
    .define({
      name: 'table.types',
      type: 'LIST',
      defaultValue: ['TABLE'],
      importance: 'LOW',
      group: DATA,
      documentation: 'Accepted for compatibility; rows are written to tables (or views that accept them).',
    })
    .define({
      name: 'pk.mode',
      type: 'STRING',
      defaultValue: 'none',
      importance: 'HIGH',
      group: DATA,
      documentation:
        'none: no key; kafka: topic, partition and offset; record_key: fields of the key (or the key itself); record_value: fields of the value.',
      validator: Validators.oneOfIgnoringCase(...PK_MODES),
      recommendedValues: [...PK_MODES],
    })
    .define({
      name: 'pk.fields',
      type: 'LIST',
      defaultValue: [],
      importance: 'MEDIUM',
      group: DATA,
      documentation:
        'kafka: the three column names (default __connect_topic,__connect_partition,__connect_offset); record_key: the key fields (all when empty) or the column name of a primitive key; record_value: the value fields (all when empty).',
    })
    .define({
      name: 'fields.whitelist',
      type: 'LIST',
      defaultValue: [],
      importance: 'MEDIUM',
      group: DATA,
      documentation: 'Value fields to write (all when empty); key columns are always written.',
    })
    .define({
      name: 'db.timezone',
      type: 'STRING',
      defaultValue: 'UTC',
      importance: 'MEDIUM',
      group: DATA,
      documentation:
        'The session time zone: timestamps written to columns without a time zone are wall-clock times in this zone.',
      validator: validTimeZone,
    })
    .define({
      name: 'auto.create',
      type: 'BOOLEAN',
      defaultValue: false,
      importance: 'MEDIUM',
      group: DDL,
      documentation: 'Create a missing table from the record schema (or, schemaless, from the records).',
    })
    .define({
      name: 'auto.evolve',
      type: 'BOOLEAN',
      defaultValue: false,
      importance: 'MEDIUM',
      group: DDL,
      documentation: 'Add columns for fields the table lacks (ALTER TABLE … ADD COLUMN).',
    })
    .define({
      name: 'quote.sql.identifiers',
      type: 'STRING',
      defaultValue: 'always',
      importance: 'MEDIUM',
      group: DDL,
      documentation:
        'always: table and column names are quoted (kept as written); never: unquoted (PostgreSQL folds them to lower case).',
      validator: Validators.oneOfIgnoringCase('always', 'never'),
      recommendedValues: ['always', 'never'],
    })
    .define({
      name: 'max.retries',
      type: 'INT',
      defaultValue: 10,
      importance: 'MEDIUM',
      group: RETRIES,
      documentation:
        'How many times a put that failed because of the database (unreachable, restarting, deadlock) is redelivered before the task fails.',
      validator: Validators.atLeast(0),
    })
    .define({
      name: 'retry.backoff.ms',
      type: 'INT',
      defaultValue: 3000,
      importance: 'MEDIUM',
      group: RETRIES,
      documentation: 'How long to wait before redelivering after such a failure.',
      validator: Validators.atLeast(0),
    });
}

/** Single-key checks, then the checks that span keys, each reported under the key to change. */
export function validateJdbcSinkConfig(props: Readonly<Record<string, string>>): ConfigValue[] {
  const values = jdbcSinkConfigDef().validate(props);
  const byName = new Map(values.map((v) => [v.name, v]));
  const ok = (name: string) => (byName.get(name)?.errors.length ?? 1) === 0;
  const value = (name: string) => byName.get(name)?.value;
  const add = (name: string, message: string) => {
    const v = byName.get(name);
    if (v !== undefined) byName.set(name, { ...v, errors: [...v.errors, message] });
  };
  const lower = (name: string) => String(value(name) ?? '').toLowerCase();
  if (
    ok('pk.mode') &&
    ok('delete.enabled') &&
    value('delete.enabled') === true &&
    lower('pk.mode') !== 'record_key'
  )
    add('delete.enabled', "Deletes need pk.mode=record_key (the tombstone's key names the row).");
  if (ok('pk.mode') && ok('insert.mode') && lower('insert.mode') !== 'insert' && lower('pk.mode') === 'none')
    add(
      'pk.mode',
      `insert.mode=${lower('insert.mode')} needs a primary key: set pk.mode to kafka, record_key or record_value.`,
    );
  const given = value('pk.fields');
  const pkFields = Array.isArray(given) ? given : [];
  if (ok('pk.mode') && lower('pk.mode') === 'kafka' && pkFields.length !== 0 && pkFields.length !== 3)
    add(
      'pk.fields',
      'pk.mode=kafka needs three column names (topic, partition, offset) or none for the defaults.',
    );
  if (pkFields.some((f) => f === '')) add('pk.fields', 'Field names must not be empty.');
  return values.map((v) => byName.get(v.name) ?? v);
}

/** The typed config, or a ConfigException listing every problem by key. */
export function parseJdbcSinkConfig(props: Readonly<Record<string, string>>): JdbcSinkConfig {
  const results = validateJdbcSinkConfig(props);
  const problems = results.flatMap((r) => r.errors.map((message) => ({ key: r.name, message })));
  if (problems.length > 0) throw new ConfigException(problems);
  const v = jdbcSinkConfigDef().parse(props);
  const pkMode = enumValue(PK_MODES, v['pk.mode']);
  const pkFields = v['pk.fields'];
  return {
    connection: parseConnectionUrl(v['connection.url'], {
      user: v['connection.user'],
      password: v['connection.password'],
    }),
    connectionAttempts: Math.max(1, v['connection.attempts']),
    connectionBackoffMs: v['connection.backoff.ms'],
    tableNameFormat: v['table.name.format'],
    insertMode: enumValue(INSERT_MODES, v['insert.mode']),
    pkMode,
    pkFields: pkMode === 'kafka' && pkFields.length === 0 ? [...KAFKA_PK_DEFAULTS] : pkFields,
    fieldsWhitelist: v['fields.whitelist'],
    autoCreate: v['auto.create'],
    autoEvolve: v['auto.evolve'],
    deleteEnabled: v['delete.enabled'],
    batchSize: v['batch.size'],
    maxRetries: v['max.retries'],
    retryBackoffMs: v['retry.backoff.ms'],
    dbTimezone: v['db.timezone'],
    quoteIdentifiers: v['quote.sql.identifiers'].toLowerCase() === 'always',
  };
}
