import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { SourceConnectorContext } from '../../connect/api/index.js';
import { startTestPostgres, type TestPostgres } from '../postgres/test-postgres.fixture.js';
import { JdbcSourceConnector } from './jdbc-source-connector.js';

let db: TestPostgres;
before(async () => {
  db = await startTestPostgres();
  await db.query('CREATE SCHEMA sales');
  for (const t of ['alpha', 'beta', 'gamma', 'delta', 'epsilon'])
    await db.query(`CREATE TABLE public.${t} (id int)`);
  await db.query('CREATE TABLE sales.orders (id int)');
  await db.query('CREATE VIEW public.alpha_view AS SELECT * FROM public.alpha');
});
after(async () => {
  await db.close();
});

function props(extra: Record<string, string>): Record<string, string> {
  return {
    'connection.url': db.url,
    'topic.prefix': 'pg-',
    mode: 'bulk',
    ...extra,
  };
}

function context(): SourceConnectorContext & {
  reconfigurations: number;
  errors: Error[];
  /** Resolves at the next reconfiguration request. */
  nextReconfiguration(): Promise<void>;
} {
  const waiting: (() => void)[] = [];
  const ctx = {
    reconfigurations: 0,
    errors: [] as Error[],
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    requestTaskReconfiguration() {
      ctx.reconfigurations++;
      for (const wake of waiting.splice(0)) wake();
    },
    nextReconfiguration: () =>
      new Promise<void>((r) => {
        waiting.push(r);
      }),
    raiseError(e: Error) {
      ctx.errors.push(e);
    },
    offsetStorageReader: { offset: async () => null, offsets: async () => new Map() },
  };
  return ctx;
}

/** The [schema, table] pairs of each task the connector would start. */
async function taskTables(extra: Record<string, string>, maxTasks = 1): Promise<string[][]> {
  const c = new JdbcSourceConnector();
  c.initialize(context());
  await c.start(props(extra));
  try {
    return (await c.taskConfigs(maxTasks)).map((tc) =>
      tc.tables === '' ? [] : (JSON.parse(tc.tables) as string[][]).map((p) => p.join('.')),
    );
  } finally {
    c.stop();
  }
}

test('every table of every user schema by default, in schema and name order; table.types adds views', async () => {
  assert.deepEqual(await taskTables({}), [
    ['public.alpha', 'public.beta', 'public.delta', 'public.epsilon', 'public.gamma', 'sales.orders'],
  ]);
  assert.deepEqual(await taskTables({ 'table.types': 'VIEW' }), [['public.alpha_view']]);
  assert.deepEqual(await taskTables({ 'schema.pattern': 'sal%' }), [['sales.orders']]);
});

test('whitelist, blacklist and include/exclude lists choose the tables', async () => {
  assert.deepEqual(await taskTables({ 'table.whitelist': 'beta, sales.orders, postgres.public.gamma' }), [
    ['public.beta', 'public.gamma', 'sales.orders'],
  ]);
  assert.deepEqual(await taskTables({ 'table.blacklist': 'alpha,public.beta,orders' }), [
    ['public.delta', 'public.epsilon', 'public.gamma'],
  ]);
  assert.deepEqual(
    await taskTables({ 'table.include.list': 'public\\..*a', 'table.exclude.list': '.*\\.(alpha|beta)' }),
    [['public.delta', 'public.gamma']],
  );
  assert.deepEqual(await taskTables({ 'table.whitelist': 'nothing' }), [[]], 'no table: one idle task');
});

test('tables are spread over at most tasks.max tasks, one table at least each', async () => {
  const tables = { 'table.whitelist': 'alpha,beta,gamma,delta,epsilon' };
  assert.deepEqual(await taskTables(tables, 3), [
    ['public.alpha', 'public.beta'],
    ['public.delta', 'public.epsilon'],
    ['public.gamma'],
  ]);
  assert.equal((await taskTables(tables, 10)).length, 5);
  assert.deepEqual(await taskTables({ query: 'SELECT * FROM alpha' }, 4), [[]], 'a custom query: one task');
});

test('a new table is noticed every table.poll.interval.ms and asks for new task configs', async () => {
  const c = new JdbcSourceConnector();
  const ctx = context();
  c.initialize(ctx);
  await c.start(props({ 'table.poll.interval.ms': '20', 'table.include.list': 'public\\.fresh.*' }));
  try {
    assert.deepEqual(
      (await c.taskConfigs(2)).map((t) => t.tables),
      [''],
    );
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(ctx.reconfigurations, 0, 'nothing changed, nothing asked');
    const asked = ctx.nextReconfiguration();
    await db.query('CREATE TABLE public.fresh_one (id int)');
    await asked;
    assert.equal(ctx.reconfigurations, 1);
    assert.deepEqual(
      (await c.taskConfigs(2)).map((t) => t.tables),
      [JSON.stringify([['public', 'fresh_one']])],
    );
  } finally {
    c.stop();
  }
});

test('two selected tables of one name (one topic) are refused at start', async () => {
  await db.query('CREATE TABLE sales.alpha (id int)');
  const c = new JdbcSourceConnector();
  c.initialize(context());
  await assert.rejects(
    c.start(props({ 'table.whitelist': 'alpha' })),
    /postgres\.public\.alpha and postgres\.sales\.alpha/,
  );
  await db.query('DROP TABLE sales.alpha');
});

test('a database that is down fails the connector start after connection.attempts, naming the server', async () => {
  await db.stop();
  try {
    const c = new JdbcSourceConnector();
    c.initialize(context());
    await assert.rejects(
      c.start(props({ 'connection.attempts': '2', 'connection.backoff.ms': '10' })),
      new RegExp(`Could not connect to PostgreSQL at 127\\.0\\.0\\.1:${db.port}/postgres after 2 attempt`),
    );
  } finally {
    await db.start();
  }
});
