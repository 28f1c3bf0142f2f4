import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningServer, startServer } from '../../app/index.js';
import { loadServerConfig } from '../../config/index.js';
import { Consumer, LogError } from '../../log/index.js';
import { RemoteLog } from './remote-log.js';

let server: RunningServer;
let dataDir: string;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sluice-remote-log-'));
  server = await startServer(
    loadServerConfig({ flags: { listeners: 'http://127.0.0.1:0', 'sluice.data.dir': dataDir }, env: {} }),
  );
});

after(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('asks the server whether a topic exists and where its partitions begin and end, each time', async () => {
  const remote = await RemoteLog.connect(server.url);
  assert.equal(await remote.hasTopic('later'), false);
  // Created, written and deleted by someone else after this client connected and looked.
  await server.log.createTopic('later', { partitions: 2 });
  assert.equal(await remote.hasTopic('later'), true);
  assert.equal(await remote.endOffset('later', 1), 0);
  await server.log.append(
    'later',
    ['a', 'b', 'c'].map((v) => ({ value: Buffer.from(v), partition: 1 })),
  );
  assert.equal(await remote.endOffset('later', 1), 3);
  assert.equal(await remote.beginningOffset('later', 1), 0);
  await assert.rejects(remote.endOffset('later', 2), (err: unknown) => {
    assert.ok(err instanceof LogError);
    assert.equal(err.code, 'INVALID_PARTITION');
    assert.match(err.message, /no partition 2: it has 2 partitions/);
    return true;
  });
  await server.log.deleteTopic('later');
  assert.equal(await remote.hasTopic('later'), false);
  await remote.close();
});

test('a consumer over the remote log waits on the server and wakes when records arrive', async () => {
  await server.log.createTopic('feed', { partitions: 2 });
  const remote = await RemoteLog.connect(server.url);
  const consumer = new Consumer(remote, { group: 'remote-readers' });
  await consumer.assignTopic('feed');
  const polled = consumer.poll(100, new AbortController().signal);
  await server.log.append('feed', [{ value: Buffer.from('hello'), partition: 1 }]);
  const [batch] = await polled;
  assert.deepEqual([batch.partition, batch.records.map((r) => r.value?.toString())], [1, ['hello']]);
  await consumer.commit();
  assert.deepEqual(
    (await server.log.committedOffsets('remote-readers')).map((o) => [o.partition, o.offset]),
    [
      [0, 0],
      [1, 1],
    ],
  );
  await remote.close();
});
