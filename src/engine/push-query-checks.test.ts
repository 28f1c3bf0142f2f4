import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { loadServerConfig } from '../config/index.js';
import { SegmentLog } from '../log/index.js';
import { KsqlEngine, KsqlRequestError } from './ksql-engine.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

test('a push query over a source whose topic was deleted is refused before it starts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-push-checks-'));
  const log = await SegmentLog.open({ dataDir: dir, cleanerIntervalMs: 0 });
  const engine = await KsqlEngine.start(log, loadServerConfig({ env: {} }));
  cleanup.push(async () => {
    await engine.close();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await engine.execute(
    "CREATE STREAM gone (id STRING KEY, v INT) WITH (KAFKA_TOPIC='gone', VALUE_FORMAT='JSON', PARTITIONS=1);",
  );
  await log.deleteTopic('gone');
  await assert.rejects(engine.pushQuery('SELECT * FROM gone EMIT CHANGES;'), (err: unknown) => {
    assert.ok(err instanceof KsqlRequestError, String(err));
    assert.equal(err.errorCode, 40001);
    assert.equal(
      err.message,
      "Topic 'gone' of GONE does not exist (it was deleted). Create it again (sluice topic create gone) or DROP STREAM GONE.",
    );
    return true;
  });
});
