import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { test } from 'node:test';
import type { PullQuery } from '../engine/index.js';
import { writeLookupAnswer, writeQueryAnswer } from './query-answer.js';

// The key-lookup writer (rows read and written at once) gives the bytes of the streamed writer, for
// every layout, for answers of no rows, one batch, several batches, and reading that fails.

/** The values these rows hold (a subset of the engine's). */
type SqlValue = string | bigint;
type Batch = { rows: SqlValue[][] };

const TYPES: PullQuery['types'] = [{ kind: 'STRING' }, { kind: 'BIGINT' }];

/** A table key lookup giving `batches` (an Error among them is thrown when reached). */
function lookupOf(batches: readonly (Batch | Error)[], limit?: number): PullQuery & { closed: number } {
  const query = {
    queryId: 'query_1',
    columnNames: ['ITEM', 'N'],
    columnTypes: ['STRING', 'BIGINT'],
    types: TYPES,
    keyColumns: [true, false],
    overTable: true,
    limit,
    closed: 0,
    rows: (async function* () {})(),
    batchesNow: function* () {
      for (const b of batches) {
        if (b instanceof Error) throw b;
        yield { rows: b.rows, tombstones: undefined };
      }
    },
    close: () => {
      query.closed++;
    },
  };
  return query;
}

/** The raw HTTP answer (Date header aside) of `write` for a POST with `accept`. */
async function answerOf(write: (res: ServerResponse) => Promise<void> | undefined, accept?: string) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      void write(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<string>((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' });
      let text = '';
      socket.setEncoding('utf8');
      socket.on('connect', () =>
        socket.write(
          `POST / HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: 0\r\n${accept === undefined ? '' : `accept: ${accept}\r\n`}\r\n`,
        ),
      );
      socket.on('data', (c: string) => {
        text += c;
      });
      socket.on('end', () => resolve(text.replace(/\r\ndate: [^\r]*/i, '')));
      socket.on('error', reject);
    });
  } finally {
    server.close();
  }
}

const row = (item: string, n: bigint): SqlValue[] => [item, n];
const many = (count: number, from = 0) => ({
  rows: Array.from({ length: count }, (_, i) => row(`item-${from + i}`, BigInt(i))),
});

test('a lookup written at once answers as the streamed writer does, in every layout and answer length', async () => {
  const cases: [string, (Batch | Error)[], number | undefined][] = [
    ['no rows', [], undefined],
    ['one row', [{ rows: [row('pear', 2n)] }], undefined],
    ['rows up to the limit', [many(3)], 3],
    ['several batches', [many(2), many(2, 2), many(1, 4)], undefined],
    ['reading fails at once', [new Error('store closed')], undefined],
    ['reading fails after a batch', [many(2), new Error('store closed')], undefined],
    ['reading fails after two batches', [many(2), many(1, 2), new Error('store closed')], undefined],
  ];
  const layouts: ['/query' | '/query-stream', string | undefined][] = [
    ['/query-stream', undefined],
    ['/query-stream', 'application/json'],
    ['/query-stream', 'application/vnd.ksql.v1+json'],
    ['/query', undefined],
  ];
  for (const [name, batches, limit] of cases) {
    for (const [endpoint, accept] of layouts) {
      const fast = lookupOf(batches, limit);
      const streamed = lookupOf(batches, limit);
      const a = await answerOf((res) => writeLookupAnswer(res, fast, endpoint, accept), accept);
      const b = await answerOf(
        (res) => writeQueryAnswer(res, { kind: 'pull', query: streamed }, endpoint, accept),
        accept,
      );
      assert.equal(a, b, `${name}, ${endpoint} ${accept ?? ''}`);
      assert.match(a, /^HTTP\/1\.1 200 OK\r\n/);
      assert.ok(fast.closed >= 1, `${name}: the query is closed`);
    }
  }
});

test('a lookup of one batch is written before the writer returns (no promise to wait for)', async () => {
  let pending: unknown = 'not called';
  let ended = false;
  await answerOf((res) => {
    pending = writeLookupAnswer(res, lookupOf([{ rows: [row('pear', 2n)] }]), '/query-stream', undefined);
    ended = res.writableEnded;
    return undefined;
  });
  assert.equal(pending, undefined);
  assert.ok(ended, 'the response was ended within the call');
});
