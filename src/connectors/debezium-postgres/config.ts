import {
  ConfigDef,
  type ConfigValue,
  type ConfigValueType,
  enumValue,
  Validators,
} from '../../connect/api/index.js';
import type { PostgresConnection } from '../postgres/connection.js';

// Debezium's PostgreSQL connector settings, under Debezium's names and defaults (plugin.name aside:
// only pgoutput, built into PostgreSQL 10+, is supported, so it is the default here).

export const SNAPSHOT_MODES = ['initial', 'never', 'no_data', 'initial_only', 'always'] as const;
export const DECIMAL_MODES = ['precise', 'double', 'string'] as const;
export const PUBLICATION_MODES = ['all_tables', 'filtered', 'disabled'] as const;
export const TIME_PRECISION_MODES = ['adaptive', 'adaptive_time_microseconds', 'connect'] as const;
export const INTERVAL_MODES = ['numeric', 'string'] as const;
export const BINARY_MODES = ['bytes', 'base64', 'hex'] as const;

export type SnapshotMode = 'initial' | 'never' | 'initial_only' | 'always';
export type DecimalMode = (typeof DECIMAL_MODES)[number];
export type PublicationMode = (typeof PUBLICATION_MODES)[number];
export type TimePrecisionMode = (typeof TIME_PRECISION_MODES)[number];
export type IntervalMode = (typeof INTERVAL_MODES)[number];
export type BinaryMode = (typeof BINARY_MODES)[number];

/** How values are represented: the `*.handling.mode` and `time.precision.mode` settings. */
export interface ValueModes {
  readonly decimal: DecimalMode;
  readonly time: TimePrecisionMode;
  readonly interval: IntervalMode;
  readonly binary: BinaryMode;
}

export interface CdcConfig {
  readonly connection: PostgresConnection;
  readonly topicPrefix: string;
  readonly slotName: string;
  readonly publicationName: string;
  readonly publicationMode: PublicationMode;
  readonly tableInclude: readonly string[];
  readonly tableExclude: readonly string[];
  readonly schemaInclude: readonly string[];
  readonly schemaExclude: readonly string[];
  readonly columnInclude: readonly string[];
  readonly columnExclude: readonly string[];
  readonly snapshotMode: SnapshotMode;
  readonly modes: ValueModes;
  readonly tombstonesOnDelete: boolean;
  readonly maxBatchSize: number;
  readonly maxQueueSize: number;
  readonly pollIntervalMs: number;
  readonly statusUpdateIntervalMs: number;
  readonly slotDropOnStop: boolean;
  /** Reconnect attempts per outage before the task fails; -1 for no limit, 0 to fail at once. */
  readonly maxRetries: number;
  /** The wait before each reconnect attempt. */
  readonly retryWaitMs: number;
}

function oneOf(values: readonly string[]) {
  return { validator: Validators.oneOfIgnoringCase(...values), recommendedValues: values };
}

function regexList(_name: string, value: ConfigValueType): void {
  for (const r of Array.isArray(value) ? value : []) {
    try {
      new RegExp(r);
    } catch (err) {
      throw new Error(`'${r}' is not a valid regular expression: ${(err as Error).message}`);
    }
  }
}

/** A STRING key without a default: Kafka Connect reports it missing by name. */
function required<N extends string>(name: N, documentation: string, group: string) {
  return {
    name,
    type: 'STRING' as const,
    importance: 'HIGH' as const,
    group,
    documentation,
    validator: Validators.nonEmptyString(),
  };
}

export function cdcConfigDef() {
  const db = 'Connection';
  const filters = 'Filters';
  const events = 'Events';
  const runtime = 'Runtime';
  const list = <N extends string>(name: N, documentation: string) =>
    ({
      name,
      type: 'LIST',
      defaultValue: null,
      importance: 'MEDIUM',
      group: filters,
      documentation,
      validator: regexList,
    }) as const;
  return new ConfigDef()
    .define(required('database.hostname', 'The PostgreSQL server host name or address.', db))
    .define({
      name: 'database.port',
      type: 'INT',
      defaultValue: 5432,
      importance: 'HIGH',
      group: db,
      documentation: 'The PostgreSQL server port.',
      validator: Validators.between(1, 65535),
    })
    .define(required('database.user', 'The user to connect as; needs the REPLICATION attribute.', db))
    .define({
      name: 'database.password',
      type: 'PASSWORD',
      defaultValue: null,
      importance: 'HIGH',
      group: db,
      documentation: 'The password of database.user (never shown).',
    })
    .define(required('database.dbname', 'The database to capture changes from.', db))
    .define({
      name: 'database.sslmode',
      type: 'STRING',
      defaultValue: 'prefer',
      importance: 'MEDIUM',
      group: db,
      documentation:
        'disable, allow or prefer connect without TLS; require, verify-ca and verify-full use TLS (the certificate is not verified).',
      ...oneOf(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']),
    })
    .define({
      ...required(
        'topic.prefix',
        'Names this server: topics are <topic.prefix>.<schema>.<table>, and the source partition is {server: topic.prefix}.',
        events,
      ),
      validator: (_n: string, v: ConfigValueType) => {
        if (typeof v !== 'string' || v.trim() === '') throw new Error('String must be non-empty');
        if (!/^[A-Za-z0-9._-]+$/.test(v))
          throw new Error('Only letters, digits, ".", "_" and "-" are allowed (it starts topic names)');
      },
    })
    .define({
      name: 'plugin.name',
      type: 'STRING',
      defaultValue: 'pgoutput',
      importance: 'MEDIUM',
      group: db,
      documentation: "The logical decoding plugin. Only 'pgoutput' (built into PostgreSQL 10+) is supported.",
      recommendedValues: ['pgoutput'],
      validator: (_n, v) => {
        if (typeof v === 'string' && v.trim().toLowerCase() !== 'pgoutput')
          throw new Error(
            'Only plugin.name=pgoutput is supported: decoderbufs and wal2json need server plugins this connector does not read',
          );
      },
    })
    .define({
      name: 'slot.name',
      type: 'STRING',
      defaultValue: 'debezium',
      importance: 'MEDIUM',
      group: db,
      documentation: 'The permanent logical replication slot to create or reuse (one per connector).',
      validator: (_n, v) => {
        if (typeof v === 'string' && !/^[a-z0-9_]{1,63}$/.test(v))
          throw new Error('Slot names have 1 to 63 lower-case letters, digits or underscores');
      },
    })
    .define({
      name: 'publication.name',
      type: 'STRING',
      defaultValue: 'dbz_publication',
      importance: 'MEDIUM',
      group: db,
      documentation: 'The publication that chooses the tables pgoutput streams.',
      validator: Validators.nonEmptyString(),
    })
    .define({
      name: 'publication.autocreate.mode',
      type: 'STRING',
      defaultValue: 'all_tables',
      importance: 'MEDIUM',
      group: db,
      documentation:
        'all_tables: create the publication FOR ALL TABLES when missing; filtered: create it (or set its tables) for the tables the filters select; disabled: it must exist.',
      ...oneOf(PUBLICATION_MODES),
    })
    .define(list('schema.include.list', 'Regular expressions of schema names to capture (whole-name match).'))
    .define(list('schema.exclude.list', 'Regular expressions of schema names not to capture.'))
    .define(
      list('table.include.list', 'Regular expressions of schema.table names to capture (whole-name match).'),
    )
    .define(list('table.exclude.list', 'Regular expressions of schema.table names not to capture.'))
    .define(
      list(
        'column.include.list',
        'Regular expressions of schema.table.column names to keep in change events.',
      ),
    )
    .define(
      list('column.exclude.list', 'Regular expressions of schema.table.column names to leave out of events.'),
    )
    .define({
      name: 'snapshot.mode',
      type: 'STRING',
      defaultValue: 'initial',
      importance: 'MEDIUM',
      group: events,
      documentation:
        'initial: snapshot the tables once, then stream; never (or no_data): only stream; initial_only: snapshot, then stop; always: snapshot on every start, then stream.',
      ...oneOf(SNAPSHOT_MODES),
    })
    .define({
      name: 'decimal.handling.mode',
      type: 'STRING',
      defaultValue: 'precise',
      importance: 'MEDIUM',
      group: events,
      documentation:
        'NUMERIC and MONEY as precise (Connect Decimal; unconstrained NUMERIC as io.debezium.data.VariableScaleDecimal), double (FLOAT64) or string.',
      ...oneOf(DECIMAL_MODES),
    })
    .define({
      name: 'time.precision.mode',
      type: 'STRING',
      defaultValue: 'adaptive',
      importance: 'LOW',
      group: events,
      documentation:
        "adaptive: io.debezium.time types at the column's precision; adaptive_time_microseconds: TIME always as MicroTime; connect: Kafka Connect's Date, Time and Timestamp (millisecond precision).",
      ...oneOf(TIME_PRECISION_MODES),
    })
    .define({
      name: 'interval.handling.mode',
      type: 'STRING',
      defaultValue: 'numeric',
      importance: 'LOW',
      group: events,
      documentation: 'INTERVAL as numeric (io.debezium.time.MicroDuration) or string (ISO 8601).',
      ...oneOf(INTERVAL_MODES),
    })
    .define({
      name: 'binary.handling.mode',
      type: 'STRING',
      defaultValue: 'bytes',
      importance: 'LOW',
      group: events,
      documentation: 'BYTEA as bytes, base64 or hex strings.',
      ...oneOf(BINARY_MODES),
    })
    .define({
      name: 'tombstones.on.delete',
      type: 'BOOLEAN',
      defaultValue: true,
      importance: 'MEDIUM',
      group: events,
      documentation:
        'Follow each delete event with a tombstone (same key, null value) so compaction can drop the key.',
    })
    .define({
      name: 'max.batch.size',
      type: 'INT',
      defaultValue: 2048,
      importance: 'LOW',
      group: runtime,
      documentation: 'The most records one poll returns.',
      validator: Validators.atLeast(1),
    })
    .define({
      name: 'max.queue.size',
      type: 'INT',
      defaultValue: 8192,
      importance: 'LOW',
      group: runtime,
      documentation:
        'The most change records buffered before reading from PostgreSQL pauses (backpressure); at least max.batch.size.',
      validator: Validators.atLeast(1),
    })
    .define({
      name: 'poll.interval.ms',
      type: 'LONG',
      defaultValue: 500,
      importance: 'LOW',
      group: runtime,
      documentation: 'How long a poll waits for new changes before returning nothing (at most 1000).',
      validator: Validators.between(1, 1000),
    })
    .define({
      name: 'status.update.interval.ms',
      type: 'INT',
      defaultValue: 10_000,
      importance: 'LOW',
      group: runtime,
      documentation:
        'How often the connector reports its confirmed position to PostgreSQL (also a keepalive).',
      validator: Validators.atLeast(100),
    })
    .define({
      name: 'slot.drop.on.stop',
      type: 'BOOLEAN',
      defaultValue: false,
      importance: 'LOW',
      group: runtime,
      documentation:
        'Drop the replication slot when the task stops. For tests only: changes made while stopped are then lost.',
    })
    .define({
      name: 'errors.max.retries',
      type: 'INT',
      defaultValue: -1,
      importance: 'LOW',
      group: runtime,
      documentation:
        'How many times to reconnect after a retriable error (the server restarting or unreachable, the connection lost) before the task fails: -1 for no limit, 0 to fail at once.',
      validator: Validators.atLeast(-1),
    })
    .define({
      name: 'retriable.restart.connector.wait.ms',
      type: 'LONG',
      defaultValue: 10_000,
      importance: 'LOW',
      group: runtime,
      documentation: 'How long to wait before each reconnect attempt after a retriable error.',
      validator: Validators.atLeast(0),
    });
}

/** Kafka Connect's validation, plus the key combinations Debezium refuses. */
export function validateCdcConfig(props: Readonly<Record<string, string>>): ConfigValue[] {
  const values = cdcConfigDef().validate(props);
  const conflict = (include: string, exclude: string) => {
    const a = props[include]?.trim();
    const b = props[exclude]?.trim();
    if (a && b) {
      const i = values.findIndex((v) => v.name === exclude);
      values[i] = {
        ...values[i],
        errors: [...values[i].errors, `"${include}" is already specified`],
      };
    }
  };
  conflict('schema.include.list', 'schema.exclude.list');
  conflict('table.include.list', 'table.exclude.list');
  conflict('column.include.list', 'column.exclude.list');
  return values;
}

/** The typed config of a valid set of properties; throws listing every problem. */
export function readCdcConfig(props: Readonly<Record<string, string>>): CdcConfig {
  const problems = validateCdcConfig(props).flatMap((v) => v.errors.map((m) => `${v.name}: ${m}`));
  if (problems.length > 0)
    throw new Error(`Invalid PostgresConnector configuration:\n${problems.join('\n')}`);
  const p = cdcConfigDef().parse(props);
  const sslmode = p['database.sslmode'].toLowerCase();
  const snapshot = enumValue(SNAPSHOT_MODES, p['snapshot.mode']);
  const maxBatchSize = p['max.batch.size'];
  return {
    connection: {
      host: p['database.hostname'],
      port: p['database.port'],
      database: p['database.dbname'],
      user: p['database.user'],
      password: p['database.password']?.reveal(),
      ssl: !['disable', 'allow', 'prefer'].includes(sslmode),
    },
    topicPrefix: p['topic.prefix'],
    slotName: p['slot.name'],
    publicationName: p['publication.name'],
    publicationMode: enumValue(PUBLICATION_MODES, p['publication.autocreate.mode']),
    tableInclude: p['table.include.list'] ?? [],
    tableExclude: p['table.exclude.list'] ?? [],
    schemaInclude: p['schema.include.list'] ?? [],
    schemaExclude: p['schema.exclude.list'] ?? [],
    columnInclude: p['column.include.list'] ?? [],
    columnExclude: p['column.exclude.list'] ?? [],
    snapshotMode: snapshot === 'no_data' ? 'never' : snapshot,
    modes: {
      decimal: enumValue(DECIMAL_MODES, p['decimal.handling.mode']),
      time: enumValue(TIME_PRECISION_MODES, p['time.precision.mode']),
      interval: enumValue(INTERVAL_MODES, p['interval.handling.mode']),
      binary: enumValue(BINARY_MODES, p['binary.handling.mode']),
    },
    tombstonesOnDelete: p['tombstones.on.delete'],
    maxBatchSize,
    maxQueueSize: Math.max(p['max.queue.size'], maxBatchSize),
    pollIntervalMs: p['poll.interval.ms'],
    statusUpdateIntervalMs: p['status.update.interval.ms'],
    slotDropOnStop: p['slot.drop.on.stop'],
    maxRetries: p['errors.max.retries'],
    retryWaitMs: p['retriable.restart.connector.wait.ms'],
  };
}
