import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { Password } from '../../connect/api/index.js';
import { clientConfig, parseConnectionUrl } from './connection.js';
import { startTestPostgres, type TestPostgres } from './test-postgres.fixture.js';

let db: TestPostgres;
before(async () => {
  db = await startTestPostgres();
});
after(async () => {
  await db.close();
});

test('both URL forms reach the same server, values arrive as text and the session is in UTC', async () => {
  for (const url of [db.jdbcUrl, db.url]) {
    const connection = parseConnectionUrl(url, { user: db.user, password: new Password(db.password) });
    const c = new pg.Client(clientConfig(connection, 'sluice-test'));
    await c.connect();
    try {
      const r = await c.query(
        "select 12345678901234567890.125::numeric(30,3) as n, current_setting('TimeZone') as tz, current_setting('wal_level') as wal",
      );
      assert.deepEqual(r.rows[0], { n: '12345678901234567890.125', tz: 'UTC', wal: 'logical' });
    } finally {
      await c.end();
    }
  }
});

test('URL parameters give user and password, explicit settings win, and a bad URL names the expected forms', () => {
  const c = parseConnectionUrl('jdbc:postgresql://db.example:6543/shop?user=a&password=b&sslmode=require');
  assert.deepEqual(c, {
    host: 'db.example',
    port: 6543,
    database: 'shop',
    user: 'a',
    password: 'b',
    ssl: true,
  });
  assert.equal(parseConnectionUrl('postgres://u:p@h/d', { user: 'x' }).user, 'x');
  assert.equal(parseConnectionUrl('postgresql://u:p%40ss@h/d').password, 'p@ss');
  assert.throws(() => parseConnectionUrl('jdbc:mysql://h/d'), /expected jdbc:postgresql/);
  assert.throws(() => parseConnectionUrl('postgres://h:5432/'), /names no database/);
});

test('a stopped server refuses connections and a started one accepts them again, with its data', async () => {
  await db.query('create table kept (id int)');
  await db.query('insert into kept values (1)');
  await db.stop();
  await assert.rejects(db.query('select 1'));
  await db.start();
  assert.deepEqual(await db.query('select id from kept'), [{ id: 1 }]);
});
