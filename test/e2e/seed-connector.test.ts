import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type RunningServer, startServer } from '../../src/app/index.js';
import { loadServerConfig } from '../../src/config/index.js';
import { onEachBackend } from './backends.fixture.js';

// The seed document's statement, unchanged.
const SEED = `CREATE SOURCE CONNECTOR s WITH (
  'connector.class' = 'io.mdrogalis.voluble.VolubleSourceConnector',

  'genkp.people.with' = '#{Internet.uuid}',
  'genv.people.name.with' = '#{Name.full_name}',
  'genv.people.creditCardNumber.with' = '#{Finance.credit_card}',

  'global.throttle.ms' = '500'
);`;

async function ksql(server: RunningServer, statements: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${server.url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ksql: statements }),
  });
  return { status: res.status, body: await res.json() };
}

onEachBackend('the seed connector', { timeout: 600_000 }, (backend) => {
  test("the seed's Voluble statement runs unchanged with the embedded worker and its data can be queried", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-seed-'));
    const server = await startServer(
      loadServerConfig({
        flags: { listeners: 'http://127.0.0.1:0', 'sluice.data.dir': dir },
        env: {
          ...backend.env(),
          KSQL_CONNECT_LISTENERS: 'http://127.0.0.1:0',
          KSQL_CONNECT_GROUP_ID: 'ksql-connect-cluster',
        },
      }),
    );
    try {
      const created = await ksql(server, SEED);
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const [info] = created.body as { '@type': string; info: { name: string; type: string } }[];
      assert.equal(info['@type'], 'connector_info');
      assert.equal(info.info.name, 'S');

      // Records arrive in the topic the directives name.
      const deadline = Date.now() + 15_000;
      while (!((await server.log.hasTopic('people')) && (await server.log.endOffset('people', 0)) >= 2)) {
        assert.ok(Date.now() < deadline, 'no records reached topic people');
        await new Promise((r) => setTimeout(r, 100));
      }

      const listed = await ksql(server, 'SHOW CONNECTORS;');
      const [list] = listed.body as {
        connectors: { name: string; type: string; className: string; state: string }[];
      }[];
      assert.deepEqual(list.connectors, [
        {
          name: 'S',
          type: 'source',
          className: 'io.mdrogalis.voluble.VolubleSourceConnector',
          state: 'RUNNING (1/1 tasks RUNNING)',
        },
      ]);

      await ksql(
        server,
        "CREATE STREAM people (id STRING KEY, name STRING, creditCardNumber STRING) WITH (KAFKA_TOPIC='people', VALUE_FORMAT='JSON');",
      );
      const described = await ksql(server, 'DESCRIBE CONNECTOR s;');
      const [d] = described.body as {
        connectorClass: string;
        status: { tasks: { state: string }[] };
        topics: string[];
        sources: { name: string }[];
      }[];
      assert.equal(d.connectorClass, 'io.mdrogalis.voluble.VolubleSourceConnector');
      assert.deepEqual(
        d.status.tasks.map((t) => t.state),
        ['RUNNING'],
      );
      assert.deepEqual(d.topics, ['people']);
      assert.deepEqual(
        d.sources.map((x) => x.name),
        ['PEOPLE'],
      );

      const res = await fetch(`${server.url}/query-stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          sql: 'SELECT id, name, creditCardNumber FROM people EMIT CHANGES LIMIT 2;',
          properties: { 'auto.offset.reset': 'earliest' },
        }),
      });
      const rows = (await res.text())
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => JSON.parse(l) as string[]);
      assert.equal(rows.length, 2);
      for (const [id, name, card] of rows) {
        assert.match(id, /^[0-9a-f-]{36}$/);
        assert.ok(name.length > 3, name);
        assert.match(card, /\d/);
      }

      const dropped = await ksql(server, 'DROP CONNECTOR s;');
      assert.deepEqual((dropped.body as { connectorName: string }[])[0].connectorName, 'S');
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
