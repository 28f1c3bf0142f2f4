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
import { TimeZone } from './instants.js';
import { type TableFilter, tableFilter, tablePattern } from './table-filter.js';

// Confluent's JDBC source keys (those that apply to PostgreSQL), with its defaults.

export const MODES = ['bulk', 'incrementing', 'timestamp', 'timestamp+incrementing'] as const;
export type Mode = (typeof MODES)[number];

export const NUMERIC_MAPPINGS = ['none', 'precision_only', 'best_fit', 'best_fit_eager_double'] as const;
export type NumericMapping = (typeof NUMERIC_MAPPINGS)[number];

/** JDBC table types, as PostgreSQL's driver names its relation kinds. */
export const TABLE_TYPES = [
  'TABLE',
  'VIEW',
  'MATERIALIZED VIEW',
  'PARTITIONED TABLE',
  'FOREIGN TABLE',
  'SYSTEM TABLE',
  'SYSTEM VIEW',
] as const;

/** A LIST value's non-empty items (none for null or another type). */
function listOf(v: ConfigValueType | undefined): string[] {
  return Array.isArray(v) ? v.filter((s) => s !== '') : [];
}

const TABLE_LISTS = [
  'table.whitelist',
  'table.blacklist',
  'table.include.list',
  'table.exclude.list',
] as const;

function regexList(_name: string, value: ConfigValueType): void {
  for (const source of listOf(value)) {
    try {
      tablePattern(source);
    } catch {
      throw new Error(`'${source}' is not a valid regular expression`);
    }
  }
}

const GROUP_MODE = 'Mode';
const GROUP_CONNECTOR = 'Connector';

export const JDBC_SOURCE_CONFIG_DEF = defineConnectionConfig(new ConfigDef())
  .define({
    name: 'table.whitelist',
    type: 'LIST',
    defaultValue: [],
    importance: 'MEDIUM',
    group: 'Database',
    documentation:
      'Tables to copy, by name (table, schema.table or db.schema.table). If set, table.blacklist may not be.',
  })
  .define({
    name: 'table.blacklist',
    type: 'LIST',
    defaultValue: [],
    importance: 'MEDIUM',
    group: 'Database',
    documentation: 'Tables not to copy, by name. If set, table.whitelist may not be.',
  })
  .define({
    name: 'table.include.list',
    type: 'LIST',
    defaultValue: [],
    importance: 'MEDIUM',
    group: 'Database',
    validator: regexList,
    documentation:
      'Regular expressions: a table is copied when one matches the whole of table, schema.table or db.schema.table. Not with table.whitelist/blacklist.',
  })
  .define({
    name: 'table.exclude.list',
    type: 'LIST',
    defaultValue: [],
    importance: 'MEDIUM',
    group: 'Database',
    validator: regexList,
    documentation: 'Regular expressions of tables, among those table.include.list selects, not to copy.',
  })
  .define({
    name: 'schema.pattern',
    type: 'STRING',
    defaultValue: null,
    importance: 'HIGH',
    group: 'Database',
    documentation: 'A LIKE pattern of the schemas to look for tables in; unset: every schema.',
  })
  .define({
    name: 'numeric.mapping',
    type: 'STRING',
    defaultValue: null,
    importance: 'LOW',
    group: 'Database',
    recommendedValues: NUMERIC_MAPPINGS,
    validator: Validators.oneOfIgnoringCase(...NUMERIC_MAPPINGS),
    documentation:
      'NUMERIC columns: none (Connect Decimal), precision_only (integers for scale 0 and precision up to 18), best_fit (also FLOAT64 for a scale above 0 and precision up to 18), best_fit_eager_double (FLOAT64 for any scale above 0).',
  })
  .define({
    name: 'numeric.precision.mapping',
    type: 'BOOLEAN',
    defaultValue: false,
    importance: 'LOW',
    group: 'Database',
    documentation: 'Deprecated: true means numeric.mapping=precision_only when numeric.mapping is unset.',
  })
  .define({
    name: 'dialect.name',
    type: 'STRING',
    defaultValue: '',
    importance: 'LOW',
    group: 'Database',
    validator: Validators.oneOfIgnoringCase('', 'PostgreSqlDatabaseDialect'),
    documentation: 'Only PostgreSQL is supported: empty or PostgreSqlDatabaseDialect.',
  })
  .define({
    name: 'mode',
    type: 'STRING',
    defaultValue: '',
    importance: 'HIGH',
    group: GROUP_MODE,
    recommendedValues: MODES,
    validator: Validators.emptyOr(Validators.oneOfIgnoringCase(...MODES)),
    documentation:
      'How each poll reads a table: bulk (all rows), incrementing (rows with a greater incrementing column), timestamp (rows with a newer timestamp), timestamp+incrementing (both, so updates are caught and every row has a unique position).',
  })
  .define({
    name: 'incrementing.column.name',
    type: 'STRING',
    defaultValue: '',
    importance: 'MEDIUM',
    group: GROUP_MODE,
    documentation:
      'The strictly increasing column (integer, or NUMERIC with scale 0) of the incrementing modes.',
  })
  .define({
    name: 'timestamp.column.name',
    type: 'LIST',
    defaultValue: [],
    importance: 'MEDIUM',
    group: GROUP_MODE,
    documentation:
      'Timestamp columns of the timestamp modes; with several, a row’s timestamp is the first that is not null (COALESCE).',
  })
  .define({
    name: 'validate.non.null',
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'LOW',
    group: GROUP_MODE,
    documentation:
      'Fail a task whose incrementing column is nullable, or whose timestamp columns are all nullable (tables only).',
  })
  .define({
    name: 'query',
    type: 'STRING',
    defaultValue: '',
    importance: 'MEDIUM',
    group: GROUP_MODE,
    documentation:
      'A custom query instead of whole tables: one task; the incremental modes append WHERE … ORDER BY … LIMIT to it, so it must not have its own WHERE.',
  })
  .define({
    name: 'table.types',
    type: 'LIST',
    defaultValue: ['TABLE'],
    importance: 'LOW',
    group: GROUP_CONNECTOR,
    recommendedValues: TABLE_TYPES,
    validator: (_name, value) => {
      const known: readonly string[] = TABLE_TYPES;
      const bad = listOf(value).filter((t) => !known.includes(t.toUpperCase()));
      if (bad.length > 0)
        throw new Error(`Unknown table types ${bad.join(', ')}; use ${TABLE_TYPES.join(', ')}`);
    },
    documentation: `Relation kinds to copy: ${TABLE_TYPES.join(', ')}.`,
  })
  .define({
    name: 'poll.interval.ms',
    type: 'INT',
    defaultValue: 5000,
    importance: 'HIGH',
    group: GROUP_CONNECTOR,
    validator: Validators.atLeast(1),
    documentation: 'How often to query each table for new data, in milliseconds.',
  })
  .define({
    name: 'batch.max.rows',
    type: 'INT',
    defaultValue: 100,
    importance: 'LOW',
    group: GROUP_CONNECTOR,
    validator: Validators.atLeast(1),
    documentation: 'At most this many rows per query page and per poll.',
  })
  .define({
    name: 'table.poll.interval.ms',
    type: 'LONG',
    defaultValue: 60_000,
    importance: 'LOW',
    group: GROUP_CONNECTOR,
    validator: Validators.atLeast(1),
    documentation: 'How often to look for new or removed tables; a change reconfigures the tasks.',
  })
  .define({
    name: 'topic.prefix',
    type: 'STRING',
    importance: 'HIGH',
    group: GROUP_CONNECTOR,
    documentation: 'Topic of a table: this prefix and the table name. With query: the whole topic name.',
  })
  .define({
    name: 'timestamp.delay.interval.ms',
    type: 'LONG',
    defaultValue: 0,
    importance: 'HIGH',
    group: GROUP_CONNECTOR,
    validator: Validators.atLeast(0),
    documentation:
      'Rows are read only once their timestamp is this much older than the database’s clock, so transactions still open with older timestamps are not skipped.',
  })
  .define({
    name: 'timestamp.initial',
    type: 'LONG',
    defaultValue: null,
    importance: 'LOW',
    group: GROUP_CONNECTOR,
    documentation:
      'Epoch milliseconds the timestamp modes start after when there is no offset; -1: the current time; unset: everything.',
  })
  .define({
    name: 'db.timezone',
    type: 'STRING',
    defaultValue: 'UTC',
    importance: 'MEDIUM',
    group: GROUP_CONNECTOR,
    validator: (_name, value) => {
      try {
        TimeZone.check(String(value));
      } catch {
        throw new Error('Invalid time zone identifier');
      }
    },
    documentation: 'The zone TIMESTAMP (without time zone) columns are in, for their values and comparisons.',
  });

export interface JdbcSourceSettings {
  readonly connection: PostgresConnection;
  readonly connectionAttempts: number;
  readonly connectionBackoffMs: number;
  readonly mode: Mode;
  readonly incrementingColumn: string | null;
  readonly timestampColumns: readonly string[];
  readonly validateNonNull: boolean;
  /** The custom query (trailing semicolon removed), or null when copying tables. */
  readonly query: string | null;
  readonly tableFilter: TableFilter;
  readonly tableTypes: readonly string[];
  readonly schemaPattern: string | null;
  readonly topicPrefix: string;
  readonly pollIntervalMs: number;
  readonly batchMaxRows: number;
  readonly tablePollIntervalMs: number;
  readonly timestampDelayMs: number;
  readonly timestampInitialMs: number | null;
  readonly numericMapping: NumericMapping;
  readonly timeZone: TimeZone;
}

type Problem = { key: string; message: string };

const blank = (v: ConfigValueType | undefined) => typeof v !== 'string' || v.trim() === '';

/** What single keys cannot say: the mode's columns, and keys that exclude each other. */
function crossKeyProblems(typed: Readonly<Record<string, ConfigValueType>>): Problem[] {
  const problems: Problem[] = [];
  const mode = typeof typed.mode === 'string' ? typed.mode.toLowerCase() : '';
  if (mode === '') problems.push({ key: 'mode', message: 'Query mode must be specified' });
  if (
    (mode === 'incrementing' || mode === 'timestamp+incrementing') &&
    blank(typed['incrementing.column.name'])
  )
    problems.push({
      key: 'incrementing.column.name',
      message: `Incrementing column name must be set for mode ${mode}`,
    });
  if (
    (mode === 'timestamp' || mode === 'timestamp+incrementing') &&
    listOf(typed['timestamp.column.name']).length === 0
  )
    problems.push({
      key: 'timestamp.column.name',
      message: `At least one timestamp column name must be set for mode ${mode}`,
    });
  const lists = TABLE_LISTS.filter((k) => listOf(typed[k]).length > 0);
  if (!blank(typed.query) && lists.length > 0) {
    for (const key of ['query', ...lists])
      problems.push({ key, message: 'query may not be combined with whole-table copying settings' });
  } else {
    if (lists.includes('table.whitelist') && lists.includes('table.blacklist'))
      for (const key of ['table.whitelist', 'table.blacklist'])
        problems.push({ key, message: 'table.whitelist and table.blacklist are exclusive' });
    const legacy = lists.filter((k) => k === 'table.whitelist' || k === 'table.blacklist');
    const regexes = lists.filter((k) => k === 'table.include.list' || k === 'table.exclude.list');
    if (legacy.length > 0 && regexes.length > 0)
      for (const key of lists)
        problems.push({
          key,
          message:
            'table.whitelist/table.blacklist cannot be combined with table.include.list/table.exclude.list',
        });
    else if (regexes.includes('table.exclude.list') && !regexes.includes('table.include.list'))
      problems.push({
        key: 'table.exclude.list',
        message: 'table.exclude.list cannot be used without table.include.list',
      });
  }
  if (typeof typed['connection.attempts'] === 'number' && typed['connection.attempts'] < 1)
    problems.push({ key: 'connection.attempts', message: 'Value must be at least 1' });
  return problems;
}

/** Every key's value and its problems, single-key and cross-key, as the validate endpoint shows them. */
export function validateJdbcSourceConfig(props: Readonly<Record<string, string>>): ConfigValue[] {
  const values = JDBC_SOURCE_CONFIG_DEF.validate(props);
  const typed = Object.fromEntries(values.map((v) => [v.name, v.value]));
  const problems = crossKeyProblems(typed);
  return values.map((v) => {
    const errors = problems.filter((p) => p.key === v.name).map((p) => p.message);
    return errors.length === 0 ? v : { ...v, errors: [...v.errors, ...errors] };
  });
}

/** The settings of a valid config; otherwise a ConfigException naming each offending key. */
export function parseJdbcSourceConfig(props: Readonly<Record<string, string>>): JdbcSourceSettings {
  const values = validateJdbcSourceConfig(props);
  const problems = values.flatMap((v) => v.errors.map((message) => ({ key: v.name, message })));
  if (problems.length > 0) throw new ConfigException(problems);
  const t = JDBC_SOURCE_CONFIG_DEF.parse(props);
  const numericMapping = enumValue(
    NUMERIC_MAPPINGS,
    t['numeric.mapping'] ?? (t['numeric.precision.mapping'] ? 'precision_only' : 'none'),
  );
  const query = t.query.trim().replace(/\s*;\s*$/, '');
  const incrementing = t['incrementing.column.name'].trim();
  return {
    connection: parseConnectionUrl(t['connection.url'], {
      user: t['connection.user'],
      password: t['connection.password'],
    }),
    connectionAttempts: t['connection.attempts'],
    connectionBackoffMs: t['connection.backoff.ms'],
    mode: enumValue(MODES, t.mode),
    incrementingColumn: incrementing === '' ? null : incrementing,
    timestampColumns: listOf(t['timestamp.column.name']),
    validateNonNull: t['validate.non.null'],
    query: query === '' ? null : query,
    tableFilter: tableFilter({
      whitelist: listOf(t['table.whitelist']),
      blacklist: listOf(t['table.blacklist']),
      include: listOf(t['table.include.list']),
      exclude: listOf(t['table.exclude.list']),
    }),
    tableTypes: listOf(t['table.types']).map((s) => s.toUpperCase()),
    schemaPattern: t['schema.pattern'],
    topicPrefix: t['topic.prefix'],
    pollIntervalMs: t['poll.interval.ms'],
    batchMaxRows: t['batch.max.rows'],
    tablePollIntervalMs: t['table.poll.interval.ms'],
    timestampDelayMs: t['timestamp.delay.interval.ms'],
    timestampInitialMs: t['timestamp.initial'],
    numericMapping,
    timeZone: new TimeZone(t['db.timezone']),
  };
}
