// A lean HTTP/1.1 load client for the pull-query bench, run in a child process of its own so that
// the client's work is not counted against the server (they share no event loop, and on two cores
// each has one): several keep-alive connections, one request in flight on each, requests written as
// ready-made bytes and answers read with a minimal parser (Content-Length or chunked bodies).
import { fork } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

export interface LoadRequest {
  readonly port: number;
  readonly path: string;
  /** The request bodies, used in turn. */
  readonly bodies: readonly string[];
  readonly requests: number;
  readonly connections: number;
  /** Each answer's body must hold this many non-empty lines (a header and its rows). */
  readonly lines: number;
}

export interface LoadResult {
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Where an answer that arrived whole ends in `buf`, and its status and body; undefined while partial. */
function parseAnswer(buf: Buffer): { end: number; status: number; body: string } | undefined {
  const headEnd = buf.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const head = buf.toString('latin1', 0, headEnd);
  const status = Number(head.slice(9, 12));
  const length = /\r\ncontent-length: *(\d+)/i.exec(head);
  let at = headEnd + 4;
  if (length !== null) {
    const end = at + Number(length[1]);
    return end > buf.length ? undefined : { end, status, body: buf.toString('utf8', at, end) };
  }
  let body = '';
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(buf.toString('latin1', at, lineEnd), 16);
    const dataEnd = lineEnd + 2 + size;
    if (dataEnd + 2 > buf.length) return undefined;
    if (size === 0) return { end: dataEnd + 2, status, body };
    body += buf.toString('utf8', lineEnd + 2, dataEnd);
    at = dataEnd + 2;
  }
}

async function run(load: LoadRequest): Promise<LoadResult> {
  const requests = load.bodies.map((b) =>
    Buffer.from(
      `POST ${load.path} HTTP/1.1\r\nHost: 127.0.0.1:${load.port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(b)}\r\n\r\n${b}`,
    ),
  );
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  const connection = () =>
    new Promise<void>((resolve, reject) => {
      const socket: Socket = connect({ port: load.port, host: '127.0.0.1', noDelay: true });
      let pending: Buffer = Buffer.alloc(0);
      let sentAt = 0;
      const send = () => {
        if (next >= load.requests) {
          socket.end();
          resolve();
          return;
        }
        const i = next++;
        sentAt = performance.now();
        socket.write(requests[i % requests.length]);
      };
      socket.on('connect', send);
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        const answer = parseAnswer(pending);
        if (answer === undefined) return;
        latencies.push(performance.now() - sentAt);
        pending = pending.subarray(answer.end);
        const lines = answer.body.split('\n').filter((l) => l !== '').length;
        if (answer.status !== 200 || lines !== load.lines) {
          socket.destroy();
          reject(new Error(`unexpected answer (${answer.status}): ${answer.body}`));
          return;
        }
        send();
      });
    });
  await Promise.all(Array.from({ length: load.connections }, connection));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { perSecond: load.requests / seconds, p50Ms: at(0.5), p99Ms: at(0.99) };
}

/** Runs the load from a child process and resolves with its figures. */
export function runLoad(load: LoadRequest): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child'], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('message', (m: { result?: LoadResult; error?: string }) => {
      child.kill();
      if (m.result !== undefined) resolve(m.result);
      else reject(new Error(m.error));
    });
    child.once('exit', (code) => reject(new Error(`the load client exited with ${code}`)));
    child.send(load);
  });
}

if (process.argv[2] === '--child') {
  process.once('message', (load: LoadRequest) => {
    run(load).then(
      (result) => process.send?.({ result }),
      (err: Error) => process.send?.({ error: err.message }),
    );
  });
}
