import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadServerConfig, propertiesFromEnvironment } from '../config/index.js';
import { SegmentLog } from '../log/index.js';
import { startServer } from './server-process.js';
import { connectEnvName, describeWorkerSettingsReview, reviewWorkerSettings } from './worker-settings.js';

test('misspelt worker settings are named with the nearest known one, and those without effect once', () => {
  const env = {
    KSQL_CONNECT_PLUGINS_PATH: '/plugins',
    KSQL_CONNECT_GROUP_ID: 'g',
    KSQL_CONNECT_CONFIG_STORAGE_REPLICATION_FACTOR: '1',
    KSQL_CONNECT_STATUS_STORAGE_REPLICATION_FACTOR: '1',
    KSQL_CONNECT_VALUE_CONVERTER_SCHEMAS_ENABLE: 'false',
    KSQL_CONNECT_PRODUCER_ACKS: 'all',
  };
  const properties = Object.fromEntries(
    [...propertiesFromEnvironment(env).connectWorker].map(([k, p]) => [k, p.value]),
  );
  const review = reviewWorkerSettings(properties);
  assert.deepEqual(review.unknown, [{ key: 'plugins.path', suggestion: 'plugin.path' }]);
  assert.deepEqual(review.withoutEffect, [
    'config.storage.replication.factor',
    'producer.acks',
    'status.storage.replication.factor',
  ]);
  const lines = describeWorkerSettingsReview(review);
  assert.equal(
    lines[0],
    'WARNING unknown Connect worker setting plugins.path (KSQL_CONNECT_PLUGINS_PATH) is ignored: did you mean plugin.path (KSQL_CONNECT_PLUGIN_PATH)?',
  );
  assert.match(
    lines[1],
    /^NOTE these Connect worker settings do nothing for the embedded worker.*config\.storage\.replication\.factor, producer\.acks, status\.storage\.replication\.factor\. Leave them out/,
  );
  assert.equal(lines.length, 2);
  assert.deepEqual(describeWorkerSettingsReview(reviewWorkerSettings({ 'group.id': 'g' })), []);
  assert.equal(connectEnvName('offset.flush.interval.ms'), 'KSQL_CONNECT_OFFSET_FLUSH_INTERVAL_MS');
});

test('an unknown converter class in KSQL_CONNECT_* stops the start with the setting named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-worker-settings-'));
  try {
    await assert.rejects(
      startServer(
        loadServerConfig({
          flags: { listeners: 'http://127.0.0.1:0', 'sluice.data.dir': join(dir, 'data') },
          env: { KSQL_CONNECT_VALUE_CONVERTER: 'io.confluent.connect.avro.AvroConverterX' },
        }),
      ),
      (err: Error) => {
        assert.match(
          err.message,
          /^The Connect worker setting value\.converter=io\.confluent\.connect\.avro\.AvroConverterX \(value\.converter, KSQL_CONNECT_VALUE_CONVERTER\) cannot be used: Converter class io\.confluent\.connect\.avro\.AvroConverterX could not be found/,
        );
        return true;
      },
    );
    const log = await SegmentLog.open({ dataDir: join(dir, 'data'), cleanerIntervalMs: 0 });
    await log.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
