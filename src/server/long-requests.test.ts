import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunningServer } from '../app/index.js';
import { serverForTests } from './test-server.fixture.js';

// A long /ksql request shares the event loop: other requests are answered while it runs.
let server: RunningServer;

serverForTests({}, (s) => {
  server = s;
});

test('/info answers while a request of 1,500 statements is still running', async () => {
  const n = 1500;
  const script = Array.from(
    { length: n },
    (_, i) => `CREATE STREAM s${i} (x INT) WITH (KAFKA_TOPIC='t${i}', VALUE_FORMAT='JSON', PARTITIONS=1);`,
  ).join('\n');
  let finished = false;
  const long = fetch(`${server.url}/ksql`, { method: 'POST', body: JSON.stringify({ ksql: script }) }).then(
    async (res) => {
      finished = true;
      return res.status;
    },
  );
  // The statements create their topics in order as they run (validation creates none): a probe sent
  // once some exist and answered before the last does was served in the middle of the request. Were
  // the request to hold the event loop, this loop could never see it part-way.
  const created = async () =>
    (await Promise.all(Array.from({ length: n }, (_, i) => server.log.hasTopic(`t${i}`)))).filter(Boolean)
      .length;
  let answeredDuring = false;
  while (!finished && !answeredDuring) {
    if ((await created()) > 0) {
      const info = await fetch(`${server.url}/info`);
      assert.equal(info.status, 200);
      await info.text();
      answeredDuring = (await created()) < n;
    } else {
      await new Promise((r) => setImmediate(r));
    }
  }
  assert.equal(await long, 200);
  assert.ok(answeredDuring, '/info was answered while the statements were still being executed');
  assert.equal(await created(), n);
});
