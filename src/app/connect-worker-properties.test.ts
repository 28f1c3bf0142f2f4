import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unknownWorkerSettingWarnings } from './connect-worker-properties.js';

test('sluice connect names a misspelt worker property with the declared key it likely means', () => {
  assert.deepEqual(
    unknownWorkerSettingWarnings({
      'group.id': 'g',
      'offset.flush.interval.msec': '100',
      'key.converter.schemas.enable': 'false',
      'producer.acks': 'all',
      'config.providers.file.class': 'FileConfigProvider',
      'zzz.something.else': 'x',
    }),
    [
      'WARNING unknown Connect worker setting offset.flush.interval.msec is ignored: did you mean offset.flush.interval.ms?',
      'WARNING unknown Connect worker setting zzz.something.else is ignored',
    ],
  );
});
