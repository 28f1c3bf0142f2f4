// Pull-query key lookups on a GROUP BY table over /query-stream (HTTP/1.1 keep-alive, several
// connections, from a load client in a process of its own), beside baselines measured in the same
// run: a bare node:http server answering the same requests with a constant of the same shape (the HTTP
// round trip alone), the same lookups through Fastify's route and planned each time, the engine's
// in-process rate, and the same number of rows read by one push query (rows moved without a request
// each). `node dist/bench/pull-queries.js` runs it alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../src/app/index.js';
import { loadServerConfig } from '../src/config/index.js';
import { runLoad } from './http-load.js';

const KEYS = 10_000;
const ORDERS = 50_000;
const LOOKUPS = 20_000;
/** Requests in flight at once, each on its own keep-alive connection. */
const CONCURRENCY = 8;

export interface PullFigure {
  readonly name: string;
  readonly perSecond: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  /** CPU time per lookup of the process doing it: steadier than rates on a busy machine. */
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

/**
 * LOOKUPS requests from the load client's process on CONCURRENCY connections: requests/s, latencies,
 * and the CPU time this process (the servers') spent per request.
 */
async function lookups(port: number, bodies: readonly string[]): Promise<Omit<PullFigure, 'name'>> {
  const cpu = process.cpuUsage();
  const result = await runLoad({
    port,
    path: '/query-stream',
    bodies,
    requests: LOOKUPS,
    connections: CONCURRENCY,
    lines: 2,
  });
  const used = process.cpuUsage(cpu);
  return { ...result, cpuMicros: (used.user + used.system) / LOOKUPS };
}

/** A bare server answering every POST with a /query-stream-shaped answer of one row. */
async function bareServer(): Promise<{ port: number; close(): void }> {
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
  return { port, close: () => server.close() };
}

export interface PullFigures {
  readonly bare: PullFigure;
  readonly pull: PullFigure;
  readonly routed: PullFigure;
  readonly planned: PullFigure;
  readonly engine: PullFigure;
  readonly push: PullFigure;
}

/**
 * `lookupsOnly` (for --cpu-prof) runs only the lookups of that server, 10 times, printing each run's rate and CPU.
 */
export async function benchPullQueries(lookupsOnly?: 'bare' | 'pull'): Promise<PullFigures | undefined> {
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
    const keyOf = (i: number) => `item-${(i * 7919) % KEYS}`;
    const bodies = (of: (i: number) => unknown) =>
      Array.from({ length: LOOKUPS }, (_, i) => JSON.stringify(of(i)));
    const lookupBodies = bodies((i) => ({ sql: `SELECT * FROM per_item WHERE item = '${keyOf(i)}';` }));
    // A request property sends the same lookups through Fastify's route instead of the fast path.
    const routedBodies = bodies((i) => ({
      sql: `SELECT * FROM per_item WHERE item = '${keyOf(i)}';`,
      properties: { 'ksql.query.pull.table.scan.enabled': 'true' },
    }));
    // Each text with a comment of its own has no shape to share: parsed and planned per request, as
    // before plans were shared by shape.
    const plannedBodies = bodies((i) => ({
      sql: `SELECT * FROM per_item /* ${i} */ WHERE item = '${keyOf(i)}';`,
    }));
    const best = async <T extends { perSecond: number }>(run: () => Promise<T>) => {
      const runs = [await run(), await run(), await run()];
      return runs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
    };
    const port = Number(new URL(server.url).port);
    if (lookupsOnly !== undefined) {
      for (let i = 0; i < 10; i++) {
        const f = await lookups(lookupsOnly === 'bare' ? bare.port : port, lookupBodies);
        console.log(`${Math.round(f.perSecond)} lookups/s, ${f.cpuMicros?.toFixed(1)} µs CPU each`);
      }
      return undefined;
    }
    const bareFigure = await best(() => lookups(bare.port, lookupBodies));
    const pullFigure = await best(() => lookups(port, lookupBodies));
    const routedFigure = await best(() => lookups(port, routedBodies));
    const plannedFigure = await best(() => lookups(port, plannedBodies));
    // The engine alone, one lookup after another in this process: open, read the row, done.
    const engineFigure = await best(async () => {
      const cpu = process.cpuUsage();
      const start = performance.now();
      for (let i = 0; i < LOOKUPS; i++) {
        const opened = await server.engine.openQuery(`SELECT * FROM per_item WHERE item = '${keyOf(i)}';`);
        if (opened.kind !== 'pull') throw new Error('expected a pull query');
        let rows = 0;
        for await (const batch of opened.query.rows) rows += batch.rows.length;
        if (rows !== 1) throw new Error(`expected one row, got ${rows}`);
      }
      const used = process.cpuUsage(cpu);
      return {
        perSecond: LOOKUPS / ((performance.now() - start) / 1000),
        cpuMicros: (used.user + used.system) / LOOKUPS,
      };
    });
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
    return {
      bare: { name: 'bare node:http, a constant answer', ...bareFigure },
      pull: { name: 'pull query key lookups', ...pullFigure },
      routed: { name: 'the same through Fastify (a property set)', ...routedFigure },
      planned: { name: 'the same, planned each time', ...plannedFigure },
      engine: { name: 'in-process lookups (engine only)', ...engineFigure },
      push: { name: 'push query rows, one request', ...pushFigure },
    };
  } finally {
    bare.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Prints the figures, each rate beside the bare server's of the same run. */
export function printPullFigures(f: PullFigures): void {
  console.log(
    `Pull-query key lookups on a GROUP BY table of ${KEYS.toLocaleString('en-US')} keys over /query-stream (HTTP/1.1 keep-alive, ${CONCURRENCY} connections from another process), ${LOOKUPS.toLocaleString('en-US')} lookups, best of 3 (aim ≥ 20,000/s, p99 < 5 ms)`,
  );
  for (const figure of [f.bare, f.pull, f.routed, f.planned, f.engine, f.push]) {
    const ratio =
      figure === f.bare || figure === f.push
        ? ''
        : `  ${((100 * figure.perSecond) / f.bare.perSecond).toFixed(0)} % of bare`;
    const cpu = figure.cpuMicros === undefined ? '' : `  ${figure.cpuMicros.toFixed(1)} µs CPU each`;
    const latency =
      figure.p99Ms === undefined
        ? ''
        : `  p50 ${figure.p50Ms?.toFixed(2)} ms, p99 ${figure.p99Ms.toFixed(2)} ms`;
    const unit = figure === f.push ? 'rows/s' : 'lookups/s';
    console.log(
      `  ${figure.name.padEnd(44)} ${Math.round(figure.perSecond).toLocaleString('en-US').padStart(10)} ${unit}${ratio}${latency}${cpu}`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const only = process.argv[2] === '--lookups-only' ? process.argv[3] : undefined;
  if (only !== undefined && only !== 'bare' && only !== 'pull') throw new Error('--lookups-only bare|pull');
  const figures = await benchPullQueries(only);
  if (figures !== undefined) printPullFigures(figures);
}
