import assert from 'node:assert/strict';
import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { test } from 'node:test';
import { StreamingResponse } from './streaming-response.js';

/** Serves one request with `respond`; resolves with the body and how many times the socket was written. */
async function serveOnce(respond: (res: ServerResponse) => Promise<void>) {
  let flushes = 0;
  const server = createServer((req, res: ServerResponse) => {
    // Count what reaches the socket's handle: one call per write or per corked batch.
    const socket = res.socket as Socket & { _write: unknown; _writev: unknown };
    for (const name of ['_write', '_writev'] as const) {
      const original = socket[name] as (...args: unknown[]) => unknown;
      socket[name] = (...args: unknown[]) => {
        flushes++;
        return original.apply(socket, args);
      };
    }
    req.resume();
    req.on('end', () => {
      void respond(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const body = await new Promise<string>((resolve, reject) => {
      const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/' }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
    return { body, flushes };
  } finally {
    server.close();
  }
}

test('endWith sends the last elements and the end of an HTTP/1.1 body in one write', async () => {
  const { body, flushes } = await serveOnce(async (res) => {
    const out = new StreamingResponse(res, 200, 'application/vnd.ksqlapi.delimited.v1', () => {});
    await out.endWith(['{"queryId":"q"}\n', '["pear",2]\n', '']);
  });
  assert.equal(body, '{"queryId":"q"}\n["pear",2]\n');
  assert.equal(flushes, 1, 'status line, headers, rows and the last chunk leave together');
});
