import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningServer, startServer } from '../../app/index.js';
import { loadServerConfig } from '../../config/index.js';
import { finished, runSluice, startSluice } from '../run-sluice.fixture.js';

let server: RunningServer;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-shell-'));
  const config = loadServerConfig({
    flags: { listeners: 'http://127.0.0.1:0', 'sluice.data.dir': join(dir, 'data') },
    env: {},
  });
  server = await startServer(config);
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function shell(args: readonly string[], input?: string) {
  return runSluice(['cli', server.url, ...args], {
    input,
    env: { SLUICE_HISTORY_FILE: join(dir, 'history') },
  });
}

test('-e runs the statements and prints ksqlDB tables', async () => {
  const run = await shell([
    '-e',
    "CREATE STREAM e_orders (id INT KEY, item STRING) WITH (kafka_topic='e_orders', partitions=1, value_format='JSON');",
  ]);
  assert.equal(run.stderr, '');
  assert.equal(run.code, 0);
  assert.equal(run.stdout, '\n Message        \n----------------\n Stream created \n----------------\n');

  const describe = await shell(['-e', 'describe e_orders']);
  assert.equal(describe.code, 0);
  assert.equal(
    describe.stdout,
    [
      '',
      'Name                 : E_ORDERS',
      ' Field | Type                   ',
      '--------------------------------',
      ' ID    | INTEGER          (key) ',
      ' ITEM  | VARCHAR(STRING)        ',
      '--------------------------------',
      'For runtime statistics and query details run: DESCRIBE <Stream,Table> EXTENDED;',
      '',
    ].join('\n'),
  );
});

test('a push query with LIMIT streams rows inserted with INSERT INTO … VALUES, then says so', async () => {
  const run = await shell([
    '-e',
    `CREATE STREAM q_orders (id INT KEY, item STRING) WITH (kafka_topic='q_orders', partitions=1, value_format='JSON');
     INSERT INTO q_orders (id, item) VALUES (1, 'apple');
     INSERT INTO q_orders (id, item) VALUES (2, 'pear');
     SET 'auto.offset.reset' = 'earliest';
     SELECT id, item FROM q_orders EMIT CHANGES LIMIT 2;`,
  ]);
  assert.equal(run.stderr, '');
  assert.equal(run.code, 0);
  const cell = (s: string) => s.padEnd(38);
  const line = `+${'-'.repeat(38)}+${'-'.repeat(38)}+`;
  assert.ok(
    run.stdout.endsWith(
      [
        "Successfully changed local property 'auto.offset.reset' to 'earliest'. Use the UNSET command to revert your change.",
        line,
        `|${cell('ID')}|${cell('ITEM')}|`,
        line,
        `|${cell('1')}|${cell('apple')}|`,
        `|${cell('2')}|${cell('pear')}|`,
        'Limit Reached',
        'Query terminated',
        '',
      ].join('\n'),
    ),
    run.stdout,
  );
});

test('-f runs a script, leaves variable substitution to the server, and stops with exit 1 at a failing statement', async () => {
  const script = join(dir, 'script.sql');
  writeFileSync(
    script,
    `-- a script
DEFINE topic = 'f_topic';
CREATE STREAM f_one (id INT KEY) WITH (kafka_topic='\${topic}', partitions=1, value_format='JSON');
DESCRIBE no_such_stream;
CREATE STREAM f_two (id INT KEY) WITH (kafka_topic='f_two', partitions=1, value_format='JSON');
`,
  );
  const run = await shell(['-f', script]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^NO_SUCH_STREAM does not exist\./);
  assert.doesNotMatch(run.stderr, /\{|statement_error/);
  // The statements went as one request, which the server validates whole before running any of it.
  assert.doesNotMatch(run.stdout, / Stream created /);

  const topics = await shell(['--output', 'json', '-e', 'SHOW TOPICS;']);
  const names = (JSON.parse(topics.stdout) as { topics: { name: string }[] }[])[0].topics.map((t) => t.name);
  assert.ok(!names.includes('f_topic'), names.join());
  const streams = await shell(['-e', 'SHOW STREAMS;']);
  assert.doesNotMatch(streams.stdout, /F_ONE|F_TWO/);

  writeFileSync(script, readFileSync(script, 'utf8').replace('DESCRIBE no_such_stream;\n', ''));
  const fixed = await shell(['-f', script]);
  assert.equal(fixed.code, 0, fixed.stderr);
  const listed = await shell(['-e', 'SHOW STREAMS;']);
  assert.match(listed.stdout, / F_ONE +\| f_topic /);
  assert.match(listed.stdout, / F_TWO /);
});

test('a statement the server rejects prints its message, not JSON, and exits 1', async () => {
  const run = await shell(['-e', 'SELEC 1;']);
  assert.equal(run.code, 1);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /^line 1:1: .*'SELEC'\n$/);
});

test('an unreachable server is named with a hint, per statement and exit 1', async () => {
  const run = await runSluice(['cli', 'http://127.0.0.1:9', '-e', 'SHOW STREAMS;']);
  assert.equal(run.code, 1);
  assert.equal(run.stderr, 'Could not connect to http://127.0.0.1:9: is `sluice server` running?\n');
});

test('the interactive shell warns at start when the server is unreachable, and still runs', async () => {
  const run = await runSluice(['cli', 'http://127.0.0.1:9'], {
    input: 'version\nSHOW STREAMS;\n',
    env: { SLUICE_HISTORY_FILE: join(dir, 'history-unreachable') },
  });
  assert.equal(run.code, 0);
  assert.match(
    run.stdout,
    /\*+ WARNING \*+\nCould not connect to http:\/\/127\.0\.0\.1:9: is `sluice server` running\?/,
  );
  assert.match(run.stdout, /Version: \d+\.\d+\.\d+ \(this CLI; the server did not answer\)/);
  assert.match(run.stderr, /Could not connect to http:\/\/127\.0\.0\.1:9/);
  assert.match(run.stdout, /Exiting Sluice\.\n$/);
});

test('the interactive shell joins lines into statements, runs local commands and keeps history', async () => {
  const historyFile = join(dir, 'history-interactive');
  const env = { SLUICE_HISTORY_FILE: historyFile };
  const input = [
    'SHOW',
    '  TABLES;',
    'DESCRIBE nope;',
    'output JSON',
    'SHOW TABLES;',
    'server',
    'exit',
    '',
  ].join('\n');
  const run = await runSluice(['cli', server.url], { input, env });
  assert.equal(run.code, 0);
  assert.match(
    run.stdout,
    /CLI v\d+\.\d+\.\d+, Server v\d+\.\d+\.\d+ located at http:\/\/127\.0\.0\.1:\d+\nServer Status: RUNNING/,
  );
  // The first statement spans two lines: the continuation prompt shows, then the table.
  assert.match(
    run.stdout,
    /ksql> {5}> \n Table Name \| Kafka Topic \| Key Format \| Value Format \| Windowed \n/,
  );
  assert.match(run.stderr, /NOPE does not exist/);
  assert.match(run.stdout, /Output format set to JSON\n/);
  assert.match(run.stdout, /\[ \{\n {2}"@type" : "tables",\n {2}"statementText" : "SHOW TABLES;",/);
  assert.match(run.stdout, new RegExp(`ksql> ${server.url.replaceAll('.', '\\.')}\n`));
  assert.match(run.stdout, /Exiting Sluice\.\n$/);
  assert.deepEqual(readFileSync(historyFile, 'utf8').split('\n').slice(0, 3), [
    'SHOW',
    '  TABLES;',
    'DESCRIBE nope;',
  ]);

  const again = await runSluice(['cli', server.url], { input: 'history\n', env });
  assert.match(again.stdout, / {3}1: SHOW\n {3}2: {3}TABLES;\n {3}3: DESCRIBE nope;\n/);
});

test('RUN SCRIPT runs a file’s statements from the interactive shell', async () => {
  const script = join(dir, 'run-script.sql');
  writeFileSync(script, "SET 'a.b' = 'c';\nSHOW VARIABLES;\n");
  const run = await runSluice(['cli', server.url], {
    input: `DEFINE v = 'w';\nRUN SCRIPT '${script}';\n`,
    env: { SLUICE_HISTORY_FILE: join(dir, 'history-run') },
  });
  assert.equal(run.code, 0);
  assert.match(run.stdout, /Successfully changed local property 'a\.b' to 'c'/);
  assert.match(run.stdout, / Variable Name \| Value \n-+\n v {13}\| w {5}\n/);
});

test('Ctrl-C (SIGINT) stops a running push query and closes it on the server', async () => {
  await shell([
    '-e',
    "CREATE STREAM c_orders (id INT KEY) WITH (kafka_topic='c_orders', partitions=1, value_format='JSON');",
  ]);
  const child = startSluice(['cli', server.url, '-e', 'SELECT * FROM c_orders EMIT CHANGES;'], {
    env: { SLUICE_HISTORY_FILE: join(dir, 'history-sigint') },
  });
  child.stdin?.end();
  const done = finished(child);
  let seen = '';
  await new Promise<void>((resolve) => {
    child.stdout?.on('data', (b: Buffer) => {
      seen += b.toString();
      if (seen.includes('|ID')) resolve();
    });
  });
  child.kill('SIGINT');
  const run = await done;
  assert.equal(run.code, 0);
  assert.match(run.stdout, /\|ID +\|\n\+-+\+\nQuery terminated\n$/);
});
