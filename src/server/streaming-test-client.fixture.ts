import { connect } from 'node:http2';

export interface Http2Answer {
  readonly status: number;
  readonly contentType: string | undefined;
  /** The body as the client's 'data' events gave it: one chunk per DATA frame received. */
  readonly chunks: readonly Buffer[];
  readonly body: Buffer;
}

/**
 * POSTs over cleartext HTTP/2 (prior knowledge) and collects the answer chunk by chunk. The
 * client's flow-control window is large so that no frame is cut short for want of window (HTTP/2
 * lets a sender split a frame then, whoever the server is).
 */
export async function http2Post(
  baseUrl: string,
  path: string,
  body: string,
  headers: Record<string, string> = {},
  options: { readonly rejectUnauthorized?: boolean } = {},
): Promise<Http2Answer> {
  const session = connect(baseUrl, { ...options, settings: { initialWindowSize: 1 << 24 } });
  session.on('error', () => {});
  try {
    const req = session.request({ ':method': 'POST', ':path': path, ...headers });
    req.end(Buffer.from(body));
    return await new Promise<Http2Answer>((resolve, reject) => {
      let status = 0;
      let contentType: string | undefined;
      const chunks: Buffer[] = [];
      req.on('response', (h) => {
        status = Number(h[':status']);
        contentType = h['content-type'];
      });
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => resolve({ status, contentType, chunks, body: Buffer.concat(chunks) }));
      req.on('error', reject);
    });
  } finally {
    session.close();
  }
}

/** The tests' one polling wait (until a condition holds, or fail naming it). */
export { until } from '../connect/worker/test-worker.fixture.js';
