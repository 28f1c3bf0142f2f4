import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningServer, startServer } from '../../app/index.js';
import { loadServerConfig } from '../../config/index.js';
import { until } from '../../server/streaming-test-client.fixture.js';
import { runSluice } from '../run-sluice.fixture.js';

// Pull queries from the CLI: the rows as a table, then the query ends by itself.

let server: RunningServer;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-shell-pull-'));
  server = await startServer(
    loadServerConfig({
      flags: { listeners: 'http://127.0.0.1:0', 'sluice.data.dir': join(dir, 'data') },
      env: {},
    }),
  );
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function shell(statements: string) {
  return runSluice(['cli', server.url, '-e', statements], {
    env: { SLUICE_HISTORY_FILE: join(dir, 'history') },
  });
}

const cell = (s: string) => s.padEnd(38);
const line = `+${'-'.repeat(38)}+${'-'.repeat(38)}+`;

test('a pull query on a stream prints the rows the stream holds, then ends without Ctrl-C', async () => {
  const run = await shell(
    `CREATE STREAM p_orders (id INT KEY, item STRING) WITH (kafka_topic='p_orders', partitions=1, value_format='JSON');
     INSERT INTO p_orders (id, item) VALUES (1, 'apple');
     INSERT INTO p_orders (id, item) VALUES (2, 'pear');
     SELECT id, item FROM p_orders;`,
  );
  assert.equal(run.stderr, '');
  assert.equal(run.code, 0);
  assert.ok(
    run.stdout.endsWith(
      [
        line,
        `|${cell('ID')}|${cell('ITEM')}|`,
        line,
        `|${cell('1')}|${cell('apple')}|`,
        `|${cell('2')}|${cell('pear')}|`,
        'Query terminated',
        '',
      ].join('\n'),
    ),
    run.stdout,
  );
});

test("a pull query on a CTAS table looks up a key in the query's state", async () => {
  const setup = await fetch(`${server.url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      ksql: `CREATE STREAM t_orders (id INT KEY, item STRING) WITH (kafka_topic='t_orders', partitions=1, value_format='JSON');
        CREATE TABLE t_counts AS SELECT item, COUNT(*) AS n FROM t_orders GROUP BY item;
        INSERT INTO t_orders (id, item) VALUES (1, 'apple');
        INSERT INTO t_orders (id, item) VALUES (2, 'apple');`,
      streamsProperties: { 'auto.offset.reset': 'earliest' },
    }),
  });
  assert.equal(setup.status, 200, await setup.text());
  await until('the CTAS counted both apples', async () => {
    const res = await fetch(`${server.url}/query-stream`, {
      method: 'POST',
      body: JSON.stringify({ sql: "SELECT n FROM t_counts WHERE item = 'apple';" }),
    });
    return (await res.text()).split('\n')[1] === '[2]';
  });
  const run = await shell("SELECT item, n FROM t_counts WHERE item = 'apple';");
  assert.equal(run.stderr, '');
  assert.equal(run.code, 0);
  assert.equal(
    run.stdout,
    [
      line,
      `|${cell('ITEM')}|${cell('N')}|`,
      line,
      `|${cell('apple')}|${cell('2')}|`,
      'Query terminated',
      '',
    ].join('\n'),
  );
});
