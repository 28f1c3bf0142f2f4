import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadServerConfig } from '../config/index.js';
import { type ConnectClient, RestConnectClient } from '../connect/client/index.js';
import { freePort, startConnectWorker } from '../connect/index.js';
import { secretPlugin } from '../connect/worker/secret-plugin.fixture.js';
import { until } from '../connect/worker/test-worker.fixture.js';
import { builtinConnectors } from '../connectors/index.js';
import { SegmentLog } from '../log/index.js';
import { connectorState, connectorStatusEntity } from './connector-statements.js';
import type { Entity } from './entities.js';
import { KsqlEngine, type KsqlRequestError } from './ksql-engine.js';
import { fieldsOf, onCleanup, startEngineWithConnect } from './test-engine.fixture.js';

type Mode = 'embedded' | 'rest';

async function start(mode: Mode) {
  const started = await startEngineWithConnect(mode, [...builtinConnectors, secretPlugin]);
  const { dir } = started;
  const file = (lines = 'a\nb\n') => {
    const path = join(dir, `in-${Math.random().toString(36).slice(2)}.txt`);
    writeFileSync(path, lines);
    return path;
  };
  return { ...started, file };
}

type Row = { name: string; type?: string; className?: string; state?: string };
const rows = (e: Entity) => fieldsOf(e).connectors as Row[];

for (const mode of ['embedded', 'rest'] as const) {
  describe(`connector statements (${mode === 'embedded' ? 'embedded worker' : 'external Connect over REST'})`, () => {
    test('CREATE SOURCE CONNECTOR answers connector_info, upper-cases a bare name and forces name into the config', async () => {
      const { one, file, worker } = await start(mode);
      const path = file();
      const e = await one(
        `CREATE SOURCE CONNECTOR src WITH ('connector.class'='FileStreamSource', 'file'='${path}', 'topic'='lines', 'tasks.max'=1, 'name'='ignored');`,
      );
      assert.equal(e['@type'], 'connector_info');
      assert.deepEqual(e.warnings, []);
      const info = e.info as { name: string; config: Record<string, string>; type: string; tasks: unknown[] };
      assert.equal(info.name, 'SRC');
      assert.equal(info.type, 'source');
      assert.deepEqual(info.config, {
        'connector.class': 'FileStreamSource',
        file: path,
        topic: 'lines',
        'tasks.max': '1',
        name: 'SRC',
      });
      assert.ok(Array.isArray(info.tasks));
      assert.deepEqual(worker.herder.connectorNames(), ['SRC']);
    });

    test('the echoed statementText masks every WITH value but connector.class', async () => {
      const { one, file } = await start(mode);
      const path = file();
      const e = await one(
        `CREATE SOURCE CONNECTOR src WITH ('connector.class'='FileStreamSource', 'file'='${path}', 'topic'='topic', 'tasks.max'=1);`,
      );
      assert.equal(
        e.statementText,
        "CREATE SOURCE CONNECTOR src WITH ('connector.class'='FileStreamSource', 'file'='[string]', 'topic'='[string]', 'tasks.max'='[string]');",
      );
      const altered = await one(`ALTER CONNECTOR src SET ('batch.size'=10, 'topic'='topic');`);
      assert.equal(
        altered.statementText,
        "ALTER CONNECTOR src SET ('batch.size'='[string]', 'topic'='[string]');",
      );
    });

    test('a backquoted or double-quoted name keeps its case', async () => {
      const { one, file, worker } = await start(mode);
      await one(
        `CREATE SOURCE CONNECTOR \`MixedCase\` WITH ('connector.class'='FileStreamSource', 'file'='${file()}', 'topic'='t');`,
      );
      await one(
        `CREATE SOURCE CONNECTOR "my-conn" WITH ('connector.class'='FileStreamSource', 'file'='${file()}', 'topic'='t');`,
      );
      assert.deepEqual(worker.herder.connectorNames(), ['MixedCase', 'my-conn']);
      const dropped = await one('DROP CONNECTOR `MixedCase`;');
      assert.equal(dropped['@type'], 'drop_connector');
      assert.equal(dropped.connectorName, 'MixedCase');
    });

    test('a connector statement that does not parse is echoed with its values masked, in the text and the message', async () => {
      const { failure } = await start(mode);
      const bareValue = await failure(
        "CREATE SOURCE CONNECTOR c WITH ('connector.class'='FileStreamSource', 'connection.password'=sw0rdfish, 'a'='b');",
      );
      assert.equal(bareValue.errorCode, 40001);
      assert.match(bareValue.message, /expected a literal but found '\[string\]'/);
      const unterminated = await failure("CREATE SOURCE CONNECTOR c WITH ('connection.password'='hunter2");
      assert.match(unterminated.message, /unterminated string literal/);
      for (const err of [bareValue, unterminated]) {
        for (const secret of ['hunter2', 'sw0rdfish'])
          assert.ok(
            !`${err.statementText} ${err.message}`.includes(secret),
            `${err.statementText} ${err.message}`,
          );
      }
      assert.equal(
        unterminated.statementText,
        "CREATE SOURCE CONNECTOR c WITH ('connection.password'='[string]'",
      );
    });

    test('a bad config is refused with 40000 and "Validation error:" listing each key and its errors', async () => {
      const { failure, worker } = await start(mode);
      const err = await failure(
        "CREATE SOURCE CONNECTOR bad WITH ('connector.class'='FileStreamSource', 'tasks.max'='two', 'password'='hunter2');",
      );
      assert.equal(err.errorCode, 40000);
      assert.equal(
        err.message,
        'Validation error: tasks.max - Invalid value two for configuration tasks.max: Not a number of type INT\n' +
          'topic - Missing required configuration "topic" which has no default value.',
      );
      assert.equal(
        err.statementText,
        "CREATE SOURCE CONNECTOR bad WITH ('connector.class'='FileStreamSource', 'tasks.max'='[string]', 'password'='[string]');",
      );
      assert.deepEqual(worker.herder.connectorNames(), []);

      const noClass = await failure("CREATE SOURCE CONNECTOR bad WITH ('topic'='t');");
      assert.equal(noClass.errorCode, 40000);
      assert.match(noClass.message, /^Validation error: Connector config .* contains no connector type$/);

      const unknownClass = await failure(
        "CREATE SOURCE CONNECTOR bad WITH ('connector.class'='NoSuchConnector');",
      );
      assert.equal(unknownClass.errorCode, 40000);
      assert.match(
        unknownClass.message,
        /^Validation error: Failed to find any class that implements Connector and which name matches NoSuchConnector/,
      );
      assert.deepEqual(worker.herder.connectorNames(), []);
    });

    test('an unknown converter class is refused by key before anything is created', async () => {
      const { failure, file, worker } = await start(mode);
      const err = await failure(
        `CREATE SOURCE CONNECTOR conv WITH ('connector.class'='FileStreamSource', 'file'='${file()}', 'topic'='t', 'value.converter'='com.example.NoSuchConverter');`,
      );
      assert.equal(err.errorCode, 40000);
      assert.match(
        err.message,
        /^Validation error: value\.converter - Invalid value com\.example\.NoSuchConverter for configuration value\.converter: Converter class com\.example\.NoSuchConverter could not be found/,
      );
      assert.deepEqual(worker.herder.connectorNames(), []);
    });

    test('creating a connector that exists is a 40900 conflict, compared case-insensitively; IF NOT EXISTS is a warning', async () => {
      const { one, failure, file } = await start(mode);
      const create = (name: string, ifNotExists = '') =>
        `CREATE SOURCE CONNECTOR ${ifNotExists}${name} WITH ('connector.class'='FileStreamSource', 'file'='${file()}', 'topic'='t');`;
      await one(create('dup'));
      const err = await failure(create('dup'));
      assert.equal(err.errorCode, 40900);
      assert.equal(err.message, 'Connector DUP already exists');
      const lower = await failure(create('`dup`'));
      assert.equal(lower.errorCode, 40900);
      const warned = await one(create('dup', 'IF NOT EXISTS '));
      assert.equal(warned['@type'], 'warning_entity');
      assert.equal(warned.message, 'Connector DUP already exists');
    });

    test("DROP answers drop_connector; DROP IF EXISTS of a missing one warns, and without IF EXISTS it is Connect's 404", async () => {
      const { one, failure, file, worker } = await start(mode);
      await one(
        `CREATE SOURCE CONNECTOR d WITH ('connector.class'='FileStreamSource', 'file'='${file()}', 'topic'='t');`,
      );
      const dropped = await one('DROP CONNECTOR d;');
      assert.deepEqual(
        { type: dropped['@type'], name: fieldsOf(dropped).connectorName, text: dropped.statementText },
        { type: 'drop_connector', name: 'D', text: 'DROP CONNECTOR d;' },
      );
      assert.deepEqual(worker.herder.connectorNames(), []);
      const missing = await one('DROP CONNECTOR IF EXISTS nope;');
      assert.equal(missing['@type'], 'warning_entity');
      assert.equal(missing.message, "Connector 'NOPE' does not exist.");
      const err = await failure('DROP CONNECTOR nope;');
      assert.equal(err.errorCode, 40400);
      assert.equal(err.message, 'Failed to drop connector: Connector NOPE not found');
    });

    test('SHOW CONNECTORS lists every connector with its state, and SHOW SOURCE / SINK CONNECTORS filter by type', async () => {
      const { one, file, log, dir } = await start(mode);
      await one(
        `CREATE SOURCE CONNECTOR src WITH ('connector.class'='FileStreamSource', 'file'='${file()}', 'topic'='t');`,
      );
      await log.createTopic('in');
      await one(
        `CREATE SINK CONNECTOR snk WITH ('connector.class'='org.apache.kafka.connect.file.FileStreamSinkConnector', 'file'='${join(dir, 'out.txt')}', 'topics'='in');`,
      );
      await until('both running', async () => {
        const listed = rows(await one('SHOW CONNECTORS;'));
        return listed.every((r) => r.state === 'RUNNING (1/1 tasks RUNNING)');
      });
      const all = await one('SHOW CONNECTORS;');
      assert.equal(all['@type'], 'connector_list');
      assert.deepEqual(rows(all), [
        {
          name: 'SNK',
          type: 'sink',
          className: 'org.apache.kafka.connect.file.FileStreamSinkConnector',
          state: 'RUNNING (1/1 tasks RUNNING)',
        },
        { name: 'SRC', type: 'source', className: 'FileStreamSource', state: 'RUNNING (1/1 tasks RUNNING)' },
      ]);
      assert.deepEqual(
        rows(await one('SHOW SOURCE CONNECTORS;')).map((r) => r.name),
        ['SRC'],
      );
      assert.deepEqual(
        rows(await one('LIST SINK CONNECTORS;')).map((r) => r.name),
        ['SNK'],
      );
    });

    test('LIST shows PAUSED raw, and FAILED in LIST and DESCRIBE when its only task failed', async () => {
      const { one, file, log, dir, worker } = await start(mode);
      await one(
        `CREATE SOURCE CONNECTOR p WITH ('connector.class'='FileStreamSource', 'file'='${file()}', 'topic'='t');`,
      );
      const paused = await one('PAUSE CONNECTOR p;');
      assert.equal(paused['@type'], 'warning_entity');
      await log.createTopic('in');
      const directory = join(dir, 'a-directory');
      mkdirSync(directory);
      // Created through Connect's REST API, which (as Kafka Connect's) accepts a connector whose task
      // then fails; SQL's CREATE refuses it (tested below).
      const posted = await fetch(`${worker.restUrl}/connectors`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'BROKEN',
          config: { 'connector.class': 'FileStreamSink', file: directory, topics: 'in' },
        }),
      });
      assert.equal(posted.status, 201);
      await until('the sink task fails', async () => {
        const r = rows(await one('SHOW CONNECTORS;')).find((x) => x.name === 'BROKEN');
        return r?.state === 'FAILED (0/1 tasks RUNNING)';
      });
      const listed = rows(await one('SHOW CONNECTORS;'));
      assert.equal(listed.find((r) => r.name === 'P')?.state, 'PAUSED');
      const described = await one('DESCRIBE CONNECTOR broken;');
      assert.equal(fieldsOf(described).state, 'FAILED (0/1 tasks RUNNING)');
      const status = fieldsOf(described).status as { tasks: { state: string; trace?: string }[] };
      assert.equal(status.tasks[0].state, 'FAILED');
      assert.match(status.tasks[0].trace ?? '', /EISDIR/);
    });

    // External mode watches the status for sluice.connect.create.wait.ms (tested with sluice connect).
    test("CREATE … CONNECTOR whose task fails to start is refused with the task's error and leaves nothing behind", {
      skip: mode === 'rest' && 'this fixture creates with sluice.connect.create.wait.ms=0',
    }, async () => {
      const { one, failure, log, dir } = await start(mode);
      await log.createTopic('in');
      const directory = join(dir, 'a-directory');
      mkdirSync(directory);
      const refused = await failure(
        `CREATE SINK CONNECTOR broken WITH ('connector.class'='FileStreamSink', 'file'='${directory}', 'topics'='in');`,
      );
      assert.match(refused.message, /Connector BROKEN could not start: task 0 failed: .*EISDIR/);
      assert.deepEqual(rows(await one('SHOW CONNECTORS;')), []);
      // Fixed, the same statement runs.
      await one(
        `CREATE SINK CONNECTOR broken WITH ('connector.class'='FileStreamSink', 'file'='${join(dir, 'out.txt')}', 'topics'='in');`,
      );
      assert.deepEqual(
        rows(await one('SHOW CONNECTORS;')).map((r) => r.name),
        ['BROKEN'],
      );
    });

    test('SHOW CONNECTOR PLUGINS answers connectorsPlugins with className, type and version', async () => {
      const { one } = await start(mode);
      const e = await one('SHOW CONNECTOR PLUGINS;');
      assert.equal(e['@type'], 'connector_plugins_list');
      const plugins = e.connectorsPlugins as { className: string; type: string; version: string }[];
      assert.deepEqual(
        plugins.find((p) => p.className === 'org.apache.kafka.connect.file.FileStreamSourceConnector'),
        {
          className: 'org.apache.kafka.connect.file.FileStreamSourceConnector',
          type: 'source',
          version: '1.0.0',
        },
      );
      assert.ok(
        plugins.some((p) => p.className === 'com.example.SecretSourceConnector' && p.version === '2.0.0'),
      );
      assert.ok(
        plugins.every((p) => p.type === 'source' || p.type === 'sink'),
        'connectors only',
      );
    });

    test('DESCRIBE CONNECTOR answers connector_description with the class, the status, and the streams over its topics', async () => {
      const { one, failure, file, engine, log } = await start(mode);
      await one(
        `CREATE SOURCE CONNECTOR src WITH ('connector.class'='FileStreamSource', 'file'='${file('x\n')}', 'topic'='lines');`,
      );
      await until('the topic', () => log.hasTopic('lines'));
      await engine.execute(
        "CREATE STREAM lines_s (v STRING) WITH (KAFKA_TOPIC='lines', VALUE_FORMAT='KAFKA');",
      );
      await until('the task runs', async () => {
        const d = await one('DESCRIBE CONNECTOR src;');
        return (fieldsOf(d).status as { tasks: { state: string }[] }).tasks[0]?.state === 'RUNNING';
      });
      const d = await one('DESCRIBE CONNECTOR src;');
      assert.equal(d['@type'], 'connector_description');
      assert.equal(d.statementText, 'DESCRIBE CONNECTOR src;');
      assert.equal(d.connectorClass, 'FileStreamSource');
      const status = d.status;
      assert.equal(status.name, 'SRC');
      assert.equal(status.type, 'source');
      assert.deepEqual(Object.keys(status.connector).sort(), ['state', 'worker_id']);
      assert.equal(status.connector.state, 'RUNNING');
      assert.deepEqual(
        status.tasks.map((t) => [t.id, t.state, typeof t.worker_id]),
        [[0, 'RUNNING', 'string']],
      );
      assert.deepEqual(d.topics, ['lines']);
      assert.deepEqual(
        d.sources.map((x) => [x.name, x.partitions]),
        [['LINES_S', (await log.describeTopic('lines')).partitions.length]],
      );
      const missing = await failure('DESCRIBE CONNECTOR nope;');
      assert.equal(missing.errorCode, 40400);
      assert.equal(missing.message, 'Failed to query connector status: No status found for connector NOPE');
    });

    test('PAUSE, RESUME and RESTART CONNECTOR move the connector through its states', async () => {
      const { one, failure, file, worker } = await start(mode);
      await one(
        `CREATE SOURCE CONNECTOR c WITH ('connector.class'='FileStreamSource', 'file'='${file()}', 'topic'='t');`,
      );
      const paused = await one('PAUSE CONNECTOR c;');
      assert.equal(fieldsOf(paused).message, 'Paused connector C');
      assert.equal(worker.herder.connectorStatus('C').connector.state, 'PAUSED');
      const resumed = await one('RESUME CONNECTOR c;');
      assert.equal(fieldsOf(resumed).message, 'Resumed connector C');
      assert.equal(worker.herder.connectorStatus('C').connector.state, 'RUNNING');
      const restarted = await one('RESTART CONNECTOR c;');
      assert.equal(fieldsOf(restarted).message, 'Restarted connector C');
      await until('running again', () => {
        const s = worker.herder.connectorStatus('C');
        return s.connector.state === 'RUNNING' && s.tasks[0]?.state === 'RUNNING';
      });
      const missing = await failure('PAUSE CONNECTOR nope;');
      assert.equal(missing.errorCode, 40400);
      assert.equal(missing.message, 'Failed to pause connector: Unknown connector NOPE');
    });

    test('ALTER CONNECTOR sets keys in the config, keeps the others and its secrets, and refuses a bad value', async () => {
      const { one, failure, worker } = await start(mode);
      await one(
        "CREATE SOURCE CONNECTOR sec WITH ('connector.class'='com.example.SecretSourceConnector', 'token'='s3cr3t');",
      );
      const created = await one('DESCRIBE CONNECTOR sec;');
      assert.equal(fieldsOf(created).connectorClass, 'com.example.SecretSourceConnector');
      const altered = await one("ALTER CONNECTOR sec SET ('endpoint'='https://changed');");
      assert.equal(altered['@type'], 'warning_entity');
      assert.equal(altered.message, 'Altered connector SEC');
      assert.deepEqual(worker.herder.connectorConfig('SEC'), {
        'connector.class': 'com.example.SecretSourceConnector',
        token: 's3cr3t',
        name: 'SEC',
        endpoint: 'https://changed',
      });
      const bad = await failure("ALTER CONNECTOR sec SET ('tasks.max'='zero');");
      assert.equal(bad.errorCode, 40000);
      assert.match(bad.message, /^Failed to alter connector: Connector configuration is invalid/);
      assert.match(bad.message, /Invalid value zero for configuration tasks\.max/);
    });

    test('a request that fails later creates no connector, and a bad connector config stops the whole request', async () => {
      const { engine, worker, failure, file, log } = await start(mode);
      const later = await failure(
        `CREATE SOURCE CONNECTOR src WITH ('connector.class'='FileStreamSource', 'file'='${file()}', 'topic'='lines');
         CREATE STREAM s AS SELECT * FROM nowhere;`,
      );
      assert.equal(later.errorCode, 40001);
      assert.deepEqual(later.entities, []);
      assert.deepEqual(worker.herder.connectorNames(), []);
      const bad = await failure(
        `CREATE STREAM lines (line STRING) WITH (KAFKA_TOPIC='lines', VALUE_FORMAT='KAFKA', PARTITIONS=1);
         CREATE SOURCE CONNECTOR src WITH ('connector.class'='FileStreamSource', 'file'='${file()}', 'topic'='lines', 'tasks.max'='zero');`,
      );
      assert.equal(bad.errorCode, 40000);
      assert.match(bad.message, /^Validation error: tasks\.max - /);
      assert.equal(engine.metastore.get('LINES'), undefined);
      assert.equal(await log.hasTopic('lines'), false);
      assert.deepEqual(worker.herder.connectorNames(), []);
    });

    test('secrets given in WITH never come back in the created connector_info', async () => {
      const { engine } = await start(mode);
      const entities = await engine.execute(
        "CREATE SOURCE CONNECTOR sec WITH ('connector.class'='com.example.SecretSourceConnector', 'token'='s3cr3t');",
      );
      assert.ok(!JSON.stringify(entities).includes('s3cr3t'), JSON.stringify(entities));
    });
  });
}

test('a CREATE that cannot reach an external Connect says it failed to create the connector', {
  timeout: 30_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-connector-sql-'));
  const log = await SegmentLog.open({ dataDir: join(dir, 'data'), cleanerIntervalMs: 0 });
  // Nothing listens on a port just found free.
  const nobody = new RestConnectClient(`http://127.0.0.1:${await freePort()}`);
  const engine = await KsqlEngine.start(log, loadServerConfig({ env: {} }), nobody);
  onCleanup(async () => {
    await engine.close();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await assert.rejects(
    engine.execute("CREATE SOURCE CONNECTOR s WITH ('connector.class'='FileStreamSource', 'topic'='t');"),
    (err: KsqlRequestError) => {
      assert.match(err.message, /^Failed to create connector: /);
      return true;
    },
  );
});

test('connector statements do not hold other statements up while Connect is slow to answer', {
  timeout: 30_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-connector-sql-'));
  const log = await SegmentLog.open({ dataDir: join(dir, 'data'), cleanerIntervalMs: 0 });
  // A Connect whose DELETE answers only when the test lets it (a task slow to stop, say).
  let answer: () => void = () => {};
  const answered = new Promise<void>((r) => {
    answer = r;
  });
  // Resolves once the DROP has reached Connect (the engine may yield on the way, under load).
  let deleting: (name: string) => void = () => {};
  const deleteAsked = new Promise<string>((r) => {
    deleting = r;
  });
  const slow: ConnectClient = {
    connectors: async () => ['C'],
    delete: async (name) => {
      deleting(name);
      await answered;
    },
  } as Partial<ConnectClient> as ConnectClient;
  const engine = await KsqlEngine.start(log, loadServerConfig({ env: {} }), slow);
  onCleanup(async () => {
    answer();
    await engine.close();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  });
  let dropSettled = false;
  const drop = engine.execute('DROP CONNECTOR c;').finally(() => {
    dropSettled = true;
  });
  assert.equal(await deleteAsked, 'C');
  // Connect has the DELETE and does not answer: SHOW STREAMS still runs to its end.
  const streams = await engine.execute('SHOW STREAMS;');
  assert.equal(streams[0]['@type'], 'streams');
  assert.equal(dropSettled, false, 'the DROP is still waiting on Connect');
  answer();
  assert.equal((await drop)[0]['@type'], 'drop_connector');
});

test('a connector state phrase counts tasks that retry apart and says FAILED when every task failed', () => {
  const status = (tasks: { state: string; retrying?: { since: string; error: string } }[]) => ({
    name: 'C',
    type: 'source' as const,
    connector: { state: 'RUNNING', worker_id: 'w' },
    tasks: tasks.map((t, id) => ({ id, worker_id: 'w', ...t })),
  });
  const retrying = { since: '2026-01-01T00:00:00.000Z', error: 'connection refused' };
  assert.equal(connectorState(status([{ state: 'RUNNING' }])), 'RUNNING (1/1 tasks RUNNING)');
  assert.equal(
    connectorState(status([{ state: 'RUNNING', retrying }])),
    'WARNING (0/1 tasks RUNNING, 1 RETRYING)',
  );
  assert.equal(
    connectorState(status([{ state: 'RUNNING' }, { state: 'RUNNING', retrying }])),
    'WARNING (1/2 tasks RUNNING, 1 RETRYING)',
  );
  assert.equal(connectorState(status([{ state: 'FAILED' }])), 'FAILED (0/1 tasks RUNNING)');
  assert.equal(
    connectorState(status([{ state: 'FAILED' }, { state: 'RUNNING' }])),
    'RUNNING (1/2 tasks RUNNING)',
  );
});

test("a connector_description's status keeps ksqlDB's fields and drops those newer Connect workers add", () => {
  // GET /connectors/C/status from a Kafka Connect 4.1 worker: a version per connector and task.
  const fromKafka41 = {
    name: 'C',
    type: 'source' as const,
    connector: { state: 'RUNNING', worker_id: '127.0.0.1:8083', version: '4.1.1', trace: '' },
    tasks: [
      { id: 0, state: 'FAILED', worker_id: '127.0.0.1:8083', version: '4.1.1', trace: 'boom' },
      { id: 1, state: 'RUNNING', worker_id: '127.0.0.1:8083', version: '4.1.1' },
    ],
  };
  assert.deepEqual(connectorStatusEntity(fromKafka41), {
    name: 'C',
    connector: { state: 'RUNNING', worker_id: '127.0.0.1:8083' },
    tasks: [
      { id: 0, state: 'FAILED', worker_id: '127.0.0.1:8083', trace: 'boom' },
      { id: 1, state: 'RUNNING', worker_id: '127.0.0.1:8083' },
    ],
    type: 'source',
  });
  const retrying = { since: '2026-01-01T00:00:00.000Z', error: 'connection refused' };
  const sluice = { ...fromKafka41, tasks: [{ id: 0, state: 'RUNNING', worker_id: 'w', retrying }] };
  assert.deepEqual(connectorStatusEntity(sluice).tasks, [
    { id: 0, state: 'RUNNING', worker_id: 'w', retrying },
  ]);
});

test('CREATE reports success only for a connector that starts: one with nothing to do is refused and not kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-connector-sql-'));
  const log = await SegmentLog.open({ dataDir: join(dir, 'data'), cleanerIntervalMs: 0 });
  const worker = await startConnectWorker({
    log,
    properties: {},
    connectors: builtinConnectors,
    version: '0.1.0',
    listen: false,
  });
  const engine = await KsqlEngine.start(log, loadServerConfig({ env: {} }), worker.client);
  onCleanup(async () => {
    await engine.close();
    await worker.close();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await assert.rejects(
    engine.execute(
      "CREATE SOURCE CONNECTOR idle WITH ('connector.class'='io.mdrogalis.voluble.VolubleSourceConnector');",
    ),
    (err: KsqlRequestError) => {
      assert.match(
        err.message,
        /^Failed to create connector: Connector IDLE could not start: .*No usable properties/,
      );
      return true;
    },
  );
  assert.deepEqual(worker.herder.connectorNames(), []);
});
