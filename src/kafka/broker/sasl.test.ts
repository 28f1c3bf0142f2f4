import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { InternalTopics, SegmentLog } from '../../log/index.js';
import { SASL_AUTHENTICATE, SASL_HANDSHAKE } from '../protocol/admin-messages.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { METADATA } from '../protocol/messages.js';
import { type RunningKafkaListener, startKafkaListener } from './kafka-listener.js';
import { RawKafkaClient } from './test-kafka-client.fixture.js';

let dir: string;
let log: SegmentLog;
let listener: RunningKafkaListener;
const lines: string[] = [];
const clients: RawKafkaClient[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-kafka-sasl-'));
  log = await SegmentLog.open({ dataDir: dir });
  listener = await startKafkaListener({
    log,
    internalTopics: new InternalTopics(),
    listener: 'SASL_PLAINTEXT://127.0.0.1:0',
    writeLine: (line) => lines.push(line),
    authenticatePlain: async (user, password) =>
      user === 'alice' && password === 'secret' ? undefined : 'wrong user name or password',
  });
});

after(async () => {
  for (const c of clients) c.close();
  await listener.close();
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

async function client(): Promise<RawKafkaClient> {
  const c = await RawKafkaClient.connect(listener.port);
  clients.push(c);
  return c;
}

const token = (user: string, password: string) => Buffer.from(`\u0000${user}\u0000${password}`);

describe('a SASL_PLAINTEXT Kafka listener', () => {
  test('refuses a listener URL without a way to check passwords', async () => {
    await assert.rejects(
      startKafkaListener({
        log,
        internalTopics: new InternalTopics(),
        listener: 'SASL_PLAINTEXT://127.0.0.1:0',
      }),
      /authentication.method=BASIC/,
    );
  });

  test('closes a connection that asks for anything but ApiVersions before authenticating', async () => {
    const c = await client();
    await assert.rejects(c.request(METADATA, 12, { topics: null }), /closed/);
    assert.ok(
      lines.some((l) => /Metadata before SASL authentication/.test(l)),
      lines.join('\n'),
    );
  });

  test('admits a user with the right password through SaslHandshake v1 and SaslAuthenticate', async () => {
    const c = await client();
    const handshake = await c.request(SASL_HANDSHAKE, 1, { mechanism: 'PLAIN' });
    assert.deepEqual([handshake.errorCode, handshake.mechanisms], [ErrorCode.NONE, ['PLAIN']]);
    const auth = await c.request(SASL_AUTHENTICATE, 2, { authBytes: token('alice', 'secret') });
    assert.equal(auth.errorCode, ErrorCode.NONE);
    const metadata = await c.request(METADATA, 12, { topics: null });
    assert.equal((metadata.brokers as unknown[]).length, 1);
  });

  test('answers a wrong password with SASL_AUTHENTICATION_FAILED and closes the connection', async () => {
    const c = await client();
    await c.request(SASL_HANDSHAKE, 1, { mechanism: 'PLAIN' });
    const auth = await c.request(SASL_AUTHENTICATE, 1, { authBytes: token('alice', 'guess') });
    assert.equal(auth.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
    assert.match(auth.errorMessage as string, /wrong user name or password/);
    await c.closed;
  });

  test('refuses another mechanism, naming PLAIN', async () => {
    const c = await client();
    const handshake = await c.request(SASL_HANDSHAKE, 1, { mechanism: 'SCRAM-SHA-256' });
    assert.deepEqual(
      [handshake.errorCode, handshake.mechanisms],
      [ErrorCode.UNSUPPORTED_SASL_MECHANISM, ['PLAIN']],
    );
  });

  test('takes the bare token that follows SaslHandshake v0', async () => {
    const c = await client();
    await c.request(SASL_HANDSHAKE, 0, { mechanism: 'PLAIN' });
    const bare = token('alice', 'secret');
    const size = Buffer.alloc(4);
    size.writeInt32BE(bare.length);
    const reply = new Promise<Buffer>((resolve) => c.socket.once('data', resolve));
    c.socket.write(Buffer.concat([size, bare]));
    assert.deepEqual(await reply, Buffer.alloc(4), 'an empty token back');
    const metadata = await c.request(METADATA, 1, { topics: null });
    assert.equal((metadata.brokers as unknown[]).length, 1);
  });
});
