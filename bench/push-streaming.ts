// A push query's rows streamed to a client on /query-stream (delimited, one row per write and,
// over HTTP/2, one row per DATA frame), over HTTP/1.1 and HTTP/2, beside a baseline in the same run:
// a bare node:http / node:http2 server writing the same row bytes the same way (one write per row,
// over HTTP/2 each waiting for the previous one to leave so that every row is its own frame).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttp1Server, request } from 'node:http';
import { connect, createServer as createHttp2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../src/app/index.js';
import { loadServerConfig } from '../src/config/index.js';

const ROWS = 100_000;

export interface StreamingFigure {
  readonly name: string;
  readonly rowsPerSecond: number;
}

/** Rows/s for reading the whole answer of one POST over HTTP/1.1 or HTTP/2. */
async function read(url: string, path: string, body: string, http2: boolean): Promise<number> {
  const start = performance.now();
  let bytes = 0;
  if (http2) {
    const session = connect(url, { settings: { initialWindowSize: 1 << 24 } });
    const req = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/json' });
    req.on('data', (c: Buffer) => {
      bytes += c.length;
    });
    req.end(body);
    await new Promise((resolve) => req.on('end', resolve));
    session.close();
  } else {
    await new Promise<void>((resolve, reject) => {
      const req = request(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      });
      req.on('response', (res) => {
        res.on('data', (c: Buffer) => {
          bytes += c.length;
        });
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(body);
    });
  }
  if (bytes === 0) throw new Error('nothing was read');
  return ROWS / ((performance.now() - start) / 1000);
}

const rowText = (i: number) => `["s-${i % 1000}",${i},"reading number ${i}",${(i % 997) / 10}]\n`;

/** The bare servers: the same row bytes, written as Sluice writes them. */
async function baseline(http2: boolean): Promise<number> {
  const rows = Array.from({ length: ROWS }, (_, i) => Buffer.from(rowText(i)));
  const server = http2
    ? createHttp2Server((_req, res) => {
        res.writeHead(200);
        void (async () => {
          for (const row of rows) await new Promise((resolve) => res.write(row, resolve));
          res.end();
        })();
      })
    : createHttp1Server((_req, res) => {
        res.writeHead(200);
        void (async () => {
          for (const row of rows)
            if (!res.write(row)) await new Promise((resolve) => res.once('drain', resolve));
          res.end();
        })();
      });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await read(`http://127.0.0.1:${port}`, '/', '{}', http2);
  } finally {
    server.close();
  }
}

export async function benchPushStreaming(): Promise<StreamingFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-stream-'));
  const server = await startServer(
    loadServerConfig({ flags: { listeners: 'http://127.0.0.1:0', 'sluice.data.dir': dir }, env: {} }),
  );
  try {
    const res = await fetch(`${server.url}/ksql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ksql: "CREATE STREAM readings (sensor STRING KEY, n BIGINT, label STRING, temp DOUBLE) WITH (KAFKA_TOPIC='readings', VALUE_FORMAT='JSON', PARTITIONS=1);",
      }),
    });
    if (res.status !== 200) throw new Error(await res.text());
    for (let i = 0; i < ROWS; i += 5000) {
      await server.log.append(
        'readings',
        Array.from({ length: 5000 }, (_, j) => {
          const n = i + j;
          return {
            key: Buffer.from(`s-${n % 1000}`),
            value: Buffer.from(JSON.stringify({ N: n, LABEL: `reading number ${n}`, TEMP: (n % 997) / 10 })),
          };
        }),
      );
    }
    const body = JSON.stringify({
      sql: `SELECT sensor, n, label, temp FROM readings EMIT CHANGES LIMIT ${ROWS};`,
      properties: { 'auto.offset.reset': 'earliest' },
    });
    const best = async (run: () => Promise<number>) => Math.max(await run(), await run(), await run());
    return [
      { name: 'bare node:http, one write per row', rowsPerSecond: await best(() => baseline(false)) },
      {
        name: 'push query, HTTP/1.1',
        rowsPerSecond: await best(() => read(server.url, '/query-stream', body, false)),
      },
      { name: 'bare node:http2, one frame per row', rowsPerSecond: await best(() => baseline(true)) },
      {
        name: 'push query, HTTP/2',
        rowsPerSecond: await best(() => read(server.url, '/query-stream', body, true)),
      },
    ];
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
