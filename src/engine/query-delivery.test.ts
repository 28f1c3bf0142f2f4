import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { loadServerConfig } from '../config/index.js';
import { type Log, LogError, type LogRecord, type ProduceRecord, SegmentLog } from '../log/index.js';
import { KsqlEngine } from './ksql-engine.js';
import { fieldsOf } from './test-engine.fixture.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-delivery-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** An engine over the data dir; `wrap` may put a Log in front of the real one. */
async function start(dir: string, flags: Record<string, string> = {}, wrap?: (log: SegmentLog) => Log) {
  const segmentLog = await SegmentLog.open({ dataDir: dir, cleanerIntervalMs: 0 });
  const log = wrap === undefined ? segmentLog : wrap(segmentLog);
  const engine = await KsqlEngine.start(
    log,
    loadServerConfig({ flags: { 'ksql.streams.commit.interval.ms': '0', ...flags }, env: {} }),
  );
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await engine.close();
    await segmentLog.close();
  };
  cleanup.push(close);
  return { engine, log: segmentLog, close };
}

async function readAll(log: Log, topic: string): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  for (const { partition } of (await log.describeTopic(topic)).partitions) {
    let offset = await log.beginningOffset(topic, partition);
    while (offset < (await log.endOffset(topic, partition))) {
      const r = await log.read(topic, partition, offset);
      out.push(...r.records);
      offset = r.nextOffset;
    }
  }
  return out;
}

/** Waits for the topic to hold `count` records, on the log's own notifications. */
async function waitForCount(log: Log, topic: string, count: number): Promise<LogRecord[]> {
  for (;;) {
    const records = await readAll(log, topic);
    if (records.length >= count) return records;
    await log.waitForData(topic, 0, await log.endOffset(topic, 0), 1000);
  }
}

const ids = (records: readonly LogRecord[]) => records.map((r) => r.key!.toString());
const numbered = (from: number, count: number) => Array.from({ length: count }, (_, i) => `r${from + i}`);

function inputs(count: number, big?: number): ProduceRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    key: Buffer.from(`r${i}`),
    value: Buffer.from(JSON.stringify({ TEXT: i === big ? 'x'.repeat(5000) : `text ${i}` })),
  }));
}

const setup = (sinkTopic: string) => `
  CREATE STREAM src (id STRING KEY, text STRING) WITH (KAFKA_TOPIC='src', VALUE_FORMAT='JSON', PARTITIONS=1);
  SET 'auto.offset.reset'='earliest';
  CREATE STREAM copied WITH (KAFKA_TOPIC='${sinkTopic}') AS SELECT id, text FROM src;`;

const GROUP = /^_confluent-ksql-default_query_CSAS_COPIED_\d+$/;

async function committed(log: Log): Promise<number | undefined> {
  const group = (await log.listGroups()).find((g) => GROUP.test(g));
  if (group === undefined) return undefined;
  return (await log.committedOffsets(group, 'src'))[0]?.offset;
}

async function processingLog(log: Log): Promise<{ LOGGER: string; MESSAGE: Record<string, unknown> }[]> {
  return (await readAll(log, 'default_ksql_processing_log')).map((r) => JSON.parse(r.value!.toString()));
}

for (const guarantee of ['at_least_once', 'exactly_once_v2']) {
  test(`an output record larger than max.message.bytes stops the query with nothing after it committed, and nothing is lost once the limit is raised (${guarantee})`, async () => {
    const dir = tempDir();
    const first = await start(dir, { 'ksql.streams.processing.guarantee': guarantee });
    await first.log.createTopic('out', { config: { 'max.message.bytes': '1000' } });
    await first.engine.execute(setup('out'));
    await first.log.append('src', inputs(100, 40));
    const query = first.engine.queries.all()[0].query;
    await query.waitForState('ERROR');
    assert.match(query.errorMessage ?? '', /max\.message\.bytes=1000/);
    assert.deepEqual(
      ids(await readAll(first.log, 'out')),
      numbered(0, 40),
      'the records before it are written',
    );
    assert.equal(await committed(first.log), 40, 'committed up to the record that cannot be written');
    const entries = await processingLog(first.log);
    const production = entries.find((e) => e.MESSAGE.TYPE === 2);
    assert.deepEqual(production?.MESSAGE.PRODUCTIONERROR, {
      ERRORMESSAGE: 'The request included a message larger than the max message size the server will accept.',
    });
    assert.ok(
      entries.some(
        (e) => e.MESSAGE.TYPE === 4 && e.LOGGER.endsWith('.ksql.logger.thread.exception.uncaught'),
      ),
    );
    await first.log.alterTopicConfig('out', { 'max.message.bytes': '100000' });
    await first.close();

    const again = await start(dir, { 'ksql.streams.processing.guarantee': guarantee });
    const out = await waitForCount(again.log, 'out', 100);
    assert.deepEqual(ids(out), numbered(0, 100), 'every record once, in order');
  });
}

test('with ksql.fail.on.production.error=false the oversized record goes to the processing log and the rest of its batch is written', async () => {
  const { engine, log } = await start(tempDir(), { 'ksql.fail.on.production.error': 'false' });
  await log.createTopic('out', { config: { 'max.message.bytes': '1000' } });
  await engine.execute(setup('out'));
  await log.append('src', inputs(100, 40));
  const out = await waitForCount(log, 'out', 99);
  assert.deepEqual(
    ids(out),
    numbered(0, 100).filter((id) => id !== 'r40'),
  );
  await engine.waitUntilIdle();
  const query = engine.queries.all()[0].query;
  assert.equal(query.state, 'RUNNING');
  assert.equal(await committed(log), 100);
  const production = (await processingLog(log)).filter((e) => e.MESSAGE.TYPE === 2);
  assert.equal(production.length, 1);
  assert.match(String(production[0].LOGGER), /^CSAS_COPIED_\d+$/);
});

/** The log, with appends to topic `out` failing as on a full disk while `failing()`. */
function failingSink(failing: () => boolean): (log: SegmentLog) => Log {
  return (log) =>
    new Proxy(log, {
      get(target, prop) {
        if (prop === 'append') {
          return (topic: string, records: readonly ProduceRecord[]) =>
            failing() && topic === 'out'
              ? Promise.reject(new LogError('DISK_FULL', 'The disk is full (ENOSPC) while appending.'))
              : target.append(topic, records);
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
}

test('a stateless query reads and computes its next batch while the last one is being appended, one append at a time, and is not idle until it lands', {
  timeout: 60_000,
}, async () => {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  let appending = 0;
  let readOnWhileHeld: () => void = () => {};
  const readOn = new Promise<void>((resolve) => (readOnWhileHeld = resolve));
  const { engine, log } = await start(
    tempDir(),
    { 'ksql.streams.commit.interval.ms': '600000' },
    (inner) =>
      new Proxy(inner, {
        get(target, prop) {
          if (prop === 'append')
            return async (topic: string, records: readonly ProduceRecord[]) => {
              if (topic !== 'out') return target.append(topic, records);
              assert.equal(appending, 0, 'one append of the output at a time');
              appending++;
              await held;
              appending--;
              return target.append(topic, records);
            };
          if (prop === 'read')
            return async (...args: Parameters<Log['read']>) => {
              const result = await target.read(...args);
              if (args[0] === 'src' && args[2] >= 5000 && appending > 0) readOnWhileHeld();
              return result;
            };
          const value = Reflect.get(target, prop, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }),
  );
  await log.createTopic('out');
  await engine.execute(setup('out'));
  await log.append('src', inputs(12_000));
  // The first batch's output is held in its append: the query reads the next batch meanwhile.
  await readOn;
  const query = engine.queries.all()[0].query;
  assert.equal(await query.isIdle(), false, 'not idle while output is in flight');
  assert.equal(await committed(log), undefined, 'nothing committed before its output landed');
  release();
  await engine.waitUntilIdle();
  assert.deepEqual(ids(await readAll(log, 'out')), numbered(0, 12_000), 'every record once, in order');
  // Stopping commits what landed (the interval is long: no commit came before).
  await query.stop();
  assert.equal(await committed(log), 12_000);
});

/** Restarts after 20 ms, then 40, 80, capped at 100 (plus up to 10). */
const FAST_RETRY = {
  'ksql.query.retry.backoff.initial.ms': '20',
  'ksql.query.retry.backoff.max.ms': '100',
};

test('a batch the log fails to write is not committed: after a restart it is written, nothing lost', async () => {
  const dir = tempDir();
  let failing = false;
  const first = await start(
    dir,
    {},
    failingSink(() => failing),
  );
  await first.engine.execute(setup('out'));
  await first.log.append('src', inputs(50));
  await waitForCount(first.log, 'out', 50);
  await first.engine.waitUntilIdle();
  failing = true;
  await first.log.append('src', inputs(150).slice(50));
  const query = first.engine.queries.all()[0].query;
  await query.waitForState('ERROR');
  assert.match(query.errorMessage ?? '', /disk is full/);
  assert.equal(await committed(first.log), 50, 'the failed batch is not committed');
  await first.close();

  const again = await start(dir);
  const out = await waitForCount(again.log, 'out', 150);
  assert.deepEqual(ids(out), numbered(0, 150));
});

/** Mounts a tmpfs of `bytes` (needs root); undefined where mounting is not allowed. */
function mountTmpfs(bytes: number): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-fulldisk-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir]);
  if (mounted.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  cleanup.push(() => {
    spawnSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Writes zeros to `path` until the file system is full. */
function fillDisk(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(4096);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}

test('on a really full disk the query stops with its batch uncommitted and, once space is freed, recovers on its own', async (t) => {
  const mount = mountTmpfs(4 * 1024 * 1024);
  if (mount === undefined) {
    t.skip('mounting a tmpfs needs root; the injected failures above cover the same paths');
    return;
  }
  const dir = join(mount, 'data');
  mkdirSync(dir);
  const { engine, log } = await start(dir, FAST_RETRY);
  await engine.execute(`
    CREATE STREAM src (id STRING KEY, text STRING) WITH (KAFKA_TOPIC='src', VALUE_FORMAT='JSON', PARTITIONS=1);
    SET 'auto.offset.reset'='earliest';
    CREATE STREAM copied WITH (KAFKA_TOPIC='out') AS SELECT id, LPAD(text, 400, '.') AS text FROM src;`);
  // Room for the input (~15 KB) and not for the query's output (~45 KB).
  const reserve = join(mount, 'reserve');
  const fd = openSync(reserve, 'w');
  writeSync(fd, Buffer.alloc(32 * 1024));
  closeSync(fd);
  fillDisk(join(mount, 'filler'));
  unlinkSync(reserve);
  await log.append('src', inputs(100));
  const query = engine.queries.all()[0].query;
  await query.waitForState('ERROR');
  assert.match(query.errorMessage ?? '', /disk is full/i);
  assert.equal((await readAll(log, 'out')).length, 0);
  assert.equal(await committed(log), undefined, 'nothing was committed');
  unlinkSync(join(mount, 'filler'));
  const out = await waitForCount(log, 'out', 100);
  assert.deepEqual(ids(out), numbered(0, 100));
  assert.equal(query.state, 'RUNNING');
  assert.ok(query.restarts >= 1);
});

test('a query in ERROR retries with backoff and recovers on its own once writes succeed again', async () => {
  let failing = false;
  const { engine, log } = await start(
    tempDir(),
    FAST_RETRY,
    failingSink(() => failing),
  );
  await engine.execute(setup('out'));
  await log.append('src', inputs(20));
  await waitForCount(log, 'out', 20);
  failing = true;
  await log.append('src', inputs(60).slice(20));
  const query = engine.queries.all()[0].query;
  await query.waitForState('ERROR');
  const [listed] = await engine.execute('SHOW QUERIES;');
  const row = (fieldsOf(listed).queries as { state: string; statusCount: Record<string, number> }[])[0];
  // Between attempts the query is in ERROR; an attempt in flight shows RUNNING for a moment.
  assert.ok(row.state === 'ERROR' || row.state === 'RUNNING');
  while (query.restarts < 2)
    await query.waitForState('ERROR').then(() => new Promise((r) => setImmediate(r)));
  const [explained] = await engine.execute(`EXPLAIN ${engine.queries.all()[0].id};`);
  const errors = (
    fieldsOf(explained).queryDescription as { queryErrors: { errorMessage: string; type: string }[] }
  ).queryErrors;
  assert.ok(errors.length >= 2, 'each failed attempt is listed');
  assert.match(errors[0].errorMessage, /disk is full/);
  assert.equal(await committed(log), 20, 'nothing past the written output is committed');
  failing = false;
  const out = await waitForCount(log, 'out', 60);
  assert.deepEqual(ids(out), numbered(0, 60), 'recovered without a restart: nothing lost, nothing twice');
  await engine.waitUntilIdle();
  assert.equal(query.state, 'RUNNING');
  assert.equal(await committed(log), 60);
});

test('processing.guarantee takes at_least_once, exactly_once_v2 or exactly_once, and a query with another value is refused before anything is created', async () => {
  const { engine, log } = await start(tempDir());
  await engine.execute(
    "CREATE STREAM src (id STRING KEY, text STRING) WITH (KAFKA_TOPIC='src', VALUE_FORMAT='JSON', PARTITIONS=1);",
  );
  await assert.rejects(
    engine.execute('CREATE STREAM copied AS SELECT id, text FROM src;', {
      streamsProperties: { 'processing.guarantee': 'exactly-once' },
    }),
    /Invalid value exactly-once for configuration processing.guarantee: String must be one of: at_least_once, exactly_once, exactly_once_v2/,
  );
  assert.equal(await log.hasTopic('COPIED'), false);
  assert.equal(engine.queries.all().length, 0);
  await engine.execute('CREATE STREAM copied AS SELECT id, text FROM src;', {
    streamsProperties: { 'processing.guarantee': 'exactly_once_v2', 'auto.offset.reset': 'earliest' },
  });
  assert.equal(engine.queries.all()[0].query.spec.exactlyOnce, true);
  await log.append('src', inputs(3));
  await engine.waitUntilIdle();
  assert.deepEqual(ids(await readAll(log, 'COPIED')), numbered(0, 3), 'visible once committed');
});
