import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  ConfigDef,
  Schemas,
  type SourceConnector,
  type SourceRecord,
  type SourceTask,
  sourceRecord,
} from '../api/index.js';
import { startTestWorker, until } from './test-worker.fixture.js';

/** What the task saw, in order: records committed (with or without metadata), commits, stop. */
const events: string[] = [];

/** Emits three records once; the second's value does not fit its schema, so its conversion fails. */
class ScriptedTask implements SourceTask {
  private sent = false;
  version = () => '1';
  initialize(): void {}
  start(): void {}
  async poll(): Promise<SourceRecord[] | null> {
    if (this.sent) {
      await new Promise((r) => setTimeout(r, 50));
      return null;
    }
    this.sent = true;
    return [1, 2, 3].map((n) =>
      sourceRecord({
        topic: 'scripted',
        sourcePartition: { p: 'only' },
        sourceOffset: { n },
        valueSchema: Schemas.STRING,
        value: n === 2 ? 42 : `record ${n}`,
      }),
    );
  }
  commitRecord(record: SourceRecord, metadata: { offset: number } | null): void {
    events.push(
      `record ${String(record.sourceOffset.n)} ${metadata === null ? 'skipped' : `at ${metadata.offset}`}`,
    );
  }
  commit(): void {
    events.push('commit');
  }
  stop(): void {
    events.push('stop');
  }
}

const connector: SourceConnector = {
  kind: 'source',
  version: () => '1',
  config: () => new ConfigDef(),
  initialize() {},
  start() {},
  taskConfigs: () => [{}],
  stop() {},
  createTask: () => new ScriptedTask(),
};

test('a record skipped under errors.tolerance=all is committed with no metadata, and the last commit comes before stop', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-source-runner-'));
  const worker = await startTestWorker(dir, {
    properties: {
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'offset.flush.interval.ms': '60000',
    },
    connectors: [
      { className: 'com.example.Scripted', type: 'source', version: '1', create: () => connector },
    ],
  });
  const { herder } = worker;
  try {
    await herder.createConnector('scripted', {
      'connector.class': 'com.example.Scripted',
      'errors.tolerance': 'all',
    });
    await until('the three records committed', () => events.length >= 3);
    await herder.stopConnector('scripted');
    assert.deepEqual(events, ['record 2 skipped', 'record 1 at 0', 'record 3 at 1', 'commit', 'stop']);
    assert.deepEqual(await herder.connectorOffsets('scripted'), {
      offsets: [{ partition: { p: 'only' }, offset: { n: 3 } }],
    });
  } finally {
    await worker.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
