import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type RunningServer, startServer } from '../../app/index.js';
import { finished, runSluice, startSluice } from '../../cli/run-sluice.fixture.js';
import { loadServerConfig } from '../../config/index.js';
import { passwordLine, type Role } from '../client/index.js';

// Each role against each class of endpoint, on a real server with authentication.method=BASIC.
let server: RunningServer;
let dir: string;
let connectUrl: string;

const PASSWORDS: Record<Role, string> = { admin: 'a-secret', developer: 'd-secret', reader: 'r:secret' };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-auth-'));
  const file = join(dir, 'users');
  const lines = await Promise.all(
    (Object.keys(PASSWORDS) as Role[]).map((role) => passwordLine(role, role, PASSWORDS[role])),
  );
  writeFileSync(file, `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'input.txt'), 'hello\n');
  server = await startServer(
    loadServerConfig({
      flags: {
        listeners: 'http://127.0.0.1:0',
        'sluice.data.dir': join(dir, 'data'),
        'authentication.method': 'BASIC',
        'authentication.realm': 'SluiceTest',
        'sluice.authentication.password.file': file,
      },
      env: { KSQL_CONNECT_LISTENERS: 'http://127.0.0.1:0' },
    }),
  );
  connectUrl = server.connectUrl ?? assert.fail('the embedded Connect REST API listens');
  const setup = await call('admin', 'POST', `${server.url}/ksql`, {
    ksql: "CREATE STREAM s (id INT KEY, v VARCHAR) WITH (KAFKA_TOPIC='s', PARTITIONS=1, VALUE_FORMAT='JSON'); INSERT INTO s (id, v) VALUES (1, 'a');",
  });
  assert.equal(setup.status, 200, JSON.stringify(setup.json));
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

type Caller = Role | 'nobody' | 'wrong password';

function authorization(who: Caller): Record<string, string> {
  if (who === 'nobody') return {};
  const [user, password] = who === 'wrong password' ? ['admin', 'nope'] : [who, PASSWORDS[who]];
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

async function call(who: Caller, method: string, url: string, body?: unknown) {
  const res = await fetch(url, {
    method,
    headers: { ...authorization(who), 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, challenge: res.headers.get('www-authenticate') };
}

const ksql = (who: Caller, statement: string) => call(who, 'POST', `${server.url}/ksql`, { ksql: statement });

describe('authentication', () => {
  test('/healthcheck and /info answer without credentials', async () => {
    for (const path of ['/healthcheck', '/info']) {
      assert.equal((await call('nobody', 'GET', server.url + path)).status, 200, path);
    }
  });

  test('no credentials or wrong ones answer 401 with the realm and ksqlDB error shape, and run nothing', async () => {
    for (const who of ['nobody', 'wrong password'] as const) {
      const res = await ksql(
        who,
        "CREATE STREAM nope (v VARCHAR) WITH (KAFKA_TOPIC='nope', PARTITIONS=1, VALUE_FORMAT='JSON');",
      );
      assert.equal(res.status, 401, who);
      assert.equal(res.challenge, 'Basic realm="SluiceTest"');
      assert.equal(res.json?.['@type'], 'generic_error');
      assert.equal(res.json?.error_code, 40100);
      assert.match(String(res.json?.message), /^Unauthorized/);
    }
    const streams = await ksql('admin', 'SHOW STREAMS;');
    assert.ok(!JSON.stringify(streams.json).includes('NOPE'));
    for (const [method, path] of [
      ['POST', '/query-stream'],
      ['POST', '/inserts-stream'],
      ['GET', '/clusterStatus'],
      ['GET', '/v3/clusters'],
    ] as const) {
      const res = await call('nobody', method, server.url + path, method === 'POST' ? {} : undefined);
      assert.equal(res.status, 401, path);
    }
  });

  test('the embedded Connect REST API asks for the same users, in its own error shape', async () => {
    const res = await call('nobody', 'GET', `${connectUrl}/connectors`);
    assert.equal(res.status, 401);
    assert.equal(res.challenge, 'Basic realm="SluiceTest"');
    assert.equal(res.json?.error_code, 401);
    assert.equal((await call('wrong password', 'GET', `${connectUrl}/connectors`)).status, 401);
  });
});

describe('the role matrix', () => {
  const expect = async (
    who: Role,
    what: Promise<{ status: number; json?: Record<string, unknown> }>,
    allowed: boolean,
    label: string,
  ) => {
    const res = await what;
    if (allowed)
      assert.ok(res.status < 400, `${who} may ${label}: got ${res.status} ${JSON.stringify(res.json)}`);
    else {
      assert.equal(res.status, 403, `${who} may not ${label}: got ${res.status} ${JSON.stringify(res.json)}`);
      assert.match(
        String(res.json?.message),
        /Forbidden: .* needs the (developer|admin) role; this user has the \w+ role/,
      );
    }
  };
  const roles: readonly Role[] = ['reader', 'developer', 'admin'];

  test('looking (SHOW, DESCRIBE, LIST, EXPLAIN, SELECT, PRINT, GETs) is every role’s', async () => {
    for (const who of roles) {
      await expect(who, ksql(who, 'SHOW STREAMS; DESCRIBE s; LIST TOPICS; SHOW QUERIES;'), true, 'show');
      await expect(
        who,
        call(who, 'POST', `${server.url}/query-stream`, {
          sql: 'SELECT * FROM s EMIT CHANGES LIMIT 1;',
          properties: { 'auto.offset.reset': 'earliest' },
        }),
        true,
        'select',
      );
      await expect(who, call(who, 'GET', `${server.url}/v3/clusters`), true, 'list clusters');
      await expect(who, call(who, 'GET', `${connectUrl}/connectors`), true, 'list connectors');
    }
  });

  test('changing things (DDL, INSERT, inserts-stream, REST Proxy writes, connectors) needs developer', async () => {
    for (const who of roles) {
      const allowed = who !== 'reader';
      await expect(
        who,
        ksql(
          who,
          `CREATE STREAM t_${who} WITH (KAFKA_TOPIC='t_${who}', PARTITIONS=1, VALUE_FORMAT='JSON') AS SELECT * FROM s;`,
        ),
        allowed,
        'create a query',
      );
      await expect(who, ksql(who, "INSERT INTO s (id, v) VALUES (2, 'b');"), allowed, 'insert');
      await expect(
        who,
        call(who, 'POST', `${server.url}/inserts-stream`, `{"target":"S"}\n{"ID":3,"V":"c"}\n`),
        allowed,
        'stream inserts',
      );
      await expect(
        who,
        call(who, 'POST', `${server.url}/v3/clusters/${server.log.clusterId}/topics`, {
          topic_name: `rp_${who}`,
          partitions_count: 1,
        }),
        allowed,
        'create a topic',
      );
      await expect(
        who,
        call(who, 'POST', `${connectUrl}/connectors`, {
          name: `gen_${who}`,
          config: {
            'connector.class': 'io.confluent.kafka.connect.datagen.DatagenConnector',
            'kafka.topic': `gen_${who}`,
            quickstart: 'users',
            'max.interval': '1000',
            iterations: '1',
          },
        }),
        allowed,
        'create a connector over Connect',
      );
    }
    // One refused statement refuses the whole request: the reader's SHOW did not run either.
    const mixed = await ksql('reader', 'SHOW STREAMS; DROP STREAM s;');
    assert.equal(mixed.status, 403);
    assert.equal(mixed.json?.statementText, 'DROP STREAM s;');
  });

  test('connectors touching the server’s files, RUN SCRIPT and ALTER SYSTEM need admin', async () => {
    const input = join(dir, 'input.txt');
    for (const who of roles) {
      const allowed = who === 'admin';
      await expect(
        who,
        ksql(
          who,
          `CREATE SOURCE CONNECTOR file_${who} WITH ('connector.class'='FileStreamSource', 'file'='${input}', 'topic'='file_${who}');`,
        ),
        allowed,
        'create a FileStream connector in SQL',
      );
      await expect(
        who,
        call(who, 'POST', `${connectUrl}/connectors`, {
          name: `rest_file_${who}`,
          config: {
            'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
            file: input,
            topic: `rest_file_${who}`,
          },
        }),
        allowed,
        'create a FileStream connector over Connect',
      );
      if (who !== 'admin') {
        await expect(who, ksql(who, `RUN SCRIPT '${input}';`), false, 'run a script');
        await expect(
          who,
          ksql(who, "ALTER SYSTEM 'ksql.streams.num.stream.threads'='4';"),
          false,
          'alter the system',
        );
        await expect(
          who,
          call(who, 'POST', `${server.url}/ksql/terminate`, {}),
          false,
          'terminate the server',
        );
      }
    }
  });
});

describe('internal topics', () => {
  test('only an admin may read them, through PRINT or REST Proxy: they hold every statement and connector secret', async () => {
    const topic = '_confluent-ksql-default__command_topic';
    const records = `${server.url}/v3/clusters/${server.log.clusterId}/topics/${topic}/partitions/0/records?offset=0&timeout_ms=0`;
    const print = (who: Role) =>
      call(who, 'POST', `${server.url}/query-stream`, { sql: `PRINT '${topic}' FROM BEGINNING LIMIT 1;` });
    for (const who of ['reader', 'developer'] as const) {
      for (const res of [await print(who), await call(who, 'GET', records)]) {
        assert.equal(res.status, 403, `${who}: ${res.text}`);
        assert.match(
          String(res.json?.message),
          new RegExp(`reading ${topic} \\(the command topic.*needs the admin role`),
        );
      }
    }
    const admin = await print('admin');
    assert.equal(admin.status, 200, admin.text);
    assert.match(admin.text, /CREATE STREAM/);
    assert.equal((await call('admin', 'GET', records)).status, 200);
    // A user topic is every role's to read.
    assert.equal((await call('reader', 'GET', records.replaceAll(topic, 's'))).status, 200);
  });
});

describe('clients with credentials', () => {
  test('sluice cli takes -u/-p, --user/--password or SLUICE_USER/SLUICE_PASSWORD, and says so when refused', async () => {
    const sql = ['cli', server.url, '--output', 'JSON', '-e', 'SHOW STREAMS;'];
    const flags = await runSluice([...sql, '-u', 'reader', '-p', PASSWORDS.reader]);
    assert.equal(flags.code, 0, flags.stderr);
    assert.match(flags.stdout, /"S"|"name": "S"/);
    const env = await runSluice(sql, {
      env: { SLUICE_USER: 'developer', SLUICE_PASSWORD: PASSWORDS.developer },
    });
    assert.equal(env.code, 0, env.stderr);
    const none = await runSluice(sql);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /Unauthorized/);
    const forbidden = await runSluice([
      'cli',
      server.url,
      '--user',
      'reader',
      '--password',
      PASSWORDS.reader,
      '-e',
      'DROP STREAM s;',
    ]);
    assert.equal(forbidden.code, 1);
    assert.match(forbidden.stderr, /Forbidden: .*needs the developer role/);
  });

  test('sluice connect keeps its topics on a server with authentication, given a user', async () => {
    const refused = await runSluice(['connect', '--bootstrap-server', server.url, '--port', '0']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /refused the request: Unauthorized/);
    const worker = startSluice(
      ['connect', '--bootstrap-server', server.url, '--port', '0', '-u', 'developer'],
      {
        env: {
          SLUICE_PASSWORD: PASSWORDS.developer,
          CONNECT_GROUP_ID: 'auth-test',
          CONNECT_CONFIG_STORAGE_TOPIC: 'auth-configs',
          CONNECT_OFFSET_STORAGE_TOPIC: 'auth-offsets',
          CONNECT_STATUS_STORAGE_TOPIC: 'auth-status',
        },
      },
    );
    const done = finished(worker);
    let out = '';
    await new Promise<void>((resolve, reject) => {
      worker.stdout?.on('data', (c: Buffer) => {
        out += c;
        if (out.includes('is ready')) resolve();
      });
      worker.once('exit', () => reject(new Error(`sluice connect exited before it was ready: ${out}`)));
    });
    worker.kill('SIGTERM');
    const run = await done;
    assert.equal(run.code, 0, run.stderr);
    assert.ok(await server.log.hasTopic('auth-configs'), 'the worker created its config topic on the server');
  });

  test('sluice connect reads its server credentials from the file sluice.server.credentials.file names', async () => {
    const credentials = join(dir, 'server-credentials.properties');
    writeFileSync(credentials, `username=developer\npassword=${PASSWORDS.developer}\n`);
    const worker = startSluice(['connect', '--bootstrap-server', server.url, '--port', '0'], {
      env: {
        CONNECT_SLUICE_SERVER_CREDENTIALS_FILE: credentials,
        CONNECT_GROUP_ID: 'file-auth-test',
        CONNECT_CONFIG_STORAGE_TOPIC: 'file-auth-configs',
        CONNECT_OFFSET_STORAGE_TOPIC: 'file-auth-offsets',
        CONNECT_STATUS_STORAGE_TOPIC: 'file-auth-status',
      },
    });
    const done = finished(worker);
    let out = '';
    await new Promise<void>((resolve, reject) => {
      worker.stdout?.on('data', (c: Buffer) => {
        out += c;
        if (out.includes('is ready')) resolve();
      });
      worker.once('exit', () => reject(new Error(`sluice connect exited before it was ready: ${out}`)));
    });
    worker.kill('SIGTERM');
    const run = await done;
    assert.equal(run.code, 0, run.stderr);
    assert.ok(
      await server.log.hasTopic('file-auth-configs'),
      'the worker created its config topic on the server',
    );
  });

  test('the topic tools pass --user/--password (or the environment) with --server', async () => {
    const list = await runSluice([
      'topic',
      'list',
      '--server',
      server.url,
      '--user',
      'reader',
      '--password',
      PASSWORDS.reader,
    ]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^s$/m);
    const refused = await runSluice(['topic', 'list', '--server', server.url]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /refused the request: Unauthorized/);
    const create = await runSluice(['topic', 'create', 'from_tools', '--server', server.url], {
      env: { SLUICE_USER: 'reader', SLUICE_PASSWORD: PASSWORDS.reader },
    });
    assert.equal(create.code, 1);
    assert.match(create.stderr, /Forbidden/);
  });
});
