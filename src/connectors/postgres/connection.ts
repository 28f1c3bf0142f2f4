import type pg from 'pg';
import type { ConfigDef, Password } from '../../connect/api/index.js';

/** Where and how to connect, as node-postgres takes it. */
export interface PostgresConnection {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly ssl: boolean;
}

/**
 * Reads `jdbc:postgresql://host[:port]/db?user=…&password=…&sslmode=…` (the JDBC connector's form)
 * and `postgres://user:pass@host[:port]/db` / `postgresql://…` (libpq's). Explicit user and
 * password settings win over the URL's, as the JDBC connector's `connection.user` does.
 */
export function parseConnectionUrl(
  url: string,
  explicit: { user?: string | null; password?: Password | null } = {},
): PostgresConnection {
  const trimmed = url.trim();
  const bare = trimmed.replace(/^jdbc:/i, '');
  if (!/^postgres(ql)?:\/\//i.test(bare)) {
    throw new Error(
      `Invalid connection URL '${url}': expected jdbc:postgresql://host:port/database or postgres://user@host:port/database.`,
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(bare.replace(/^postgres(ql)?:/i, 'http:'));
  } catch {
    throw new Error(`Invalid connection URL '${url}': it is not a URL.`);
  }
  const query = parsed.searchParams;
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database === '') throw new Error(`Invalid connection URL '${url}': it names no database.`);
  const user =
    nonEmpty(explicit.user) ?? nonEmpty(decodeURIComponent(parsed.username)) ?? nonEmpty(query.get('user'));
  const password =
    nonEmpty(explicit.password?.reveal()) ??
    nonEmpty(decodeURIComponent(parsed.password)) ??
    nonEmpty(query.get('password'));
  const sslmode = query.get('sslmode') ?? (query.get('ssl') === 'true' ? 'require' : 'disable');
  return {
    host: parsed.hostname === '' ? 'localhost' : parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? 5432 : Number(parsed.port),
    database,
    user,
    password,
    ssl: sslmode !== 'disable' && sslmode !== 'allow' && sslmode !== 'prefer',
  };
}

/** The server and database, for messages: never the credentials. */
export function describeServer(c: PostgresConnection): string {
  return `${c.host}:${c.port}/${c.database}`;
}

function nonEmpty(s: string | null | undefined): string | undefined {
  return s === null || s === undefined || s === '' ? undefined : s;
}

/**
 * node-postgres settings for a connection. Every value arrives as PostgreSQL's text (no parsing by
 * node-postgres), so numerics stay exact and the connectors convert by column type themselves;
 * the session runs in UTC so timestamps without a zone read as UTC, as the JDBC connector's
 * default `db.timezone` does.
 */
export function clientConfig(c: PostgresConnection, applicationName: string): pg.ClientConfig {
  return {
    host: c.host,
    port: c.port,
    database: c.database,
    user: c.user,
    password: c.password,
    ssl: c.ssl ? { rejectUnauthorized: false } : false,
    application_name: applicationName,
    options: '-c TimeZone=UTC -c DateStyle=ISO,YMD -c IntervalStyle=iso_8601 -c extra_float_digits=3',
    types: { getTypeParser: () => (value: string) => value },
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
  };
}

/** The JDBC connectors' `connection.*` keys. */
export function defineConnectionConfig<T extends object>(def: ConfigDef<T>, group = 'Database') {
  return def
    .define({
      name: 'connection.url',
      type: 'STRING',
      importance: 'HIGH',
      group,
      documentation:
        'The PostgreSQL to connect to: jdbc:postgresql://host:port/database (user and password may be URL parameters) or postgres://user:password@host:port/database.',
      validator: (_name, value) => {
        if (typeof value !== 'string' || value.trim() === '') throw new Error('The URL must not be empty');
        parseConnectionUrl(value);
      },
    })
    .define({
      name: 'connection.user',
      type: 'STRING',
      defaultValue: null,
      importance: 'HIGH',
      group,
      documentation: 'The user to connect as (wins over one in the URL).',
    })
    .define({
      name: 'connection.password',
      type: 'PASSWORD',
      defaultValue: null,
      importance: 'HIGH',
      group,
      documentation: 'The password to connect with (never shown).',
    })
    .define({
      name: 'connection.attempts',
      type: 'INT',
      defaultValue: 3,
      importance: 'LOW',
      group,
      documentation: 'How many times to try to connect before the task fails.',
    })
    .define({
      name: 'connection.backoff.ms',
      type: 'LONG',
      defaultValue: 10_000,
      importance: 'LOW',
      group,
      documentation: 'How long to wait between connection attempts.',
    });
}

/** Double-quotes an identifier for SQL (never string-build values: those are parameters). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
