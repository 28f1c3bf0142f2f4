import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import {
  ConfigDef,
  type ConnectorPlugin,
  RetriableException,
  type SinkConnector,
  type SinkTaskContext,
  type SourceConnector,
  type SourceTaskContext,
  sourceRecord,
} from '../api/index.js';
import { startTestWorker, until } from './test-worker.fixture.js';

// A task retrying a database it cannot reach must not hold up DROP, PAUSE or a config change:
// stopping it ends its wait. The retries here would last ten minutes; the tests' own timeout is
// far shorter, so a stop that waited them out fails the test.

const TEN_MINUTES = 600_000;
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A sink whose database is away: every put fails retriably and asks for a ten-minute backoff. */
function unreachableSink(calls: { puts: number }): ConnectorPlugin {
  return {
    className: 'com.example.UnreachableSink',
    type: 'sink',
    version: '1.0.0',
    create(): SinkConnector {
      let props: Readonly<Record<string, string>> = {};
      return {
        kind: 'sink',
        version: () => '1.0.0',
        config: () => new ConfigDef(),
        initialize: () => {},
        start: (p) => {
          props = p;
        },
        taskConfigs: (max) => Array.from({ length: max }, () => ({ ...props })),
        stop: () => {},
        createTask() {
          let context: SinkTaskContext;
          return {
            version: () => '1.0.0',
            initialize: (c: SinkTaskContext) => {
              context = c;
            },
            start: () => {},
            async put(records) {
              if (records.length === 0) return;
              calls.puts++;
              context.timeout(TEN_MINUTES);
              throw new RetriableException('the database is away');
            },
            stop: () => {},
          };
        },
      };
    },
  };
}

/** A source that waits to reconnect until the worker's stopping signal, and ignores stop(). */
function reconnectingSource(polls: { started: number }): ConnectorPlugin {
  return {
    className: 'com.example.ReconnectingSource',
    type: 'source',
    version: '1.0.0',
    create(): SourceConnector {
      let props: Readonly<Record<string, string>> = {};
      return {
        kind: 'source',
        version: () => '1.0.0',
        config: () => new ConfigDef(),
        initialize: () => {},
        start: (p) => {
          props = p;
        },
        taskConfigs: (max) => Array.from({ length: max }, () => ({ ...props })),
        stop: () => {},
        createTask() {
          let context: SourceTaskContext;
          return {
            version: () => '1.0.0',
            initialize: (c: SourceTaskContext) => {
              context = c;
            },
            start: () => {},
            async poll() {
              polls.started++;
              await new Promise<void>((resolve) => {
                const timer = setTimeout(resolve, TEN_MINUTES);
                context.stopping?.addEventListener('abort', () => {
                  clearTimeout(timer);
                  resolve();
                });
              });
              return null;
            },
            stop: () => {},
          };
        },
      };
    },
  };
}

async function worker(connectors: ConnectorPlugin[], properties: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-stopping-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const w = await startTestWorker(dir, {
    connectors,
    properties: { 'task.shutdown.graceful.timeout.ms': String(TEN_MINUTES), ...properties },
  });
  cleanup.push(w.close);
  return w;
}

test('DROP, PAUSE and a config PUT answer while a sink task backs off from a database it cannot reach', {
  timeout: 60_000,
}, async () => {
  const calls = { puts: 0 };
  const { herder, log } = await worker([unreachableSink(calls)]);
  await log.createTopic('rows', { partitions: 1 });
  await log.append('rows', [{ key: null, value: Buffer.from('a') }]);
  const config = { 'connector.class': 'com.example.UnreachableSink', topics: 'rows' };
  await herder.createConnector('out', config);
  await until('a failed put', () => calls.puts >= 1);
  // Its status tells the truth: running, but retrying, with the error and since when.
  const [task] = herder.connectorStatus('out').tasks;
  assert.equal(task.state, 'RUNNING');
  assert.equal(task.retrying?.error, 'the database is away');
  assert.ok(!Number.isNaN(Date.parse(task.retrying?.since ?? '')), JSON.stringify(task));
  await herder.pauseConnector('out');
  await herder.resumeConnector('out');
  await herder.putConnectorConfig('out', { ...config, 'tasks.max': '1' });
  await until('a failed put after the config change', () => calls.puts >= 2);
  await herder.deleteConnector('out');
  assert.deepEqual(herder.connectorNames(), []);
  // The undelivered record was not committed past: a sink started again gets it.
  const committed = await log.committedOffsets('connect-out');
  assert.ok(
    committed.every((c) => c.offset === 0),
    JSON.stringify(committed),
  );
});

test('a source task waiting to reconnect ends its wait when the worker stops it', {
  timeout: 60_000,
}, async () => {
  const polls = { started: 0 };
  const { herder } = await worker([reconnectingSource(polls)]);
  await herder.createConnector('in', { 'connector.class': 'com.example.ReconnectingSource' });
  await until('a poll', () => polls.started >= 1);
  await herder.deleteConnector('in');
  assert.deepEqual(herder.connectorNames(), []);
});

test('a task that ignores its stop is left behind after task.shutdown.graceful.timeout.ms', {
  timeout: 60_000,
}, async () => {
  const ignoring: ConnectorPlugin = {
    ...reconnectingSource({ started: 0 }),
    className: 'com.example.DeafSource',
    create() {
      const inner = reconnectingSource({ started: 0 }).create() as SourceConnector;
      return {
        ...inner,
        createTask: () => ({
          version: () => '1.0.0',
          initialize: () => {},
          start: () => {},
          poll: () => new Promise<null>(() => {}),
          stop: () => {},
        }),
      };
    },
  };
  const { herder } = await worker([ignoring], { 'task.shutdown.graceful.timeout.ms': '100' });
  await herder.createConnector('deaf', { 'connector.class': 'com.example.DeafSource' });
  await until('RUNNING', () => herder.connectorStatus('deaf').tasks[0]?.state === 'RUNNING');
  await herder.deleteConnector('deaf');
  assert.deepEqual(herder.connectorNames(), []);
});

test('a source commits what it wrote while its next poll still waits', { timeout: 60_000 }, async () => {
  // One record, then a poll that waits until stop: only a commit beside the loop can commit it.
  const once: ConnectorPlugin = {
    ...reconnectingSource({ started: 0 }),
    className: 'com.example.OnceSource',
    create() {
      const inner = reconnectingSource({ started: 0 }).create() as SourceConnector;
      return {
        ...inner,
        createTask: () => {
          let context: SourceTaskContext;
          let sent = false;
          return {
            version: () => '1.0.0',
            initialize: (c: SourceTaskContext) => {
              context = c;
            },
            start: () => {},
            async poll() {
              if (!sent) {
                sent = true;
                return [
                  sourceRecord({
                    topic: 'once',
                    sourcePartition: { p: 0 },
                    sourceOffset: { n: 1 },
                    value: 'x',
                  }),
                ];
              }
              await new Promise<void>((resolve) =>
                context.stopping?.addEventListener('abort', () => resolve()),
              );
              return null;
            },
            stop: () => {},
          };
        },
      };
    },
  };
  const { herder } = await worker([once], { 'offset.flush.interval.ms': '50' });
  await herder.createConnector('once', { 'connector.class': 'com.example.OnceSource' });
  await until('the offset committed', () => herder.offsets.get('once', { p: 0 })?.n === 1, 50_000);
});

test('DROP of a connector still waiting in its start (a database away) stops that start', {
  timeout: 60_000,
}, async () => {
  let started = false;
  const slowStart: ConnectorPlugin = {
    className: 'com.example.SlowStartSource',
    type: 'source',
    version: '1.0.0',
    create(): SourceConnector {
      let stop: () => void = () => {};
      return {
        kind: 'source',
        version: () => '1.0.0',
        config: () => new ConfigDef(),
        initialize: () => {},
        // Waits (ten minutes, or until stop) as a connector does that cannot reach its database.
        start: () =>
          new Promise<void>((resolve, reject) => {
            started = true;
            const timer = setTimeout(resolve, TEN_MINUTES);
            stop = () => {
              clearTimeout(timer);
              reject(new Error('Stopped while connecting.'));
            };
          }),
        taskConfigs: () => [],
        stop: () => stop(),
        createTask: () => {
          throw new Error('no tasks');
        },
      };
    },
  };
  const { herder } = await worker([slowStart]);
  const creating = herder.createConnector('slow', { 'connector.class': 'com.example.SlowStartSource' });
  await until('the start under way', () => started);
  await herder.deleteConnector('slow');
  await creating;
  assert.deepEqual(herder.connectorNames(), []);
  // Likewise when the creation needed the start to succeed (SQL's CREATE): it fails, and DROP is done.
  started = false;
  const required = herder.createConnector(
    'slow',
    { 'connector.class': 'com.example.SlowStartSource' },
    'STARTED',
    {
      requireStart: true,
    },
  );
  await until('the second start under way', () => started);
  await herder.deleteConnector('slow');
  await assert.rejects(required, /Connector slow could not start: Stopped while connecting/);
  assert.deepEqual(herder.connectorNames(), []);
});
