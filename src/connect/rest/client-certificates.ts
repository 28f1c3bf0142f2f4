// Client certificates (mutual TLS) for the https listeners: which CAs to trust and whether a client
// must, may or need not present a certificate. Shared by the ksqlDB and the Connect listener.
import { readFileSync } from 'node:fs';
import type { Server as NetServer } from 'node:net';
import type { TLSSocket } from 'node:tls';

export type ClientAuthentication = 'NONE' | 'REQUESTED' | 'REQUIRED';

/** What node:tls takes to ask for and check client certificates. */
export interface ClientCertificateOptions {
  readonly ca: Buffer;
  readonly requestCert: true;
  /** REQUIRED: the handshake fails without a trusted certificate. */
  readonly rejectUnauthorized: boolean;
  readonly clientAuthentication: Exclude<ClientAuthentication, 'NONE'>;
}

export interface TruststoreSettings {
  /** NONE, REQUESTED or REQUIRED, and the setting that gave it, for messages. */
  readonly clientAuthentication: ClientAuthentication;
  readonly clientAuthenticationSetting: string;
  readonly location: string | undefined;
  readonly locationSetting: string;
  /** PEM certificates given in the config itself (ssl.truststore.certificates), and its setting. */
  readonly certificates?: string | undefined;
  readonly certificatesSetting?: string;
  /** As given, or undefined when left to its default (the file's content then decides). */
  readonly type: string | undefined;
  readonly typeSetting: string;
}

/**
 * The trusted CAs and how to use them, or undefined for NONE. A truststore must be PEM (one or more
 * CERTIFICATE blocks): Node reads no PKCS12 or JKS truststore, and saying so beats trusting nothing.
 */
export function clientCertificateOptions(s: TruststoreSettings): ClientCertificateOptions | undefined {
  if (s.clientAuthentication === 'NONE') return undefined;
  if (s.certificates !== undefined && s.certificates !== '') {
    if (!s.certificates.includes('-----BEGIN CERTIFICATE-----'))
      throw new Error(`${s.certificatesSetting} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`);
    return {
      ca: Buffer.from(s.certificates),
      requestCert: true,
      rejectUnauthorized: s.clientAuthentication === 'REQUIRED',
      clientAuthentication: s.clientAuthentication,
    };
  }
  if (s.location === undefined || s.location === '')
    throw new Error(
      `${s.clientAuthenticationSetting}=${s.clientAuthentication} needs the CA certificates to trust: set ${s.locationSetting} to a PEM file (and ${s.typeSetting}=PEM).`,
    );
  let bytes: Buffer;
  try {
    bytes = readFileSync(s.location);
  } catch (err) {
    throw new Error(
      `Cannot read the truststore ${s.locationSetting}=${s.location}: ${(err as Error).message}`,
    );
  }
  const isPem = bytes.includes('-----BEGIN CERTIFICATE-----');
  const type = s.type?.toUpperCase();
  if (type !== undefined && type !== 'PEM')
    throw new Error(
      `${s.typeSetting}=${s.type} is not supported for client certificates: give the CA certificates as PEM (openssl pkcs12 -in ${s.location} -nokeys -out ca.pem, or keytool -exportcert -rfc for JKS) and set ${s.typeSetting}=PEM.`,
    );
  if (!isPem)
    throw new Error(
      `The truststore ${s.locationSetting}=${s.location} holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the CA certificates as PEM and set ${s.typeSetting}=PEM.`,
    );
  return {
    ca: bytes,
    requestCert: true,
    rejectUnauthorized: s.clientAuthentication === 'REQUIRED',
    clientAuthentication: s.clientAuthentication,
  };
}

/** ksqlDB's NONE|REQUESTED|REQUIRED, or Kafka Connect's none|requested|required. */
export function parseClientAuthentication(value: string | undefined, setting: string): ClientAuthentication {
  const upper = (value ?? 'NONE').trim().toUpperCase();
  if (upper === 'NONE' || upper === 'REQUESTED' || upper === 'REQUIRED') return upper;
  throw new Error(`${setting}=${value} is not one of NONE, REQUESTED, REQUIRED.`);
}

/**
 * REQUESTED lets a client without a certificate in, but not one whose certificate is not trusted
 * (as Java's wantClientAuth does): node:tls only checks presented certificates when it requires them.
 */
export function refuseUntrustedCertificates(
  server: NetServer,
  options: ClientCertificateOptions | undefined,
): void {
  if (options === undefined || options.rejectUnauthorized) return;
  server.on('secureConnection', (socket: TLSSocket) => {
    const peer = socket.getPeerCertificate();
    const presented = peer !== null && typeof peer === 'object' && Object.keys(peer).length > 0;
    if (presented && !socket.authorized) socket.destroy();
  });
}
