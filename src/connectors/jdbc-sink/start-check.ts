import type pg from 'pg';
import { describeServer } from '../postgres/connection.js';
import { databaseMessage } from '../postgres/errors.js';
import type { JdbcSinkConfig } from './jdbc-sink-config.js';
import type { PgSession } from './pg-session.js';
import { Identifiers, TableNames } from './table-ref.js';

// What the sink checks when it starts, so that CREATE … CONNECTOR fails at once with the reason
// instead of the first record finding it: the database takes the login, and the table of each
// topic exists and takes the writes, or auto.create may create it.

/** The privileges writing needs on an existing table. */
function neededPrivileges(config: JdbcSinkConfig): string[] {
  const needed = config.insertMode === 'update' ? ['UPDATE'] : ['INSERT'];
  if (config.insertMode === 'upsert') needed.push('UPDATE');
  if (config.deleteEnabled) needed.push('DELETE');
  return needed;
}

export async function checkSinkTarget(
  config: JdbcSinkConfig,
  topics: readonly string[],
  session: PgSession,
): Promise<void> {
  const where = `PostgreSQL at ${describeServer(config.connection)} (connection.url)`;
  let client: pg.Client;
  try {
    client = await session.get();
  } catch (err) {
    throw new Error(
      `Could not connect to ${where}: ${databaseMessage(err)}. Check connection.url, connection.user and connection.password.`,
    );
  }
  const ids = new Identifiers(config.quoteIdentifiers);
  const names = new TableNames(config.tableNameFormat, ids);
  for (const topic of topics) {
    const ref = names.forTopic(topic);
    const parts = ref.display.split('.').slice(-2);
    // Values arrive as PostgreSQL's text (see clientConfig): booleans are 't' and 'f'.
    // The table's schema first: without USAGE on it, PostgreSQL will not even say whether the table exists.
    const found = await client.query<{
      user: string;
      schema: string | null;
      present: string;
      usable: string | null;
      creatable: string | null;
    }>(
      `select current_user as user, s.name as schema, n.oid is not null as present,
              case when n.oid is null then null else has_schema_privilege(n.oid, 'USAGE') end as usable,
              case when n.oid is null then null else has_schema_privilege(n.oid, 'CREATE') end as creatable
         from (select coalesce($1::text, current_schema()) as name) s
         left join pg_namespace n on n.nspname = s.name`,
      [parts.length === 2 ? ids.stored(parts[0]) : null],
    );
    const { user, schema, present, usable, creatable } = found.rows[0];
    const table = `Table ${ref.display} (topic ${topic})`;
    if (schema === null || present !== 't')
      throw new Error(
        `${table} cannot be written in ${where}: ${schema === null ? 'no schema of the search_path exists' : `schema ${schema} does not exist`}. Create the schema, or change table.name.format.`,
      );
    if (usable !== 't')
      throw new Error(
        `${table} cannot be written in ${where}: user ${user} may not use schema ${schema}. Grant USAGE on the schema, or connect as another user.`,
      );
    const oid = (await client.query<{ oid: string | null }>('select to_regclass($1)::oid as oid', [ref.sql]))
      .rows[0].oid;
    if (oid !== null) {
      const missing: string[] = [];
      for (const privilege of neededPrivileges(config)) {
        const granted = await client.query<{ ok: string }>('select has_table_privilege($1::oid, $2) as ok', [
          oid,
          privilege,
        ]);
        if (granted.rows[0].ok !== 't') missing.push(privilege);
      }
      if (missing.length > 0)
        throw new Error(
          `User ${user} may not ${missing.join(', ')} table ${ref.display} (topic ${topic}) in ${where}: grant ${missing.join(', ')} on it, or connect as another user.`,
        );
      continue;
    }
    if (!config.autoCreate)
      throw new Error(
        `${table} does not exist in ${where} and auto.create is disabled: create the table, or set auto.create=true.`,
      );
    if (creatable !== 't')
      throw new Error(
        `${table} does not exist in ${where}, and user ${user} may not create it in schema ${schema} (auto.create=true): grant CREATE on the schema, or create the table.`,
      );
  }
}
