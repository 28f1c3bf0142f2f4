import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { killServerChildren, ksqlRequest, startServerChild } from './server-child.fixture.js';

afterEach(killServerChildren);

// The seed guide's Voluble statement without its global.throttle.ms line, and Datagen with no
// interval: both generate as fast as they can.
const VOLUBLE = `CREATE SOURCE CONNECTOR fast WITH (
  'connector.class' = 'io.mdrogalis.voluble.VolubleSourceConnector',
  'genkp.people.with' = '#{Internet.uuid}',
  'genv.people.name.with' = '#{Name.full_name}',
  'genv.people.creditCardNumber.with' = '#{Finance.credit_card}'
);`;
const DATAGEN = `CREATE SOURCE CONNECTOR busy WITH (
  'connector.class' = 'io.confluent.kafka.connect.datagen.DatagenConnector',
  'kafka.topic' = 'orders', 'quickstart' = 'orders', 'max.interval' = '0'
);`;

/** Waits until a connector has written to its topic (DESCRIBE CONNECTOR lists the topics it wrote). */
async function untilWriting(url: string, name: string, topic: string): Promise<void> {
  for (;;) {
    const { body } = await ksqlRequest(url, `DESCRIBE CONNECTOR ${name};`);
    const [d] = body as { topics?: string[] }[];
    if (d.topics?.includes(topic)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function connectorNames(body: unknown): string[] {
  const [list] = body as { connectors: { name: string }[] }[];
  return list.connectors.map((c) => c.name).sort();
}

test('unthrottled generators never starve the server: it answers, drops them, stops on SIGTERM and restarts ready', {
  timeout: 120_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-load-'));
  try {
    const first = await startServerChild(['--data-dir', dir]);
    assert.equal((await ksqlRequest(first.url, VOLUBLE)).status, 200);
    assert.equal((await ksqlRequest(first.url, DATAGEN)).status, 200);
    await untilWriting(first.url, 'fast', 'people');
    await untilWriting(first.url, 'busy', 'orders');

    const info = await fetch(`${first.url}/info`);
    assert.equal(info.status, 200);
    const listed = await ksqlRequest(first.url, 'SHOW CONNECTORS;');
    assert.deepEqual(connectorNames(listed.body), ['BUSY', 'FAST']);
    // Other statements do not wait behind the generators either.
    assert.equal((await ksqlRequest(first.url, 'SHOW STREAMS;')).status, 200);
    const dropped = await ksqlRequest(first.url, 'DROP CONNECTOR busy;');
    assert.equal(dropped.status, 200, JSON.stringify(dropped.body));
    assert.deepEqual(connectorNames((await ksqlRequest(first.url, 'SHOW CONNECTORS;')).body), ['FAST']);

    first.child.kill('SIGTERM');
    assert.equal(await first.exit, 0, first.output());
    assert.match(first.output(), /Sluice stopped/);

    // Restarted on the same data dir, the runaway connector resumes after the server is ready.
    const second = await startServerChild(['--data-dir', dir]);
    assert.equal((await fetch(`${second.url}/info`)).status, 200);
    await untilWriting(second.url, 'fast', 'people');
    assert.equal((await fetch(`${second.url}/info`)).status, 200);
    assert.equal((await ksqlRequest(second.url, 'DROP CONNECTOR fast;')).status, 200);
    second.child.kill('SIGTERM');
    assert.equal(await second.exit, 0, second.output());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
