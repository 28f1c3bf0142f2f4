// Engines over temporary data dirs for the engine's tests (not a test file itself): each is closed
// and its data dir removed after the test that started it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'node:test';
import { loadServerConfig } from '../config/index.js';
import type { ConnectorPlugin } from '../connect/api/index.js';
import { type ConnectClient, RestConnectClient } from '../connect/client/index.js';
import { startConnectWorker } from '../connect/index.js';
import { builtinConnectors } from '../connectors/index.js';
import { type LogRecord, SegmentLog } from '../log/index.js';
import type { Entity } from './entities.js';
import { KsqlEngine, KsqlRequestError } from './ksql-engine.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** Runs `f` after the current test, before the engines started in it are closed. */
export function onCleanup(f: () => Promise<void> | void): void {
  cleanup.push(f);
}

/**
 * Starts an engine on `dir` (a new temporary one when not given), committing at once, without a
 * record cache (as ksqlDB's test runner): aggregates emit every update. Tests of the cache set
 * ksql.streams.cache.max.bytes.buffering in `flags`.
 */
export async function startEngine(dir?: string, flags: Readonly<Record<string, string>> = {}) {
  const dataDir = dir ?? mkdtempSync(join(tmpdir(), 'sluice-engine-'));
  if (dir === undefined) cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
  let engine: KsqlEngine;
  try {
    engine = await KsqlEngine.start(
      log,
      loadServerConfig({
        flags: {
          'ksql.streams.commit.interval.ms': '0',
          'ksql.streams.cache.max.bytes.buffering': '0',
          'ksql.streams.state.dir': join(dataDir, 'state'),
          ...flags,
        },
        env: {},
      }),
    );
  } catch (err) {
    await log.close();
    throw err;
  }
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await engine.close();
    await log.close();
  };
  cleanup.push(close);
  return { engine, log, dir: dataDir, close };
}

/** The KsqlRequestError a refused request rejects with. */
export async function refusal(promise: Promise<unknown>): Promise<KsqlRequestError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof KsqlRequestError, String(err));
    return err;
  }
  assert.fail('expected the request to be refused');
}

/**
 * An engine whose connector statements go to a Connect worker in this process: straight to it
 * (`embedded`) or through its REST API (`rest`, as in external mode). `one` runs a statement that
 * answers one entity; `failure` one that must be refused.
 */
export async function startEngineWithConnect(
  mode: 'embedded' | 'rest',
  connectors: readonly ConnectorPlugin[] = builtinConnectors,
) {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-engine-connect-'));
  const log = await SegmentLog.open({ dataDir: join(dir, 'data'), cleanerIntervalMs: 0 });
  const worker = await startConnectWorker({
    log,
    properties: { listeners: 'http://127.0.0.1:0', 'offset.flush.interval.ms': '50' },
    connectors,
    version: '0.1.0',
  });
  assert.ok(worker.restUrl);
  const client: ConnectClient = mode === 'embedded' ? worker.client : new RestConnectClient(worker.restUrl);
  const engine = await KsqlEngine.start(log, loadServerConfig({ env: {} }), client);
  cleanup.push(async () => {
    await engine.close();
    await worker.close();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const one = async (sql: string): Promise<Entity> => {
    const entities = await engine.execute(sql);
    assert.equal(entities.length, 1, JSON.stringify(entities));
    return entities[0];
  };
  const failure = (sql: string): Promise<KsqlRequestError> => refusal(engine.execute(sql));
  return { engine, worker, log, dir, one, failure };
}

/** An entity's fields by name, for tests that read what the engine built without narrowing its type. */
export function fieldsOf(e: Entity): Readonly<Record<string, unknown>> {
  return e as unknown as Readonly<Record<string, unknown>>;
}

/**
 * Every record of a topic, all partitions, once it holds at least `count` (queries run in the
 * background): re-read each time the log signals new data, failing after `timeoutMs`.
 */
export async function readTopic(
  log: SegmentLog,
  topic: string,
  count: number,
  timeoutMs = 20_000,
): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  const partitions = (await log.describeTopic(topic)).partitions.map((p) => p.partition);
  while (Date.now() < deadline) {
    out.length = 0;
    for (const p of partitions) {
      let offset = await log.beginningOffset(topic, p);
      while (offset < (await log.endOffset(topic, p))) {
        const r = await log.read(topic, p, offset);
        out.push(...r.records);
        offset = r.nextOffset;
      }
    }
    if (out.length >= count) return out;
    const ends = await Promise.all(partitions.map((p) => log.endOffset(topic, p)));
    await Promise.race(partitions.map((p, i) => log.waitForData(topic, p, ends[i], 200)));
  }
  assert.fail(`${topic} holds ${out.length} records, expected ${count}`);
}
