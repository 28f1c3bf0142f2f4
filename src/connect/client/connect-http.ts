// One HTTP exchange with a Kafka Connect REST API over node:http/node:https (not fetch): https needs
// the client's own trust store, client certificate and host-name check (ksql.connect.ssl.*), which
// fetch cannot take without a dispatcher package.
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { PeerCertificate } from 'node:tls';

/** TLS for an https:// ksql.connect.url, as node:tls takes it. */
export interface ConnectTls {
  /** CA certificates (PEM) to trust instead of Node's bundled ones. */
  readonly ca?: Buffer;
  /** A client certificate: a PKCS#12 keystore, or PEM key and chain (mutual TLS). */
  readonly pfx?: Buffer;
  readonly key?: Buffer;
  readonly cert?: Buffer;
  readonly passphrase?: string;
  /** ksql.connect.ssl.endpoint.identification.algorithm=https (true) or empty/none (false). */
  readonly verifyHostname: boolean;
}

export interface HttpAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly body: string;
}

/** The request took longer than its timeout: it may still have been carried out. */
export class HttpTimeout extends Error {
  override readonly name = 'HttpTimeout';
}

export function sendHttp(
  url: URL,
  method: string,
  headers: OutgoingHttpHeaders,
  body: string | undefined,
  timeoutMs: number,
  tls: ConnectTls | undefined,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const options = {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
      ...(secure && tls !== undefined
        ? {
            ...(tls.ca === undefined ? {} : { ca: tls.ca }),
            ...(tls.pfx === undefined ? {} : { pfx: tls.pfx }),
            ...(tls.key === undefined ? {} : { key: tls.key }),
            ...(tls.cert === undefined ? {} : { cert: tls.cert }),
            ...(tls.passphrase === undefined ? {} : { passphrase: tls.passphrase }),
            ...(tls.verifyHostname
              ? {}
              : { checkServerIdentity: (_host: string, _cert: PeerCertificate) => undefined }),
          }
        : {}),
    };
    const onAnswer = (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
      res.on('error', fail);
    };
    const req = secure ? httpsRequest(url, options, onAnswer) : httpRequest(url, options, onAnswer);
    // The whole exchange, not just idle time: a Connect that trickles an answer is as stuck as a silent one.
    const timer = setTimeout(
      () => req.destroy(new HttpTimeout(`no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    function fail(err: Error) {
      clearTimeout(timer);
      reject(err);
    }
    req.on('error', fail);
    req.end(body);
  });
}
