import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { builtinConnectors } from '../../connectors/index.js';
import { SegmentLog } from '../../log/index.js';
import { startConnectWorker } from '../index.js';
import { until } from '../worker/test-worker.fixture.js';
import {
  COUNTER_CLASS,
  removeTempDirs,
  tempDir,
  writeExamplePackage,
  writePackage,
  writeRenamedExample,
} from './example-package.fixture.js';

after(removeTempDirs);

async function topicValues(log: SegmentLog, topic: string): Promise<string[]> {
  if (!(await log.hasTopic(topic))) return [];
  const out: string[] = [];
  for (let offset = 0; offset < (await log.endOffset(topic, 0)); ) {
    const r = await log.read(topic, 0, offset);
    out.push(...r.records.map((x) => x.value!.toString()));
    offset = r.nextOffset;
  }
  return out;
}

/** A worker on a fresh log, closed (with its log) after `body`. */
async function withWorker(
  options: Omit<Parameters<typeof startConnectWorker>[0], 'log' | 'version'>,
  body: (worker: Awaited<ReturnType<typeof startConnectWorker>>, log: SegmentLog) => Promise<void>,
): Promise<void> {
  const log = await SegmentLog.open({ dataDir: join(tempDir(), 'data'), cleanerIntervalMs: 0 });
  const worker = await startConnectWorker({ log, version: 'test', ...options });
  try {
    await body(worker, log);
  } finally {
    await worker.close();
    await log.close();
  }
}

test('the worker registers plugin.path packages after the built-ins and runs their connectors', async () => {
  const plugins = tempDir();
  const extra = tempDir();
  writeExamplePackage(plugins);
  writeRenamedExample(extra, 'ticker', 'com.acme.TickerSourceConnector');
  writeRenamedExample(plugins, 'imposter', 'org.apache.kafka.connect.file.FileStreamSourceConnector');
  writePackage(join(plugins, 'broken'), { name: 'broken', version: '1.0.0' }, {});

  const log = await SegmentLog.open({ dataDir: join(tempDir(), 'data'), cleanerIntervalMs: 0 });
  const worker = await startConnectWorker({
    log,
    properties: { 'plugin.path': `${plugins}, ${extra}`, 'offset.flush.interval.ms': '50' },
    connectors: builtinConnectors,
    version: 'test',
    listen: false,
  });
  try {
    const classes = worker.herder.connectorPlugins().map((p) => p.class);
    assert.ok(classes.includes(COUNTER_CLASS), classes.join());
    assert.ok(classes.includes('com.acme.TickerSourceConnector'));
    assert.ok(classes.includes('io.mdrogalis.voluble.VolubleSourceConnector'), 'built-ins still there');
    assert.deepEqual(
      worker.pluginPackages.broken.map((b) => [b.name, b.dir]),
      [
        ['broken', join(plugins, 'broken')],
        ['imposter', join(plugins, 'imposter')],
      ],
    );
    assert.match(worker.pluginPackages.broken[1].reason, /already provided by a built-in connector/);

    await worker.herder.createConnector('counter', {
      'connector.class': COUNTER_CLASS,
      topic: 'numbers',
      count: '3',
    });
    await until('three records', async () => (await topicValues(log, 'numbers')).length === 3);
    assert.deepEqual(await topicValues(log, 'numbers'), ['{"n":0}', '{"n":1}', '{"n":2}']);
    assert.equal(worker.herder.connectorStatus('counter').connector.state, 'RUNNING');
  } finally {
    await worker.close();
    await log.close();
  }
});

test('a worker with no plugin.path loads no packages when the default folder does not exist', async () => {
  const env = { SLUICE_PLUGIN_PATH: join(tempDir(), 'never-created') };
  await withWorker({ properties: {}, connectors: [], listen: false, env }, async (worker) => {
    assert.deepEqual(worker.pluginPackages, { loaded: [], broken: [] });
    assert.deepEqual(worker.herder.connectorPlugins(), []);
  });
});

test('without plugin.path the worker loads what `sluice plugin install` put in the default folder', async () => {
  const plugins = tempDir();
  writeExamplePackage(plugins);
  const env = { SLUICE_PLUGIN_PATH: plugins };
  await withWorker({ properties: {}, connectors: [], listen: false, env }, async (worker) => {
    assert.deepEqual(
      worker.herder.connectorPlugins().map((p) => p.class),
      [COUNTER_CLASS],
    );
  });
});

test('a listener on port 0 gets a real port, and worker_id names it', async () => {
  const properties = { listeners: 'http://127.0.0.1:0', 'offset.flush.interval.ms': '50' };
  await withWorker({ properties, connectors: builtinConnectors, env: {} }, async (worker) => {
    const port = new URL(worker.restUrl ?? 'http://x').port;
    assert.notEqual(port, '0');
    assert.notEqual(port, '');
    await worker.herder.createConnector('gen', {
      'connector.class': 'io.mdrogalis.voluble.VolubleSourceConnector',
      'genv.t.n.with': "#{number.number_between '1','9'}",
      'global.throttle.ms': '1000',
    });
    const res = await fetch(`${worker.restUrl}/connectors/gen/status`);
    const status = (await res.json()) as { connector: { worker_id: string } };
    assert.equal(status.connector.worker_id, `127.0.0.1:${port}`);
  });
});
