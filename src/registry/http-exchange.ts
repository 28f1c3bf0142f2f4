// One HTTP(S) request and its whole answer as text, with the client's TLS material: what the
// registry client and its OAuth token fetch both send.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { RegistryTls } from './client-settings.js';

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
}

/**
 * A kept-alive connection the server closed while idle fails the next request sent on it with
 * ECONNRESET (or EPIPE) before the server read it; that request is sent once more on a new
 * connection, as Node's documentation advises (registrations and lookups are idempotent).
 */
export async function httpExchange(
  method: string,
  url: string,
  headers: Readonly<Record<string, string>>,
  payload: Buffer | undefined,
  tls: RegistryTls | undefined,
  timeoutMs: number,
): Promise<HttpAnswer> {
  // Several idle connections may have gone stale together; each is found and dropped in one try.
  for (let attempt = 1; ; attempt++) {
    try {
      return await exchangeOnce(method, url, headers, payload, tls, timeoutMs);
    } catch (err) {
      if (!(err instanceof StaleConnectionError) || attempt === 5) throw err;
    }
  }
}

class StaleConnectionError extends Error {}

function exchangeOnce(
  method: string,
  url: string,
  headers: Readonly<Record<string, string>>,
  payload: Buffer | undefined,
  tls: RegistryTls | undefined,
  timeoutMs: number,
): Promise<HttpAnswer> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const request = secure ? httpsRequest : httpRequest;
  const sent: Record<string, string> = { ...headers };
  if (payload !== undefined) sent['Content-Length'] = String(payload.length);
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method,
        headers: sent,
        timeout: timeoutMs,
        ...(secure && tls !== undefined
          ? {
              ...(tls.ca === undefined ? {} : { ca: tls.ca }),
              ...(tls.pfx === undefined ? {} : { pfx: tls.pfx }),
              ...(tls.key === undefined ? {} : { key: tls.key, cert: tls.cert }),
              ...(tls.passphrase === undefined ? {} : { passphrase: tls.passphrase }),
              ...(tls.checkHostName ? {} : { checkServerIdentity: () => undefined }),
            }
          : {}),
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const stale = req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
      reject(stale ? new StaleConnectionError(err.message, { cause: err }) : err);
    });
    req.end(payload);
  });
}
