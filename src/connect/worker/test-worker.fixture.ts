// Test support: a real worker (Herder over a SegmentLog) with the real converters, the FileStream
// connectors and whatever connectors a test adds. The transformation chain is tested on its own;
// here records pass through unchanged.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileStreamConnectors as filePlugins } from '../../connectors/index.js';
import { SegmentLog } from '../../log/index.js';
import type { ConnectorPlugin } from '../api/index.js';
import { converterByClass, converterClassNames } from '../converters/index.js';
import { Herder } from './herder.js';
import { PluginRegistry } from './plugin-registry.js';
import { readWorkerConfig } from './worker-config.js';

export function testPlugins(connectors: readonly ConnectorPlugin[] = []): PluginRegistry {
  const registry = new PluginRegistry(
    {
      create: (className) => converterByClass(className),
      list: () => converterClassNames().map((c) => ({ class: c, type: 'converter' })),
    },
    { build: () => (record) => record, validate: () => [], list: () => [] },
  );
  for (const p of [...filePlugins, ...connectors]) registry.register(p);
  return registry;
}

export interface TestWorker {
  readonly herder: Herder;
  readonly log: SegmentLog;
  readonly dir: string;
  /** Closes the herder, then the log; a second call does nothing. */
  close(): Promise<void>;
}

/**
 * A worker whose log lives in `dir`/data (the same dir again is a restart). Properties go over
 * string converters and a 50 ms offset flush interval.
 */
export async function startTestWorker(
  dir: string,
  options: { properties?: Readonly<Record<string, string>>; connectors?: readonly ConnectorPlugin[] } = {},
): Promise<TestWorker> {
  const log = await SegmentLog.open({ dataDir: join(dir, 'data'), cleanerIntervalMs: 0 });
  const config = readWorkerConfig({
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'offset.flush.interval.ms': '50',
    ...options.properties,
  });
  let herder: Herder;
  try {
    herder = await Herder.start(log, config, testPlugins(options.connectors));
  } catch (err) {
    await log.close();
    throw err;
  }
  let closed = false;
  return {
    herder,
    log,
    dir,
    async close() {
      if (closed) return;
      closed = true;
      await herder.close();
      await log.close();
    },
  };
}

/** Waits until `check` holds, failing the test with `what` after `ms`. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  ms = 20_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
