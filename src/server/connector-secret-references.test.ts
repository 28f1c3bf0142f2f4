import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningServer, startServer } from '../app/index.js';
import { loadServerConfig } from '../config/index.js';

// Config providers through SQL: the embedded worker's KSQL_CONNECT_CONFIG_PROVIDERS resolve the
// references of a CREATE … CONNECTOR, which are stored and shown as written.
let server: RunningServer;
let dir: string;
let secrets: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-secret-refs-'));
  secrets = join(dir, 'datagen.properties');
  writeFileSync(secrets, 'quickstart=users\n');
  server = await startServer(
    loadServerConfig({
      flags: {
        listeners: 'http://127.0.0.1:0',
        'sluice.data.dir': join(dir, 'data'),
        'sluice.kafka.listeners': '',
      },
      env: {
        KSQL_CONNECT_LISTENERS: 'http://127.0.0.1:0',
        KSQL_CONNECT_CONFIG_PROVIDERS: 'file',
        KSQL_CONNECT_CONFIG_PROVIDERS_FILE_CLASS:
          'org.apache.kafka.common.config.provider.FileConfigProvider',
      },
    }),
  );
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function ksql(statement: string) {
  const res = await fetch(`${server.url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ksql: statement }),
  });
  return { status: res.status, json: JSON.parse(await res.text()) };
}

test('CREATE SOURCE CONNECTOR resolves a file reference when the connector starts and stores it as written', async () => {
  const reference = `\${file:${secrets}:quickstart}`;
  const created = await ksql(
    `CREATE SOURCE CONNECTOR gen WITH ('connector.class'='DatagenConnector', 'kafka.topic'='users', 'quickstart'='${reference}', 'max.interval'='1000');`,
  );
  assert.equal(created.status, 200, JSON.stringify(created.json));
  const config = await (await fetch(`${server.connectUrl}/connectors/GEN/config`)).json();
  assert.equal((config as Record<string, string>).quickstart, reference);
});

test('CREATE SOURCE CONNECTOR with a reference that cannot be resolved is refused, naming it', async () => {
  const refused = await ksql(
    "CREATE SOURCE CONNECTOR bad WITH ('connector.class'='DatagenConnector', 'kafka.topic'='x', 'quickstart'='${vault:secret/db:quickstart}');",
  );
  assert.equal(refused.status, 400, JSON.stringify(refused.json));
  assert.match(
    refused.json.message,
    /Cannot resolve \$\{vault:secret\/db:quickstart\} in quickstart: no config provider vault is declared: the worker's config.providers are file/,
  );
});
