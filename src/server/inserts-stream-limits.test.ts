import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import type { RunningServer } from '../app/index.js';
import { serverForTests } from './test-server.fixture.js';

// A streamed /inserts-stream body is bounded per line and in all; rows before the limit are written.
let server: RunningServer;

serverForTests(
  { 'sluice.inserts.stream.max.line.bytes': '100', 'sluice.inserts.stream.max.bytes': '3000' },
  async (s) => {
    server = s;
    const res = await fetch(`${server.url}/ksql`, {
      method: 'POST',
      body: JSON.stringify({
        ksql: "CREATE STREAM s (v STRING) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON', PARTITIONS=1);",
      }),
    });
    assert.equal(res.status, 200);
  },
);

/** Sends `chunks` one write each and resolves with the status and the acknowledgement lines. */
function insertStream(
  chunks: readonly string[],
): Promise<{ status: number; lines: Record<string, unknown>[] }> {
  const url = new URL(`${server.url}/inserts-stream`);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          lines: text
            .split('\n')
            .filter((l) => l !== '')
            .map((l) => JSON.parse(l)),
        }),
      );
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

const header = `${JSON.stringify({ target: 'S' })}\n`;
const row = (v: string) => `${JSON.stringify({ V: v })}\n`;
const written = async () =>
  (await server.log.read('s', 0, 0)).records.map((r) => JSON.parse(r.value!.toString()).V as string);

test('a line longer than the limit ends the stream with an error after the rows before it', async () => {
  const long = row('x'.repeat(150));
  // The long line arrives in small pieces, as a slow client would send it.
  const pieces = long.match(/.{1,7}/gs) ?? [];
  const result = await insertStream([header, row('a'), row('b'), ...pieces, row('never')]);
  assert.equal(result.status, 200);
  assert.deepEqual(
    result.lines.map((l) => l.status),
    ['ok', 'ok', 'error'],
  );
  assert.match(
    String(result.lines[2].message),
    /longer than 100 bytes \(sluice\.inserts\.stream\.max\.line\.bytes\)/,
  );
  assert.deepEqual(await written(), ['a', 'b']);
});

test('a header longer than the limit answers 400', async () => {
  const result = await insertStream([`{"target": "S", "pad": "${'p'.repeat(200)}"}\n`, row('c')]);
  assert.equal(result.status, 400);
  assert.match(String(result.lines[0].message), /sluice\.inserts\.stream\.max\.line\.bytes/);
});

test('a body longer than the limit ends with an error; what came before is written', async () => {
  const before = (await written()).length;
  const rows = Array.from({ length: 200 }, (_, i) => row(`r${i}-${'x'.repeat(20)}`));
  const result = await insertStream([header, ...rows]);
  assert.equal(result.status, 200);
  const last = result.lines.at(-1)!;
  assert.equal(last.status, 'error');
  assert.match(String(last.message), /longer than 3000 bytes \(sluice\.inserts\.stream\.max\.bytes\)/);
  const ok = result.lines.filter((l) => l.status === 'ok').length;
  // The header (15 bytes), 10 rows of 32 and 80 of 33 fit in 3000 bytes, wherever the chunks end.
  assert.equal(ok, 90);
  assert.equal((await written()).length, before + ok, 'every acknowledged row was written, no other');
});
