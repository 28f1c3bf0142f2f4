import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startTestWorker } from './test-worker.fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-file-root-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('with sluice.file.connectors.root, FileStream connectors may use files inside it only', async () => {
  const root = join(dir, 'allowed');
  mkdirSync(root);
  writeFileSync(join(root, 'in.txt'), 'one\n');
  writeFileSync(join(dir, 'secret.txt'), 'secret\n');
  // A link inside the root that points out of it is judged by where it points.
  symlinkSync(join(dir, 'secret.txt'), join(root, 'link.txt'));
  const worker = await startTestWorker(join(dir, 'data'), {
    properties: { 'sluice.file.connectors.root': root },
  });
  try {
    for (const [name, file] of [
      ['abs', join(dir, 'secret.txt')],
      ['dots', join(root, '..', 'secret.txt')],
      ['relative', '../secret.txt'],
      // Relative paths are opened from the process's directory, not the root.
      ['relative-in-root', 'in.txt'],
      ['link', join(root, 'link.txt')],
      ['passwd', '/etc/passwd'],
    ] as const) {
      await assert.rejects(
        worker.herder.createConnector(`src-${name}`, {
          'connector.class': 'FileStreamSource',
          file,
          topic: 't',
        }),
        (err: Error) => {
          assert.match(
            err.message,
            /is outside .*allowed, the only directory FileStream connectors may use .*sluice\.file\.connectors\.root/,
          );
          return true;
        },
        name,
      );
    }
    await assert.rejects(
      worker.herder.createConnector('sink-out', {
        'connector.class': 'FileStreamSink',
        file: join(dir, 'out.txt'),
        topics: 't',
      }),
      /is outside/,
    );
    // Inside the root, and a sink's file that does not exist yet.
    await worker.herder.createConnector('src-ok', {
      'connector.class': 'FileStreamSource',
      file: join(root, 'in.txt'),
      topic: 't',
    });
    await worker.herder.createConnector('sink-ok', {
      'connector.class': 'FileStreamSink',
      file: join(root, 'sub-new.txt'),
      topics: 't',
    });
    assert.deepEqual(worker.herder.connectorNames().sort(), ['sink-ok', 'src-ok']);
  } finally {
    await worker.close();
  }
});

test('without the setting FileStream connectors may use any file, as in Kafka Connect', async () => {
  writeFileSync(join(dir, 'anywhere.txt'), 'x\n');
  const worker = await startTestWorker(join(dir, 'data2'));
  try {
    await worker.herder.createConnector('src', {
      'connector.class': 'FileStreamSource',
      file: join(dir, 'anywhere.txt'),
      topic: 't',
    });
    assert.deepEqual(worker.herder.connectorNames(), ['src']);
  } finally {
    await worker.close();
  }
});
