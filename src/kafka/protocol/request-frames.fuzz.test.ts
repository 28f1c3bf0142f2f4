import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InternalTopics, SegmentLog } from '../../log/index.js';
import { decodeRequestFrame } from '../broker/frames.js';
import { startKafkaListener } from '../broker/kafka-listener.js';
import { RawKafkaClient } from '../broker/test-kafka-client.fixture.js';
import { BatchError, decodeRecords, readBatchHeaders } from '../records/record-batch.js';
import { MalformedRequestError } from './malformed.js';
import { API_VERSIONS } from './messages.js';

/*
 * Mutates real request frames (test/fuzz/kafka-request-seeds.txt: bytes kcat, kafka-python and
 * Kafka's Java tools sent, and every API at its lowest and highest version) and decodes them: the
 * decoder must answer with a request or a MalformedRequestError, and a produced batch inside with
 * records or a BatchError, never anything else. Then a share of them goes to a live listener, which
 * must answer or close that connection, never fail in a handler, and still serve a new client. A fixed
 * seed and budget keep CI repeatable; SLUICE_FUZZ_SEED and SLUICE_FUZZ_ITERATIONS run it longer.
 */

const root = new URL('../../../../', import.meta.url);
const ITERATIONS = Number(process.env.SLUICE_FUZZ_ITERATIONS ?? 5000);
const SEED = Number(process.env.SLUICE_FUZZ_SEED ?? 20261207);

function seeds(): Buffer[] {
  return readFileSync(new URL('test/fuzz/kafka-request-seeds.txt', root), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => Buffer.from(l.split(' ')[1], 'hex'));
}

/** mulberry32: the same sequence for the same seed everywhere. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe];

function mutate(seed: Buffer, next: () => number): Buffer {
  const bytes = [...seed];
  const edits = 1 + Math.floor(next() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(next() * Math.max(1, bytes.length));
    switch (Math.floor(next() * 6)) {
      case 0: // flip bits
        bytes[at] = (bytes[at] ?? 0) ^ (1 << Math.floor(next() * 8));
        break;
      case 1: // an interesting byte (lengths of -1, 127, 128, 255…)
        bytes[at] = INTERESTING[Math.floor(next() * INTERESTING.length)];
        break;
      case 2: // a huge or negative int32 where a length may be
        bytes.splice(at, 4, ...[0x7f, 0xff, 0xff, 0xff].map((b) => (next() < 0.5 ? b : 0xff)));
        break;
      case 3: // cut
        bytes.length = at;
        break;
      case 4: // insert
        bytes.splice(at, 0, Math.floor(next() * 256));
        break;
      default: // duplicate a slice
        bytes.splice(at, 0, ...bytes.slice(at, at + Math.floor(next() * 16)));
    }
  }
  return Buffer.from(bytes);
}

function checkDecode(frame: Buffer): void {
  let decoded: ReturnType<typeof decodeRequestFrame>;
  try {
    decoded = decodeRequestFrame(frame);
  } catch (err) {
    if (err instanceof MalformedRequestError) return;
    throw new Error(`decoding ${frame.toString('hex')} threw ${(err as Error).stack}`);
  }
  if (decoded.kind !== 'request' || decoded.api.schema.name !== 'Produce') return;
  for (const topic of decoded.body.topicData as { partitionData: { records: Buffer | null }[] }[]) {
    for (const p of topic.partitionData) {
      if (p.records === null) continue;
      try {
        for (const header of readBatchHeaders(p.records)) {
          if (header.compression === 0) decodeRecords(header, header.payload);
        }
      } catch (err) {
        if (err instanceof BatchError) continue;
        throw new Error(`the batch in ${frame.toString('hex')} threw ${(err as Error).stack}`);
      }
    }
  }
}

test('every seed decodes as the request it is', () => {
  for (const seed of seeds()) {
    const decoded = decodeRequestFrame(seed);
    assert.equal(decoded.kind, 'request', seed.toString('hex'));
  }
});

test(`mutated request frames decode or are refused as malformed (${ITERATIONS} on seed ${SEED})`, () => {
  const next = random(SEED);
  const corpus = seeds();
  for (let i = 0; i < ITERATIONS; i++) checkDecode(mutate(corpus[Math.floor(next() * corpus.length)], next));
});

test('a live listener answers or closes on mutated frames, never fails in a handler, and serves on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-kafka-fuzz-'));
  const log = await SegmentLog.open({ dataDir: dir });
  const lines: string[] = [];
  const listener = await startKafkaListener({
    log,
    internalTopics: new InternalTopics(),
    listener: 'PLAINTEXT://127.0.0.1:0',
    maxRequestBytes: 1 << 20,
    groupInitialRebalanceDelayMs: 0,
    writeLine: (line) => lines.push(line),
  });
  try {
    await log.createTopic('t', { partitions: 2 });
    const next = random(SEED + 1);
    const corpus = seeds();
    for (let i = 0; i < Math.ceil(ITERATIONS / 20); i++) {
      const frame = mutate(corpus[Math.floor(next() * corpus.length)], next);
      // A mutated JoinGroup or Fetch may rightly wait (a rebalance, a long poll): each frame gets its
      // own connection, which is closed once it answers or after the listener had a turn with it.
      await new Promise<void>((resolve) => {
        const socket = connect(listener.port, '127.0.0.1', () => {
          const size = Buffer.alloc(4);
          size.writeInt32BE(frame.length);
          socket.write(Buffer.concat([size, frame]));
          setImmediate(() => setImmediate(() => socket.destroy()));
        });
        socket.on('data', () => socket.destroy());
        socket.on('error', () => {});
        socket.on('close', () => resolve());
      });
    }
    const failures = lines.filter((l) => / failed: /.test(l));
    assert.deepEqual(failures, [], failures.join('\n'));
    const client = await RawKafkaClient.connect(listener.port);
    const answer = await client.request(API_VERSIONS, 3, {
      clientSoftwareName: 'after',
      clientSoftwareVersion: '1',
    });
    assert.equal(answer.errorCode, 0);
    client.close();
  } finally {
    await listener.close();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
