// Pull-query key lookups on a GROUP BY table over /query-stream (HTTP/1.1 keep-alive), beside two
// baselines measured in the same run: a bare node:http server answering the same kind of request with
// a fixed body of the same shape (the HTTP round trip alone), and the same number of rows read by one
// push query on /query-stream (rows moved without a request each).
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../src/app/index.js';
import { loadServerConfig } from '../src/config/index.js';

const KEYS = 10_000;
const ORDERS = 50_000;
const LOOKUPS = 5_000;
/** Requests in flight at once, each on its own keep-alive connection. */
const CONCURRENCY = 4;

export interface PullFigure {
  readonly name: string;
  readonly perSecond: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  /** This process's CPU time (client and server) per request: steadier than rates on a busy machine. */
  readonly cpuMicros?: number;
}

/** POSTs `body` and resolves with the answer's text, on the agent's keep-alive connections. */
function post(agent: Agent, url: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(text))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs LOOKUPS requests, CONCURRENCY at a time: requests/s and latency percentiles. */
async function lookups(url: string, bodyOf: (i: number) => string, check: (text: string) => void) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let next = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const worker = async () => {
    while (next < LOOKUPS) {
      const i = next++;
      const t = performance.now();
      check(await post(agent, url, bodyOf(i)));
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  const cpuMicros = (used.user + used.system) / LOOKUPS;
  return { perSecond: LOOKUPS / seconds, p50Ms: at(0.5), p99Ms: at(0.99), cpuMicros };
}

/** A bare server answering every POST with a /query-stream-shaped answer of one row. */
async function bareServer(): Promise<{ url: string; close(): void }> {
  const answer =
    '{"queryId":"query_1","columnNames":["ITEM","N","TOTAL"],"columnTypes":["STRING","BIGINT","INTEGER"]}\n["item-1",5,25]\n';
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/vnd.ksqlapi.delimited.v1' });
      res.end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/query-stream`, close: () => server.close() };
}

export async function benchPullQueries(): Promise<PullFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-pull-'));
  const server = await startServer(
    loadServerConfig({ flags: { listeners: 'http://127.0.0.1:0', 'sluice.data.dir': dir }, env: {} }),
  );
  const bare = await bareServer();
  try {
    const created = await fetch(`${server.url}/ksql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ksql: `CREATE STREAM orders (id STRING KEY, item STRING, qty INT) WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON', PARTITIONS=1);
          CREATE TABLE per_item AS SELECT item, COUNT(*) AS n, SUM(qty) AS total FROM orders GROUP BY item;`,
        streamsProperties: { 'auto.offset.reset': 'earliest' },
      }),
    });
    if (created.status !== 200) throw new Error(await created.text());
    for (let i = 0; i < ORDERS; i += 5000) {
      await server.log.append(
        'orders',
        Array.from({ length: 5000 }, (_, j) => {
          const n = i + j;
          return {
            key: Buffer.from(`o-${n}`),
            value: Buffer.from(JSON.stringify({ ITEM: `item-${n % KEYS}`, QTY: 5 })),
          };
        }),
      );
    }
    const queryStream = `${server.url}/query-stream`;
    const lastKey = `item-${(ORDERS - 1) % KEYS}`;
    const agent = new Agent({ keepAlive: true });
    // The CTAS runs in the background: wait until its last group has all its orders.
    const perKey = ORDERS / KEYS;
    for (;;) {
      const text = await post(
        agent,
        queryStream,
        JSON.stringify({ sql: `SELECT n FROM per_item WHERE item = '${lastKey}';` }),
      );
      if (text.split('\n')[1] === `[${perKey}]`) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    agent.destroy();
    const lookupBody = (i: number) =>
      JSON.stringify({ sql: `SELECT * FROM per_item WHERE item = 'item-${(i * 7919) % KEYS}';` });
    const oneRow = (text: string) => {
      if (text.split('\n').filter((l) => l !== '').length !== 2) throw new Error(`expected one row: ${text}`);
    };
    const best = async <T extends { perSecond: number }>(run: () => Promise<T>) => {
      const runs = [await run(), await run(), await run()];
      return runs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
    };
    // Each text with a comment of its own has no shape to share: parsed and planned per request, as
    // before plans were shared by shape.
    const plannedBody = (i: number) =>
      JSON.stringify({
        sql: `SELECT * FROM per_item /* ${i} */ WHERE item = 'item-${(i * 7919) % KEYS}';`,
      });
    const bareFigure = await best(() => lookups(bare.url, lookupBody, oneRow));
    const pullFigure = await best(() => lookups(queryStream, lookupBody, oneRow));
    const plannedFigure = await best(() => lookups(queryStream, plannedBody, oneRow));
    // The same number of rows through one push query over the stream (no request per row).
    const pushBody = JSON.stringify({
      sql: `SELECT id, item, qty FROM orders EMIT CHANGES LIMIT ${LOOKUPS};`,
      properties: { 'auto.offset.reset': 'earliest' },
    });
    const pushFigure = await best(async () => {
      const start = performance.now();
      const text = await post(new Agent(), queryStream, pushBody);
      if (text.split('\n').filter((l) => l !== '').length !== LOOKUPS + 1)
        throw new Error('push query rows missing');
      return { perSecond: LOOKUPS / ((performance.now() - start) / 1000) };
    });
    return [
      { name: 'bare node:http round trips', ...bareFigure },
      { name: 'pull query key lookups', ...pullFigure },
      { name: 'push query rows, one request', ...pushFigure },
      { name: 'pull query key lookups, planned each time', ...plannedFigure },
    ];
  } finally {
    bare.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
