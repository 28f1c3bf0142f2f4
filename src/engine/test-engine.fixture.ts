// Engines over temporary data dirs for the engine's tests (not a test file itself): each is closed
// and its data dir removed after the test that started it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'node:test';
import { loadServerConfig } from '../config/index.js';
import { SegmentLog } from '../log/index.js';
import { KsqlEngine, KsqlRequestError } from './ksql-engine.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** Runs `f` after the current test, before the engines started in it are closed. */
export function onCleanup(f: () => Promise<void> | void): void {
  cleanup.push(f);
}

/** Starts an engine on `dir` (a new temporary one when not given), committing at once. */
export async function startEngine(dir?: string, flags: Readonly<Record<string, string>> = {}) {
  const dataDir = dir ?? mkdtempSync(join(tmpdir(), 'sluice-engine-'));
  if (dir === undefined) cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
  let engine: KsqlEngine;
  try {
    engine = await KsqlEngine.start(
      log,
      loadServerConfig({ flags: { 'ksql.streams.commit.interval.ms': '0', ...flags }, env: {} }),
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
