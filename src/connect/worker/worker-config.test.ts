import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigException } from '../api/index.js';
import { readWorkerConfig } from './worker-config.js';

test('worker properties are parsed from their declarations, with the embedded defaults', () => {
  const config = readWorkerConfig({
    'group.id': 'g',
    'plugin.path': ' /a , /b ',
    listeners: 'http://0.0.0.0:9000',
    'sluice.allow.missing.config.topic': 'TRUE',
  });
  assert.equal(config.groupId, 'g');
  assert.deepEqual(config.pluginPath, ['/a', '/b']);
  assert.equal(config.workerId, 'localhost:9000');
  assert.equal(config.allowMissingConfigTopic, true);
  assert.equal(config.offsetFlushIntervalMs, 1000);
  assert.equal(config.fileConnectorsRoot, undefined);
});

test('a worker property whose value does not fit its declaration is refused, naming each key', () => {
  assert.throws(
    () => readWorkerConfig({ 'offset.flush.interval.ms': '1s', 'status.storage.partitions': '0' }),
    (err: unknown) =>
      err instanceof ConfigException &&
      err.problems.map((p) => p.key).join() === 'status.storage.partitions,offset.flush.interval.ms' &&
      /Invalid value 1s for configuration offset\.flush\.interval\.ms: Not a number of type LONG/.test(
        err.message,
      ),
  );
});
