import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadServerConfig } from '../config/index.js';
import { RestConnectClient } from '../connect/client/index.js';
import { until } from '../connect/worker/test-worker.fixture.js';
import { type Log, SegmentLog } from '../log/index.js';
import { KsqlEngine } from './ksql-engine.js';
import { fieldsOf, onCleanup, startEngineWithConnect } from './test-engine.fixture.js';

async function start(mode: 'embedded' | 'rest') {
  const started = await startEngineWithConnect(mode);
  const { dir } = started;
  const path = join(dir, 'in.txt');
  writeFileSync(path, 'a\nb\nc\n');
  return { ...started, path };
}

/** The values in partition 0 of a topic, as text. */
async function values(log: Log, topic: string): Promise<string[]> {
  if (!(await log.hasTopic(topic))) return [];
  const { records } = await log.read(topic, 0, 0, { maxRecords: 10_000 });
  return records.map((r) => {
    const text = r.value?.toString('utf8') ?? '';
    try {
      return String(JSON.parse(text));
    } catch {
      return text;
    }
  });
}

type Offsets = { partition: Record<string, unknown>; offset: Record<string, unknown> | null }[];

for (const mode of ['embedded', 'rest'] as const) {
  describe(`connector operations in SQL (${mode === 'embedded' ? 'embedded worker' : 'external Connect over REST'})`, () => {
    test('STOP CONNECTOR shuts the tasks down and keeps the config: STOPPED with no tasks, and RESUME starts it again', async () => {
      const { one, failure, worker, path, log } = await start(mode);
      await one(
        `CREATE SOURCE CONNECTOR src WITH ('connector.class'='FileStreamSource', 'file'='${path}', 'topic'='lines');`,
      );
      await until('three lines', async () => (await values(log, 'lines')).length === 3);
      const stopped = await one('STOP CONNECTOR src;');
      assert.equal(stopped['@type'], 'warning_entity');
      assert.equal(stopped.message, 'Stopped connector SRC');
      const d = await one('DESCRIBE CONNECTOR src;');
      assert.equal(fieldsOf(d).state, 'STOPPED');
      assert.deepEqual((fieldsOf(d).status as { tasks: unknown[] }).tasks, []);
      const listed = fieldsOf(await one('SHOW CONNECTORS;')).connectors as { name: string; state: string }[];
      assert.deepEqual(listed, [
        { name: 'SRC', type: 'source', className: 'FileStreamSource', state: 'STOPPED' },
      ]);
      assert.equal(worker.herder.connectorConfig('SRC').file, path);
      await one('RESUME CONNECTOR src;');
      await until('running again with its task', () => {
        const s = worker.herder.connectorStatus('SRC');
        return s.connector.state === 'RUNNING' && s.tasks[0]?.state === 'RUNNING';
      });
      const missing = await failure('STOP CONNECTOR nope;');
      assert.equal(missing.errorCode, 40400);
      assert.equal(missing.message, 'Failed to stop connector: Unknown connector NOPE');
    });

    test("SHOW CONNECTOR OFFSETS lists a source's partitions; RESET OFFSETS re-reads from the start, SET OFFSETS resumes from there", async () => {
      const { one, worker, path, log } = await start(mode);
      await one(
        `CREATE SOURCE CONNECTOR src WITH ('connector.class'='FileStreamSource', 'file'='${path}', 'topic'='lines');`,
      );
      await until('the offset after the last line', async () => {
        const o = fieldsOf(await one('SHOW CONNECTOR OFFSETS src;')).offsets as Offsets;
        return o[0]?.offset?.position === 6;
      });
      const shown = await one('SHOW CONNECTOR OFFSETS src;');
      assert.equal(shown['@type'], 'connector_offsets');
      assert.equal(shown.connector, 'SRC');
      assert.deepEqual(shown.offsets, [{ partition: { filename: path }, offset: { position: 6 } }]);
      assert.deepEqual(await values(log, 'lines'), ['a', 'b', 'c']);

      await one('STOP CONNECTOR src;');
      const reset = await one('ALTER CONNECTOR src RESET OFFSETS;');
      assert.equal(reset['@type'], 'warning_entity');
      assert.equal(reset.message, 'The offsets for this connector have been reset successfully');
      assert.deepEqual(fieldsOf(await one('SHOW CONNECTOR OFFSETS src;')).offsets, []);
      await one('RESUME CONNECTOR src;');
      await until(
        'the file read again from the start',
        async () => (await values(log, 'lines')).length === 6,
      );
      assert.deepEqual(await values(log, 'lines'), ['a', 'b', 'c', 'a', 'b', 'c']);
      await until(
        'the offset after the last line again',
        () => worker.herder.offsets.all('SRC')[0]?.offset.position === 6,
      );

      await one('STOP CONNECTOR src;');
      const altered = await one(
        `ALTER CONNECTOR src SET OFFSETS ('${JSON.stringify({ filename: path })}'='{"position": 2}');`,
      );
      assert.equal(
        fieldsOf(altered).message,
        'The offsets for this connector have been altered successfully',
      );
      assert.deepEqual(fieldsOf(await one('SHOW CONNECTOR OFFSETS src;')).offsets, [
        { partition: { filename: path }, offset: { position: 2 } },
      ]);
      await one('RESUME CONNECTOR src;');
      await until('the lines after position 2', async () => (await values(log, 'lines')).length === 8);
      assert.deepEqual((await values(log, 'lines')).slice(6), ['b', 'c']);
    });

    test("offsets change only on a STOPPED connector, with Kafka Connect's message naming STOP CONNECTOR", async () => {
      const { one, failure, path } = await start(mode);
      await one(
        `CREATE SOURCE CONNECTOR \`my-src\` WITH ('connector.class'='FileStreamSource', 'file'='${path}', 'topic'='lines');`,
      );
      const expected =
        'Connectors must be in the STOPPED state before their offsets can be modified. Stop it first with STOP CONNECTOR `my-src`.';
      const reset = await failure('ALTER CONNECTOR `my-src` RESET OFFSETS;');
      assert.equal(reset.errorCode, 40000);
      assert.equal(reset.message, `Failed to reset connector offsets: ${expected}`);
      const set = await failure(`ALTER CONNECTOR \`my-src\` SET OFFSETS ('{"filename":"x"}'=NULL);`);
      assert.equal(set.errorCode, 40000);
      assert.equal(set.message, `Failed to alter connector offsets: ${expected}`);
      const notJson = await failure(`ALTER CONNECTOR \`my-src\` SET OFFSETS ('filename'='{"position":1}');`);
      assert.equal(notJson.errorCode, 40000);
      assert.match(notJson.message, /^The partition 'filename' is not valid JSON: /);
      const notObject = await failure(`ALTER CONNECTOR \`my-src\` SET OFFSETS ('{"filename":"x"}'='[1]');`);
      assert.equal(
        notObject.message,
        `The offset '[1]' must be a JSON object, such as '{"filename": "in.txt"}'.`,
      );
      await one('STOP CONNECTOR `my-src`;');
      const nested = await failure(
        `ALTER CONNECTOR \`my-src\` SET OFFSETS ('{"filename":"x"}'='{"position":{"line":1}}');`,
      );
      assert.equal(nested.errorCode, 40000);
      assert.equal(
        nested.message,
        'Failed to alter connector offsets: Offsets may only contain primitive types as values, but field position of the offset contains {"line":1}',
      );
      const missing = await failure('SHOW CONNECTOR OFFSETS nope;');
      assert.equal(missing.errorCode, 40400);
      assert.equal(missing.message, 'Failed to list connector offsets: Connector NOPE not found');
    });

    test('SHOW CONNECTOR STATUS shows per task the state, records in and out, last record time, lag, errors and dead-lettered records', async () => {
      const { one, failure, log, dir, path } = await start(mode);
      await one(
        `CREATE SOURCE CONNECTOR src WITH ('connector.class'='FileStreamSource', 'file'='${path}', 'topic'='lines');`,
      );
      await log.createTopic('in');
      await log.append(
        'in',
        ['"x"', '{bad', '"z"'].map((v) => ({ key: null, value: Buffer.from(v) })),
      );
      await one(
        `CREATE SINK CONNECTOR snk WITH ('connector.class'='FileStreamSink', 'file'='${join(dir, 'out.txt')}', 'topics'='in',
           'value.converter'='org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable'='false',
           'errors.tolerance'='all', 'errors.deadletterqueue.topic.name'='dlq');`,
      );
      type Task = Record<string, unknown>;
      type Row = { name: string; type: string; className: string; state: string; tasks: Task[] };
      const status = async () => fieldsOf(await one('SHOW CONNECTOR STATUS;')).connectors as Row[];
      await until('both tasks done with their records', async () => {
        const [snk, src] = await status();
        return (
          src?.tasks[0]?.recordsOut === 3 && snk?.tasks[0]?.recordsIn === 3 && snk.tasks[0].deadLettered === 1
        );
      });
      const shown = await one('SHOW CONNECTOR STATUS;');
      assert.equal(shown['@type'], 'connector_status_list');
      assert.deepEqual(shown.warnings, []);
      const [snk, src] = fieldsOf(shown).connectors as Row[];
      assert.deepEqual(
        { name: src.name, type: src.type, className: src.className, state: src.state },
        { name: 'SRC', type: 'source', className: 'FileStreamSource', state: 'RUNNING (1/1 tasks RUNNING)' },
      );
      const { lastRecordTime: srcTime, workerId: _w1, ...srcTask } = src.tasks[0];
      assert.deepEqual(srcTask, {
        id: 0,
        state: 'RUNNING',
        recordsIn: 3,
        recordsOut: 3,
        lag: null,
        lagBytes: null,
        errors: 0,
        deadLettered: 0,
      });
      assert.ok(!Number.isNaN(Date.parse(String(srcTime))), String(srcTime));
      const { lastRecordTime: _t, workerId: _w2, ...snkTask } = snk.tasks[0];
      assert.deepEqual(snkTask, {
        id: 0,
        state: 'RUNNING',
        recordsIn: 3,
        recordsOut: 2,
        lag: 0,
        lagBytes: null,
        errors: 1,
        deadLettered: 1,
      });

      // A paused sink falls behind by what arrives meanwhile.
      await one('PAUSE CONNECTOR snk;');
      await log.append(
        'in',
        ['"p"', '"q"'].map((v) => ({ key: null, value: Buffer.from(v) })),
      );
      const paused = fieldsOf(await one('SHOW CONNECTOR STATUS snk;')).connectors as Row[];
      assert.deepEqual(
        paused.map((c) => [c.name, c.state, c.tasks[0].state, c.tasks[0].lag]),
        [['SNK', 'PAUSED', 'PAUSED', 2]],
      );
      // A stopped connector has no tasks.
      await one('STOP CONNECTOR src;');
      assert.deepEqual((fieldsOf(await one('SHOW CONNECTOR STATUS src;')).connectors as Row[])[0].tasks, []);
      const missing = await failure('SHOW CONNECTOR STATUS nope;');
      assert.equal(missing.errorCode, 40400);
      assert.equal(missing.message, 'Failed to query connector status: No status found for connector NOPE');
    });

    test('CREATE STREAM … FROM DEAD LETTER QUEUE OF CONNECTOR declares the dead-letter topic with the error headers as columns', async () => {
      const { one, failure, log, dir, engine } = await start(mode);
      await log.createTopic('in');
      await log.append(
        'in',
        ['"x"', '{bad'].map((v) => ({ key: Buffer.from('k'), value: Buffer.from(v) })),
      );
      await one(
        `CREATE SINK CONNECTOR snk WITH ('connector.class'='FileStreamSink', 'file'='${join(dir, 'out.txt')}', 'topics'='in',
           'value.converter'='org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable'='false',
           'errors.tolerance'='all', 'errors.deadletterqueue.topic.name'='snk-dlq',
           'errors.deadletterqueue.context.headers.enable'='true');`,
      );
      const created = await one('CREATE STREAM bad FROM DEAD LETTER QUEUE OF CONNECTOR snk;');
      assert.equal(created['@type'], 'currentStatus');
      assert.equal(created.statementText, 'CREATE STREAM bad FROM DEAD LETTER QUEUE OF CONNECTOR snk;');
      assert.equal((created.commandStatus as { message: string }).message, 'Stream created');
      const source = engine.metastore.get('BAD');
      assert.equal(source?.topic, 'snk-dlq');
      assert.deepEqual(
        source?.columns.map((c) => [c.name, c.namespace, c.headerKey ?? null]),
        [
          ['RECORD_KEY', 'KEY', null],
          ['RECORD_VALUE', 'VALUE', null],
          ['ERROR_TOPIC', 'HEADERS', '__connect.errors.topic'],
          ['ERROR_PARTITION', 'HEADERS', '__connect.errors.partition'],
          ['ERROR_OFFSET', 'HEADERS', '__connect.errors.offset'],
          ['ERROR_CONNECTOR', 'HEADERS', '__connect.errors.connector.name'],
          ['ERROR_TASK_ID', 'HEADERS', '__connect.errors.task.id'],
          ['ERROR_STAGE', 'HEADERS', '__connect.errors.stage'],
          ['ERROR_CLASS_NAME', 'HEADERS', '__connect.errors.class.name'],
          ['ERROR_EXCEPTION_CLASS_NAME', 'HEADERS', '__connect.errors.exception.class.name'],
          ['ERROR_EXCEPTION_MESSAGE', 'HEADERS', '__connect.errors.exception.message'],
          ['ERROR_EXCEPTION_STACKTRACE', 'HEADERS', '__connect.errors.exception.stacktrace'],
        ],
      );
      const handle = await engine.pushQuery(
        `SELECT FROM_BYTES(RECORD_KEY, 'utf8') AS K, FROM_BYTES(RECORD_VALUE, 'utf8') AS V,
           FROM_BYTES(ERROR_TOPIC, 'utf8') AS T, FROM_BYTES(ERROR_OFFSET, 'utf8') AS O,
           FROM_BYTES(ERROR_STAGE, 'utf8') AS STAGE, FROM_BYTES(ERROR_CONNECTOR, 'utf8') AS C
         FROM bad EMIT CHANGES LIMIT 1;`,
        { streamsProperties: { 'auto.offset.reset': 'earliest' } },
      );
      const rows: unknown[][] = [];
      for await (const batch of handle.rows) rows.push(...batch.rows);
      assert.deepEqual(rows, [['k', '{bad', 'in', '1', 'VALUE_CONVERTER', 'SNK']]);

      const exists = await one('CREATE STREAM IF NOT EXISTS bad FROM DEAD LETTER QUEUE OF CONNECTOR snk;');
      assert.match(String((fieldsOf(exists).commandStatus as { message: string }).message), /already exists/);
      await one(
        `CREATE SINK CONNECTOR plain WITH ('connector.class'='FileStreamSink', 'file'='${join(dir, 'plain.txt')}', 'topics'='in',
           'value.converter'='org.apache.kafka.connect.storage.StringConverter');`,
      );
      const none = await failure('CREATE STREAM plain_errors FROM DEAD LETTER QUEUE OF CONNECTOR plain;');
      assert.equal(none.errorCode, 40000);
      assert.equal(
        none.message,
        "Connector PLAIN has no dead letter queue: set one with ALTER CONNECTOR PLAIN SET ('errors.tolerance'='all', 'errors.deadletterqueue.topic.name'='<topic>', 'errors.deadletterqueue.context.headers.enable'='true') (sink connectors only).",
      );
      const missing = await failure('CREATE STREAM e FROM DEAD LETTER QUEUE OF CONNECTOR nope;');
      assert.equal(missing.errorCode, 40400);
      assert.equal(
        missing.message,
        "Failed to read the connector's dead letter queue: Connector NOPE not found",
      );
    });

    test("a sink's offsets are topic-partition positions; SET OFFSETS takes a number, and RESET re-delivers from the start", async () => {
      const { one, log, dir, worker } = await start(mode);
      await log.createTopic('in');
      await log.append(
        'in',
        ['x', 'y', 'z'].map((v) => ({ key: null, value: Buffer.from(v) })),
      );
      const out = join(dir, 'out.txt');
      await one(
        `CREATE SINK CONNECTOR snk WITH ('connector.class'='FileStreamSink', 'file'='${out}', 'topics'='in', 'value.converter'='org.apache.kafka.connect.storage.StringConverter');`,
      );
      const partition = { kafka_topic: 'in', kafka_partition: 0 };
      await until('all three delivered', async () => {
        const o = fieldsOf(await one('SHOW CONNECTOR OFFSETS snk;')).offsets as Offsets;
        return o[0]?.offset?.kafka_offset === 3;
      });
      assert.deepEqual(fieldsOf(await one('SHOW CONNECTOR OFFSETS snk;')).offsets, [
        { partition, offset: { kafka_offset: 3 } },
      ]);
      await one('STOP CONNECTOR snk;');
      await one(`ALTER CONNECTOR snk SET OFFSETS ('${JSON.stringify(partition)}'=1);`);
      assert.deepEqual(fieldsOf(await one('SHOW CONNECTOR OFFSETS snk;')).offsets, [
        { partition, offset: { kafka_offset: 1 } },
      ]);
      await one('RESUME CONNECTOR snk;');
      await until('y and z delivered again', () => worker.herder.written('SNK') === 2);
      await one('STOP CONNECTOR snk;');
      await one('ALTER CONNECTOR snk RESET OFFSETS;');
      assert.deepEqual(fieldsOf(await one('SHOW CONNECTOR OFFSETS snk;')).offsets, []);
    });
  });
}

test('a dead-letter stream is recorded as the plain CREATE STREAM it stands for: a restart rebuilds it without Connect', async () => {
  const { one, log, engine, dir } = await start('embedded');
  await log.createTopic('in');
  await one(
    `CREATE SINK CONNECTOR snk WITH ('connector.class'='FileStreamSink', 'file'='${join(dir, 'out.txt')}', 'topics'='in', 'errors.tolerance'='all',
       'errors.deadletterqueue.topic.name'='snk-dlq');`,
  );
  await one('CREATE STREAM bad FROM DEAD LETTER QUEUE OF CONNECTOR snk;');
  await engine.close();
  const again = await KsqlEngine.start(log, loadServerConfig({ env: {} }), undefined);
  try {
    assert.equal(again.metastore.get('BAD')?.topic, 'snk-dlq');
    assert.equal(again.metastore.get('BAD')?.columns.length, 12);
    // Declared before any error: the topic the worker writes its first error to is there.
    assert.equal((await log.describeTopic('snk-dlq')).partitions.length, 1);
  } finally {
    await again.close();
  }
});

test("against a Connect without per-task metrics (Apache Kafka's), SHOW CONNECTOR STATUS shows the states and says why counters are missing", async () => {
  const { worker, path } = await start('embedded');
  const target = worker.restUrl!;
  // A real HTTP hop to the worker that answers the metrics path as Kafka Connect's Jersey does.
  const proxy = createServer(async (req, res) => {
    if (req.url?.endsWith('/metrics')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error_code: 404, message: 'HTTP 404 Not Found' }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const answer = await fetch(`${target}${req.url}`, {
      method: req.method,
      headers: { 'content-type': 'application/json' },
      body: chunks.length === 0 ? undefined : Buffer.concat(chunks),
    });
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(await answer.text());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  onCleanup(() => new Promise<void>((r) => proxy.close(() => r())));
  const { port } = proxy.address() as AddressInfo;
  const ownDir = mkdtempSync(join(tmpdir(), 'sluice-external-connect-'));
  const ownLog = await SegmentLog.open({ dataDir: join(ownDir, 'data'), cleanerIntervalMs: 0 });
  const engine = await KsqlEngine.start(
    ownLog,
    loadServerConfig({ env: {} }),
    new RestConnectClient(`http://127.0.0.1:${port}`),
  );
  onCleanup(async () => {
    await engine.close();
    await ownLog.close();
    rmSync(ownDir, { recursive: true, force: true });
  });
  await engine.execute(
    `CREATE SOURCE CONNECTOR src WITH ('connector.class'='FileStreamSource', 'file'='${path}', 'topic'='lines');`,
  );
  await until('the task runs', () => worker.herder.connectorStatus('SRC').tasks[0]?.state === 'RUNNING');
  const [shown] = await engine.execute('SHOW CONNECTOR STATUS;');
  const [row] = fieldsOf(shown).connectors as { name: string; tasks: Record<string, unknown>[] }[];
  assert.equal(row.name, 'SRC');
  assert.deepEqual(
    { state: row.tasks[0].state, recordsIn: row.tasks[0].recordsIn, lag: row.tasks[0].lag },
    { state: 'RUNNING', recordsIn: null, lag: null },
  );
  assert.deepEqual(shown.warnings, [
    {
      message:
        'This Kafka Connect serves no per-task metrics (a Sluice worker does at /connectors/{name}/metrics): only states are shown.',
    },
  ]);
});
