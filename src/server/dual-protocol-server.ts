import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  createServer as createHttp2Server,
  createSecureServer,
  type Http2SecureServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
} from 'node:http2';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import type { TlsOptions as TlsServerOptions } from 'node:tls';
import {
  type ClientCertificateOptions,
  refuseUntrustedCertificates,
} from '../connect/rest/client-certificates.js';

export type RequestHandler = (
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
) => void;

const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0');

/**
 * One port for HTTP/1.1 and cleartext HTTP/2 with prior knowledge, as ksqlDB serves them: the first
 * bytes of a connection tell which. (`http2.createServer({ allowHTTP1 })` only does this over TLS.)
 */
export function createDualProtocolServer(handler: RequestHandler, idleTimeoutMs?: number): Server {
  const h1 = createHttp1Server(handler as (req: IncomingMessage, res: ServerResponse) => void);
  const h2 = createHttp2Server(handler as (req: Http2ServerRequest, res: Http2ServerResponse) => void);
  h1.keepAliveTimeout = 5000;
  // A streamed /inserts-stream body may last for hours: the idle timeout, not a whole-request
  // deadline, ends connections that stopped moving.
  h1.requestTimeout = 0;
  const sockets = new Set<Socket>();
  // Sockets handed to h1/h2 by 'connection' skip the options those servers apply to sockets they
  // accept themselves: without noDelay a short answer's last chunk waits for the client's delayed ACK.
  const server = createNetServer({ noDelay: true }, (socket) => {
    closeWhenIdle(socket, idleTimeoutMs);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.once('readable', function sniff() {
      const head: Buffer | null = socket.read();
      if (head === null) {
        socket.once('readable', sniff);
        return;
      }
      socket.unshift(head);
      const isHttp2 = head.subarray(0, HTTP2_PREFACE.length).equals(HTTP2_PREFACE);
      (isHttp2 ? h2 : h1).emit('connection', socket);
    });
  });
  // Closing must not wait for idle keep-alive connections.
  const close = server.close.bind(server);
  server.close = (callback?: (err?: Error) => void) => {
    close(callback);
    h1.closeIdleConnections();
    for (const s of sockets) s.destroy();
    return server;
  };
  return server;
}

/**
 * The server's certificate and key (a PKCS#12 keystore, or PEM text holding both), and the client
 * certificates it asks for (mutual TLS), if any.
 */
export type TlsOptions = (
  | { readonly pfx: Buffer; readonly passphrase: string | undefined }
  | { readonly pem: Buffer; readonly passphrase: string | undefined }
) & { readonly clientCertificates?: ClientCertificateOptions };

/**
 * HTTP/1.1 and HTTP/2 over TLS on one port: ALPN chooses the protocol, as ksqlDB's TLS listener does.
 */
export function createTlsServer(
  handler: RequestHandler,
  tls: TlsOptions,
  idleTimeoutMs?: number,
): Http2SecureServer {
  const server = createSecureServer(
    { allowHTTP1: true, ...tlsServerOptions(tls) },
    handler as (req: Http2ServerRequest, res: Http2ServerResponse) => void,
  );
  server.on('connection', (socket: Socket) => closeWhenIdle(socket, idleTimeoutMs));
  refuseUntrustedCertificates(server, tls.clientCertificates);
  return server;
}

/**
 * What a node:tls server takes for these options: the keystore, its password, and the CAs and
 * checks for client certificates. Shared by the REST listener and the Kafka SSL:// listener.
 */
export function tlsServerOptions(tls: TlsOptions): TlsServerOptions {
  return {
    ...tlsMaterial(tls),
    ...(tls.passphrase === undefined ? {} : { passphrase: tls.passphrase }),
    ...(tls.clientCertificates === undefined
      ? {}
      : {
          ca: tls.clientCertificates.ca,
          requestCert: true,
          rejectUnauthorized: tls.clientCertificates.rejectUnauthorized,
        }),
  };
}

/** The options node:tls takes for a keystore. */
export function tlsMaterial(tls: TlsOptions): { pfx: Buffer } | { key: Buffer; cert: Buffer } {
  return 'pfx' in tls ? { pfx: tls.pfx } : { key: tls.pem, cert: tls.pem };
}

/**
 * ksql.idle.connection.timeout.seconds: a connection with no bytes in either direction for that
 * long is closed (a push query that emits rows, or a client that sends, keeps it open).
 */
function closeWhenIdle(socket: Socket, idleTimeoutMs: number | undefined): void {
  if (idleTimeoutMs === undefined) return;
  // Node caps timers at 2^31-1 ms (a larger one would fire at once).
  socket.setTimeout(Math.min(idleTimeoutMs, 2 ** 31 - 1), () => socket.destroy());
}
